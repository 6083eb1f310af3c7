"""Run the linked-data pages' SPARQL queries through the app's query backend.

Every page asks the shared backend (the pool of query worker processes, or a
remote endpoint) with a job dict as :mod:`server.query.sparql` does; the web process
never holds a copy of the dataset.  Answers are small Python structures:
rows of :class:`pyoxigraph` terms for SELECT, triples for CONSTRUCT.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from flask import current_app

from server.settings import dataset_path
from server.workers.pool import PoolUnavailable, QueryTimeout

FORMATS = {"solutions": "json", "boolean": "json", "graph": "ntriples"}
BIG_CAP = 10_000_000


class QueryFailed(Exception):
    """The backend could not answer a page's query (timeout, unavailable, error)."""


def _job(query: str, row_cap: int) -> dict[str, Any]:
    return {"op": "query", "query": query, "base_iri": None, "default_graphs": None,
            "named_graphs": None, "formats": FORMATS, "row_cap": row_cap,
            "allow": current_app.config.get("IACML_SERVICE_ALLOWLIST", [])}


def _run(query: str, row_cap: int) -> dict[str, Any]:
    backend = current_app.extensions["iacml.backend"]
    limit = float(current_app.config["IACML_QUERY_TIMEOUT"])
    try:
        answer = backend.run(_job(query, row_cap), limit)
    except (QueryTimeout, PoolUnavailable) as exc:
        raise QueryFailed(str(exc)) from exc
    if answer.get("status") != 200:
        raise QueryFailed(answer.get("message", f"query failed ({answer.get('status')})"))
    return answer


def select(query: str, row_cap: int = BIG_CAP) -> list[dict[str, Any]]:
    """Rows of a SELECT query as dicts variable -> pyoxigraph term (unbound left out)."""
    body = _run(query, row_cap)["body"]
    solutions = ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)
    variables = [v.value for v in solutions.variables]
    rows = []
    for solution in solutions:
        rows.append({v: solution[v] for v in variables if solution[v] is not None})
    return rows


def ask(query: str) -> bool:
    """Answer of an ASK query."""
    body = _run(query, 1)["body"]
    return bool(ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON))


def construct(query: str, row_cap: int = BIG_CAP) -> list[ox.Triple]:
    """Triples of a CONSTRUCT query."""
    body = _run(query, row_cap)["body"]
    return [q.triple for q in ox.parse(body, format=ox.RdfFormat.N_TRIPLES)]


def data_version() -> str:
    """The version of the data being served: the build id and the dump's size and mtime.

    Caches (VoID, dumps, search index) are keyed by it, so a new build (or a
    journal appended next to the dump) gives new cached artefacts.
    """
    config = current_app.config
    served = getattr(current_app.extensions["iacml.backend"], "data_version", None)
    if callable(served):  # a backend that knows its version (base build + journal) says so
        return str(served())
    if config.get("IACML_BACKEND_URL"):
        digest = hashlib.sha256(config["IACML_BACKEND_URL"].encode()).hexdigest()[:16]
        return "remote-" + digest
    path = dataset_path(config["IACML_DATASET"])
    build_id = path.parent / "build-id"
    parts = [build_id.read_text(encoding="utf-8").strip() if build_id.exists() else "nobuild"]
    for candidate in (path, path.parent / "journal.nq"):
        if candidate.exists():
            stat = candidate.stat()
            parts.append(f"{stat.st_size}-{int(stat.st_mtime)}")
    return "-".join(parts)


def cache_dir() -> Path:
    """Folder for generated artefacts of the served data version (created on demand)."""
    base = Path(current_app.config.get("IACML_LD_CACHE_DIR") or "build/cache")
    if not base.is_absolute():
        base = dataset_path(str(base))
    folder = base / data_version()
    folder.mkdir(parents=True, exist_ok=True)
    return folder
