"""Accepted writes over the on-disk store: one writable copy, a read-only snapshot per
journal position.

A store opened read-only (iacml/diskstore.py) cannot apply the write journal's records.
So one writable copy of the build's store, the *primary*, applies them, and every reader
(zygote, query worker, lookup copy) reads a *snapshot*: a RocksDB checkpoint of the
primary (``Store.backup``: hard links to its immutable table files, ~10 ms whatever the
size of the data), opened read-only. In ``<journal stem>.snapshots/`` beside the journal:

- ``primary/`` and ``primary.json`` (the base store it was made from and the journal
  position it has applied);
- ``snap-<n>/``: ``db/`` (the checkpoint), ``position.json`` (base, journal file, the
  byte offset its records reach) and ``readers.lock``.

Only a holder of the journal's lock touches the primary (:meth:`Snapshots.advance`): the
process that appends a record, before it answers 2xx, so the next query anywhere finds a
snapshot holding the write. A reader whose job needs a later position than the newest
snapshot (the writer died between its append and the snapshot) takes the lock and
advances itself (:meth:`Snapshots.covering`). Replaying a record twice changes nothing
(iacml/journal.py), so a crash between applying records and noting the primary's position
only makes the next advance apply them again.

Old snapshots: a reader holds a shared ``flock`` on its snapshot's ``readers.lock`` for as
long as it has it open (workers forked from a zygote share the zygote's); after each new
snapshot the advancing process removes every older one whose lock it can take exclusively,
so a snapshot is never removed under a reader and at most one per reading process stays.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from .diskstore import DiskStore
from .journal import Journal, apply_record, file_id, read_lines

_SNAPSHOT = re.compile(r"^snap-(\d+)$")
READERS_LOCK = "readers.lock"


@dataclass(frozen=True)
class Snapshot:
    """One snapshot: its number (higher is newer), folder, and what it holds: the base
    store it was made from and the journal position (file identity, byte offset)."""

    number: int
    folder: Path
    base: str
    journal: tuple[int, int] | None
    offset: int

    @property
    def db(self) -> Path:
        """The RocksDB checkpoint, opened read-only by readers."""
        return self.folder / "db"

    def covers(self, journal: tuple[int, int] | None, end: int) -> bool:
        """Whether it holds the records of journal file ``journal`` up to byte ``end``."""
        return self.journal == journal and self.offset >= end


def _write_json(path: Path, data: dict[str, Any]) -> None:
    partial = path.with_name(path.name + ".tmp")
    with partial.open("w", encoding="utf-8") as handle:
        json.dump(data, handle)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(partial, path)


def _read_json(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _head(journal: Path) -> str:
    """The SHA-256 of the journal's first line: with its file identity, tells a journal
    that was replaced (restored, rotated) from the one the primary follows."""
    try:
        with journal.open("rb") as handle:
            return hashlib.sha256(handle.readline()).hexdigest()[:16]
    except FileNotFoundError:
        return ""


def _journal_id(value: Any) -> tuple[int, int] | None:
    return (int(value[0]), int(value[1])) if value else None


class Snapshots:
    """The primary and the snapshots of one journal over one base store."""

    def __init__(self, base: DiskStore, journal: Path | str) -> None:
        self.base = base
        self.journal = Journal(journal)
        self.folder = self.journal.path.with_name(self.journal.path.stem + ".snapshots")
        self.primary = self.folder / "primary"

    # ---------------- reading ----------------

    def _all(self) -> list[Snapshot]:
        found = []
        try:
            entries = list(self.folder.iterdir())
        except FileNotFoundError:
            return []
        for entry in entries:
            match = _SNAPSHOT.match(entry.name)
            info = _read_json(entry / "position.json") if match else None
            if match and info is not None:
                found.append(Snapshot(int(match.group(1)), entry, str(info.get("base")),
                                      _journal_id(info.get("journal")),
                                      int(info.get("offset", 0))))
        return sorted(found, key=lambda s: s.number)

    def newest(self) -> Snapshot | None:
        """The newest snapshot made from this base store (None: no write yet)."""
        ours = [s for s in self._all() if s.base == self.base.identity]
        return ours[-1] if ours else None

    def covering(self, end: int | None = None) -> Snapshot | None:
        """The newest snapshot once it holds the journal up to byte ``end`` (default:
        its end now); advances the primary under the journal's lock when it does not yet.
        None while the journal holds no record (the base store is current)."""
        target = self.journal.size() if end is None else end
        identity = file_id(self.journal.path)
        newest = self.newest()
        if newest is not None and newest.covers(identity, target):
            return newest
        if newest is None and target == 0:
            return None
        with self.journal.locked():
            return self.advance()

    # ---------------- writing (the journal's lock held) ----------------

    def advance(self) -> Snapshot | None:
        """Apply to the primary the complete records it has not applied, make a snapshot
        if the newest does not hold the journal's position, remove the old ones no reader
        holds; return the newest. The caller holds the journal's lock."""
        identity = file_id(self.journal.path)
        head = _head(self.journal.path)
        applied = _read_json(self.folder / "primary.json")
        state = self._primary_state(applied, identity, head)
        if state == "other":
            # the primary holds the base store + the records of the journal up to its
            # offset; another base or journal (a new build, a restored journal) means
            # the primary is made again and replays this journal whole
            self._new_primary()
        offset = int(applied["offset"]) if applied and state == "follows" else 0
        records, end = read_lines(self.journal.path, offset)
        newest = self.newest()
        if not records and (newest is None and end == 0 or
                            newest is not None and newest.covers(identity, end)):
            return newest
        store = ox.Store(str(self.primary))
        try:
            for record in records:
                apply_record(store, record, keep_merge=True)  # its default graph: the merge
            store.flush()
            _write_json(self.folder / "primary.json", {
                "base": self.base.identity, "journal": identity, "head": head, "offset": end})
            made = self._checkpoint(store, identity, end)
        finally:
            del store  # closes the primary: another process may open it next
        self.collect()
        return made

    def _primary_state(self, applied: dict[str, Any] | None,
                       identity: tuple[int, int] | None, head: str) -> str:
        """``follows``: the primary holds this base and a prefix of this journal;
        ``rotated``: of the journal `iacml export-submissions` just rotated (its records
        stay applied until the exported files are built, as in a running server that
        replays the journal in memory; the new journal is replayed on top); ``other``."""
        if applied is None or applied.get("base") != self.base.identity \
                or not (self.primary / "CURRENT").exists():
            return "other"
        offset = int(applied.get("offset", 0))
        followed = _journal_id(applied.get("journal"))
        if offset == 0 or (followed == identity and applied.get("head") == head
                           and offset <= self.journal.size()):
            return "follows"
        exported = self.journal.path.parent.glob(f"{self.journal.path.stem}-*.exported")
        return "rotated" if any(file_id(p) == followed for p in exported) else "other"

    def _new_primary(self) -> None:
        """The primary made anew from the base store (a checkpoint of it: hard links)."""
        self.folder.mkdir(parents=True, exist_ok=True)
        (self.folder / "primary.json").unlink(missing_ok=True)
        shutil.rmtree(self.primary, ignore_errors=True)
        ox.Store.read_only(str(self.base.folder)).backup(str(self.primary))

    def _checkpoint(self, store: ox.Store, identity: tuple[int, int] | None,
                    end: int) -> Snapshot:
        """A new snapshot of ``store`` at journal position (``identity``, ``end``): made
        under a temporary name, renamed when whole."""
        number = max((s.number for s in self._all()), default=0) + 1
        partial = self.folder / f"partial-{number}"
        shutil.rmtree(partial, ignore_errors=True)
        partial.mkdir(parents=True)
        store.backup(str(partial / "db"))
        (partial / READERS_LOCK).touch()
        _write_json(partial / "position.json", {"base": self.base.identity,
                                                "journal": identity, "offset": end})
        folder = self.folder / f"snap-{number}"
        partial.rename(folder)
        _fsync_dir(self.folder)
        return Snapshot(number, folder, self.base.identity, identity, end)

    def collect(self) -> int:
        """Remove every snapshot but the newest that no reader holds, and what a crash
        left half made; return how many snapshots went. The caller holds the journal's
        lock."""
        newest = self.newest()
        removed = 0
        for snapshot in self._all():
            if newest is not None and snapshot.number == newest.number:
                continue
            if _remove_unless_held(snapshot.folder, self.folder / f"gone-{snapshot.number}"):
                removed += 1
        for entry in self.folder.glob("*-*"):
            if entry.name.startswith(("partial-", "gone-")):
                shutil.rmtree(entry, ignore_errors=True)
        return removed


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _remove_unless_held(folder: Path, gone: Path) -> bool:
    """Remove ``folder`` if no reader holds its lock (taken exclusively, without waiting)."""
    try:
        fd = os.open(folder / READERS_LOCK, os.O_RDWR)
    except FileNotFoundError:
        fd = None
    try:
        if fd is not None:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return False  # a reader has it open
        folder.rename(gone)  # gone at once for readers listing the snapshots
        shutil.rmtree(gone, ignore_errors=True)
        return True
    finally:
        if fd is not None:
            os.close(fd)


def hold(snapshot: Snapshot) -> int | None:
    """Take a shared lock on ``snapshot`` for a reader; the descriptor to close when the
    reader lets it go (never unlock it: forked workers share it), or None when the
    snapshot was removed meanwhile (the caller looks for the newest again)."""
    try:
        fd = os.open(snapshot.folder / READERS_LOCK, os.O_RDONLY)
    except FileNotFoundError:
        return None
    fcntl.flock(fd, fcntl.LOCK_SH)  # waits while a removal holds it
    if not (snapshot.folder / "position.json").exists():  # removed before we got it
        os.close(fd)
        return None
    return fd
