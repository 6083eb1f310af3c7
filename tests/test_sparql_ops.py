"""Operations endpoints: /health, /metrics, /-/settings, /-/version, access logs."""

from __future__ import annotations

import json
import re
import time

import pytest
import requests
from sparql_live import LiveServer, dataset, live_server, quad_count

from server import settings


@pytest.fixture(scope="module")
def server() -> LiveServer:
    """The default server."""
    return live_server()


def test_health_reports_loaded_store(server: LiveServer) -> None:
    health = requests.get(server.base + "/health", timeout=30).json()
    assert health["status"] == "ok"
    assert health["loaded"] is True
    assert health["triples"] == quad_count(dataset())


def test_health_unavailable_without_dataset() -> None:
    server = live_server(expect_healthy=False, IACML_DATASET="/nonexistent/iacml.nq")
    resp = requests.get(server.base + "/health", timeout=30)
    assert resp.status_code == 503
    assert resp.json()["loaded"] is False
    query = requests.get(server.endpoint, params={"query": "ASK {}"}, timeout=30)
    assert query.status_code == 503


def test_metrics_prometheus_text(server: LiveServer) -> None:
    requests.get(server.endpoint, params={"query": "ASK {}"}, timeout=30)
    requests.get(server.endpoint, params={"query": "ASK {"}, timeout=30)
    resp = requests.get(server.base + "/metrics", timeout=30)
    assert resp.headers["Content-Type"].startswith("text/plain; version=0.0.4")
    text = resp.text
    assert re.search(r'^iacml_http_requests_total\{endpoint="/sparql",method="GET",'
                     r'status="200"\} [1-9]', text, re.M)
    assert re.search(r'^iacml_http_errors_total\{status="400"\} [1-9]', text, re.M)
    assert re.search(r'^iacml_query_duration_seconds_bucket\{le="\+Inf"\} [1-9]', text, re.M)
    assert re.search(r"^iacml_query_timeouts_total \d+", text, re.M)
    assert re.search(rf"^iacml_store_triples {quad_count(dataset())}(\.0)?$", text, re.M)


def test_settings_json_and_html(server: LiveServer) -> None:
    rows = requests.get(server.base + "/-/settings.json", timeout=30).json()
    names = [row["name"] for row in rows]
    assert names == [s.name for s in settings.SETTINGS]
    by_name = {row["name"]: row for row in rows}
    assert by_name["IACML_QUERY_TIMEOUT"]["default"] == 10.0
    assert by_name["IACML_ROW_CAP"]["default"] == 10000
    assert by_name["IACML_MAX_REQUEST_BYTES"]["default"] == 1048576
    assert by_name["IACML_RATE_LIMIT"]["value"] == 0  # turned off by the test server
    assert all(row["help"] for row in rows)
    page = requests.get(server.base + "/-/settings", headers={"Accept": "text/html"},
                        timeout=30)
    assert page.headers["Content-Type"].startswith("text/html")
    assert all(name in page.text for name in names)


def test_version(server: LiveServer) -> None:
    info = requests.get(server.base + "/-/version", timeout=30).json()
    assert info["pyoxigraph"] and info["flask"]
    assert info["dataset"]["exists"] is True
    assert info["backend"] == "embedded"


def test_access_log_is_json_lines(server: LiveServer) -> None:
    requests.get(server.endpoint, params={"query": "ASK { ?s ?p ?o }"}, timeout=30)
    deadline = time.monotonic() + 5  # lines are written in batches, every 0.2 s
    while True:
        records = [json.loads(line) for line in server.log.read_text().splitlines()
                   if line.startswith("{")]
        queries = [r for r in records if r["path"] == "/sparql" and r["status"] == 200]
        if queries or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    assert queries
    assert {"ts", "client", "method", "path", "status", "ms", "bytes"} <= set(queries[-1])

