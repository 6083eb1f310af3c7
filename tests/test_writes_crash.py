"""Durability of guarded writes: SIGKILL the whole server (gunicorn, its web worker,
the zygote and the query workers) right after a 2xx, or in the middle of a large
write, restart it on the same journal, and look.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from pathlib import Path

import pytest
import requests

from iacml.journal import Record, read_lines
from tests.sparql_live import LiveServer, live_server

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "entries"
SUB = "https://w3id.org/iacml/graph/submissions/"
COOP = "https://w3id.org/iacml/id/cooperation/20/col-hnd-child-labor"
COMMENT = "http://www.w3.org/2000/01/rdf-schema#comment"
TOKEN = "crash-token"
HEADERS = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "text/turtle"}


def start(journal: Path) -> LiveServer:
    """A gunicorn server with writes on, on ``journal``."""
    return live_server(IACML_WRITE_TOKEN=f"crash:{TOKEN}", IACML_JOURNAL=str(journal),
                       IACML_QUERY_WORKERS="2", IACML_VALIDATE_MAX_BYTES="16000000",
                       IACML_MAX_REQUEST_BYTES="16000000")


def kill9(server: LiveServer) -> None:
    """SIGKILL every process of the server at once (no clean-up runs)."""
    for pid in server.pids():
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    server.process.wait(timeout=10)


def count(server: LiveServer, graph: str, pattern: str = "?s ?p ?o") -> int:
    """Triples matching ``pattern`` in ``graph``."""
    query = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ {pattern} }} }}"
    resp = requests.get(server.endpoint, params={"query": query}, timeout=60,
                        headers={"Accept": "application/sparql-results+json"})
    assert resp.status_code == 200, resp.text
    return int(resp.json()["results"]["bindings"][0]["n"]["value"])


def big_entry(comments: int) -> bytes:
    """The valid cooperation with ``comments`` extra rdfs:comment triples."""
    lines = [f'<{COOP}> <{COMMENT}> "bulk comment {i}" .' for i in range(comments)]
    return (FIXTURES / "valid-cooperation.ttl").read_bytes() + "\n".join(lines).encode()


@pytest.fixture()
def journal(tmp_path: Path) -> Path:
    """A fresh journal for one test."""
    return tmp_path / "instance" / "journal.jsonl"


def test_an_acknowledged_write_survives_kill_9(journal: Path) -> None:
    server = start(journal)
    graph = SUB + "crash-durable"
    resp = requests.put(server.base + "/graph", params={"graph": graph}, headers=HEADERS,
                        data=(FIXTURES / "valid-cooperation.ttl").read_bytes(), timeout=120)
    assert resp.status_code == 201, resp.text
    expected = resp.json()["triples_after"]
    kill9(server)  # right after the reply
    restarted = start(journal)
    assert restarted.process.pid != server.process.pid
    for _ in range(4):
        assert count(restarted, graph) == expected
    kill9(restarted)


@pytest.mark.parametrize("delay", [0.5, 3.0, 15.0])
def test_a_write_killed_midway_is_all_or_nothing(journal: Path, delay: float) -> None:
    """A 2 MB write (about 5 s here: parse, validate, append) killed after ``delay``."""
    server = start(journal)
    graph = SUB + "crash-large"
    comments = 20000
    body = big_entry(comments)
    answered: list[int] = []

    def write() -> None:
        try:
            answered.append(requests.put(server.base + "/graph", params={"graph": graph},
                                         headers=HEADERS, data=body, timeout=120).status_code)
        except requests.RequestException:
            answered.append(0)

    thread = threading.Thread(target=write)
    thread.start()
    time.sleep(delay)  # the write is being parsed, validated or appended (or done)
    kill9(server)
    thread.join(timeout=60)
    restarted = start(journal)
    found = count(restarted, graph, f"?s <{COMMENT}> ?c")
    print(f"killed after {delay} s: answered {answered}, {found} of {comments} present")
    assert answered and answered[0] in (0, 200, 201)  # 0: the connection died
    assert found in (0, comments)
    if answered and answered[0] in (200, 201):
        assert found == comments  # acknowledged: it must be there
    kill9(restarted)


def test_a_torn_journal_line_is_never_applied(journal: Path) -> None:
    """What a crash in the middle of the journal append leaves: part of a line."""
    server = start(journal)
    graph = SUB + "crash-torn"
    resp = requests.put(server.base + "/graph", params={"graph": graph}, headers=HEADERS,
                        data=(FIXTURES / "valid-cooperation.ttl").read_bytes(), timeout=120)
    assert resp.status_code == 201
    kill9(server)
    before = journal.stat().st_size
    content = "".join(f'<{COOP}> <{COMMENT}> "torn {i}" .\n' for i in range(2000))
    torn = Record(seq=2, graph=graph, time="2026-01-01T00:00:00Z", base="x", by="crash",
                  content=content, log="", triples_before=0, triples_after=2000).to_line()
    with journal.open("ab") as handle:
        handle.write(torn[: len(torn) // 2])
    restarted = start(journal)
    assert count(restarted, graph, f"?s <{COMMENT}> ?c") == 0
    assert count(restarted, graph) == resp.json()["triples_after"]
    again = requests.post(restarted.base + "/graph", params={"graph": graph}, headers=HEADERS,
                          data=f'<{COOP}> <{COMMENT}> "after the crash" .'.encode(),
                          timeout=120)
    assert again.status_code == 200, again.text
    records, offset = read_lines(journal)
    assert offset == journal.stat().st_size > before  # the torn line was cut, then appended
    assert [r["seq"] for r in records] == [1, 2]
    assert count(restarted, graph, f"?s <{COMMENT}> ?c") == 1
    kill9(restarted)
