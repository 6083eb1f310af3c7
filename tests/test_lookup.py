"""Lookups by IRI answered in the web process (server/workers/lookup.py).

The recognizer must accept only queries whose cost is bounded by one subject's
statements (anything else goes to a killable worker), and the in-process answer
must be the worker's answer, byte for byte, including writes accepted since the
start.
"""

from __future__ import annotations

import json
import random
import re
from dataclasses import replace
from pathlib import Path

import pyoxigraph as ox
import pytest

from server import formats as registry
from server.app import create_app
from server.workers.jobs import QueryAnswer, QueryJob
from server.workers.lookup import REMEMBERED_CHARS, is_lookup

ID = "https://w3id.org/iacml/id/"

LOOKUPS = [
    f"SELECT ?p ?o WHERE {{ <{ID}conference/21> ?p ?o }}",
    "PREFIX x: <http://example.org/> select * { x:a ?p ?o . } LIMIT 10 OFFSET 5",
    "ASK { <http://example.org/a> a <http://example.org/C> }",
    "DESCRIBE <http://example.org/a>",
    "DESCRIBE iacml:Conference",
    "SELECT ?l WHERE { <http://example.org/a> rdfs:label ?l } # a comment",
    'ASK WHERE { <http://example.org/a> <http://example.org/p> "a\\"b"@en }',
    'SELECT ?p { <http://example.org/a> ?p "2021-09-22"^^xsd:date }',
    "SELECT ?s { <http://example.org/a> ?p 12 }",
    "BASE <http://example.org/> SELECT * { <a> ?p ?o }",
]

NOT_LOOKUPS = [
    "SELECT ?s ?p ?o { ?s ?p ?o }",                                 # variable subject
    "SELECT * { <http://x.org/a> ?p ?o . ?o ?q ?r }",               # a second pattern
    "SELECT * { <http://x.org/a> ?p ?o ; ?q ?r }",                  # ; is a second pattern
    "SELECT * { <http://x.org/a> ?p ?o , ?o2 }",                    # , is a second pattern
    "SELECT * { <http://x.org/a> ?p ?o FILTER(?o) }",               # a filter
    "SELECT * { <http://x.org/a> <http://x.org/p>* ?o }",           # a property path
    "SELECT * { <http://x.org/a> ^<http://x.org/p> ?o }",           # an inverse path
    "SELECT * FROM <http://x.org/g> { <http://x.org/a> ?p ?o }",    # a dataset clause
    "DESCRIBE ?x { ?x ?p ?o }",                                     # describe of a pattern
    "DESCRIBE <http://x.org/a> <http://x.org/b>",                   # two resources
    "SELECT * { <http://x.org/a> ?p ?o } ORDER BY ?o",              # a modifier not listed
    "SELECT * { <http://x.org/a> ?p ?o } LIMIT 1 LIMIT 2",          # a repeated modifier
    "SELECT * { <http://x.org/a> ?p ?o } VALUES ?o { 1 }",          # VALUES
    'SELECT * { <http://x.org/a> ?p """long""" }',                  # outside the token set
    "SELECT * { GRAPH ?g { <http://x.org/a> ?p ?o } }",             # GRAPH
    "SELECT * { { <http://x.org/a> ?p ?o } }",                      # a group
    "SELECT * { <http://x.org/a> ?p ?o } } UNION { ?s ?p ?o }",     # trailing tokens
    "SELECT (COUNT(*) AS ?n) { <http://x.org/a> ?p ?o }",           # an aggregate
    "SELECT * { _:b ?p ?o }",                                       # blank node subject
    "SELECT * { <http://x.org/a> ?p [] }",                          # anonymous node
    "SELECT * { <http://x.org/a> ?p ?o SERVICE <http://x.org/s> { ?o ?q ?r } }",
    "INSERT DATA { <http://x.org/a> <http://x.org/b> <http://x.org/c> }",
    "SELECT * { <http://x.org/a> ?p ?o }  \u00a0",                  # odd whitespace
    "",
]


@pytest.mark.parametrize("query", LOOKUPS)
def test_lookups_are_recognised(query: str) -> None:
    assert is_lookup(query)


@pytest.mark.parametrize("query", NOT_LOOKUPS)
def test_everything_else_goes_to_a_worker(query: str) -> None:
    assert not is_lookup(query)


def test_long_texts_are_recognised_without_being_remembered() -> None:
    prologue = "".join(f"PREFIX p{i}: <http://example.org/{i}/> " for i in range(200))
    assert len(prologue) > REMEMBERED_CHARS
    assert is_lookup(prologue + "SELECT * { p1:a ?p ?o }")
    assert not is_lookup(prologue + "SELECT * { ?s ?p ?o }")
    assert is_lookup(LOOKUPS[0]) and is_lookup(LOOKUPS[0])  # asked again: remembered


def _subjects(dataset: Path, count: int) -> list[str]:
    found = sorted({q.subject.value for q in ox.parse(path=str(dataset),
                                                      format=ox.RdfFormat.N_QUADS)
                    if isinstance(q.subject, ox.NamedNode)})
    return random.Random(7).sample(found, count)


BNODE = re.compile(r'(_:|"bnode","value":")[A-Za-z0-9]+')


def _rows(answer: QueryAnswer) -> list[str]:
    """The answer's rows in a canonical order (JSON solutions, CSV lines or triples),
    blank node labels masked: each load of the dump draws new ones, and a label only
    means something within one result (SPARQL 1.1 Query Results JSON, section 3.2.2)."""
    body = BNODE.sub(r"\1b", answer.body.decode("utf-8"))
    if answer.kind == "boolean":
        return [body]
    if answer.format == "json":
        return sorted(json.dumps(b, sort_keys=True)
                      for b in json.loads(body)["results"]["bindings"])
    lines = body.splitlines()
    return lines[:1] + sorted(lines[1:]) if answer.format == "csv" else sorted(lines)


def test_in_process_answers_equal_the_workers(app, dataset_path: Path) -> None:
    backend = app.extensions["iacml.backend"]
    assert backend.lookups is not None
    queries = [f"SELECT ?p ?o WHERE {{ <{iri}> ?p ?o }}" for iri in _subjects(dataset_path, 40)]
    queries += [f"DESCRIBE <{ID}conference/21>",
                f"ASK {{ <{ID}conference/21> a iacml:Conference }}"]
    compared = 0
    for accept in ("application/sparql-results+json", "text/csv",
                   "application/n-triples, application/sparql-results+json;q=0.5"):
        formats = dict(registry.negotiate_all(accept, None))
        for query in queries:
            job = QueryJob(query=query, base_iri="http://localhost/sparql", formats=formats,
                           row_cap=10000)
            here = backend.lookups.run(replace(job, journal_end=0))
            there = backend.pool.run(job, 10)
            # how long the pool waited and ran: not part of the answer
            there = replace(there, queue_wait=None, run=0.0)
            compared += 1
            if not here.ok:  # 406: e.g. a DESCRIBE asked for as CSV
                assert here == there, query
                continue
            # two stores loaded from one file may list solutions in another order
            assert _rows(here) == _rows(there), query
            assert replace(here, body=b"") == replace(there, body=b"")
    assert compared == 3 * len(queries)


NOTE = (b'\n<cooperation/20/col-hnd-child-labor> <http://www.w3.org/2000/01/rdf-schema#comment> '
        b'"Written through the API by tests/test_lookup.py."@en .\n')


def test_lookups_are_counted_and_see_accepted_writes(dataset_path: Path,
                                                     tmp_path: Path) -> None:
    journal = tmp_path / "journal.jsonl"
    entry = (Path(__file__).parent / "fixtures" / "entries" / "valid-cooperation.ttl")
    app = create_app({"IACML_DATASET": str(dataset_path), "IACML_RATE_LIMIT": 0,
                      "IACML_JOURNAL": str(journal), "IACML_WRITE_TOKEN": "t:tok",
                      "IACML_QUERY_WORKERS": 1})
    try:
        client = app.test_client()
        subject = f"{ID}cooperation/20/col-hnd-child-labor"
        lookup = {"query": f"SELECT ?p ?o WHERE {{ <{subject}> ?p ?o }}"}
        accept = {"Accept": "application/sparql-results+json"}
        before = client.get("/sparql", query_string=lookup, headers=accept).get_json()
        put = client.put("/graph", query_string={"graph": "https://w3id.org/iacml/graph/"
                                                          "submissions/t-lookup"},
                         # the entry restates 003's facts: with a default graph that is a
                         # set, only a new statement shows, so the write adds a comment
                         data=entry.read_bytes() + NOTE,
                         headers={"Authorization": "Bearer tok",
                                  "Content-Type": "text/turtle"})
        assert put.status_code == 201, put.data
        after = client.get("/sparql", query_string=lookup, headers=accept).get_json()
        assert len(after["results"]["bindings"]) == len(before["results"]["bindings"]) + 1, \
            "the accepted write is not visible to lookups"
        assert app.extensions["iacml.backend"].lookups_answered == 2
    finally:
        app.extensions["iacml.backend"].close()


def test_lookups_can_be_turned_off(dataset_path: Path) -> None:
    app = create_app({"IACML_DATASET": str(dataset_path), "IACML_RATE_LIMIT": 0,
                      "IACML_LOOKUPS_IN_PROCESS": "false", "IACML_QUERY_WORKERS": 1})
    try:
        client = app.test_client()
        query = {"query": f"SELECT ?p ?o WHERE {{ <{ID}conference/21> ?p ?o }}"}
        assert client.get("/sparql", query_string=query).status_code == 200
        backend = app.extensions["iacml.backend"]
        assert backend.lookups is None and backend.lookups_answered == 0
    finally:
        app.extensions["iacml.backend"].close()


def test_no_lookups_without_a_dataset(tmp_path: Path) -> None:
    # the zygote cannot load a missing dump and /health says so; lookups must not
    # answer from an empty store meanwhile
    app = create_app({"IACML_DATASET": str(tmp_path / "missing.nq"), "IACML_RATE_LIMIT": 0,
                      "IACML_QUERY_WORKERS": 1})
    try:
        client = app.test_client()
        query = {"query": f"SELECT ?p ?o WHERE {{ <{ID}conference/21> ?p ?o }}"}
        assert client.get("/sparql", query_string=query).status_code == 503
        assert app.extensions["iacml.backend"].lookups is None
    finally:
        app.extensions["iacml.backend"].close()
