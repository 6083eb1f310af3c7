"""Guarded writes to submission graphs (issue 9): the guard and the durable commit.

Only graphs ``graph/submissions/<name>`` may be written, each by the token it
belongs to (:mod:`server.write.tokens`); every graph built from the repository is
read-only (403). A write is found in three steps, and only the last holds the
journal's lock:

1. its new content: a Graph Store body, parsed in a query worker
   (:func:`server.untrusted.parse_untrusted`), or an update evaluated in a query
   worker on a copy of the submission graphs as of journal size ``v``
   (:mod:`server.untrusted.updates`);
2. its guard: the graph as it would be is validated by the entry checker of
   ``/validate`` (quotes, SHACL, QC); a violation is 409 with the report;
3. its commit: under the journal's exclusive lock, if the journal is still ``v``
   bytes long (no write landed meanwhile, in any process), the record (the
   triples added and removed) is appended and fsynced before the 2xx; otherwise
   the write is found again from step 1.

Writes to one graph from one process queue on a lock of that graph, so they do
not race each other through step 3; writes to other graphs never wait for them.
Query workers apply the journal before their next query (or, on the on-disk store,
open the snapshot the commit made: iacml/snapshots.py), so the write is visible to the
next query in every worker.
"""

from __future__ import annotations

import logging
import re
import threading
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, cast

import pyoxigraph as ox
from flask import current_app
from rdflib import Graph

from iacml.diskstore import DiskStore
from iacml.errors import BuildError
from iacml.journal import (
    G_SUBMISSIONS_LOG,
    SUBMISSIONS_PREFIX,
    Journal,
    Record,
    Replayer,
    submission_name,
    submission_quads,
)
from iacml.paths import ProjectPaths
from iacml.pipeline import ValidationOutcome, checker_for, data_version
from iacml.snapshots import Snapshots
from server.settings import dataset_path, served_paths
from server.workers.backend import current_backend
from server.workers.jobs import UpdateAnswer, UpdateJob
from server.write.tokens import Writer

LOG = "https://w3id.org/iacml/log#"
PROV = "http://www.w3.org/ns/prov#"
XSD = "http://www.w3.org/2001/XMLSchema#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
log = logging.getLogger("iacml.writes")
#: Times a write is found again when other writes keep landing while it is checked.
ATTEMPTS = 5


class WriteRefused(Exception):
    """A write that is not applied: HTTP ``status``, a message, maybe a report."""

    def __init__(self, status: int, message: str, outcome: ValidationOutcome | None = None,
                 headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.outcome = outcome
        self.headers = headers or {}


@dataclass
class WriteResult:
    """What an accepted write did."""

    graph: str
    seq: int
    by: str
    triples_before: int
    triples_after: int
    seconds: float
    added: int = 0
    removed: int = 0

    def as_dict(self) -> dict[str, Any]:
        """The result as JSON-ready data."""
        return dict(self.__dict__)


#: What step 1 found: the graph's content after the write (None: the graph is dropped).
Change = Callable[[int], Graph | None]


def _lines(data: bytes | str | None) -> set[str]:
    text = data.decode("utf-8") if isinstance(data, bytes) else (data or "")
    return {line for line in text.splitlines() if line.strip()}


def _canonical(graph: Graph) -> set[str]:
    """``graph`` as N-Triples lines written by pyoxigraph, as the state is dumped, so
    that an unchanged triple is the same line on both sides of a change."""
    data = graph.serialize(format="nt", encoding="utf-8")
    quads = ox.parse(data, format=ox.RdfFormat.N_TRIPLES)
    return _lines(ox.serialize((q.triple for q in quads), format=ox.RdfFormat.N_TRIPLES))


def _has_blank_node(lines: set[str]) -> bool:
    return any("_:" in line and re.search(r"(?:^|\s)_:", line) for line in lines)


class Submissions:
    """The write side of one app: the journal and the submission graphs it serves."""

    def __init__(self, journal_path: Path, dataset: Path,
                 paths: Callable[[], ProjectPaths], disk: DiskStore | None = None) -> None:
        self.journal = Journal(journal_path)
        #: With an on-disk store, each accepted write makes a snapshot (iacml/snapshots.py)
        self.snapshots = Snapshots(disk, journal_path) if disk else None
        self.state = ox.Store()  # the submission graphs and the log graph, from the journal
        self.replayer = Replayer(journal_path)
        self.dataset = dataset
        self.paths = paths
        self._lock = threading.Lock()  # guards state
        self._graph_locks: dict[str, threading.Lock] = {}
        self._seeded = False

    def refresh(self) -> None:
        """Apply journal records written since (by this or another process); the
        first time, start from the submission graphs the base build already holds
        (exported earlier), which the records change."""
        with self._lock:
            if not self._seeded:
                self.state.extend(submission_quads(self.dataset))
                self._seeded = True
            self.replayer.catch_up(self.state)

    def graph_nt(self, graph: str) -> str | None:
        """N-Triples of a submission graph or the log graph; None when it does not exist."""
        self.refresh()
        with self._lock:
            if not any(self.state.quads_for_pattern(None, None, None, ox.NamedNode(graph))):
                return None
            return self._dump(graph)

    def _dump(self, graph: str) -> str:
        data = self.state.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(graph))
        return (data or b"").decode("utf-8")

    def graph_lock(self, graph: str) -> threading.Lock:
        """The lock writes to ``graph`` queue on in this process."""
        with self._lock:
            return self._graph_locks.setdefault(graph, threading.Lock())

    def commit(self, graph: str, change: Change, by: Writer) -> WriteResult:
        """Find ``graph``'s new content with ``change`` (given the journal size it must
        start from), guard it, and append it durably; WriteRefused otherwise."""
        start = time.perf_counter()
        if submission_name(graph) is None:
            raise WriteRefused(403, f"<{graph}> is read-only: writes go only to submission "
                                    f"graphs <{SUBMISSIONS_PREFIX}NAME> (NAME: lower-case "
                                    "letters, digits and hyphens)")
        if not by.may_write(graph):
            raise WriteRefused(403, f"the token '{by.name}' may not write <{graph}>: it may "
                                    f"write {by.allowed()}")
        with self.graph_lock(graph):
            for _ in range(ATTEMPTS):
                version = self.journal.size()
                self.refresh()
                with self._lock:
                    before = _lines(self._dump(graph))
                after = change(version)
                checked = self._guard(graph, after)
                record = self._record(graph, by.name, before, checked)
                with self.journal.locked():  # held only to compare and append
                    if self.journal.size() != version:
                        continue  # another write landed meanwhile: find this one again
                    record.seq = self.journal.next_seq()
                    record.log = _log_triples(record)
                    self.journal.append(record)
                    self._snapshot()
                self.refresh()
                return WriteResult(graph, record.seq, by.name, len(before), len(checked),
                                   time.perf_counter() - start, len(checked - before),
                                   len(before - checked))
        raise WriteRefused(503, f"other writes kept changing the submission graphs while "
                                f"this one was checked ({ATTEMPTS} times); retry",
                           headers={"Retry-After": "1"})

    def _snapshot(self) -> None:
        """Make the snapshot holding the record just appended (the journal's lock held),
        so the next query of any process opens it at once. The record is durable
        already: if this fails, the first reader that needs it makes it."""
        if self.snapshots is None:
            return
        try:
            self.snapshots.advance()
        except Exception:  # noqa: BLE001 - the write is accepted; a reader retries
            log.exception("the snapshot of an accepted write could not be made now")

    def _guard(self, graph: str, after: Graph | None) -> set[str]:
        """Validate ``after`` with the other submission graphs; its N-Triples lines
        (passages located, as stored) or WriteRefused 409 with the report."""
        if after is None or not len(after):
            return set()
        others = ox.Store()
        with self._lock:
            others.extend(q for q in self.state
                          if q.graph_name not in (ox.NamedNode(graph),
                                                  ox.NamedNode(G_SUBMISSIONS_LOG)))
        try:
            outcome = checker_for(self.paths(), self.dataset).check(after, others=others)
        except (OSError, BuildError) as exc:
            raise WriteRefused(503, f"validation is unavailable: {exc}") from exc
        if not outcome.conforms:
            raise WriteRefused(409, "the submission graph would not conform", outcome=outcome)
        return _canonical(after)

    def _record(self, graph: str, by: str, before: set[str], after: set[str]) -> Record:
        """The journal record of the change ``before`` → ``after``: the triples added and
        removed, or the whole graph when the change touches blank nodes."""
        added, removed = after - before, before - after
        record = Record(seq=0, graph=graph, time=_now(), base=self._base(), by=by, log="",
                        triples_before=len(before), triples_after=len(after))
        if _has_blank_node(added) or _has_blank_node(removed):
            record.content = "".join(line + "\n" for line in sorted(after))
        else:
            record.added = "".join(line + "\n" for line in sorted(added))
            record.removed = "".join(line + "\n" for line in sorted(removed))
        return record

    def _base(self) -> str:
        try:
            return data_version(self.dataset)
        except OSError:
            return "nobuild"


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _literal(value: str, datatype: str) -> str:
    return f'"{value}"^^<{datatype}>'


def _log_triples(record: Record) -> str:
    """The log-graph node of an accepted write (PROV-O and the ``log:`` terms)."""
    node = f"<https://w3id.org/iacml/id/submission-log/{uuid.uuid4().hex[:16]}>"
    agent = f"<https://w3id.org/iacml/id/writer/{re.sub(r'[^A-Za-z0-9_-]', '_', record.by)}>"
    lines = [
        (RDF_TYPE, f"<{PROV}Activity>"),
        (f"{PROV}wasAssociatedWith", agent),
        (f"{PROV}endedAtTime", _literal(record.time, XSD + "dateTime")),
        (f"{LOG}graph", f"<{record.graph}>"),
        (f"{LOG}tokenName", str(ox.Literal(record.by))),
        (f"{LOG}sequence", _literal(str(record.seq), XSD + "integer")),
        (f"{LOG}baseVersion", str(ox.Literal(record.base))),
        (f"{LOG}triplesBefore", _literal(str(record.triples_before), XSD + "integer")),
        (f"{LOG}triplesAfter", _literal(str(record.triples_after), XSD + "integer")),
    ]
    return "".join(f"{node} <{p}> {o} .\n" for p, o in lines)


def submissions(config: Mapping[str, Any], disk: DiskStore | None = None) -> Submissions:
    """The app's :class:`Submissions` (the journal path is IACML_JOURNAL; ``disk``: the
    on-disk store the query processes read); a misconfigured token setting stops the
    app here, naming the setting."""
    from server.write.tokens import parse_tokens

    parse_tokens(config.get("IACML_WRITE_TOKEN", ""))
    parse_tokens(config.get("IACML_ADMIN_TOKEN", ""), admin=True)
    return Submissions(journal_path(config["IACML_JOURNAL"]),
                       dataset_path(config["IACML_DATASET"]), lambda: served_paths(config),
                       disk)


def journal_path(value: str) -> Path:
    """The journal setting resolved against the project root."""
    return dataset_path(value)


def writer() -> Submissions:
    """The current app's submission graphs."""
    return cast(Submissions, current_app.extensions["iacml.writer"])


def check_writable(request: Any) -> Writer:
    """Authorise a write on this app (remote backend: writes are off): the writer."""
    from server.write.tokens import TokenRefused, authorise

    if current_app.config.get("IACML_BACKEND_URL"):
        raise WriteRefused(403, "writes are off with a remote backend (IACML_BACKEND_URL): "
                                "this endpoint is read-only; write to the remote store itself")
    try:
        return authorise(request, current_app.config.get("IACML_WRITE_TOKEN", ""),
                         current_app.config.get("IACML_ADMIN_TOKEN", ""))
    except TokenRefused as exc:
        raise WriteRefused(exc.status, exc.message, headers=exc.headers) from exc


def _in_worker(job: UpdateJob) -> UpdateAnswer:
    """Run a write's job in a query worker; WriteRefused for every failure."""
    from server.workers.pool import PoolError

    limit = float(current_app.config["IACML_QUERY_TIMEOUT"])
    try:
        answer = current_backend().run(job, limit)
    except PoolError as exc:  # time limit (IACML_QUERY_TIMEOUT), memory cap, or no worker
        raise WriteRefused(503, f"the update was not run to the end: {exc}",
                           headers={"Retry-After": "1"}) from exc
    if not answer.ok:
        raise WriteRefused(answer.status, answer.message or "update failed")
    return answer


def update_target(answer: UpdateAnswer) -> str:
    """The one submission graph an update names, from the worker's reading of it."""
    if answer.default_graph:
        raise WriteRefused(403, "the default graph is read-only: name a submission graph "
                                f"(GRAPH <{SUBMISSIONS_PREFIX}NAME> {{ ... }} or WITH <...>)")
    if answer.everything:
        raise WriteRefused(403, "the update writes every graph, or graphs chosen by a "
                                "variable (CLEAR ALL, DROP NAMED, GRAPH ?g in a template): "
                                "name the one submission graph it writes")
    targets = answer.targets
    read_only = [t for t in targets if submission_name(t) is None]
    if read_only:
        raise WriteRefused(403, "the update writes read-only graphs: "
                                + ", ".join(f"<{g}>" for g in read_only)
                                + f"; writes go only to <{SUBMISSIONS_PREFIX}NAME>")
    if len(targets) != 1:
        raise WriteRefused(400 if not targets else 403,
                           "an update must write exactly one submission graph "
                           f"(GRAPH <{SUBMISSIONS_PREFIX}NAME> or WITH <...>); it writes "
                           f"{len(targets)}")
    return targets[0]


def run_update(update: str, by: Writer) -> WriteResult:
    """Apply a checked SPARQL 1.1 Update (server.untrusted) to its submission graph,
    guarded: read and evaluated in a query worker, never in this process."""
    allow = tuple(current_app.config.get("IACML_SERVICE_ALLOWLIST", ()))
    planned = _in_worker(UpdateJob(update=update, allow=allow, plan_only=True))
    graph = update_target(planned)

    def change(version: int) -> Graph | None:
        answer = _in_worker(UpdateJob(update=update, allow=allow, journal_end=version))
        others = [g or "the default graph" for g in answer.changed if g != graph]
        if others:
            raise WriteRefused(403, f"a write may change only one submission graph (<{graph}>);"
                                    " it would also change: " + ", ".join(sorted(others)))
        if graph not in answer.changed:
            current = writer().graph_nt(graph)
            return Graph().parse(data=current, format="nt") if current else None
        data = answer.graphs[graph]
        return Graph().parse(data=data, format="nt") if data else None

    return writer().commit(graph, change, by)
