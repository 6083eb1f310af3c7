"""Unit tests of the endpoint's pure parts: query lexer, SERVICE check, negotiation, rate limit."""

from __future__ import annotations

import pytest

from server import formats, settings
from server.ops.ratelimit import RateLimiter
from server.query import querytext


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
    # a wildcard counts against a format's own media type only: text/xml does not make
    # SPARQL XML a text format
    ("solutions", "text/*", None, "csv"),
    ("graph", "text/*", None, "turtle"),
    ("graph", "text/turtle;charset=utf-8", None, "turtle"),
    # an Accept naming only formats of other kinds: this kind's default (RFC 9110 12.5.1)
    ("solutions", "text/turtle", None, "json"),
    ("graph", "application/sparql-results+json", None, "turtle"),
    ("boolean", "text/csv", None, "json"),
    # format=: names per kind, client aliases, lists; what names nothing falls back to Accept
    ("solutions", None, "yaml", "json"),
    ("solutions", "text/csv", "yaml", "csv"),
    ("graph", "*/*", "xml", "rdfxml"),
    ("graph", "*/*", "json", "jsonld"),
    ("graph", "*/*", "n3", "turtle"),
    ("graph", "*/*", "json-ld,application/ld+json,application/x-json+ld", "jsonld"),
    ("solutions", "*/*", "json-ld,application/ld+json,application/x-json+ld", "json"),
    ("solutions", "text/tab-separated-values", "tsv,text/tab-separated-values", "tsv"),
    ("solutions", None, "rdf+xml,application/rdf+xml", "json"),
    # validation reports: a wildcard gives the route's default
    ("report", "*/*", None, "json"),
    ("report", "application/ld+json", None, "jsonld"),
    ("report", "text/plain", None, "human"),
])
def test_negotiate(kind: str, accept: str | None, fmt: str | None, expected: str) -> None:
    assert formats.negotiate(kind, accept, fmt).name == expected


@pytest.mark.parametrize(("kind", "accept", "fmt"), [
    ("solutions", "application/x-unknown", None), ("graph", "image/png", None),
    ("boolean", "image/png", "yaml"),
    ("solutions", "application/sparql-results+json;q=0", None),
])
def test_not_acceptable(kind: str, accept: str | None, fmt: str | None) -> None:
    with pytest.raises(formats.NotAcceptable):
        formats.negotiate(kind, accept, fmt)


def test_report_default_for_a_wildcard() -> None:
    assert formats.negotiate("report", "*/*", None, default="html").name == "html"
    assert formats.negotiate("report", None, None, default="html").name == "html"
    assert formats.negotiate("report", "application/json", None, default="html").name == "json"


def test_registry_is_one_table() -> None:
    """Every kind has a default; a name or media type selects its own format; the
    entry formats are the ones iacml.entries parses (the library cannot import the server,
    so it keeps its file-suffix table, which must agree)."""
    from iacml.entries import FORMATS as FILE_SUFFIXES

    for kind in (*formats.QUERY_KINDS, "entry", "report"):
        offered = formats.formats_for(kind)
        assert offered, kind
        for fmt in offered:  # a name selects its own format, in every kind it has
            assert formats.lookup(kind, fmt.name) is fmt
            assert formats.lookup(kind, fmt.media_type) is fmt
    parsers = {f.parser for f in formats.formats_for("entry")}
    assert parsers == set(FILE_SUFFIXES.values())
    for fmt in formats.formats_for("entry"):
        assert fmt.suffix is not None and FILE_SUFFIXES[fmt.suffix] == fmt.parser


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


def test_docs_name_every_query_format() -> None:
    """docs/endpoint.md's format table names every format= name, alias and media type
    of the registry's query answers (so the table cannot drift from the registry)."""
    from pathlib import Path

    text = (Path(__file__).resolve().parent.parent / "docs" / "endpoint.md").read_text()
    section = text.split("## Formats and content negotiation", 1)[1].split("\n## ", 1)[0]
    for kind in formats.QUERY_KINDS:
        for fmt in formats.formats_for(kind):
            for word in (fmt.name, *fmt.names):
                assert f"`{word}`" in section, word
            assert fmt.media_type in section, fmt.media_type
