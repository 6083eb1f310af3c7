"""The query worker: a process holding the dataset in an in-memory pyoxigraph store.

A worker reads jobs from its pipe, answers each with a dict holding serialised
bytes (only bytes cross the pipe), and can be killed at any moment by the pool
when a query passes the time limit: nothing it holds needs saving.
"""

from __future__ import annotations

import os
import traceback
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from iacml.defaultgraph import has_merge, merge_default_graph
from iacml.entries import EntryParseError, entry_ntriples
from iacml.journal import Replayer
from server.query import querytext, results
from server.untrusted import updates

COUNT_QUERY = ("SELECT ?g (COUNT(*) AS ?n) WHERE { { ?s ?p ?o } UNION "
               "{ GRAPH ?g { ?s ?p ?o } } } GROUP BY ?g")


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


#: The write journal this process follows (set in the zygote, inherited by workers).
_JOURNAL = Replayer(None)


def follow_journal(path: str | None, store: ox.Store) -> int:
    """Follow the journal at ``path``: apply every complete record to ``store`` now
    (in the zygote, before forking), and later ones before each job."""
    global _JOURNAL
    _JOURNAL = Replayer(path, keep_merge=True)  # the default graph stays the merge
    return _JOURNAL.catch_up(store)


def _graphs(iris: list[str] | None) -> list[ox.NamedNode] | None:
    return None if iris is None else [ox.NamedNode(iri) for iri in iris]


def dataset_options(job: dict[str, Any], has_dataset_clause: bool) -> dict[str, Any]:
    """pyoxigraph keyword arguments for the protocol dataset of ``job``.

    default-graph-uri / named-graph-uri override the query's FROM clauses; with
    neither, the query's own FROM is used, and with no FROM either the default
    graph is the store's own: the RDF merge of all graphs, each triple once
    (not Oxigraph's union default graph, which matches a triple once per graph).
    """
    default, named = job.get("default_graphs"), job.get("named_graphs")
    if default or named:
        return {"default_graph": _graphs(default or []), "named_graphs": _graphs(named or [])}
    return {}


def execute(store: ox.Store, job: dict[str, Any]) -> dict[str, Any]:
    """Run one job against ``store`` and return the answer dict."""
    if "journal_end" in job:  # apply the writes accepted before this job was sent
        _JOURNAL.catch_up(store, job["journal_end"])
    op = job.get("op", "query")
    if op == "ping":
        return {"status": 200, "triples": len(store), "pid": os.getpid()}
    if op == "counts":
        counts = {}
        for solution in store.query(COUNT_QUERY):
            graph = solution["g"]
            counts[graph.value if graph is not None else ""] = int(solution["n"].value)
        # "triples": the size of the default graph, the merge (each triple once)
        return {"status": 200, "counts": counts, "triples": counts.get("", 0)}
    if op == "parse":  # an untrusted entry (server.untrusted.parse_untrusted)
        try:
            return {"status": 200, "ntriples": entry_ntriples(job["data"], job["format"])}
        except EntryParseError as exc:
            return {"status": 400, "message": exc.message, "line": exc.line}
    if op == "update":  # a guarded write, on a copy of the submission graphs
        return updates.evaluate(store, job, results.PREFIXES)
    query = job["query"]
    facts = querytext.analyse(query)
    try:
        querytext.check_service(query, job.get("allow", []), results.PREFIXES, facts)
    except querytext.ServiceRefused as exc:
        return {"status": 403, "message": str(exc)}
    try:
        # The project prefixes are predeclared; handing them to pyoxigraph costs ~20 us
        # per query, so a query naming no prefixed name goes without them.
        prefixes = results.PREFIXES if facts.has_prefixed_name else None
        answer = store.query(query, base_iri=job.get("base_iri"), prefixes=prefixes,
                             **dataset_options(job, facts.has_dataset_clause))
        if facts.has_variable_like_iri and not querytext.same_tokens(
                query, lambda text: ox.Store().query(text, base_iri=job.get("base_iri"),
                                                     prefixes=results.PREFIXES)):
            return {"status": 400, "message": "SPARQL syntax error: an IRI that starts like a "
                                              "variable (<?...>) stands where no IRI may "
                                              "(SPARQL reads the longest token, so <?a&&?b> "
                                              "is one IRI); for a comparison, put spaces "
                                              "around '<'"}
        if op == "check":
            return {"status": 200, "kind": _kind(answer)}
        return serialise(answer, job["formats"], job["row_cap"])
    except SyntaxError as exc:
        return {"status": 400, "message": f"SPARQL syntax error: {exc}"}
    except RuntimeError as exc:  # evaluation refused: an unsupported function, ...
        return {"status": 400, "message": f"the query cannot be evaluated: {exc}"}
    except OSError as exc:  # a SERVICE endpoint that could not be reached or answered
        return {"status": 502, "message": f"a SERVICE endpoint failed: {exc}"}


def _kind(answer: object) -> str:
    if isinstance(answer, ox.QuerySolutions):
        return "solutions"
    if isinstance(answer, ox.QueryBoolean):
        return "boolean"
    return "graph"


def serialise(answer: object, formats: dict[str, str | None], cap: int) -> dict[str, Any]:
    """Serialise a query answer in the negotiated format of its kind, cut at ``cap``."""
    kind = _kind(answer)
    fmt = formats.get(kind)
    if fmt is None:
        return {"status": 406, "kind": kind,
                "message": f"no acceptable media type for {kind} results"}
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
    return {"status": 200, "kind": kind, "format": fmt, "body": body,
            "rows": count, "truncated": truncated}


def serve(conn: Connection, store: ox.Store) -> None:
    """Answer jobs from ``conn`` against ``store`` until the pipe closes."""
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        try:
            answer = execute(store, job)
        except Exception as exc:
            answer = {"status": 500, "message": f"{exc.__class__.__name__}: {exc}",
                      "trace": traceback.format_exc(limit=5)}
        try:
            conn.send(answer)
        except (BrokenPipeError, OSError):
            return
