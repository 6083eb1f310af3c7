"""The store one query process reads (a zygote and its workers, a lookup copy), kept
current with the write journal.

Two ways to hold it, the same data and answers:

- on disk (the build's store matches the dump, iacml/diskstore.py): the base store opened
  read-only, then, once writes are accepted, the newest snapshot holding the writes a job
  must see (iacml/snapshots.py), reopened read-only; ready in milliseconds and no copy of
  the data in the process;
- in memory (a dump without a store of its own, or ``IACML_STORE=memory``): the dump
  loaded, and the journal's records applied to it in place (iacml/journal.py).
"""

from __future__ import annotations

import os
from pathlib import Path

import pyoxigraph as ox

from iacml.defaultgraph import has_merge, merge_default_graph
from iacml.diskstore import DiskStore
from iacml.journal import Replayer, file_id
from iacml.snapshots import Snapshot, Snapshots, hold


def load_store(path: str | None) -> ox.Store:
    """Load the dump at ``path`` (N-Quads, TriG, ...) into a new in-memory store whose
    default graph is the RDF merge of its named graphs (iacml.defaultgraph): the build
    writes it into the dump; a dump without it (a test fixture) gets it here."""
    store = ox.Store()
    if path:
        rdf_format = ox.RdfFormat.from_extension(Path(path).suffix.lstrip(".")) or \
            ox.RdfFormat.N_QUADS
        store.bulk_load(path=path, format=rdf_format)
        if not has_merge(store):
            merge_default_graph(store)
    return store


class Opened:
    """A store opened read-only, with the shared lock on its snapshot (None for the base
    store, which nothing removes), let go when the last reference to it goes."""

    def __init__(self, store: ox.Store, number: int = 0, lock_fd: int | None = None) -> None:
        self.store = store
        self.number = number  # the snapshot's number, 0 for the base store
        self._lock_fd = lock_fd

    def __del__(self) -> None:
        """Let the snapshot go (the process no longer reads it)."""
        if self._lock_fd is not None:
            os.close(self._lock_fd)  # close, never unlock: a forked worker shares it
            self._lock_fd = None


class ServedStore:
    """The store of one process, current with the journal up to a job's ``journal_end``."""

    def __init__(self, dataset: str | None, journal: str | None,
                 disk: DiskStore | None = None, advance: bool = True) -> None:
        self.dataset = dataset
        #: Whether this process may advance the primary when no snapshot holds a job's
        #: writes. Never in a zygote nor the workers it forks: RocksDB's background
        #: threads do not survive a fork, and a writable store opened in a forked
        #: child waits for them forever (its web process makes the snapshot before it
        #: sends the job instead: server/workers/backend.py).
        self.advance = advance
        self.journal = Path(journal) if journal else None
        self.disk = disk
        self.snapshots = Snapshots(disk, self.journal) if disk and self.journal else None
        self._replayer = Replayer(journal, keep_merge=True)  # in memory: the merge kept
        self._opened: Opened | None = None
        self._identity: tuple[int, int] | None = None
        self._offset = 0

    @property
    def opened(self) -> Opened:
        """The store as opened now (keep a reference while querying it)."""
        assert self._opened is not None, "open() first"
        return self._opened

    @property
    def store(self) -> ox.Store:
        """The store to query now."""
        return self.opened.store

    @property
    def on_disk(self) -> bool:
        """Whether the data is read from the on-disk store (else from memory)."""
        return self.disk is not None

    def open(self) -> int:
        """Load or open the data, current with the journal; return its size in quads (on
        disk: as the build counted it, which counting the store again would cost)."""
        if self.disk is None:
            store = load_store(self.dataset)
            self._opened = Opened(store)
            self._replayer.catch_up(store)
            return len(store)
        self._opened = Opened(ox.Store.read_only(str(self.disk.folder)))
        self.catch_up()
        return self.disk.quads

    def catch_up(self, end: int | None = None) -> None:
        """Make the writes accepted up to journal byte ``end`` (default: all so far)
        visible: applied in memory, or the snapshot holding them opened."""
        if self.disk is None:
            self._replayer.catch_up(self.opened.store, end)
            return
        if self.snapshots is None:
            return
        identity = file_id(self.snapshots.journal.path)
        if end is not None and identity == self._identity and end <= self._offset:
            return
        self._take(self.snapshots.covering(end) if self.advance else self.snapshots.newest())

    def to_newest(self) -> None:
        """Open the newest snapshot if it is newer than ours (a zygote, before it forks:
        the worker starts current), without waiting for the journal's lock."""
        if self.snapshots is not None:
            newest = self.snapshots.newest()
            if newest is not None and newest.number > self.opened.number:
                self._take(newest)

    def _take(self, snapshot: Snapshot | None) -> None:
        for _ in range(5):  # a snapshot removed between listing and locking: the newest
            if snapshot is None:
                return  # no write yet: the base store is current
            if snapshot.number != self.opened.number:
                fd = hold(snapshot)
                if fd is None:
                    assert self.snapshots is not None
                    snapshot = self.snapshots.newest()
                    continue
                try:
                    store = ox.Store.read_only(str(snapshot.db))
                except BaseException:
                    os.close(fd)
                    raise
                self._opened = Opened(store, snapshot.number, fd)
            self._identity, self._offset = snapshot.journal, snapshot.offset
            return
        raise OSError("the journal's snapshots kept being replaced while being opened")
