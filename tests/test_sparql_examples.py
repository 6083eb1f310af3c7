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


def test_every_query_is_in_the_side_list(server: LiveServer) -> None:
    """The editor's side list holds every example and competency query, grouped."""
    page = requests.get(server.base + "/query", timeout=30).text
    marker = '<script id="iacml-queries" type="application/json">'
    start = page.index(marker) + len(marker)
    groups = json.loads(page[start:page.index("</script>", start)])
    items = [item for group in groups for item in group["items"]]
    assert [item["file"] for item in items] == [p.name for p in QUERIES]
    assert [len(group["items"]) for group in groups] == [
        len(list((ROOT / "queries" / kind).glob("*.rq"))) for kind in ("examples", "competency")]
    assert items[0]["name"] == "Named graphs and their sizes"
    assert all(item["query"] for item in items)
    assert all(f'data-query-id="{item["id"]}"' in page for item in items)
