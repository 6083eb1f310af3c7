"""SPARQL 1.1 Protocol tests against the app served by gunicorn on loopback.

Modelled on the W3C protocol manifest (w3c/rdf-tests sparql/sparql11/protocol:
query_get, query_post_form, query_post_direct, query_dataset_*,
query_multiple_dataset, bad_query_*, bad_update_get...) and the service
description manifest, adapted to a read-only endpoint over a fixed dataset.
Expected values are computed from the dump file itself, not by the server.
"""

from __future__ import annotations

import subprocess
import sys

import pyoxigraph as ox
import pytest
import requests
from sparql_live import (
    ROOT,
    LiveServer,
    dataset,
    distinct_triples,
    graph_sizes,
    live_server,
    quad_count,
)

JSON = "application/sparql-results+json"
SD = "http://www.w3.org/ns/sparql-service-description#"
VOID = "http://rdfs.org/ns/void#"


@pytest.fixture(scope="module")
def server() -> LiveServer:
    """The default server (rate limit off)."""
    return live_server()


@pytest.fixture(scope="module")
def sizes() -> dict[str, int]:
    """Triples per named graph, read from the dump."""
    return graph_sizes(dataset())


def two_graphs(sizes: dict[str, int]) -> tuple[str, str]:
    """The two largest named graphs of the dataset."""
    names = sorted(sizes, key=lambda g: (-sizes[g], g))
    assert len(names) >= 2, "the dataset needs two named graphs"
    return names[0], names[1]


def ask(server: LiveServer, query: str, **params: object) -> bool:
    resp = requests.get(server.endpoint, params={"query": query, **params},
                        headers={"Accept": JSON}, timeout=30)
    assert resp.status_code == 200, resp.text
    return bool(resp.json()["boolean"])


def count(server: LiveServer, query: str, method: str = "GET", **params: object) -> int:
    if method == "GET":
        resp = requests.get(server.endpoint, params={"query": query, **params},
                            headers={"Accept": JSON}, timeout=30)
    else:
        resp = requests.post(server.endpoint, data={"query": query, **params},
                             headers={"Accept": JSON}, timeout=30)
    assert resp.status_code == 200, resp.text
    return int(resp.json()["results"]["bindings"][0]["n"]["value"])


# ---------------- query operation: the three ways to send a query ----------------

def test_query_get(server: LiveServer) -> None:
    assert ask(server, "ASK {}") is True


def test_query_post_form(server: LiveServer) -> None:
    resp = requests.post(server.endpoint, data={"query": "ASK {}"}, timeout=30)
    assert resp.status_code == 200
    assert resp.headers["Content-Type"].startswith(JSON)
    assert resp.json()["boolean"] is True


def test_query_post_direct(server: LiveServer) -> None:
    resp = requests.post(server.endpoint, data=b"SELECT (1 AS ?value) {}",
                         headers={"Content-Type": "application/sparql-query"}, timeout=30)
    assert resp.status_code == 200
    assert resp.json()["results"]["bindings"] == [
        {"value": {"type": "literal", "value": "1",
                   "datatype": "http://www.w3.org/2001/XMLSchema#integer"}}]


def test_default_graph_is_union_of_all_graphs(server: LiveServer,
                                              sizes: dict[str, int]) -> None:
    per_graph = count(server, "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
    assert per_graph == sum(sizes.values())
    # The default graph is the RDF merge of the graphs (a set, iacml/defaultgraph.py):
    # a triple held by two graphs is seen once, with or without DISTINCT.
    union = count(server, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    assert union == distinct_triples(dataset()) <= quad_count(dataset())
    distinct = count(server, "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT * "
                             "WHERE { ?s ?p ?o } }")
    assert distinct == distinct_triples(dataset())


def test_named_graph_reachable_with_graph(server: LiveServer, sizes: dict[str, int]) -> None:
    for name, size in sizes.items():
        assert count(server, f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{name}> "
                             "{ ?s ?p ?o } }") == size


def test_from_clause_is_honoured(server: LiveServer, sizes: dict[str, int]) -> None:
    first, _second = two_graphs(sizes)
    assert count(server, f"SELECT (COUNT(*) AS ?n) FROM <{first}> WHERE {{ ?s ?p ?o }}") \
        == sizes[first]


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_default_graph_uri(server: LiveServer, sizes: dict[str, int], method: str) -> None:
    first, second = two_graphs(sizes)
    query = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    assert count(server, query, method, **{"default-graph-uri": first}) == sizes[first]
    both = count(server, query, method, **{"default-graph-uri": [first, second]})
    assert max(sizes[first], sizes[second]) <= both <= sizes[first] + sizes[second]


def test_named_graph_uri_restricts_graph(server: LiveServer, sizes: dict[str, int]) -> None:
    first, second = two_graphs(sizes)
    query = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
    assert count(server, query, **{"named-graph-uri": first}) == sizes[first]
    assert count(server, query, **{"named-graph-uri": [first, second]}) == \
        sizes[first] + sizes[second]
    # only named graphs given: the default graph is empty
    assert count(server, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
                 **{"named-graph-uri": first}) == 0


def test_protocol_dataset_overrides_from(server: LiveServer, sizes: dict[str, int]) -> None:
    first, second = two_graphs(sizes)
    query = f"SELECT (COUNT(*) AS ?n) FROM <{first}> WHERE {{ ?s ?p ?o }}"
    assert count(server, query, **{"default-graph-uri": second}) == sizes[second]


# ---------------- negative tests ----------------

def test_bad_query_method(server: LiveServer) -> None:
    resp = requests.put(server.endpoint, params={"query": "ASK {}"}, timeout=30)
    assert resp.status_code == 405


def test_bad_multiple_queries(server: LiveServer) -> None:
    resp = requests.get(server.endpoint, params=[("query", "ASK {}"),
                                                 ("query", "SELECT * {}")], timeout=30)
    assert resp.status_code == 400
    direct = requests.post(server.endpoint, params={"query": "ASK {}"}, data=b"ASK {}",
                           headers={"Content-Type": "application/sparql-query"}, timeout=30)
    assert direct.status_code == 400


def test_missing_query_in_post(server: LiveServer) -> None:
    resp = requests.post(server.endpoint, data={"default-graph-uri": "urn:x"}, timeout=30)
    assert resp.status_code == 400


@pytest.mark.parametrize("content_type", ["text/plain", None, "application/json"])
def test_bad_media_type(server: LiveServer, content_type: str | None) -> None:
    headers = {"Content-Type": content_type} if content_type else {}
    resp = requests.post(server.endpoint, data=b"ASK {}", headers=headers, timeout=30)
    assert resp.status_code == 415


def test_body_not_utf8(server: LiveServer) -> None:
    resp = requests.post(server.endpoint, data="ASK {}".encode("utf-16"),
                         headers={"Content-Type": "application/sparql-query; charset=UTF-16"},
                         timeout=30)
    assert resp.status_code == 400
    form = requests.post(server.endpoint, data=b"query=ASK%20%7B%7D%FF%FE",
                         headers={"Content-Type": "application/x-www-form-urlencoded"},
                         timeout=30)
    assert form.status_code == 400


def test_syntax_error_gives_message_and_position(server: LiveServer) -> None:
    resp = requests.get(server.endpoint, params={"query": "SELECT * WHERE {\n ?s ?p }"},
                        timeout=30)
    assert resp.status_code == 400
    assert "2:" in resp.text and "syntax" in resp.text.lower()


@pytest.mark.parametrize("channel", ["get", "form", "direct", "query"])
def test_update_refused_and_not_applied(server: LiveServer, channel: str) -> None:
    update = 'INSERT DATA { GRAPH <urn:x-test:probe> { <urn:x-test:s> <urn:x-test:p> "x" } }'
    if channel == "get":
        resp = requests.get(server.endpoint, params={"update": update}, timeout=30)
    elif channel == "form":
        resp = requests.post(server.endpoint, data={"update": update}, timeout=30)
    elif channel == "direct":
        resp = requests.post(server.endpoint, data=update.encode(),
                             headers={"Content-Type": "application/sparql-update"}, timeout=30)
    else:
        resp = requests.post(server.endpoint, data={"query": update}, timeout=30)
    assert resp.status_code == 403
    assert "read-only" in resp.text
    assert ask(server, "ASK { GRAPH <urn:x-test:probe> { ?s ?p ?o } }") is False


def test_cors_on_queries(server: LiveServer) -> None:
    resp = requests.get(server.endpoint, params={"query": "ASK {}"},
                        headers={"Origin": "https://example.org"}, timeout=30)
    assert resp.headers["Access-Control-Allow-Origin"] == "*"
    pre = requests.options(server.endpoint, headers={
        "Origin": "https://example.org", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type"}, timeout=30)
    assert pre.status_code == 204
    assert "POST" in pre.headers["Access-Control-Allow-Methods"]


# ---------------- service description ----------------

def _service_description(server: LiveServer, accept: str | None) -> ox.Store:
    headers = {"Accept": accept} if accept else {}
    resp = requests.get(server.endpoint, headers=headers, timeout=30)
    assert resp.status_code == 200
    media = resp.headers["Content-Type"].split(";")[0]
    assert media == (accept or "text/turtle")
    store = ox.Store()
    store.load(resp.content, format=ox.RdfFormat.from_media_type(media),
               base_iri=server.endpoint)
    return store


def _ask(store: ox.Store, pattern: str) -> bool:
    return bool(store.query(f"PREFIX sd: <{SD}> PREFIX void: <{VOID}> ASK {{ {pattern} }}"))


@pytest.mark.parametrize("accept", [None, "application/n-triples", "application/rdf+xml",
                                    "application/ld+json", "application/trig"])
def test_service_description(server: LiveServer, accept: str | None) -> None:
    store = _service_description(server, accept)
    service = f"<{server.endpoint}>"
    assert _ask(store, f"{service} a sd:Service ; sd:endpoint {service}")
    assert _ask(store, f"{service} sd:supportedLanguage sd:SPARQL11Query")
    assert _ask(store, f"{service} sd:feature sd:UnionDefaultGraph")
    assert _ask(store, f"{service} sd:resultFormat "
                       "<http://www.w3.org/ns/formats/SPARQL_Results_JSON>")


def test_service_description_void_counts(server: LiveServer, sizes: dict[str, int]) -> None:
    store = _service_description(server, None)
    rows = store.query(f"PREFIX sd: <{SD}> PREFIX void: <{VOID}> SELECT ?name ?n WHERE {{ "
                       "?ds sd:namedGraph ?ng . ?ng sd:name ?name ; sd:graph/void:triples ?n }")
    found = {row["name"].value: int(row["n"].value) for row in rows}
    assert found == sizes


# ---------------- the shared conformance checker ----------------

SHARED_CHECK = ROOT.parent / "shared" / "tools" / "protocol_check.py"


@pytest.mark.skipif(not SHARED_CHECK.exists(), reason="../shared is not present")
def test_shared_protocol_check(server: LiveServer) -> None:
    result = subprocess.run([sys.executable, str(SHARED_CHECK), server.endpoint],
                            capture_output=True, text=True, timeout=300, check=False)
    assert result.stdout.strip().splitlines()[-1] == "40 passed, 0 failed", result.stdout

