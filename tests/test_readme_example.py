"""The README's example query answers each row once (issue 14, item 12), and the default
graph of the endpoint is a set: ``COUNT(*)`` equals the distinct triples of the dataset."""

from __future__ import annotations

import csv
import io
import re

import pytest
import requests
from sparql_live import ROOT, LiveServer, dataset, distinct_triples, graph_sizes, live_server


@pytest.fixture(scope="module")
def server() -> LiveServer:
    return live_server()


def readme_query() -> str:
    """The query of README.md's "A query to try", as curl sends it."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    found = re.search(r"--data-urlencode 'query=\n(.*?)'\n```", text, re.DOTALL)
    assert found, "README.md has no curl example"
    return found.group(1)


def test_readme_example_returns_each_row_once(server: LiveServer) -> None:
    """Source 003 (the report of the Secretariat, "Working Group authorities" of the XX
    IACML): "Working Group 1: ... - Chair: Minister of Labor of Ecuador. Vice Chairs:
    Ministers of Labor of Brazil and Chile." and "Working Group 2: ... - Chair: Minister of
    Labor of Argentina. Vice Chairs: Ministers of Labor of Costa Rica and Canada"."""
    for line in ("Chair: Minister of Labor of Ecuador. Vice Chairs: Ministers of Labor of "
                 "Brazil and Chile.", "Chair: Minister of Labor of Argentina. Vice Chairs: "
                 "Ministers of Labor of Costa Rica and Canada"):
        assert line in next((ROOT / "data" / "sources").glob("003_*.txt")).read_text()
    resp = requests.post(server.endpoint, data={"query": readme_query()},
                         headers={"Accept": "text/csv"}, timeout=60)
    assert resp.status_code == 200, resp.text
    rows = [tuple(r) for r in csv.reader(io.StringIO(resp.text))][1:]
    wg1, wg2 = "Working Group 1 of the XX IACML", "Working Group 2 of the XX IACML"
    assert sorted(rows) == sorted([
        (wg1, "Chair", "Ecuador"), (wg1, "Vice-chair", "Brazil"), (wg1, "Vice-chair", "Chile"),
        (wg2, "Chair", "Argentina"), (wg2, "Vice-chair", "Canada"),
        (wg2, "Vice-chair", "Costa Rica")])


def _count(server: LiveServer, query: str) -> int:
    resp = requests.post(server.endpoint, data={"query": query},
                         headers={"Accept": "application/sparql-results+json"}, timeout=60)
    assert resp.status_code == 200, resp.text
    return int(resp.json()["results"]["bindings"][0]["n"]["value"])


def test_count_over_the_default_graph_is_the_distinct_triples(server: LiveServer) -> None:
    """Counted from the dump file itself: the distinct triples of all its graphs."""
    assert _count(server, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }") == \
        distinct_triples(dataset())
    # a triple typed in several graphs (a Membership of 000, 002 and 003) is seen once
    assert _count(server, """SELECT (COUNT(*) AS ?n) WHERE {
        <https://w3id.org/iacml/id/cycle/20/wg/1/chair>
        a <https://w3id.org/iacml/ontology#Membership> }""") == 1
    # named graphs are unchanged: GRAPH ?g still sees each graph's own triples
    assert _count(server, "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }") == \
        sum(graph_sizes(dataset()).values())
