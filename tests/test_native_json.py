"""SELECT answers in JSON are written by pyoxigraph's own serialiser when they fit
(server/workers/worker.py, issue 18): the bytes must be those of the capped Python writer
(server/query/results.py) that every other format and every cut answer still uses, the
row cap must still cut, and an answer too large for the bound must still be answered."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from bench.mix import query_mix
from server.query import results
from server.workers import worker
from server.workers.jobs import QueryJob

FORMATS = {"solutions": "json", "boolean": "json", "graph": "turtle"}
TRICKY = ('SELECT ?x WHERE { VALUES ?x { "a\\u0001b\\"c\\\\d\\te/\\u007f\\u2028" "x"@en-us '
          '"1"^^<http://www.w3.org/2001/XMLSchema#integer> "ñandú" <http://ex/é> UNDEF } }')


def python_writer(store: ox.Store, query: str) -> bytes:
    answer = store.query(query, prefixes=results.PREFIXES)
    assert isinstance(answer, ox.QuerySolutions)
    names = [v.value for v in answer.variables]
    return results.write_solutions(names, [[s[v] for v in names] for s in answer], "json")


def test_native_bytes_equal_the_python_writer(store: ox.Store) -> None:
    """Every SELECT of the benchmark mix (the 40 competency queries and the shapes) and a
    row of awkward literals: the same bytes either way."""
    queries = [q.text for q in query_mix() if not q.is_graph] + [TRICKY]
    compared = 0
    for text in queries:
        answer = store.query(text, prefixes=results.PREFIXES)
        if not isinstance(answer, ox.QuerySolutions):
            continue
        native = worker._native_json(answer, 10_000)
        assert native is not None, text[-200:]
        assert native[0] == python_writer(store, text), text[-200:]
        compared += 1
    assert compared >= 40


def test_the_cap_still_cuts_and_says_so(store: ox.Store) -> None:
    job = QueryJob(query="SELECT ?s ?p ?o WHERE { ?s ?p ?o }", formats=FORMATS, row_cap=7)
    answer = worker.run_query(store, job)
    assert answer.ok and answer.truncated and answer.rows == 7
    assert answer.body.count(b'"s":') == 7


def test_an_answer_larger_than_the_bound_is_still_answered(
        store: ox.Store, monkeypatch: pytest.MonkeyPatch, dataset_path: Path) -> None:
    monkeypatch.setattr(worker, "NATIVE_JSON_MAX_BYTES", 1000)
    query = "SELECT ?s ?p ?o WHERE { ?s ?p ?o } LIMIT 50"
    answer = worker.run_query(store, QueryJob(query=query, formats=FORMATS, row_cap=10_000))
    assert answer.ok and not answer.truncated and answer.rows == 50
    assert len(answer.body) > 1000  # written by the Python writer, whole
    assert answer.body == python_writer(store, query)
