"""Fair share of the query workers and the memory cap per query (issue 19, items 6, 7).

Real queries from distinct loopback addresses to the real server: what is
asserted is admission (who got a worker, who got 429, who queued), not timing.
"""

from __future__ import annotations

import http.client
import json
import multiprocessing
import re
import threading
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest
import requests
from requests.structures import CaseInsensitiveDict

from server.ops.admission import Admission
from tests.sparql_live import LiveServer, live_server

RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
GROUP_BY = "SELECT ?p (COUNT(*) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?p"
JSON = "application/sparql-results+json"


def ask(server: LiveServer, query: str, source: str, timeout: float = 60
        ) -> tuple[int, CaseInsensitiveDict[str], str]:
    """GET ``query`` from the loopback address ``source``; (status, headers, body)."""
    parts = urlsplit(server.base)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout,
                                      source_address=(source, 0))
    try:
        conn.request("GET", "/sparql?query=" + quote(query), headers={"Accept": JSON})
        answer = conn.getresponse()
        return (answer.status, CaseInsensitiveDict(answer.getheaders()),
                answer.read().decode())
    finally:
        conn.close()


def queue_ms(headers: CaseInsensitiveDict[str]) -> float:
    match = re.search(r"queue;dur=([0-9.]+)", headers.get("Server-Timing", ""))
    assert match, headers
    return float(match.group(1))


@pytest.fixture(scope="module")
def shared() -> LiveServer:
    """Two web workers of three query workers each; two queries per client at once."""
    return live_server(IACML_WEB_WORKERS="2", IACML_QUERY_WORKERS="3",
                       IACML_CLIENT_QUERIES="2", IACML_QUERY_TIMEOUT="6",
                       IACML_CLIENT_QUERY_SECONDS="0")


def test_runaways_beyond_the_cap_get_429_and_others_are_not_queued(shared: LiveServer
                                                                   ) -> None:
    order: list[tuple[str, int]] = []
    lock = threading.Lock()

    def runaway() -> None:
        status, headers, body = ask(shared, RUNAWAY, "127.0.0.2")
        with lock:
            order.append(("runaway", status))
            if status == 429:
                assert int(headers["Retry-After"]) >= 1 and "IACML_CLIENT_QUERIES" in body

    threads = [threading.Thread(target=runaway) for _ in range(8)]
    for thread in threads:
        thread.start()
    # the 429s come at once, while the admitted runaways still hold their workers
    for _ in range(600):
        with lock:
            if sum(1 for _, s in order if s == 429) == 6:
                break
        threading.Event().wait(0.01)
    with lock:
        refused_first = [s for _, s in order]
    assert refused_first == [429] * 6, order
    status, headers, body = ask(shared, GROUP_BY, "127.0.0.3")
    with lock:
        finished_before = [s for _, s in order if s != 429]
    assert status == 200, body[:300]
    assert json.loads(body)["results"]["bindings"]
    assert finished_before == [], "the other client's query ran while the runaways held"
    # admitted without queueing: a worker was free (a queued query waits seconds)
    assert queue_ms(headers) < 1000, headers
    for thread in threads:
        thread.join(60)
    assert sorted(s for _, s in order) == [429] * 6 + [503] * 2
    text = requests.get(shared.base + "/metrics", timeout=30).text
    assert re.search(r'^iacml_query_refused_total\{reason="concurrency"\} ([6-9]|\d\d+)(\.0)?$',
                     text, re.M), text
    count = re.search(r"^iacml_query_queue_wait_seconds_count (\d+)(\.0)?$", text, re.M)
    assert count and int(count.group(1)) >= 3


def test_a_client_that_spent_its_query_seconds_gets_429_lookups_still_pass() -> None:
    server = live_server(IACML_CLIENT_QUERY_SECONDS="3", IACML_QUERY_TIMEOUT="2",
                         IACML_CLIENT_QUERIES="2")
    assert ask(server, RUNAWAY, "127.0.0.4")[0] == 503  # 2 s of worker time
    assert ask(server, RUNAWAY, "127.0.0.4")[0] == 503  # 4 s: past the 3 s budget
    status, headers, body = ask(server, GROUP_BY, "127.0.0.4")
    assert status == 429 and "IACML_CLIENT_QUERY_SECONDS" in body
    assert int(headers["Retry-After"]) >= 1
    lookup = ("SELECT ?p ?o WHERE { <https://w3id.org/iacml/id/ministry/ECU> ?p ?o }")
    assert ask(server, lookup, "127.0.0.4")[0] == 200  # answered in the web process
    assert ask(server, GROUP_BY, "127.0.0.5")[0] == 200  # another client is not touched


def test_a_query_past_the_memory_cap_gets_503_and_the_server_goes_on() -> None:
    server = live_server(IACML_QUERY_MEMORY_MB="150", IACML_QUERY_TIMEOUT="30",
                         IACML_WEB_WORKERS="1", IACML_QUERY_WORKERS="2")
    # every distinct row of a cross product is kept before the count can be given
    grow = ("SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?a ?x ?b ?y "
            "WHERE { ?a ?p ?x . ?b ?q ?y } }")
    grown: list[tuple[int, CaseInsensitiveDict[str], str]] = []
    runner = threading.Thread(target=lambda: grown.append(ask(server, grow, "127.0.0.6")))
    runner.start()
    threading.Event().wait(0.3)
    others = [ask(server, GROUP_BY, "127.0.0.7")[0]]  # meanwhile, in the other worker
    runner.join(60)
    status, _headers, body = grown[0]
    assert status == 503, body[:300]
    assert "150 MiB" in body and "IACML_QUERY_MEMORY_MB" in body
    assert others == [200]
    assert ask(server, GROUP_BY, "127.0.0.6")[0] == 200  # the worker was replaced
    text = requests.get(server.base + "/metrics", timeout=30).text
    assert re.search(r"^iacml_query_memory_stops [1-9]", text, re.M), text


# ---- the shared slots themselves (server/ops/admission.py), across real processes ----

FORK = multiprocessing.get_context("fork")


def _admit_two(folder: str, out: multiprocessing.Queue) -> None:
    admission = Admission(2, 0, 10.0, Path(folder))
    out.put([admission.admit("198.51.100.1")[0] is not None for _ in range(2)])


def test_the_concurrency_cap_is_one_count_across_web_workers(tmp_path: Path) -> None:
    out: multiprocessing.Queue = FORK.Queue()
    sibling = FORK.Process(target=_admit_two, args=(str(tmp_path), out))
    sibling.start()
    assert out.get(timeout=30) == [True, True]
    sibling.join(30)
    admission = Admission(2, 0, 10.0, tmp_path)
    ticket, refusal = admission.admit("198.51.100.1")
    assert ticket is None and refusal is not None and refusal.reason == "concurrency"
    assert admission.admit("198.51.100.2")[1] is None  # another client has its own


def test_queries_of_a_dead_worker_stop_counting_after_the_time_limit(tmp_path: Path) -> None:
    admission = Admission(1, 0, 0.1, tmp_path)  # stale 30.1 s after the start
    ticket, _ = admission.admit("198.51.100.3")
    assert ticket is not None
    assert admission.admit("198.51.100.3")[1] is not None
    admission.stale_after = 0.0  # as if the time limit and its margin had passed
    assert admission.admit("198.51.100.3")[1] is None


def test_the_budget_is_spent_by_worker_seconds_and_refills(tmp_path: Path) -> None:
    admission = Admission(0, 6.0, 10.0, tmp_path)  # 6 s per minute: 0.1 s per second
    ticket, _ = admission.admit("198.51.100.4")
    admission.release("198.51.100.4", ticket, 7.0)  # a query that ran 7 s
    ticket, refusal = admission.admit("198.51.100.4")
    assert ticket is None and refusal is not None and refusal.reason == "budget"
    assert 1 <= refusal.retry_after <= 11  # 1 s overdrawn at 0.1 s per second
