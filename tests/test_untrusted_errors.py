"""Bad input gets a 4xx a person can act on, never a 500 (issue 19, findings 10 and 12)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from server.settings import PROJECT_ROOT

SUB = "https://w3id.org/iacml/graph/submissions/"
ALICE = {"Authorization": "Bearer T1"}
RDF = 'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="http://example.org/"'
BOM = "\ufeff"


@pytest.fixture(scope="module")
def app(dataset_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """An app with writes on for alice."""
    from server.app import create_app

    application = create_app({
        "IACML_DATASET": str(dataset_path), "IACML_RATE_LIMIT": 0, "IACML_QUERY_WORKERS": 1,
        "IACML_WRITE_TOKEN": "alice:T1",
        "IACML_JOURNAL": str(tmp_path_factory.mktemp("instance") / "journal.jsonl")})
    yield application
    application.extensions["iacml.backend"].close()


def validate(client: FlaskClient, body: str, content_type: str = "text/turtle"):
    """POST an entry to /validate."""
    return client.post("/validate", data=body.encode(), headers={"Content-Type": content_type})


def test_rdfxml_with_a_relative_about_is_400_naming_it(client: FlaskClient) -> None:
    body = (f'<rdf:RDF {RDF}><rdf:Description rdf:about="relative"><ex:p>x</ex:p>'
            "</rdf:Description></rdf:RDF>")
    resp = validate(client, body, "application/rdf+xml")
    assert resp.status_code == 400
    assert "<relative>" in resp.get_json()["error"]


def test_rdfxml_with_an_unprefixed_attribute_is_400(client: FlaskClient) -> None:
    body = (f'<rdf:RDF {RDF}><rdf:Description rdf:about="http://example.org/s" about="x">'
            "<ex:p>x</ex:p></rdf:Description></rdf:RDF>")
    resp = validate(client, body, "application/rdf+xml")
    assert resp.status_code == 400
    assert "namespace" in resp.get_json()["error"]


def test_an_unsupported_function_is_400_naming_it(client: FlaskClient) -> None:
    query = "SELECT (<http://example.org/f>(1) AS ?x) {}"  # the finding
    resp = client.get("/sparql", query_string={"query": query})
    assert resp.status_code == 400
    assert b"<http://example.org/f>" in resp.data


def test_the_servers_folder_never_becomes_a_base(client: FlaskClient) -> None:
    # the finding, as posted: its prefix undeclared, it is a syntax error naming it
    finding = validate(client, "<x> a iacml:BilateralCooperation .")
    assert finding.status_code == 400 and "iacml" in finding.get_json()["error"]
    declared = "@prefix iacml: <https://w3id.org/iacml/ontology#> .\n" \
               "<x> a iacml:BilateralCooperation ."
    for resp in (validate(client, declared),
                 client.put("/graph", query_string={"graph": SUB + "alice-base"},
                            data=declared.encode(),
                            headers={**ALICE, "Content-Type": "text/turtle"})):
        assert resp.status_code == 400
        text = resp.get_data(as_text=True)
        assert "relative IRI <x>" in text
        assert "file:" not in text and str(PROJECT_ROOT) not in text
    jsonld = '{"@id": "x", "http://example.org/p": "y"}'  # dropped silently before
    resp = validate(client, jsonld, "application/ld+json")
    assert resp.status_code == 400 and "relative IRI <x>" in resp.get_json()["error"]


def test_a_leading_byte_order_mark_is_stripped(client: FlaskClient) -> None:
    query = BOM + "ASK { ?s ?p ?o }"
    assert client.get("/sparql", query_string={"query": query}).status_code == 200
    direct = client.post("/sparql", data=query.encode(),
                         headers={"Content-Type": "application/sparql-query"})
    assert direct.status_code == 200
    entry = (PROJECT_ROOT / "tests" / "fixtures" / "entries" / "valid-cooperation.ttl")
    resp = client.post("/validate", data=BOM.encode() + entry.read_bytes(),
                       headers={"Content-Type": "text/turtle"})
    assert resp.status_code == 200 and resp.get_json()["conforms"] is True
    update = (BOM + f'INSERT DATA {{ GRAPH <{SUB}alice-bom> {{ <urn:x:s> '
              '<http://www.w3.org/2000/01/rdf-schema#comment> "x" } }')
    resp = client.post("/sparql", data=update.encode(),
                       headers={**ALICE, "Content-Type": "application/sparql-update"})
    assert resp.status_code in (200, 409), resp.data  # read; the guard then judges it
