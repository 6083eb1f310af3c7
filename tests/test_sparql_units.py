"""Unit tests of the endpoint's pure parts: query lexer, SERVICE check, conneg, rate limit."""

from __future__ import annotations

import pytest

from server import conneg, querytext, settings
from server.ratelimit import RateLimiter


@pytest.mark.parametrize(("query", "form", "dataset", "service"), [
    ("SELECT * WHERE { ?s ?p ?o }", "SELECT", False, False),
    ("PREFIX from: <http://x/> ASK { ?s from:p ?o }", "ASK", False, False),
    ('CONSTRUCT { ?s ?p "FROM" } FROM <http://g/> WHERE { ?s ?p ?o }', "CONSTRUCT", True,
     False),
    ("select * from named <http://g/> { graph ?g { ?s ?p ?o } }", "SELECT", True, False),
    ("SELECT * WHERE { ?s ?p ?o } # FROM <x> SERVICE", "SELECT", False, False),
    ('SELECT ("SERVICE" AS ?x) WHERE {}', "SELECT", False, False),
    ("SELECT * { \\u0053ERVICE <http://a/> { ?s ?p ?o } }", "SELECT", False, True),
    ("BASE <http://b/> DESCRIBE <x>", "DESCRIBE", False, False),
    ("INSERT DATA { <a> <b> <c> }", "INSERT", False, False),
])
def test_analyse(query: str, form: str, dataset: bool, service: bool) -> None:
    facts = querytext.analyse(query)
    assert (facts.form, facts.has_dataset_clause, facts.has_service) == (form, dataset, service)


def test_service_check() -> None:
    allowed = ["http://allowed.example/sparql"]
    querytext.check_service("SELECT * WHERE { ?s ?p ?o }", [])
    querytext.check_service(
        "PREFIX e: <http://allowed.example/> SELECT * { SERVICE e:sparql { ?s ?p ?o } }", allowed)
    for query in ("SELECT * { SERVICE <http://other.example/sparql> { ?s ?p ?o } }",
                  "SELECT * { SERVICE SILENT ?x { ?s ?p ?o } }",
                  "SELECT * { OPTIONAL { SERVICE <http://allowed.example/sparql> {} "
                  "SERVICE <http://other.example/> {} } }"):
        with pytest.raises(querytext.ServiceRefused):
            querytext.check_service(query, allowed)


@pytest.mark.parametrize(("kind", "accept", "fmt", "expected"), [
    ("solutions", None, None, "json"),
    ("solutions", "*/*", None, "json"),
    ("solutions", "text/csv", None, "csv"),
    ("solutions", "text/*;q=0.5, application/sparql-results+xml;q=0.6", None, "xml"),
    ("solutions", "text/html,application/xhtml+xml,*/*;q=0.8", None, "html"),
    ("solutions", "application/json", None, "json"),
    ("solutions", "text/turtle", "tsv", "tsv"),
    ("graph", None, None, "turtle"),
    ("graph", "application/json", None, "jsonld"),
    ("graph", "text/plain", None, "ntriples"),
    ("graph", "*/*", "nt", "ntriples"),
    ("boolean", "application/sparql-results+xml, application/sparql-results+json;q=0.9",
     None, "xml"),
])
def test_negotiate(kind: str, accept: str | None, fmt: str | None, expected: str) -> None:
    assert conneg.negotiate(kind, accept, fmt) == expected


@pytest.mark.parametrize(("kind", "accept", "fmt"), [
    ("solutions", "text/turtle", None), ("graph", "application/sparql-results+json", None),
    ("boolean", "text/csv", None), ("solutions", None, "yaml"),
    ("solutions", "application/sparql-results+json;q=0", None),
])
def test_not_acceptable(kind: str, accept: str | None, fmt: str | None) -> None:
    with pytest.raises(conneg.NotAcceptable):
        conneg.negotiate(kind, accept, fmt)


def test_rate_limiter() -> None:
    limiter = RateLimiter(3)
    assert [limiter.hit("a") for _ in range(3)] == [0, 0, 0]
    assert limiter.hit("a") >= 1
    assert limiter.hit("b") == 0
    assert RateLimiter(0).hit("a") == 0


def test_settings_from_environment() -> None:
    env = {"IACML_QUERY_TIMEOUT": "2.5", "IACML_ROW_CAP": "7",
           "IACML_SERVICE_ALLOWLIST": "http://a/ http://b/", "IACML_TRUST_PROXY": "yes",
           "OTHER": "x"}
    assert settings.from_environment(env) == {
        "IACML_QUERY_TIMEOUT": 2.5, "IACML_ROW_CAP": 7,
        "IACML_SERVICE_ALLOWLIST": ["http://a/", "http://b/"], "IACML_TRUST_PROXY": True}
    assert all(s.help for s in settings.SETTINGS)
