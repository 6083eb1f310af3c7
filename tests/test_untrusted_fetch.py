"""No request makes the server fetch anything (issue 19, findings 1 and 2).

Each test sends the input that was found (or a respelling of it) with a loopback
listener standing where the input points, and asserts both the refusal and that
the listener saw no connection at all: a refused request that still fetched
would fail here.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.loopback import Listener

SUB = "https://w3id.org/iacml/graph/submissions/"
ALICE = {"Authorization": "Bearer T1"}
UPDATE = {**ALICE, "Content-Type": "application/sparql-update"}


@pytest.fixture(scope="module")
def app(dataset_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """An app with writes on for alice and bob (the probe's configuration)."""
    from server.app import create_app

    application = create_app({
        "IACML_DATASET": str(dataset_path), "IACML_RATE_LIMIT": 0, "IACML_QUERY_WORKERS": 1,
        "IACML_WRITE_TOKEN": "alice:T1,bob:T2",
        "IACML_JOURNAL": str(tmp_path_factory.mktemp("instance") / "journal.jsonl")})
    yield application
    application.extensions["iacml.backend"].close()


@pytest.fixture()
def listener() -> Iterator[Listener]:
    """A loopback listener that must see nothing."""
    with Listener() as opened:
        yield opened


def _load_spellings(url: str) -> list[str]:
    """LOAD as the probe wrote it, and in every other spelling found since."""
    graph = f"<{SUB}alice-load>"
    host = url.removeprefix("http://")
    return [
        # the finding: a '#' inside an IRI taken for a comment by the old filter
        f"PREFIX x: <http://example.org/#> LOAD <{url}/x> INTO GRAPH\n{graph}",
        f"LOAD <{url}/x> INTO GRAPH {graph}",
        f"load silent <{url}/x> into graph {graph}",
        f"LOAD # a comment between the keyword and its IRI\n<{url}/x> INTO GRAPH {graph}",
        f"LOAD <{url}/x#fragment> INTO GRAPH {graph}",
        f"LOAD <http://{host}/\\u0078> INTO GRAPH {graph}",  # an escape in the IRI
        f"PREFIX l: <{url}/> LOAD l:x INTO GRAPH {graph}",  # a prefixed name
        f"BASE <{url}/> LOAD <x> INTO GRAPH {graph}",  # a relative IRI
        f'INSERT DATA {{ GRAPH {graph} {{ <urn:x:a> <urn:x:b> "LOAD" }} }} ;\n'
        f"LOAD <{url}/x> INTO GRAPH {graph}",  # after another operation
        f"LOAD <{url}/x>",  # into the default graph
    ]


def test_load_is_refused_in_every_spelling_and_fetches_nothing(
        client: FlaskClient, listener: Listener) -> None:
    for update in _load_spellings(listener.url):
        for resp in (client.post("/sparql", data=update.encode(), headers=UPDATE),
                     client.post("/sparql", data={"update": update}, headers=ALICE)):
            assert resp.status_code == 403, (update, resp.data)
            assert b"LOAD" in resp.data
    assert listener.seen == []


def test_service_in_an_update_is_refused_and_fetches_nothing(
        client: FlaskClient, listener: Listener) -> None:
    graph = f"<{SUB}alice-service>"
    # the finding's spelling: rdflib, which reads every update before it runs, cannot
    # read this valid one (a '#' in the PREFIX IRI, then SERVICE): refused unread (400)
    finding = (f"PREFIX x: <http://example.org/#> INSERT {{ GRAPH {graph} {{ ?s ?p ?o }} }} "
               f"WHERE {{ SERVICE <{listener.url}/sparql> {{ ?s ?p ?o }} }}")
    resp = client.post("/sparql", data=finding.encode(), headers=UPDATE)
    assert resp.status_code == 400 and b"syntax error" in resp.data
    updates = [
        f"PREFIX x: <http://example.org/#>\nINSERT {{ GRAPH {graph} {{ ?s ?p ?o }} }} "
        f"WHERE {{ SERVICE <{listener.url}/sparql> {{ ?s ?p ?o }} }}",
        f"INSERT {{ GRAPH {graph} {{ ?s ?p ?o }} }} WHERE {{ ?s ?p ?o "
        f"FILTER EXISTS {{ SERVICE SILENT <{listener.url}/sparql#x> {{ ?s ?p ?o }} }} }}",
        f"PREFIX e: <{listener.url}/> DELETE {{ GRAPH {graph} {{ ?s ?p ?o }} }} "
        f"WHERE {{ GRAPH {graph} {{ ?s ?p ?o }} OPTIONAL {{ SERVICE e:sparql {{ ?s ?p ?o }} }} }}",
    ]
    for update in updates:
        resp = client.post("/sparql", data=update.encode(), headers=UPDATE)
        assert resp.status_code == 403, (update, resp.data)
        assert b"SERVICE" in resp.data
    assert listener.seen == []


def test_service_in_a_query_fetches_nothing(client: FlaskClient, listener: Listener) -> None:
    for query in (f"SELECT * WHERE {{ SERVICE <{listener.url}/sparql> {{ ?s ?p ?o }} }}",
                  f"PREFIX x: <http://example.org/#> SELECT * WHERE {{ SERVICE "
                  f"<{listener.url}/#x> {{ ?s ?p ?o }} }}"):
        assert client.get("/sparql", query_string={"query": query}).status_code == 403
    assert listener.seen == []


def _contexts(url: str) -> dict[str, bytes]:
    """Every position a remote JSON-LD context can take."""
    node = '"@id": "http://example.org/x", "http://example.org/p": "x"'
    bodies = {
        "string": f'{{"@context": "{url}/ctx", {node}}}',
        "list": f'{{"@context": ["{url}/ctx"], {node}}}',
        "nested list (the finding)": f'{{"@context": [["{url}/ctx"]], {node}}}',
        "@import": f'{{"@context": {{"@import": "{url}/ctx"}}, {node}}}',
        "scoped on a type": f'{{"@context": {{"T": {{"@id": "http://example.org/T", '
                            f'"@context": "{url}/ctx"}}}}, "@type": "T", {node}}}',
        "scoped on a property": f'{{"@context": {{"p": {{"@id": "http://example.org/p", '
                                f'"@context": "{url}/ctx"}}}}, "@id": "http://example.org/x", '
                                f'"p": {{"@id": "http://example.org/y", '
                                f'"http://example.org/q": 1}}}}',
        "in a nested node": f'{{"@id": "http://example.org/x", "http://example.org/p": '
                            f'{{"@context": "{url}/ctx", "@id": "http://example.org/y"}}}}',
        "in @graph": f'{{"@graph": [{{"@context": "{url}/ctx", {node}}}]}}',
    }
    return {name: body.encode() for name, body in bodies.items()}


def test_remote_jsonld_contexts_are_400_and_fetch_nothing(
        client: FlaskClient, listener: Listener) -> None:
    for name, body in _contexts(listener.url).items():
        resp = client.post("/validate", data=body,
                           headers={"Content-Type": "application/ld+json"})
        assert resp.status_code == 400, (name, resp.data)
        put = client.put("/graph", query_string={"graph": SUB + "alice-ctx"}, data=body,
                         headers={**ALICE, "Content-Type": "application/ld+json"})
        assert put.status_code == 400, (name, put.data)
    assert listener.seen == []


def test_external_xml_entities_are_never_resolved(client: FlaskClient, listener: Listener,
                                                  tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("do not read")
    for target in (f"{listener.url}/entity", f"file://{secret}"):
        for declaration in (f'<!ENTITY x SYSTEM "{target}">',
                            f'<!ENTITY x PUBLIC "-//x//x" "{target}">',
                            f'<!ENTITY % p SYSTEM "{target}"> %p;'):
            body = (f'<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [{declaration}]>\n'
                    '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
                    'xmlns:ex="http://example.org/"><rdf:Description '
                    'rdf:about="http://example.org/s"><ex:p>&x;</ex:p></rdf:Description>'
                    '</rdf:RDF>').encode()
            resp = client.post("/validate", data=body,
                               headers={"Content-Type": "application/rdf+xml"})
            assert resp.status_code == 400, resp.data
            assert b"do not read" not in resp.data
    assert listener.seen == []
