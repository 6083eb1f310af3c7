"""The remote backend: the same app in front of an Oxigraph server (PyPI `oxigraph`)
started on loopback with the build's dump."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator

import pytest
import requests
from sparql_live import (
    OXIGRAPH,
    ROOT,
    LiveServer,
    dataset,
    distinct_triples,
    graph_sizes,
    live_server,
    oxigraph_server,
)

JSON = "application/sparql-results+json"
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
# skipped on a developer machine without the server; in CI it must be installed
pytestmark = pytest.mark.skipif(OXIGRAPH is None and not IN_CI,
                                reason="the oxigraph server is not installed")


@pytest.fixture(scope="module")
def oxigraph_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """An Oxigraph server on loopback holding the dump, union default graph on."""
    assert OXIGRAPH is not None
    with oxigraph_server(dataset(), tmp_path_factory.mktemp("oxigraph"),
                         "--union-default-graph") as url:
        yield url


@pytest.fixture(scope="module")
def remote(oxigraph_url: str) -> LiveServer:
    """The app with IACML_BACKEND_URL pointing at the Oxigraph server."""
    return live_server(IACML_BACKEND_URL=oxigraph_url, IACML_ROW_CAP="5")


def count(server: LiveServer, query: str, **params: str) -> int:
    resp = requests.get(server.endpoint, params={"query": query, **params},
                        headers={"Accept": JSON}, timeout=30)
    assert resp.status_code == 200, resp.text
    return int(resp.json()["results"]["bindings"][0]["n"]["value"])


def test_remote_health_and_version(remote: LiveServer) -> None:
    health = requests.get(remote.base + "/health", timeout=30).json()
    assert health["backend"] == "remote" and health["loaded"] is True
    assert requests.get(remote.base + "/-/version", timeout=30).json()["backend"] == "remote"


def test_remote_answers_like_the_dump(remote: LiveServer) -> None:
    sizes = graph_sizes(dataset())
    for name, size in sizes.items():
        assert count(remote, f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{name}> "
                             "{ ?s ?p ?o } }") == size
    assert count(remote, "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT * "
                         "WHERE { ?s ?p ?o } }") == distinct_triples(dataset())
    first = max(sizes, key=lambda g: sizes[g])
    assert count(remote, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
                 **{"default-graph-uri": first}) == sizes[first]


def test_remote_row_cap_formats_and_checks(remote: LiveServer) -> None:
    resp = requests.get(remote.endpoint, params={"query": "SELECT * WHERE { ?s ?p ?o }",
                                                 "format": "csv"}, timeout=30)
    assert resp.status_code == 200
    assert resp.headers["X-IACML-Truncated"] == "true"
    assert len(resp.text.strip().splitlines()) == 6  # header + 5 rows
    graph = requests.get(remote.endpoint, params={"query": "CONSTRUCT WHERE { ?s ?p ?o }"},
                         timeout=30)
    assert graph.headers["Content-Type"].startswith("text/turtle")
    assert requests.get(remote.endpoint, params={"query": "ASK {"},
                        timeout=30).status_code == 400
    service = "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"
    assert requests.get(remote.endpoint, params={"query": service},
                        timeout=30).status_code == 403
    assert requests.post(remote.endpoint, data={"update": "CLEAR ALL"},
                         timeout=30).status_code == 403


SHARED_CHECK = ROOT.parent / "shared" / "tools" / "protocol_check.py"


@pytest.mark.skipif(not SHARED_CHECK.exists(), reason="../shared is not present")
def test_remote_protocol_check(remote: LiveServer) -> None:
    result = subprocess.run([sys.executable, str(SHARED_CHECK), remote.endpoint],
                            capture_output=True, text=True, timeout=300, check=False)
    assert result.stdout.strip().splitlines()[-1] == "40 passed, 0 failed", result.stdout
