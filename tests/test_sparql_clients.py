"""Real SPARQL clients against the live endpoint: SPARQLWrapper, rdflib's SPARQLStore, curl."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest
import rdflib
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from sparql_live import LiveServer, dataset, graph_sizes, live_server
from SPARQLWrapper import JSON, XML, SPARQLWrapper

COUNT = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"


@pytest.fixture(scope="module")
def server() -> LiveServer:
    """The default server."""
    return live_server()


@pytest.fixture(scope="module")
def sizes() -> dict[str, int]:
    """Triples per named graph, read from the dump."""
    return graph_sizes(dataset())


def test_sparqlwrapper_json(server: LiveServer, sizes: dict[str, int]) -> None:
    client = SPARQLWrapper(server.endpoint)
    client.setQuery(COUNT)
    client.setReturnFormat(JSON)
    result = client.query().convert()
    assert {b["g"]["value"]: int(b["n"]["value"])
            for b in result["results"]["bindings"]} == sizes


def test_sparqlwrapper_xml_post(server: LiveServer, sizes: dict[str, int]) -> None:
    client = SPARQLWrapper(server.endpoint)
    client.setMethod("POST")
    client.setQuery(COUNT)
    client.setReturnFormat(XML)
    document = client.query().convert()
    found = {}
    for result in document.getElementsByTagName("result"):
        values = {b.getAttribute("name"): b.firstChild.firstChild.nodeValue
                  for b in result.getElementsByTagName("binding")}
        found[values["g"]] = int(values["n"])
    assert found == sizes


def test_rdflib_sparqlstore(server: LiveServer, sizes: dict[str, int]) -> None:
    store = SPARQLStore(server.endpoint, returnFormat="json")
    graph = rdflib.Graph(store=store)
    rows = list(graph.query(COUNT))
    assert {str(row.g): int(row.n) for row in rows} == sizes
    first = max(sizes, key=lambda g: sizes[g])
    ask = graph.query(f"ASK {{ GRAPH <{first}> {{ ?s ?p ?o }} }}")
    assert ask.askAnswer is True
    store.close()


@pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed")
def test_curl(server: LiveServer, sizes: dict[str, int]) -> None:
    result = subprocess.run(
        ["curl", "-sS", "--fail", "-H", "Accept: application/sparql-results+json",
         "--data-urlencode", f"query={COUNT}", server.endpoint],
        capture_output=True, text=True, timeout=60, check=True)
    bindings = json.loads(result.stdout)["results"]["bindings"]
    assert {b["g"]["value"]: int(b["n"]["value"]) for b in bindings} == sizes
    direct = subprocess.run(
        ["curl", "-sS", "-o", "/dev/null", "-w", "%{http_code}", "-X", "DELETE",
         server.endpoint], capture_output=True, text=True, timeout=60, check=False)
    assert direct.stdout == "405"
