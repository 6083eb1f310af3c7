"""The IACML knowledge graph: loading, quote checking, reasoning, validation, the build."""

__version__ = "0.1.0"
