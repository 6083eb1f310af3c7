"""Limits and safety of the endpoint: time limit, row cap, request size, rate limit,
SERVICE allow-list, no network access for FROM, read-only."""

from __future__ import annotations

import http.server
import threading
import time
from collections.abc import Iterator

import pytest
import requests
from sparql_live import LiveServer, dataset, distinct_triples, free_port, live_server

JSON = "application/sparql-results+json"
# A cross product of eight triple patterns over the whole graph: at least 23^8
# (7.8e10) solutions even on the small fixture, i.e. hours of work.
ENDLESS = ("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . "
           "?m ?n1 ?o . ?p ?q ?r . ?s ?t ?u . ?v ?w ?x }")


class Listener(http.server.BaseHTTPRequestHandler):
    """Records every request; answers like a SPARQL endpoint with one row."""

    seen: list[str] = []
    BODY = (b'{"head":{"vars":["x"]},"results":{"bindings":'
            b'[{"x":{"type":"literal","value":"remote"}}]}}')

    def _answer(self) -> None:
        Listener.seen.append(f"{self.command} {self.path}")
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        self.send_response(200)
        self.send_header("Content-Type", JSON)
        self.send_header("Content-Length", str(len(self.BODY)))
        self.end_headers()
        self.wfile.write(self.BODY)

    do_GET = _answer
    do_POST = _answer

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        """Keep the test output quiet."""


@pytest.fixture(scope="module")
def listener() -> Iterator[str]:
    """A local HTTP listener that records requests; yields its base URL."""
    port = free_port()
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", port), Listener)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{port}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="module")
def limited(listener: str) -> LiveServer:
    """A server with a 2 s time limit, a 5-row cap, 4 KiB requests, one allowed SERVICE."""
    return live_server(IACML_QUERY_TIMEOUT="2", IACML_ROW_CAP="5",
                       IACML_MAX_REQUEST_BYTES="4096",
                       IACML_SERVICE_ALLOWLIST=listener + "/allowed/sparql")


def total_triples(server: LiveServer) -> int:
    resp = requests.get(server.endpoint, params={
        "query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"}, headers={"Accept": JSON},
        timeout=30)
    assert resp.status_code == 200, resp.text
    return int(resp.json()["results"]["bindings"][0]["n"]["value"])


def test_time_limit_stops_query_and_frees_cpu(limited: LiveServer) -> None:
    started = time.monotonic()
    resp = requests.get(limited.endpoint, params={"query": ENDLESS}, timeout=30)
    elapsed = time.monotonic() - started
    assert resp.status_code == 503, resp.text
    assert elapsed < 4.0
    assert "2 s" in resp.text and "time limit" in resp.text
    before = limited.cpu_by_pid()
    time.sleep(2.0)
    used = limited.cpu_used_since(before)
    print(f"CPU used by the server in the 2 s after the timeout: {used:.3f} s")
    assert used < 0.3, f"server processes used {used:.2f} s of CPU after the timeout"
    assert total_triples(limited) == distinct_triples(dataset())  # the merge: a set


def test_timeouts_are_counted_in_metrics(limited: LiveServer) -> None:
    requests.get(limited.endpoint, params={"query": ENDLESS}, timeout=30)
    text = requests.get(limited.base + "/metrics", timeout=30).text
    line = next(x for x in text.splitlines() if x.startswith("iacml_query_timeouts_total "))
    assert float(line.split()[1]) >= 1


def test_row_cap_is_signalled(limited: LiveServer) -> None:
    resp = requests.get(limited.endpoint, params={"query": "SELECT * WHERE { ?s ?p ?o }"},
                        headers={"Accept": JSON}, timeout=30)
    assert resp.status_code == 200
    assert resp.headers["X-IACML-Truncated"] == "true"
    assert resp.headers["X-IACML-Row-Cap"] == "5"
    assert len(resp.json()["results"]["bindings"]) == 5
    graph = requests.get(limited.endpoint, params={
        "query": "CONSTRUCT WHERE { ?s ?p ?o }", "format": "ntriples"}, timeout=30)
    assert graph.headers["X-IACML-Truncated"] == "true"
    assert len([x for x in graph.text.splitlines() if x.strip()]) == 5
    page = requests.get(limited.endpoint, params={"query": "SELECT * WHERE { ?s ?p ?o }"},
                        headers={"Accept": "text/html"}, timeout=30)
    assert page.headers["Content-Type"].startswith("text/html")
    assert 'id="truncated"' in page.text and "first 5 rows" in page.text


def test_result_under_the_cap_is_not_marked(limited: LiveServer) -> None:
    resp = requests.get(limited.endpoint, params={
        "query": "SELECT * WHERE { ?s ?p ?o } LIMIT 5"}, headers={"Accept": JSON}, timeout=30)
    assert "X-IACML-Truncated" not in resp.headers
    assert len(resp.json()["results"]["bindings"]) == 5


def test_request_size_limit(limited: LiveServer) -> None:
    big = "SELECT * WHERE { ?s ?p ?o } #" + "x" * 5000
    posted = requests.post(limited.endpoint, data=big.encode(),
                           headers={"Content-Type": "application/sparql-query"}, timeout=30)
    assert posted.status_code == 413
    assert "4096" in posted.text
    got = requests.get(limited.endpoint, params={"query": big}, timeout=30)
    assert got.status_code == 413


def test_service_refused_unless_allowed(limited: LiveServer, listener: str) -> None:
    Listener.seen.clear()
    query = f"SELECT * WHERE {{ SERVICE <{listener}/other/sparql> {{ ?s ?p ?o }} }}"
    resp = requests.get(limited.endpoint, params={"query": query}, timeout=30)
    assert resp.status_code == 403
    assert "allow-list" in resp.text
    escaped = f"SELECT * WHERE {{ \\u0053ERVICE <{listener}/other/sparql> {{ ?s ?p ?o }} }}"
    assert requests.get(limited.endpoint, params={"query": escaped},
                        timeout=30).status_code == 403
    variable = "SELECT * WHERE { VALUES ?e { <http://example.org/> } SERVICE ?e { ?s ?p ?o } }"
    assert requests.get(limited.endpoint, params={"query": variable},
                        timeout=30).status_code == 403
    assert Listener.seen == []


def test_allowed_service_is_called(limited: LiveServer, listener: str) -> None:
    Listener.seen.clear()
    query = f"SELECT ?x WHERE {{ SERVICE <{listener}/allowed/sparql> {{ ?x ?p ?o }} }}"
    resp = requests.get(limited.endpoint, params={"query": query},
                        headers={"Accept": JSON}, timeout=30)
    assert resp.status_code == 200, resp.text
    assert [b["x"]["value"] for b in resp.json()["results"]["bindings"]] == ["remote"]
    assert any("/allowed/sparql" in request for request in Listener.seen)


def test_from_never_fetches(limited: LiveServer, listener: str) -> None:
    Listener.seen.clear()
    query = (f"SELECT * FROM <{listener}/data.ttl> FROM NAMED <{listener}/named.ttl> "
             "WHERE { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } }")
    resp = requests.get(limited.endpoint, params={"query": query}, headers={"Accept": JSON},
                        timeout=30)
    assert resp.status_code == 200
    assert resp.json()["results"]["bindings"] == []
    graph = requests.get(limited.endpoint, params={
        "query": "ASK { ?s ?p ?o }", "default-graph-uri": f"{listener}/dg.ttl",
        "named-graph-uri": f"{listener}/ng.ttl"}, headers={"Accept": JSON}, timeout=30)
    assert graph.json()["boolean"] is False
    assert Listener.seen == []


def test_update_keywords_refused(limited: LiveServer) -> None:
    for update in ("LOAD <http://127.0.0.1:9/x.ttl>", "CLEAR ALL", "DROP DEFAULT"):
        resp = requests.post(limited.endpoint, data={"update": update}, timeout=30)
        assert resp.status_code == 403
        resp = requests.get(limited.endpoint, params={"query": update}, timeout=30)
        assert resp.status_code == 403


def test_rate_limit() -> None:
    server = live_server(IACML_RATE_LIMIT="5")
    statuses = [requests.get(server.endpoint, params={"query": "ASK {}"}, timeout=30)
                for _ in range(7)]
    assert [r.status_code for r in statuses[:5]] == [200] * 5
    limited = statuses[-1]
    assert limited.status_code == 429
    assert int(limited.headers["Retry-After"]) >= 1
    assert "IACML_RATE_LIMIT" in limited.text
    assert requests.get(server.base + "/health", timeout=30).status_code == 200


def test_rate_limit_per_client_behind_proxy() -> None:
    server = live_server(IACML_RATE_LIMIT="3", IACML_TRUST_PROXY="true")

    def ask(client: str) -> int:
        return requests.get(server.endpoint, params={"query": "ASK {}"}, timeout=30,
                            headers={"X-Forwarded-For": client}).status_code

    assert [ask("203.0.113.1") for _ in range(4)] == [200, 200, 200, 429]
    assert ask("203.0.113.2") == 200
    description = requests.get(server.endpoint, timeout=30, headers={
        "Accept": "application/n-triples", "X-Forwarded-For": "203.0.113.3",
        "X-Forwarded-Proto": "https", "X-Forwarded-Host": "kg.example.org"})
    assert "<https://kg.example.org/sparql> <http://www.w3.org/ns/sparql-service-" \
           "description#endpoint> <https://kg.example.org/sparql>" in description.text
