"""The validation pipeline: parse, quotes, reasoning, QC, shapes, report."""
