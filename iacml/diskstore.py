"""The build's on-disk store: the dump in a RocksDB folder that every server process
opens read-only (``pyoxigraph.Store.read_only``) instead of loading the dump.

Loading the N-Quads dump into memory costs every process that holds the data (each web
worker's query zygote and its lookup copy) the whole dataset in memory and seconds of
start-up that grow with the data (SF 10: 4.8 s and 156 MiB per copy). Opened read-only,
one RocksDB folder is ready in ~0.04 s at any scale, and its pages sit in the page cache,
shared by every process, not in any one's memory (bench/store_options.py,
docs/performance.md).

The build writes ``build/iacml.oxigraph/`` beside ``build/iacml.nq`` and then
``build/iacml.oxigraph.json``, which names the dump the folder holds (size, modification
time, SHA-256) and its size in quads. A server uses the folder only when that file
matches the dump it serves: a dump given by ``IACML_DATASET`` without a store of its own
(a test fixture, a copy) or with a stale one (a build that stopped half way) is loaded
into memory as before. ``iacml store DUMP`` writes the store of any dump (the benchmark's
scaled dumps).

A running server keeps reading the store it opened even when a new build replaces the
folder: RocksDB opens every table file when the store is opened, and a removed file
stays readable through the open descriptor.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from .defaultgraph import has_merge, merge_default_graph

#: The store folder's name is the dump's stem with this suffix (build/iacml.oxigraph).
SUFFIX = ".oxigraph"


@dataclass(frozen=True)
class DiskStore:
    """A store folder that holds a given dump: where it is, the dump's SHA-256 (the
    store's identity: the journal's snapshots are made from it) and its size in quads."""

    folder: Path
    sha256: str
    quads: int

    @property
    def identity(self) -> str:
        """A short name of the data the store holds."""
        return self.sha256[:16]

    @classmethod
    def described(cls, folder: Path) -> DiskStore:
        """The store at ``folder`` as its description file gives it (no check against a
        dump: for a process told which store to open)."""
        info = json.loads(description_path(folder).read_text(encoding="utf-8"))
        return cls(folder, info["dump"]["sha256"], int(info["quads"]))


def store_folder(dump: Path) -> Path:
    """The store folder of ``dump``: ``build/iacml.nq`` -> ``build/iacml.oxigraph``."""
    return dump.with_name(dump.stem + SUFFIX)


def description_path(folder: Path) -> Path:
    """The file naming the dump a store folder holds (beside the folder)."""
    return folder.with_name(folder.name + ".json")


def sha256_of(path: Path) -> str:
    """The SHA-256 of a file, read in blocks (~1 s per GB here)."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def _rdf_format(dump: Path) -> ox.RdfFormat:
    return ox.RdfFormat.from_extension(dump.suffix.lstrip(".")) or ox.RdfFormat.N_QUADS


def write_store(dump: Path) -> DiskStore:
    """Write the store of ``dump`` (its default graph the merge of its named graphs, as
    the in-memory load makes it), then its description; return it.

    The folder is written under a temporary name and renamed, and the description is
    written last (atomically): a store that is not whole is never described."""
    folder = store_folder(dump)
    description = description_path(folder)
    description.unlink(missing_ok=True)  # the old folder no longer matches anything
    partial = folder.with_name(folder.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    sha256 = sha256_of(dump)
    stat = dump.stat()
    store = ox.Store(str(partial))
    try:
        store.bulk_load(path=str(dump), format=_rdf_format(dump))
        if not has_merge(store):
            merge_default_graph(store)
        store.optimize()  # compacted: fewer table files to open, faster lookups
        store.flush()
        quads = len(store)
    finally:
        del store  # closes the database (pyoxigraph has no close())
    shutil.rmtree(folder, ignore_errors=True)
    partial.rename(folder)
    info = {"dump": {"name": dump.name, "size": stat.st_size, "mtime_ns": stat.st_mtime_ns,
                     "sha256": sha256}, "quads": quads}
    written = description.with_name(description.name + ".tmp")
    written.write_text(json.dumps(info, indent=1) + "\n", encoding="utf-8")
    os.replace(written, description)
    return DiskStore(folder, sha256, quads)


def served_store(dump: Path) -> DiskStore | None:
    """The store folder of ``dump`` if its description matches the dump, else None.

    Same size and modification time is a match (the build wrote both); a dump with
    another time (copied without its times) is a match only if its SHA-256 is the one
    described. A store built from another dump, or a folder without a description,
    is never used."""
    folder = store_folder(dump)
    try:
        info = json.loads(description_path(folder).read_text(encoding="utf-8"))
        described = info["dump"]
        stat = dump.stat()
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if not (folder / "CURRENT").is_file() or described.get("size") != stat.st_size:
        return None
    if described.get("mtime_ns") != stat.st_mtime_ns and \
            described.get("sha256") != sha256_of(dump):
        return None
    return DiskStore(folder, described["sha256"], int(info["quads"]))
