"""The W3C SPARQL 1.0 and 1.1 query syntax tests, through /sparql (issue 19, finding 11).

tests/w3c-sparql-syntax/ is a copy of the W3C rdf-tests syntax suites (W3C test-suite
licence, LICENSE.md there). Every test listed in a manifest's ``mf:entries`` is
sent as a query: a negative syntax test must get 400; a positive one 200, except
the refusals by policy listed in tests/w3c-sparql-syntax/refusals.csv, each with
the status it gets and why. The tally is printed (``pytest -s`` shows it).
"""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from rdflib import RDF, Graph, Namespace, URIRef
from rdflib.collection import Collection

SUITES = Path(__file__).resolve().parent / "w3c-sparql-syntax"
SMALL = Path(__file__).resolve().parent / "fixtures" / "sparql" / "small.nq"
MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
POSITIVE = {MF.PositiveSyntaxTest, MF.PositiveSyntaxTest11}
NEGATIVE = {MF.NegativeSyntaxTest, MF.NegativeSyntaxTest11}


def suite_tests() -> list[tuple[str, Path, bool]]:
    """(name, query file, positive?) for every entry of every manifest."""
    tests = []
    for manifest in sorted(SUITES.rglob("manifest.ttl")):
        graph = Graph().parse(manifest, format="turtle", publicID=manifest.as_uri())
        for entries in graph.objects(None, MF.entries):
            for test in Collection(graph, entries):
                kinds = set(graph.objects(test, RDF.type))
                if not kinds & (POSITIVE | NEGATIVE):
                    continue
                action = graph.value(test, MF.action)
                assert isinstance(action, URIRef), test
                path = Path(action.removeprefix("file://"))
                tests.append((str(path.relative_to(SUITES)), path, bool(kinds & POSITIVE)))
    return tests


def refusals() -> dict[str, tuple[int, str]]:
    """Positive tests refused by policy: name → (status, reason)."""
    with (SUITES / "refusals.csv").open(encoding="utf-8") as handle:
        return {row["test"]: (int(row["status"]), row["reason"])
                for row in csv.DictReader(handle)}


@pytest.fixture(scope="module")
def app() -> Iterator[Flask]:
    """The endpoint over the small fixture: syntax is the question, not the data."""
    from server.app import create_app

    application = create_app({"IACML_DATASET": str(SMALL), "IACML_RATE_LIMIT": 0,
                              "IACML_QUERY_WORKERS": 2, "IACML_RESULT_CACHE_BYTES": 0})
    yield application
    application.extensions["iacml.backend"].close()


def test_every_syntax_test_gets_its_status(client) -> None:
    tests = suite_tests()
    refused = refusals()
    assert len(tests) > 250 and set(refused) <= {name for name, _, _ in tests}
    tally: Counter[str] = Counter()
    wrong = []
    for name, path, positive in tests:
        resp = client.post("/sparql", data=path.read_bytes(),
                           headers={"Content-Type": "application/sparql-query",
                                    "Accept": "application/sparql-results+json, text/turtle"})
        expected = refused[name][0] if name in refused else (200 if positive else 400)
        kind = ("positive" if positive else "negative") + (" refused by policy"
                                                          if name in refused else "")
        tally[f"{kind}: {'as expected' if resp.status_code == expected else 'WRONG'}"] += 1
        if resp.status_code != expected:
            wrong.append(f"{name}: {resp.status_code} (expected {expected}) "
                         f"{resp.get_data(as_text=True)[:160]!r}")
    print(f"\nW3C SPARQL syntax tests: {len(tests)}")
    for line, count in sorted(tally.items()):
        print(f"  {line}: {count}")
    assert wrong == [], "\n".join(wrong)


def test_the_finding_syn_bad_26_is_refused(client) -> None:
    query = (SUITES / "sparql10" / "syntax-sparql3" / "syn-bad-26.rq").read_bytes()
    resp = client.post("/sparql", data=query,
                       headers={"Content-Type": "application/sparql-query"})
    assert resp.status_code == 400
