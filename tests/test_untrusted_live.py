"""No input makes a web process die (issue 19, finding 3: a nested update killed a web
worker with SIGSEGV). Every input found is sent to a live server; its web processes
(the server and its web workers, not the query workers under the zygotes) must be the
same processes afterwards, and it must still answer."""

from __future__ import annotations

from pathlib import Path

import requests
from sparql_live import LiveServer, live_server

from tests.nesting_shapes import NESTED, SEQUENTIAL
from tests.test_untrusted_nesting import BILLION_LAUGHS

AUTH = {"Authorization": "Bearer T1"}


def web_pids(server: LiveServer) -> set[int]:
    """The server's processes but the zygotes and what they forked (query workers,
    egress relays), which may die and be replaced by design."""
    pids = server.pids()
    zygotes = {pid for pid in pids if b"server.workers.zygote" in _cmdline(pid)}
    children: dict[int, list[int]] = {}
    for pid in pids:
        try:
            parent = int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
        except OSError:
            continue
        children.setdefault(parent, []).append(pid)
    below, todo = set(), list(zygotes)
    while todo:
        pid = todo.pop()
        below.add(pid)
        todo.extend(children.get(pid, []))
    return set(pids) - below


def _cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


def test_no_input_found_kills_a_web_process(tmp_path_factory) -> None:
    server = live_server(IACML_WRITE_TOKEN="alice:T1", IACML_QUERY_WORKERS="1",
                         IACML_JOURNAL=str(tmp_path_factory.mktemp("live") / "journal.jsonl"))
    before = web_pids(server)
    assert len(before) >= 2  # the server and at least one web worker
    sparql = server.endpoint
    sent = []
    for name, shape in {**NESTED, **{"chain " + k: v for k, v in SEQUENTIAL.items()}}.items():
        kind, text = shape(5000 if name in NESTED else 10_000)
        headers = {"Content-Type": f"application/sparql-{kind}", **(AUTH if kind == "update"
                                                                    else {})}
        sent.append((name, requests.post(sparql, data=text.encode(), headers=headers,
                                         timeout=60)))
    sent.append(("50,000 !", requests.post(sparql, data={
        "query": "SELECT * WHERE { FILTER(" + "!" * 50_000 + "true) }"}, timeout=60)))
    sent.append(("billion laughs", requests.post(
        server.base + "/validate", data=BILLION_LAUGHS.encode(),
        headers={"Content-Type": "application/rdf+xml"}, timeout=60)))
    sent.append(("deep JSON-LD", requests.post(
        server.base + "/validate", data=b'{"@id": "http://e/s", "http://e/p": '
        + b"[" * 50_000 + b"1" + b"]" * 50_000 + b"}",
        headers={"Content-Type": "application/ld+json"}, timeout=60)))
    assert {name: r.status_code for name, r in sent if r.status_code != 400} == {}
    assert web_pids(server) == before
    health = requests.get(server.base + "/health", timeout=30)
    assert health.status_code == 200
    ask = requests.get(sparql, params={"query": "ASK { ?s ?p ?o }"},
                       headers={"Accept": "application/sparql-results+json"}, timeout=30)
    assert ask.json()["boolean"] is True
