"""The write journal: accepted writes to submission graphs, append-only and durable.

Served data = the base build's dump + this journal, replayed in order
(architecture.md, "Data lifecycle"). The journal is a JSON Lines file in the
instance folder; each line is one accepted write (:class:`Record`) to one
submission graph: the triples it added and removed (N-Triples, passages resolved
as the build resolves them), so a record grows with the change, not with the
graph, and the triples it adds to the log graph ``graph/submissions``. Replay
applies the records in order on the served base build's submission graphs;
applying a record twice changes nothing (it is a set difference and union).

A change that touches blank nodes cannot be written as a difference (a blank
node has no name that holds across processes: each parse draws new labels), so
its record holds the whole new content of the graph instead, and replaying it
replaces the graph. Journals written before deltas hold only such records, and
still replay.

Appends are made under an exclusive ``fcntl.flock`` on ``<journal>.lock``,
then the file (and, when it was created, its folder) is fsynced before the
caller answers: an accepted write survives ``kill -9``. A torn last line (no
newline: the process died while writing it) is ignored by readers and cut off
by the next append, so a large write is applied whole or not at all.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from .defaultgraph import change_graph, replace_graph
from .namespaces import GRAPH

#: The log graph: one node per accepted write.
G_SUBMISSIONS_LOG = str(GRAPH["submissions"])
#: Prefix of the submission graphs, the only graphs the write API may change.
SUBMISSIONS_PREFIX = str(GRAPH["submissions/"])
_NAME = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")


def submission_name(graph: str) -> str | None:
    """The ``<name>`` of a submission graph IRI ``graph/submissions/<name>``, else None."""
    if not graph.startswith(SUBMISSIONS_PREFIX):
        return None
    name = graph[len(SUBMISSIONS_PREFIX):]
    return name if _NAME.match(name) else None


@dataclass
class Record:
    """One accepted write to ``graph``: its change and its log triples."""

    seq: int
    graph: str
    time: str
    base: str  # data version of the base build the write was checked against
    by: str  # token name
    log: str  # N-Triples added to the log graph
    triples_before: int
    triples_after: int
    added: str = ""  # N-Triples added to the graph
    removed: str = ""  # N-Triples removed from it
    #: N-Triples: the whole graph after the write ("" = dropped), instead of added and
    #: removed, for a change touching blank nodes (and in journals before deltas)
    content: str | None = None

    def to_line(self) -> bytes:
        """The record as one journal line (UTF-8 JSON and a newline)."""
        data = asdict(self)
        if self.content is None:
            del data["content"]
        return json.dumps(data, ensure_ascii=False).encode("utf-8") + b"\n"


def _triples(data: str, graph: ox.NamedNode) -> list[ox.Quad]:
    # ox.parse keeps blank-node labels (Store.load draws new ones), so every process
    # replaying a record holds the same terms
    return [ox.Quad(q.subject, q.predicate, q.object, graph)
            for q in ox.parse(data.encode("utf-8"), format=ox.RdfFormat.N_TRIPLES)]


def apply_record(store: ox.Store, record: Record | dict[str, Any],
                 keep_merge: bool = False) -> None:
    """Replay one record into ``store``: change its graph, add its log triples.
    ``keep_merge``: the store's default graph is the merge of its graphs (a query
    worker's, iacml/defaultgraph.py) and stays so."""
    data = asdict(record) if isinstance(record, Record) else record
    graph = ox.NamedNode(data["graph"])
    if data.get("content") is not None:  # the whole graph
        replace_graph(store, graph, _triples(data["content"], graph), keep_merge)
    else:
        change_graph(store, graph, _triples(data.get("removed", ""), graph),
                     _triples(data.get("added", ""), graph), keep_merge)
    if data["log"]:
        log = ox.NamedNode(G_SUBMISSIONS_LOG)
        change_graph(store, log, [], _triples(data["log"], log), keep_merge)


def submission_quads(dataset: Path) -> Iterator[ox.Quad]:
    """The quads of the submission graphs in a built dump (N-Quads or TriG): the base
    the journal's records change."""
    if not dataset.exists():
        return
    fmt = ox.RdfFormat.TRIG if dataset.suffix == ".trig" else ox.RdfFormat.N_QUADS
    for quad in ox.parse(path=str(dataset), format=fmt):
        if isinstance(quad.graph_name, ox.NamedNode) and \
                quad.graph_name.value.startswith(SUBMISSIONS_PREFIX):
            yield quad


def read_lines(path: Path, offset: int = 0,
               end: int | None = None) -> tuple[list[dict[str, Any]], int]:
    """Complete records of ``path`` from byte ``offset`` up to ``end`` (default: its
    size) and the offset after the last complete line; a torn line is left unread."""
    try:
        with path.open("rb") as handle:
            handle.seek(offset)
            data = handle.read(-1 if end is None else max(0, end - offset))
    except FileNotFoundError:
        return [], 0
    cut = data.rfind(b"\n") + 1
    records = [json.loads(line) for line in data[:cut].splitlines() if line.strip()]
    return records, offset + cut


def file_id(path: Path) -> tuple[int, int] | None:
    """(device, inode) of the journal file: changes when the journal is rotated."""
    try:
        stat = path.stat()
    except FileNotFoundError:
        return None
    return (stat.st_dev, stat.st_ino)


class Replayer:
    """Keeps a store up to date with a journal: applies the records it has not seen."""

    def __init__(self, path: Path | str | None, keep_merge: bool = False) -> None:
        self.path = Path(path) if path else None
        self.keep_merge = keep_merge  # see apply_record
        self.offset = 0
        self.records = 0
        self.identity: tuple[int, int] | None = None

    def catch_up(self, store: ox.Store, end: int | None = None) -> int:
        """Apply the complete records after the last one applied (up to byte ``end``);
        return how many were applied. A rotated journal is read from its start."""
        if self.path is None:
            return 0
        identity = file_id(self.path)
        if identity != self.identity:
            self.identity, self.offset = identity, 0
        if end is not None and end <= self.offset:
            return 0
        records, self.offset = read_lines(self.path, self.offset, end)
        for record in records:
            apply_record(store, record, self.keep_merge)
        self.records += len(records)
        return len(records)


def _complete_size(fd: int) -> int:
    """Size of the file ``fd`` up to and including its last newline."""
    size = os.fstat(fd).st_size
    start = size
    while start > 0:
        start = max(0, start - 65536)
        os.lseek(fd, start, os.SEEK_SET)
        chunk = os.read(fd, min(65536, size - start))
        if b"\n" in chunk:
            return start + chunk.rfind(b"\n") + 1
    return 0


class Journal:
    """The journal file of one instance folder, with its lock."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self.lock_path = self.path.with_name(self.path.name + ".lock")
        self._thread_lock = threading.Lock()

    @contextmanager
    def locked(self) -> Iterator[None]:
        """Hold the journal's exclusive lock (threads of this process and other processes)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._thread_lock:
            fd = os.open(self.lock_path, os.O_RDWR | os.O_CREAT, 0o644)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX)
                yield
            finally:
                fcntl.flock(fd, fcntl.LOCK_UN)
                os.close(fd)

    def size(self) -> int:
        """Current size of the journal in bytes (0 when there is none)."""
        try:
            return self.path.stat().st_size
        except FileNotFoundError:
            return 0

    def append(self, record: Record) -> int:
        """Append ``record`` durably (call while holding :meth:`locked`); return the
        journal's size after it. A torn last line is cut off first."""
        created = not self.path.exists()
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            size = _complete_size(fd)
            if size != os.fstat(fd).st_size:
                os.ftruncate(fd, size)  # a torn last line from a crash
            os.lseek(fd, size, os.SEEK_SET)
            line = record.to_line()
            written = 0
            while written < len(line):
                written += os.write(fd, line[written:])
            os.fsync(fd)
        finally:
            os.close(fd)
        if created:
            self._fsync_dir()
        return size + len(line)

    def _fsync_dir(self) -> None:
        dir_fd = os.open(self.path.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)

    def next_seq(self) -> int:
        """Sequence number of the next record (1 + the records in the journal)."""
        records, _ = read_lines(self.path)
        return len(records) + 1

    def rotate(self, suffix: str) -> Path | None:
        """Rename the journal to ``journal-<suffix>.exported`` and start an empty one,
        atomically (call while holding :meth:`locked`); return the renamed file."""
        if not self.path.exists():
            return None
        target = self.path.with_name(f"{self.path.stem}-{suffix}.exported")
        empty = self.path.with_name(self.path.name + ".new")
        fd = os.open(empty, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        os.fsync(fd)
        os.close(fd)
        os.link(self.path, target)
        os.replace(empty, self.path)  # the one atomic step: readers see old or new
        self._fsync_dir()
        return target
