"""The query worker: a process answering jobs from the dataset (server/workers/served.py).

A worker reads jobs from its pipe and answers each (:mod:`server.workers.jobs`: the
answers hold serialised bytes, never a store or a term), and can be killed at any moment by the pool
when a query passes the time limit: nothing it holds needs saving.
"""

from __future__ import annotations

import io
import json
import os
import traceback
from collections.abc import Callable, Mapping
from multiprocessing.connection import Connection
from typing import Any, cast

import pyoxigraph as ox

from iacml.entries import EntryParseError, entry_ntriples
from server.query import querytext, results
from server.untrusted import updates
from server.workers import dialect
from server.workers.jobs import (
    Answer,
    AnswerT,
    CountsAnswer,
    CountsJob,
    Job,
    ParseAnswer,
    ParseJob,
    PingAnswer,
    PingJob,
    QueryAnswer,
    QueryJob,
    UpdateJob,
)
from server.workers.served import ServedStore

COUNT_QUERY = ("SELECT ?g (COUNT(*) AS ?n) WHERE { { ?s ?p ?o } UNION "
               "{ GRAPH ?g { ?s ?p ?o } } } GROUP BY ?g")


def _graphs(iris: tuple[str, ...] | None) -> list[ox.NamedNode] | None:
    return None if iris is None else [ox.NamedNode(iri) for iri in iris]


def dataset_options(job: QueryJob) -> dict[str, Any]:
    """The pyoxigraph keyword arguments for the protocol dataset of ``job``.

    default-graph-uri / named-graph-uri override the query's FROM clauses; with
    neither, the query's own FROM is used, and with no FROM either the default
    graph is the store's own: the RDF merge of all graphs, each triple once
    (not Oxigraph's union default graph, which matches a triple once per graph).
    """
    default, named = job.default_graphs, job.named_graphs
    if default or named:
        return {"default_graph": _graphs(default or ()), "named_graphs": _graphs(named or ())}
    return {}


def execute(store: ox.Store, job: Job[AnswerT]) -> AnswerT:
    """Run one job against ``store`` and return its answer."""
    answer: Answer
    match job:
        case QueryJob():
            answer = run_query(store, job)
        case CountsJob():
            answer = _counts(store)
        case PingJob():
            answer = PingAnswer(triples=len(store), pid=os.getpid())
        case ParseJob():  # an untrusted entry (server.untrusted.parse_untrusted)
            answer = _parse(job)
        case UpdateJob():  # a guarded write, on a copy of the submission graphs
            answer = updates.evaluate(store, job, results.PREFIXES)
        case _:
            answer = job.failed(400, f"unknown job {job.__class__.__name__}")
    assert isinstance(answer, job.answer_type)
    return cast(AnswerT, answer)


def _counts(store: ox.Store) -> CountsAnswer:
    counts = {}
    solutions = store.query(COUNT_QUERY)
    assert isinstance(solutions, ox.QuerySolutions)
    for solution in solutions:
        graph = solution["g"]
        counts[graph.value if graph is not None else ""] = int(solution["n"].value)
    # "triples": the size of the default graph, the merge (each triple once)
    return CountsAnswer(counts=counts, triples=counts.get("", 0))


def _parse(job: ParseJob) -> ParseAnswer:
    try:
        return ParseAnswer(ntriples=entry_ntriples(job.data, job.format))
    except EntryParseError as exc:
        return job.failed(400, exc.message, exc.line)


#: A query whose lexer and engine disagree on an IRI (see querytext.same_tokens).
VARIABLE_LIKE_IRI = ("SPARQL syntax error: an IRI that starts like a variable (<?...>) "
                     "stands where no IRI may (SPARQL reads the longest token, so <?a&&?b> "
                     "is one IRI); for a comparison, put spaces around '<'")


def run_query(store: ox.Store, job: QueryJob) -> QueryAnswer:
    """Check a query's SERVICE calls, run it and serialise its answer."""
    query = job.query
    facts = querytext.analyse(query)
    try:
        querytext.check_service(query, list(job.allow), results.PREFIXES, facts)
    except querytext.ServiceRefused as exc:
        return job.failed(403, str(exc))
    try:
        # The project prefixes are predeclared; handing them to pyoxigraph costs ~20 us
        # per query, so a query naming no prefixed name goes without them.
        prefixes = results.PREFIXES if facts.has_prefixed_name else None
        answer = store.query(query, base_iri=job.base_iri, prefixes=prefixes,
                             **dataset_options(job))
        if facts.has_variable_like_iri and not querytext.same_tokens(
                query, lambda text: ox.Store().query(text, base_iri=job.base_iri,
                                                     prefixes=results.PREFIXES)):
            return job.failed(400, VARIABLE_LIKE_IRI)
        if job.check_only:  # what the remote backend needs to know of the query
            booleans, names_dataset = dialect.query_facts(query, results.PREFIXES)
            return QueryAnswer(kind=_kind(answer), boolean_variables=booleans,
                               names_dataset=names_dataset)
        return serialise(answer, job.formats, job.row_cap, again=lambda: store.query(
            query, base_iri=job.base_iri, prefixes=prefixes, **dataset_options(job)))
    except SyntaxError as exc:
        return job.failed(400, f"SPARQL syntax error: {exc}")
    except RuntimeError as exc:  # evaluation refused: an unsupported function, ...
        return job.failed(400, f"the query cannot be evaluated: {exc}")
    except OSError as exc:  # a SERVICE endpoint that could not be reached or answered
        return job.failed(502, f"a SERVICE endpoint failed: {exc}")


def _kind(answer: object) -> str:
    if isinstance(answer, ox.QuerySolutions):
        return "solutions"
    if isinstance(answer, ox.QueryBoolean):
        return "boolean"
    return "graph"


def serialise(answer: object, formats: Mapping[str, str | None], cap: int,
              again: Callable[[], object] | None = None) -> QueryAnswer:
    """Serialise a query answer in the negotiated format of its kind, cut at ``cap``.

    With ``again`` (which gives the same answer anew), SELECT solutions in JSON are first
    written by pyoxigraph (:func:`_native_json`); an answer too large for that is taken
    again and written by the capped writer."""
    kind = _kind(answer)
    fmt = formats.get(kind)
    if fmt is None:
        return QueryAnswer(status=406, kind=kind,
                           message=f"no acceptable media type for {kind} results")
    if fmt == "json" and again is not None and isinstance(answer, ox.QuerySolutions):
        native = _native_json(answer, cap)
        if native is not None:
            return QueryAnswer(kind=kind, format=fmt, body=native[0], rows=native[1])
        answer = again()  # too large for it, or over the cap: the capped writer below
    truncated, count = False, 1
    if isinstance(answer, ox.QuerySolutions):
        variables = [v.value for v in answer.variables]
        rows, truncated = results.capped(
            ([solution[v] for v in variables] for solution in answer), cap)
        body = results.write_solutions(variables, rows, fmt)  # type: ignore[arg-type]
        count = len(rows)
    elif isinstance(answer, ox.QueryBoolean):
        body = results.write_boolean(bool(answer), fmt)
    else:
        triples, truncated = results.capped(answer, cap)  # type: ignore[arg-type]
        body = results.write_graph(triples, fmt)  # type: ignore[arg-type]
        count = len(triples)
    return QueryAnswer(kind=kind, format=fmt, body=body, rows=count, truncated=truncated)


#: Largest SELECT answer in SPARQL JSON written by pyoxigraph's own serialiser (see below).
NATIVE_JSON_MAX_BYTES = 4 << 20


class _Bounded(io.BytesIO):
    """An output that refuses to grow past ``limit`` bytes (pyoxigraph writes 8 KiB at a
    time, so a large answer stops early instead of being written whole)."""

    def __init__(self, limit: int) -> None:
        super().__init__()
        self.limit = limit

    def write(self, data: bytes) -> int:  # type: ignore[override]
        if self.tell() + memoryview(data).nbytes > self.limit:
            raise _TooLarge
        return super().write(data)


class _TooLarge(Exception):
    """The answer is larger than the native writer's bound."""


def _native_json(answer: ox.QuerySolutions, cap: int) -> tuple[bytes, int] | None:
    """SELECT solutions in SPARQL JSON by pyoxigraph's writer, and their row count; None
    when the answer is larger than NATIVE_JSON_MAX_BYTES or has more rows than ``cap``
    (the answer is then consumed: the caller takes it again).

    pyoxigraph writes the same bytes as :func:`server.query.results.write_solutions` (keys,
    order, escapes: tests/test_native_json.py checks it) at a fraction of the cost per row
    (a lookup by IRI: 0.39 -> 0.13 ms in process, most of the request's own work)."""
    out = _Bounded(NATIVE_JSON_MAX_BYTES)
    try:
        answer.serialize(out, format=ox.QueryResultsFormat.JSON)
    except _TooLarge:
        return None
    body = out.getvalue()
    rows = len(json.loads(body)["results"]["bindings"])
    return (body, rows) if rows <= cap else None


def serve(conn: Connection, served: ServedStore) -> None:
    """Answer jobs from ``conn`` against ``served`` until the pipe closes; before each,
    the writes accepted before it was sent are made visible (its ``journal_end``)."""
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        try:
            if job.journal_end is not None:
                served.catch_up(job.journal_end)
            answer: Answer = execute(served.store, job)
        except Exception as exc:  # noqa: BLE001 - any crash is the job's 500, not the worker's
            answer = job.failed(500, f"{exc.__class__.__name__}: {exc}",
                                trace=traceback.format_exc(limit=5))
        try:
            conn.send(answer)
        except (BrokenPipeError, OSError):
            return
