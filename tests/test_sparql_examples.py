"""Every example and competency query runs at the endpoint, and each is a tab at /."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import requests
from sparql_live import ROOT, LiveServer, live_server

QUERIES = sorted((ROOT / "queries" / "examples").glob("*.rq")) + \
    sorted((ROOT / "queries" / "competency").glob("*.rq"))


@pytest.fixture(scope="module")
def server() -> LiveServer:
    """The default server."""
    return live_server()


def test_there_are_examples() -> None:
    assert len(list((ROOT / "queries" / "examples").glob("*.rq"))) >= 5


@pytest.mark.parametrize("path", QUERIES, ids=lambda p: p.name)
def test_query_runs(server: LiveServer, path: Path) -> None:
    resp = requests.post(server.endpoint, data=path.read_bytes(), timeout=60,
                         headers={"Content-Type": "application/sparql-query",
                                  "Accept": "application/sparql-results+json"})
    assert resp.status_code == 200, resp.text
    assert "X-IACML-Truncated" not in resp.headers


def test_every_query_is_a_tab(server: LiveServer) -> None:
    page = requests.get(server.base + "/query", timeout=30).text
    marker = '<script id="iacml-tabs" type="application/json">'
    start = page.index(marker) + len(marker)
    tabs = json.loads(page[start:page.index("</script>", start)])
    assert [tab["file"] for tab in tabs] == [p.name for p in QUERIES]
    assert tabs[0]["name"] == "Named graphs and their sizes"
    assert all(tab["query"] for tab in tabs)
