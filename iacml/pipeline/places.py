"""Where in the user's own files a problem is: ``file:line:column``.

rdflib's parsers keep no positions, so a problem found in a parsed graph (a
quote, a literal, a term) is placed by finding the text that wrote it in the
files it was read from. Lines and columns are 1-based, as editors count them.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path


def shown(path: Path) -> str:
    """``path`` relative to the working directory when it is under it (shorter to read,
    and what a person typed), else as it is."""
    try:
        return os.path.relpath(path) if path.resolve().is_relative_to(Path.cwd()) else str(path)
    except (OSError, ValueError):
        return str(path)


def line_column(text: str, offset: int) -> tuple[int, int]:
    """The 1-based line and column of character ``offset`` of ``text``."""
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


@lru_cache(maxsize=64)
def _text(path: Path, mtime_ns: int) -> str:
    return path.read_text(encoding="utf-8", errors="replace")


def place(files: Iterable[Path], *needles: str) -> str:
    """``file:line:column`` of the first of ``needles`` found in ``files`` (tried in
    order), else the file names: the best place a person can be sent to."""
    files = list(files)
    for needle in needles:
        if not needle:
            continue
        for path in files:
            try:
                text = _text(path, path.stat().st_mtime_ns)
            except OSError:
                continue
            offset = text.find(needle)
            if offset >= 0:
                line, column = line_column(text, offset)
                return f"{shown(path)}:{line}:{column}"
    return ", ".join(shown(p) for p in files) or "(entry)"
