"""The query workers reach nothing but the SERVICE allow-list, whatever the parsers say.

A parser differential (text the SPARQL checks read one way and pyoxigraph
another) is simulated by handing a worker a job whose own allow-list names more
than the endpoints the workers were started with: the check in the worker lets
the SERVICE through, and only the network namespace stands between pyoxigraph
and the listener. These tests run unprivileged too (a user namespace).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from server.workers.jobs import PingJob, QueryJob
from server.workers.pool import QueryPool
from server.workers.sandbox import routes, zygote_args
from tests.loopback import NO_SOLUTIONS, Listener

FORMATS = {"solutions": "json", "boolean": "json", "graph": "ntriples"}


def _job(query: str, allow: list[str]) -> QueryJob:
    return QueryJob(query=query, formats=FORMATS, row_cap=10, allow=tuple(allow))


def _service(url: str) -> str:
    return f"SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}"


@pytest.fixture()
def allowed() -> Iterator[Listener]:
    """The endpoint on the workers' allow-list (it answers one empty solution)."""
    with Listener(NO_SOLUTIONS) as listener:
        yield listener


@pytest.fixture()
def other() -> Iterator[Listener]:
    """An endpoint on no list: it must see nothing."""
    with Listener() as listener:
        yield listener


def _pool(mode: str, allow: list[str]) -> QueryPool:
    pool = QueryPool(None, 1, zygote_args=zygote_args(mode, allow))
    pool.start()
    assert pool.error is None, pool.error
    return pool


def test_workers_have_a_network_namespace_of_their_own() -> None:
    pool = _pool("isolated", [])
    try:
        pid = pool.run(PingJob(), 10).pid
        assert os.readlink(f"/proc/{pid}/ns/net") != os.readlink("/proc/self/ns/net")
    finally:
        pool.close()


def test_a_differential_reaches_nothing_off_the_list(allowed: Listener, other: Listener) -> None:
    endpoint, elsewhere = allowed.url + "/sparql", other.url + "/sparql"
    pool = _pool("isolated", [endpoint])
    try:
        # the job's own check allows both: as if the checker had misread the text
        off = pool.run(_job(_service(elsewhere), [endpoint, elsewhere]), 10)
        assert off.status == 502 and "SERVICE" in off.message
        on = pool.run(_job(_service(endpoint), [endpoint, elsewhere]), 10)
    finally:
        pool.close()
    assert other.seen == []
    assert len(allowed.seen) == 1 and allowed.seen[0].startswith(b"POST /sparql")
    assert on.status == 200 and on.rows == 1


def test_an_allowed_host_name_is_relayed(allowed: Listener) -> None:
    endpoint = f"http://localhost:{allowed.port}/sparql"
    pool = _pool("isolated", [endpoint])
    try:
        pool.run(_job(_service(endpoint), [endpoint]), 10)
    finally:
        pool.close()
    assert len(allowed.seen) == 1 and b"host: localhost" in allowed.seen[0].lower()


def test_host_names_get_loopback_doors_and_other_names_do_not_resolve() -> None:
    doors = routes(["https://query.wikidata.org/sparql", "http://localhost:8890/sparql",
                    "https://query.wikidata.org/bigdata/sparql", "http://dbpedia.org/sparql",
                    "http://127.0.0.1:7000/x"])
    assert doors == {("127.77.0.1", 443): ("query.wikidata.org", 443),
                     ("127.0.0.1", 8890): ("localhost", 8890),
                     ("127.77.0.2", 80): ("dbpedia.org", 80),
                     ("127.0.0.1", 7000): ("127.0.0.1", 7000)}
    pool = _pool("isolated", ["http://localhost:9/sparql"])
    try:
        elsewhere = "http://example.org/sparql"
        answer = pool.run(_job(_service(elsewhere), [elsewhere]), 10)
    finally:
        pool.close()
    assert answer.status == 502, answer


def test_host_mode_shares_the_network(other: Listener) -> None:
    pool = _pool("host", [])
    try:
        pid = pool.run(PingJob(), 10).pid
        assert os.readlink(f"/proc/{pid}/ns/net") == os.readlink("/proc/self/ns/net")
    finally:
        pool.close()


def test_an_endpoint_that_cannot_be_given_a_door_stops_the_workers(dataset_path: Path) -> None:
    from server.app import create_app

    app = create_app({"IACML_DATASET": str(dataset_path), "IACML_QUERY_WORKERS": 1,
                      "IACML_SERVICE_ALLOWLIST": ["http://10.1.2.3/sparql"],
                      "IACML_LOOKUPS_IN_PROCESS": False})
    try:
        resp = app.test_client().get("/sparql", query_string={"query": "ASK {}"})
    finally:
        app.extensions["iacml.backend"].close()
    assert resp.status_code == 503
    assert b"name the endpoint by its host name" in resp.data
