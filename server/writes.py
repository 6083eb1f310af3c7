"""Guarded writes to submission graphs (issue 9): token check, guard, durable commit.

Only graphs ``graph/submissions/<name>`` may be written; every graph built from
the repository is read-only (403). A write is authorised by a bearer token
(``IACML_WRITE_TOKEN``, compared in constant time), then, under the journal's
exclusive lock: the submission graph as it would be after the change is
computed in a scratch store, validated by the entry checker of ``/validate``
(quotes, SHACL, QC); a violation is answered 409 with the report and nothing
changes; a conforming write is appended to the journal (:mod:`iacml.journal`)
and fsynced before the 2xx. Query workers apply the journal before their next
query, so the write is visible to the next query in every worker.
"""

from __future__ import annotations

import hmac
import re
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from flask import Flask, Request, Response, current_app, jsonify
from rdflib import Graph

from iacml.errors import BuildError
from iacml.journal import (
    G_SUBMISSIONS_LOG,
    SUBMISSIONS_PREFIX,
    Journal,
    Record,
    Replayer,
    submission_name,
)
from iacml.namespaces import GRAPH
from iacml.paths import ProjectPaths
from iacml.pipeline import ValidationOutcome, checker_for, data_version, render_outcome
from server.settings import PROJECT_ROOT, dataset_path

WRITES_OFF = ("writes are off: this endpoint is read-only (no IACML_WRITE_TOKEN is "
              "configured; the guarded write path needs one)")
LOG = "https://w3id.org/iacml/log#"
PROV = "http://www.w3.org/ns/prov#"
XSD = "http://www.w3.org/2001/XMLSchema#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_GRAPH_NS = str(GRAPH)


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

    def as_dict(self) -> dict[str, Any]:
        """The result as JSON-ready data."""
        return dict(self.__dict__)


def parse_tokens(setting: str) -> dict[str, str]:
    """``name:token`` pairs (space or comma separated) → {token: name}; a token
    without a name is called ``writer``."""
    tokens: dict[str, str] = {}
    for part in setting.replace(",", " ").split():
        name, sep, token = part.partition(":")
        if not sep:
            name, token = "writer", part
        if token:
            tokens[token] = name or "writer"
    return tokens


def authorise(request: Request, setting: str) -> str:
    """The token name of the request's bearer token; WriteRefused 403 when writes
    are off or the token is wrong, 401 when it is missing."""
    tokens = parse_tokens(setting)
    if not tokens:
        raise WriteRefused(403, WRITES_OFF)
    header = request.headers.get("Authorization", "")
    scheme, _, given = header.partition(" ")
    if scheme.lower() != "bearer" or not given.strip():
        raise WriteRefused(401, "a write needs the header Authorization: Bearer <token>",
                           headers={"WWW-Authenticate": 'Bearer realm="iacml"'})
    given_b = given.strip().encode("utf-8")
    found = None
    for token, name in tokens.items():  # compare with every token, in constant time
        if hmac.compare_digest(given_b, token.encode("utf-8")):
            found = name
    if found is None:
        raise WriteRefused(403, "the bearer token is not a write token of this server",
                           headers={"WWW-Authenticate": 'Bearer realm="iacml", '
                                                        'error="invalid_token"'})
    return found


def _graph_nt(store: ox.Store, graph: str) -> str:
    return store.dump(format=ox.RdfFormat.N_TRIPLES,
                      from_graph=ox.NamedNode(graph)).decode("utf-8")


def _quads(store: ox.Store) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for quad in store:
        key = "" if isinstance(quad.graph_name, ox.DefaultGraph) else quad.graph_name.value
        out.setdefault(key, set()).add(str(quad.triple))
    return out


class Writer:
    """The write side of one app: the journal and the current submission graphs."""

    def __init__(self, journal_path: Path, dataset: Path, paths: ProjectPaths) -> None:
        self.journal = Journal(journal_path)
        self.state = ox.Store()  # the submission graphs and the log graph, from the journal
        self.replayer = Replayer(journal_path)
        self.dataset = dataset
        self.paths = paths
        self._lock = threading.Lock()
        self._seeded = False

    def refresh(self) -> None:
        """Apply journal records written since (by this or another process); the
        first time, start from the submission graphs the base build already holds
        (exported earlier), so a POST adds to them and a PUT replaces them."""
        with self._lock:
            if not self._seeded:
                self._seed()
                self._seeded = True
            self.replayer.catch_up(self.state)

    def _seed(self) -> None:
        if not self.dataset.exists():
            return
        fmt = ox.RdfFormat.TRIG if self.dataset.suffix == ".trig" else ox.RdfFormat.N_QUADS
        self.state.extend(q for q in ox.parse(path=str(self.dataset), format=fmt)
                          if isinstance(q.graph_name, ox.NamedNode)
                          and q.graph_name.value.startswith(SUBMISSIONS_PREFIX))

    def graph_nt(self, graph: str) -> str | None:
        """N-Triples of a submission graph or the log graph; None when it does not exist."""
        self.refresh()
        with self._lock:
            if not self.state.contains_named_graph(ox.NamedNode(graph)):
                return None
            return _graph_nt(self.state, graph)

    def commit(self, graph: str, change: Callable[[ox.Store], None], by: str) -> WriteResult:
        """Apply ``change`` to a scratch copy of the submission graphs, guard the
        result, and append it durably to the journal; WriteRefused otherwise."""
        start = time.perf_counter()
        if submission_name(graph) is None:
            raise WriteRefused(403, f"<{graph}> is read-only: writes go only to submission "
                                    f"graphs <{SUBMISSIONS_PREFIX}NAME> (NAME: lower-case "
                                    "letters, digits and hyphens)")
        with self.journal.locked():
            self.refresh()
            scratch = ox.Store()
            with self._lock:  # a reader's refresh may not change the state meanwhile
                scratch.extend(q for q in self.state
                               if q.graph_name != ox.NamedNode(G_SUBMISSIONS_LOG))
            before = _quads(scratch)
            change(scratch)
            after = _quads(scratch)
            touched = {g for g in set(before) | set(after) if before.get(g) != after.get(g)}
            others = sorted(g or "the default graph" for g in touched if g != graph)
            if others:
                raise WriteRefused(403, "a write may change only one submission graph "
                                        f"(<{graph}>); it would also change: "
                                        + ", ".join(others))
            n_before = len(before.get(graph, ()))
            entry = Graph()
            if after.get(graph):
                entry.parse(data=_graph_nt(scratch, graph), format="nt")
                others_store = ox.Store()
                others_store.extend(q for q in scratch if q.graph_name != ox.NamedNode(graph))
                outcome = self._check(entry, others_store)
                if not outcome.conforms:
                    raise WriteRefused(409, "the submission graph would not conform",
                                       outcome=outcome)
            seq = self.journal.next_seq()
            content = entry.serialize(format="nt", encoding="utf-8").decode("utf-8") \
                if len(entry) else ""
            record = Record(seq=seq, graph=graph, time=_now(), base=self._base(), by=by,
                            content=content, log="", triples_before=n_before,
                            triples_after=len(entry))
            record.log = _log_triples(record)
            self.journal.append(record)
            self.refresh()
        return WriteResult(graph, seq, by, n_before, len(entry), time.perf_counter() - start)

    def _check(self, entry: Graph, others: ox.Store) -> ValidationOutcome:
        try:
            return checker_for(self.paths, self.dataset).check(entry, others=others)
        except (OSError, BuildError) as exc:
            raise WriteRefused(503, f"validation is unavailable: {exc}") from exc

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


def init_app(app: Flask) -> None:
    """Create the app's :class:`Writer` (the journal path is IACML_JOURNAL)."""
    app.extensions["iacml.writer"] = Writer(
        journal_path(app.config["IACML_JOURNAL"]),
        dataset_path(app.config["IACML_DATASET"]), ProjectPaths(PROJECT_ROOT))


def journal_path(value: str) -> Path:
    """The journal setting resolved against the project root."""
    return dataset_path(value)


def writer() -> Writer:
    """The current app's writer."""
    return current_app.extensions["iacml.writer"]


def check_writable(request: Request) -> str:
    """Authorise a write on this app (remote backend: writes are off); the token name."""
    if current_app.config.get("IACML_BACKEND_URL"):
        raise WriteRefused(403, "writes are off with a remote backend (IACML_BACKEND_URL): "
                                "this endpoint is read-only; write to the remote store itself")
    return authorise(request, current_app.config.get("IACML_WRITE_TOKEN", ""))


def refused(exc: WriteRefused, accept: str | None) -> Response:
    """The response to a refused write: the report for 409 (JSON summary by default,
    Turtle or JSON-LD by Accept), a plain-text message otherwise."""
    if exc.outcome is not None:
        from server.validate import report_format

        fmt = report_format(accept, "json")
        if fmt not in ("json", "turtle", "json-ld", "human"):
            fmt = "json"
        types = {"json": "application/json", "turtle": "text/turtle",
                 "json-ld": "application/ld+json", "human": "text/plain"}
        return Response(render_outcome(exc.outcome, fmt), exc.status,
                        {"X-IACML-Conforms": "false", **exc.headers},
                        content_type=types[fmt] + "; charset=utf-8")
    return Response(exc.message + "\n", exc.status, exc.headers,
                    content_type="text/plain; charset=utf-8")


def accepted(result: WriteResult, status: int = 200) -> Response:
    """The response to an accepted write: what it did, as JSON."""
    response = jsonify({**result.as_dict(), "version": _version()})
    response.status_code = status
    return response


def _version() -> str:
    backend = current_app.extensions["iacml.backend"]
    served = getattr(backend, "data_version", None)
    return str(served()) if callable(served) else ""


_UPDATE_STRIP = re.compile(r'"""(?:.|\n)*?"""|\'\'\'(?:.|\n)*?\'\'\'|"(?:[^"\\\n]|\\.)*"'
                           r"|'(?:[^'\\\n]|\\.)*'|#[^\n]*")


def update_target(update: str) -> str:
    """The one submission graph a SPARQL update names (WriteRefused otherwise):
    an update that names a read-only graph, LOADs or calls a SERVICE is refused."""
    text = _UPDATE_STRIP.sub(" ", update)
    if re.search(r"\b(LOAD|SERVICE)\b", re.sub(r"<[^>\s]*>", " ", text), re.IGNORECASE):
        raise WriteRefused(403, "LOAD and SERVICE are not allowed in a write")
    iris = set(re.findall(r"<([^>\s]*)>", text))
    iris |= {_GRAPH_NS + local for local in re.findall(r"\bgraph:([\w/-]+)", text)}
    graphs = {i for i in iris if i.startswith(_GRAPH_NS)}
    read_only = sorted(g for g in graphs if submission_name(g) is None)
    if read_only:
        raise WriteRefused(403, "the update names read-only graphs: "
                                + ", ".join(f"<{g}>" for g in read_only)
                                + f"; writes go only to <{SUBMISSIONS_PREFIX}NAME>")
    if len(graphs) != 1:
        raise WriteRefused(400 if not graphs else 403,
                           "an update must name exactly one submission graph "
                           f"(GRAPH <{SUBMISSIONS_PREFIX}NAME> or WITH <...>); it names "
                           f"{len(graphs)}")
    return graphs.pop()


def run_update(update: str, by: str) -> WriteResult:
    """Apply a SPARQL 1.1 Update to its submission graph, guarded."""
    from server.results import PREFIXES

    graph = update_target(update)

    def change(store: ox.Store) -> None:
        try:
            store.update(update, prefixes=PREFIXES)
        except SyntaxError as exc:
            raise WriteRefused(400, f"SPARQL update syntax error: {exc}") from exc
        except OSError as exc:
            raise WriteRefused(400, f"the update failed: {exc}") from exc

    return writer().commit(graph, change, by)
