"""Errors the library reports to people (the CLI prints them and exits 2)."""


class BuildError(Exception):
    """An input that cannot be built: a syntax error, a missing quote, a failed check."""
