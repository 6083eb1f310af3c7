"""Run the linked-data pages' SPARQL queries through the app's query backend.

Every page asks the shared backend (the pool of query worker processes, or a remote
endpoint) with a :class:`~server.workers.jobs.QueryJob`, as :mod:`server.query.sparql`
does; the pages keep no store of their own. Answers are small Python structures: rows
of pyoxigraph terms for SELECT, triples for CONSTRUCT.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyoxigraph as ox
from flask import current_app

from server.ops.diskcache import prune
from server.settings import dataset_path
from server.workers.backend import current_backend
from server.workers.jobs import QueryAnswer, QueryJob
from server.workers.pool import PoolUnavailable, QueryTimeout

FORMATS = {"solutions": "json", "boolean": "json", "graph": "ntriples"}
BIG_CAP = 10_000_000


class QueryFailed(Exception):
    """The backend could not answer a page's query (timeout, unavailable, error)."""


def _run(query: str, row_cap: int) -> QueryAnswer:
    job = QueryJob(query=query, formats=FORMATS, row_cap=row_cap,
                   allow=tuple(current_app.config.get("IACML_SERVICE_ALLOWLIST", ())))
    limit = float(current_app.config["IACML_QUERY_TIMEOUT"])
    try:
        answer = current_backend().run(job, limit)
    except (QueryTimeout, PoolUnavailable) as exc:
        raise QueryFailed(str(exc)) from exc
    if not answer.ok:
        raise QueryFailed(answer.message or f"query failed ({answer.status})")
    return answer


def select(query: str, row_cap: int = BIG_CAP) -> list[dict[str, Any]]:
    """Rows of a SELECT query as dicts variable -> pyoxigraph term (unbound left out)."""
    body = _run(query, row_cap).body
    solutions = ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)
    assert isinstance(solutions, ox.QuerySolutions), "a SELECT query answers solutions"
    variables = [v.value for v in solutions.variables]
    rows = []
    for solution in solutions:
        rows.append({v: solution[v] for v in variables if solution[v] is not None})
    return rows


def ask(query: str) -> bool:
    """Answer of an ASK query."""
    body = _run(query, 1).body
    return bool(ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON))


def construct(query: str, row_cap: int = BIG_CAP) -> list[ox.Triple]:
    """Triples of a CONSTRUCT query."""
    body = _run(query, row_cap).body
    return [q.triple for q in ox.parse(body, format=ox.RdfFormat.N_TRIPLES)]


def data_version() -> str:
    """The version of the data being served, as the backend names it (embedded: the
    build id, the dump's size and time, the journal's length).

    Caches (VoID, dumps, search index) are keyed by it, so a new build (or an
    accepted write) gives new cached artefacts.
    """
    return current_backend().data_version()


def cache_dir() -> Path:
    """Folder for generated artefacts of the served data version (created on demand),
    under the server's cache folder (IACML_CACHE_DIR)."""
    folder = dataset_path(current_app.config["IACML_CACHE_DIR"]) / "versions" / data_version()
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def prune_cache(keep: Path) -> None:
    """Keep the cache folder under its bound (IACML_CACHE_MAX_BYTES), ``keep`` kept."""
    config = current_app.config
    prune(dataset_path(config["IACML_CACHE_DIR"]), config["IACML_CACHE_MAX_BYTES"], keep)
