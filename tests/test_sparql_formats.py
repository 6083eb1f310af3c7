"""Result formats and content negotiation (Accept with q-values, format=)."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET

import pyoxigraph as ox
import pytest
import requests
from sparql_live import LiveServer, live_server

# Four ordered rows from the statements about countries: a sort of every quad of the store
# would take ~4 s on the on-disk store the server reads (each comparison reads the terms'
# text from RocksDB; 0.27 s in memory), for the same check of the formats.
SELECT = ("SELECT ?s ?p ?o WHERE { GRAPH ?g { ?s a <https://w3id.org/iacml/ontology#Country> . "
          "?s ?p ?o FILTER(isIRI(?s) && !isBlank(?o)) } } ORDER BY ?s ?p ?o LIMIT 4")
CONSTRUCT = "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } } LIMIT 4"
SRX = "{http://www.w3.org/2005/sparql-results#}"


@pytest.fixture(scope="module")
def server() -> LiveServer:
    """The default server."""
    return live_server()


def get(server: LiveServer, query: str, accept: str | None = None,
        **params: str) -> requests.Response:
    headers = {"Accept": accept} if accept else {}
    return requests.get(server.endpoint, params={"query": query, **params}, headers=headers,
                        timeout=30)


def media(resp: requests.Response) -> str:
    return resp.headers["Content-Type"].split(";")[0].strip()


def test_select_json_xml_csv_tsv_agree(server: LiveServer) -> None:
    as_json = get(server, SELECT, "application/sparql-results+json")
    rows = [{k: v["value"] for k, v in b.items()}
            for b in as_json.json()["results"]["bindings"]]
    assert len(rows) == 4
    as_xml = get(server, SELECT, "application/sparql-results+xml")
    assert media(as_xml) == "application/sparql-results+xml"
    root = ET.fromstring(as_xml.content)
    xml_rows = [{b.get("name"): list(b)[0].text for b in r.findall(SRX + "binding")}
                for r in root.iter(SRX + "result")]
    assert xml_rows == rows
    as_csv = get(server, SELECT, "text/csv")
    assert media(as_csv) == "text/csv"
    assert list(csv.DictReader(io.StringIO(as_csv.text))) == rows
    as_tsv = get(server, SELECT, "text/tab-separated-values")
    lines = as_tsv.text.splitlines()
    assert lines[0] == "?s\t?p\t?o"
    assert len(lines) == 5


def test_ask_formats(server: LiveServer) -> None:
    assert get(server, "ASK {}", "application/sparql-results+json").json() == {
        "head": {}, "boolean": True}
    xml = get(server, "ASK { <urn:x-none> ?p ?o }", "application/sparql-results+xml")
    assert ET.fromstring(xml.content).find(SRX + "boolean").text == "false"


@pytest.mark.parametrize(("accept", "fmt"), [
    ("text/turtle", ox.RdfFormat.TURTLE), ("application/n-triples", ox.RdfFormat.N_TRIPLES),
    ("application/rdf+xml", ox.RdfFormat.RDF_XML), ("application/ld+json", ox.RdfFormat.JSON_LD),
    ("application/trig", ox.RdfFormat.TRIG), ("application/n-quads", ox.RdfFormat.N_QUADS)])
def test_construct_formats(server: LiveServer, accept: str, fmt: ox.RdfFormat) -> None:
    resp = get(server, CONSTRUCT, accept)
    assert resp.status_code == 200
    assert media(resp) == accept
    assert len(list(ox.parse(resp.content, format=fmt))) == 4


def test_construct_default_is_turtle(server: LiveServer) -> None:
    resp = get(server, CONSTRUCT)
    assert media(resp) == "text/turtle"
    assert len(list(ox.parse(resp.content, format=ox.RdfFormat.TURTLE))) == 4


def test_describe(server: LiveServer) -> None:
    subject = get(server, "SELECT ?s WHERE { GRAPH ?g { ?s ?p ?o FILTER(isIRI(?s)) } } LIMIT 1",
                  "application/sparql-results+json").json()["results"]["bindings"][0]["s"]
    resp = get(server, f"DESCRIBE <{subject['value']}>", "application/n-triples")
    triples = list(ox.parse(resp.content, format=ox.RdfFormat.N_TRIPLES))
    assert triples and all(t.subject.value == subject["value"] for t in triples
                           if isinstance(t.subject, ox.NamedNode))


def test_q_values_choose_the_preferred_format(server: LiveServer) -> None:
    resp = get(server, SELECT, "text/csv;q=0.5, application/sparql-results+xml;q=0.9, */*;q=0.1")
    assert media(resp) == "application/sparql-results+xml"
    resp = get(server, CONSTRUCT, "application/rdf+xml;q=0.2, application/n-triples")
    assert media(resp) == "application/n-triples"
    resp = get(server, SELECT, "application/sparql-results+json;q=0, */*")
    assert media(resp) != "application/sparql-results+json"


def test_format_parameter_wins(server: LiveServer) -> None:
    resp = get(server, SELECT, "application/sparql-results+json", format="csv")
    assert media(resp) == "text/csv"
    resp = get(server, CONSTRUCT, None, format="application/ld+json")
    assert media(resp) == "application/ld+json"
    json.loads(resp.text)


def test_browser_gets_html_table(server: LiveServer) -> None:
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    resp = get(server, SELECT, browser)
    assert media(resp) == "text/html"
    assert resp.text.count("<tr>") == 5  # header + 4 rows
    assert "truncated" not in resp.text


@pytest.mark.parametrize(("query", "accept"), [
    ("ASK {}", "application/x-unknown"), (SELECT, "image/png"), (CONSTRUCT, "image/png")])
def test_not_acceptable(server: LiveServer, query: str, accept: str) -> None:
    resp = get(server, query, accept)
    assert resp.status_code == 406
    assert "available" in resp.text


@pytest.mark.parametrize(("query", "accept", "sent"), [
    (SELECT, "text/turtle", "application/sparql-results+json"),
    (CONSTRUCT, "application/sparql-results+json", "text/turtle"),
    ("ASK {}", "text/csv", "application/sparql-results+json")])
def test_format_of_another_form_gets_the_default(server: LiveServer, query: str, accept: str,
                                                 sent: str) -> None:
    resp = get(server, query, accept)
    assert resp.status_code == 200
    assert media(resp) == sent


def test_unknown_format_parameter_falls_back_to_accept(server: LiveServer) -> None:
    assert media(get(server, SELECT, None, format="yaml")) == "application/sparql-results+json"
    assert media(get(server, SELECT, "text/csv", format="yaml")) == "text/csv"
