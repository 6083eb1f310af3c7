"""The server's cache folder (``IACML_CACHE_DIR``, under ``instance/``) and its bound.

What the server computes once per data version is kept on disk: the download dumps
(:mod:`server.ld.dumpcache`, one folder per data version) and the closure the entry
checks use (``checks/``, one file per dump). Every accepted write is a new data
version, so without a bound the folder grows with every write. :func:`prune` keeps it
under ``IACML_CACHE_MAX_BYTES``: past the bound, files go least recently written first,
except those of the version being served, which its answers still use.
"""

from __future__ import annotations

import os
import time
from pathlib import Path


def prune(root: Path, max_bytes: int, keep: Path | None = None) -> int:
    """Delete the least recently written files under ``root`` (never under ``keep``)
    until the folder holds at most ``max_bytes``; the bytes it holds after."""
    files = []
    for path in root.rglob("*"):
        try:
            if path.is_file():
                stat = path.stat()
                files.append((stat.st_mtime_ns, stat.st_size, path))
        except OSError:  # removed meanwhile by another web worker
            continue
    total = sum(size for _, size, _ in files)
    for _, size, path in sorted(files, key=lambda item: item[0]):
        if total <= max_bytes:
            break
        if keep is not None and path.is_relative_to(keep):
            continue
        try:
            path.unlink()
        except OSError:
            continue
        total -= size
    _remove_empty_folders(root, keep)
    return total


#: An empty folder younger than this may be one another web worker is filling.
SETTLED_SECONDS = 60


def _remove_empty_folders(root: Path, keep: Path | None) -> None:
    settled = time.time() - SETTLED_SECONDS
    for folder, _dirs, _files in os.walk(root, topdown=False):
        path = Path(folder)
        if path in (root, keep):
            continue
        try:
            if path.stat().st_mtime < settled:
                path.rmdir()  # only succeeds on an empty folder
        except OSError:
            continue


def size(root: Path) -> int:
    """The bytes of the files under ``root``."""
    return sum(p.stat().st_size for p in root.rglob("*") if p.is_file())
