"""Writes: tokens bound to graphs, update semantics, journal deltas (issue 19, 9-11).

Finding 9: bob's token PUT and DELETE alice's graph (200). Finding 10: CLEAR of
an absent graph was a 500. Finding 13: journal records held the whole graph, so
87 records of a growing graph took 8.4 MB.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from flask import Flask
from flask.testing import FlaskClient

from iacml.journal import Replayer, read_lines, submission_quads

FIXTURES = Path(__file__).resolve().parent / "fixtures"
SUB = "https://w3id.org/iacml/graph/submissions/"
COOP = "https://w3id.org/iacml/id/cooperation/20/col-hnd-child-labor"
COMMENT = "http://www.w3.org/2000/01/rdf-schema#comment"
ALICE, BOB, ADMIN = ({"Authorization": f"Bearer {t}"} for t in ("T1", "T2", "T9"))


def entry() -> bytes:
    """The valid entry of tests/fixtures/entries."""
    return (FIXTURES / "entries" / "valid-cooperation.ttl").read_bytes()


def _app(dataset: Path, journal: Path) -> Flask:
    from server.app import create_app

    return create_app({"IACML_DATASET": str(dataset), "IACML_RATE_LIMIT": 0,
                       "IACML_QUERY_WORKERS": 1, "IACML_WRITE_TOKEN": "alice:T1,bob:T2",
                       "IACML_ADMIN_TOKEN": "curator:T9", "IACML_JOURNAL": str(journal)})


@pytest.fixture(scope="module")
def journal(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The journal of this module's app."""
    return tmp_path_factory.mktemp("instance") / "journal.jsonl"


@pytest.fixture(scope="module")
def app(dataset_path: Path, journal: Path) -> Iterator[Flask]:
    """The app: alice and bob write their own graphs; curator is an admin."""
    application = _app(dataset_path, journal)
    yield application
    application.extensions["iacml.backend"].close()


def put(client: FlaskClient, graph: str, auth: dict[str, str], body: bytes | None = None):
    """PUT a Turtle body into ``graph``."""
    return client.put("/graph", query_string={"graph": SUB + graph}, data=body or entry(),
                      headers={**auth, "Content-Type": "text/turtle"})


def update(client: FlaskClient, text: str, auth: dict[str, str] = ALICE):
    """POST a SPARQL update."""
    return client.post("/sparql", data=text.encode(),
                       headers={**auth, "Content-Type": "application/sparql-update"})


def comment(graph: str, text: str) -> str:
    """An INSERT DATA of one rdfs:comment into ``graph``."""
    return f'INSERT DATA {{ GRAPH <{SUB}{graph}> {{ <{COOP}> <{COMMENT}> "{text}" }} }}'


# ---------------- tokens bound to graphs (finding 9) ----------------

def test_bob_cannot_overwrite_or_delete_alices_graph(client: FlaskClient) -> None:
    assert put(client, "alice", ALICE).status_code == 201
    for resp in (put(client, "alice", BOB),
                 client.delete("/graph", query_string={"graph": SUB + "alice"}, headers=BOB),
                 update(client, comment("alice", "bob was here"), BOB),
                 update(client, f"DROP GRAPH <{SUB}alice>", BOB)):
        assert resp.status_code == 403, resp.data
        assert f"<{SUB}bob> and <{SUB}bob-...>".encode() in resp.data  # names what is allowed
    assert client.get("/graph", query_string={"graph": SUB + "alice"}).status_code == 200


def test_a_token_writes_its_own_graph_and_those_starting_with_its_name(
        client: FlaskClient) -> None:
    assert put(client, "alice-2026", ALICE).status_code == 201
    assert update(client, comment("alice-2026", "mine")).status_code == 200
    for graph in ("alicex", "alice2026", "bob-2026", "x-alice"):
        assert put(client, graph, ALICE).status_code == 403


def test_the_admin_token_writes_any_submission_graph_but_no_built_graph(
        client: FlaskClient) -> None:
    assert update(client, comment("alice-2026", "from the curator"), ADMIN).status_code == 200
    assert put(client, "bob-curated", ADMIN).status_code == 201
    built = client.put("/graph", query_string={"graph": "https://w3id.org/iacml/graph/source/003"},
                       data=entry(), headers={**ADMIN, "Content-Type": "text/turtle"})
    assert built.status_code == 403


def test_a_token_name_with_a_hyphen_stops_the_app(dataset_path: Path, tmp_path: Path) -> None:
    from server.app import create_app

    with pytest.raises(ValueError, match="no '-'"):
        create_app({"IACML_DATASET": str(dataset_path), "IACML_WRITE_TOKEN": "al-ice:T1",
                    "IACML_JOURNAL": str(tmp_path / "j.jsonl"), "IACML_QUERY_WORKERS": 1})


# ---------------- SPARQL 1.1 Update semantics (finding 10) ----------------

def test_clear_or_drop_of_an_absent_graph_is_404_unless_silent(client: FlaskClient) -> None:
    for operation in ("CLEAR GRAPH", "DROP GRAPH"):
        resp = update(client, f"{operation} <{SUB}alice-absent>")
        assert resp.status_code == 404, resp.data
        assert b"does not exist" in resp.data and b"SILENT" in resp.data
        silent = update(client, f"{operation.replace(' ', ' SILENT ')} <{SUB}alice-absent>")
        assert silent.status_code == 200, silent.data
    assert put(client, "alice-cleared", ALICE).status_code == 201
    assert update(client, f"CLEAR GRAPH <{SUB}alice-cleared>").status_code == 200
    assert client.get("/graph", query_string={"graph": SUB + "alice-cleared"}).status_code == 404


def test_updates_that_name_no_single_submission_graph_are_refused(client: FlaskClient) -> None:
    cases = {"CLEAR ALL": 403, "DROP NAMED": 403,
             f'INSERT DATA {{ <{COOP}> <{COMMENT}> "default graph" }}': 403,
             f"DELETE WHERE {{ GRAPH ?g {{ <{COOP}> <{COMMENT}> ?c }} }}": 403,
             f"COPY <{SUB}alice> TO <{SUB}alice-copy> ; CLEAR GRAPH <{SUB}alice-2026>": 403,
             "CREATE SILENT GRAPH <https://w3id.org/iacml/graph/source/003>": 403}
    for text, status in cases.items():
        assert update(client, text).status_code == status, text


# ---------------- journal records hold deltas (finding 13) ----------------

def test_records_grow_with_the_change_not_with_the_graph(client: FlaskClient,
                                                          journal: Path) -> None:
    assert put(client, "alice-growing", ALICE).status_code == 201
    sizes = []
    for i in range(5):
        before = journal.stat().st_size
        assert update(client, comment("alice-growing", f"note {i}")).status_code == 200
        sizes.append(journal.stat().st_size - before)
    records, _ = read_lines(journal)
    last = records[-1]
    assert last["added"].count("\n") == 1 and last["removed"] == "" and "content" not in last
    assert last["triples_after"] == last["triples_before"] + 1
    graph = client.get("/graph", query_string={"graph": SUB + "alice-growing"},
                       headers={"Accept": "application/n-triples"}).data
    # one triple and the log node, whatever the graph holds (it is over 4 KB)
    assert len(graph) > 4000 and max(sizes) < 2000
    assert max(sizes) - min(sizes) < 50


def test_replay_of_the_journal_gives_the_served_graphs(client: FlaskClient, journal: Path,
                                                       dataset_path: Path) -> None:
    assert update(client, f"DELETE DATA {{ GRAPH <{SUB}alice-growing> {{ <{COOP}> <{COMMENT}> "
                          '"note 0" } }').status_code == 200
    store = ox.Store()
    store.extend(submission_quads(dataset_path))
    Replayer(journal).catch_up(store)
    for graph in {r["graph"] for r in read_lines(journal)[0]}:
        served = client.get("/graph", query_string={"graph": graph},
                            headers={"Accept": "application/n-triples"})
        replayed = {f"{q.triple} ." for q in store.quads_for_pattern(None, None, None,
                                                                    ox.NamedNode(graph))}
        if served.status_code == 404:
            assert replayed == set()
        else:
            assert {line for line in served.data.decode().splitlines() if line} == replayed


def test_a_journal_written_before_deltas_still_replays(dataset_path: Path,
                                                       tmp_path: Path) -> None:
    """tests/fixtures/journal/before-deltas.jsonl was written by the server as it was
    before this change: a PUT of valid-cooperation.ttl, an INSERT DATA of the comment
    "added before deltas", then a PUT and a DELETE of another graph."""
    journal = tmp_path / "journal.jsonl"
    shutil.copyfile(FIXTURES / "journal" / "before-deltas.jsonl", journal)
    assert all("content" in json.loads(line) for line in journal.read_text().splitlines())
    application = _app(dataset_path, journal)
    try:
        client = application.test_client()
        query = (f"SELECT ?c WHERE {{ GRAPH <{SUB}alice-before> {{ <{COOP}> <{COMMENT}> ?c }} }}")
        resp = client.get("/sparql", query_string={"query": query},
                          headers={"Accept": "application/sparql-results+json"})
        assert [b["c"]["value"] for b in resp.get_json()["results"]["bindings"]] == \
            ["added before deltas"]
        assert client.get("/graph", query_string={"graph": SUB + "alice-gone"}).status_code == 404
        # a delta on top of the old records, then a replay from scratch: the same graph
        assert update(client, comment("alice-before", "added after")).status_code == 200
        served = client.get("/graph", query_string={"graph": SUB + "alice-before"},
                            headers={"Accept": "application/n-triples"}).data.decode()
    finally:
        application.extensions["iacml.backend"].close()
    store = ox.Store()
    Replayer(journal).catch_up(store)
    replayed = {f"{q.triple} ." for q in store.quads_for_pattern(
        None, None, None, ox.NamedNode(SUB + "alice-before"))}
    assert replayed == {line for line in served.splitlines() if line}
    assert sum(1 for line in replayed if "added" in line) == 2


# ---------------- the journal lock (finding 1: an unrelated write waited 38 s) ----------------

def test_a_slow_update_does_not_hold_up_a_write_to_another_graph(dataset_path: Path,
                                                                tmp_path: Path) -> None:
    """Alice's update is slow to evaluate (a four-way cross product of her graph: 1.9
    million rows, seconds); bob's PUT to his own graph is accepted while it still runs:
    no write waits on the journal lock for evaluation, validation or parsing."""
    import threading

    from server.app import create_app

    application = create_app({
        "IACML_DATASET": str(dataset_path), "IACML_RATE_LIMIT": 0, "IACML_QUERY_WORKERS": 2,
        "IACML_WRITE_TOKEN": "alice:T1,bob:T2", "IACML_QUERY_TIMEOUT": 120,
        "IACML_JOURNAL": str(tmp_path / "journal.jsonl")})
    try:
        client = application.test_client()
        assert put(client, "alice-slow", ALICE).status_code == 201
        assert put(client, "bob-warm", BOB).status_code == 201  # the checker is loaded
        slow = (f"INSERT {{ GRAPH <{SUB}alice-slow> {{ <{COOP}> <{COMMENT}> ?n }} }} WHERE "
                f"{{ SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{SUB}alice-slow> "
                "{ ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l } } }")
        answers: dict[str, int] = {}
        thread = threading.Thread(target=lambda: answers.setdefault(
            "slow", update(application.test_client(), slow).status_code))
        thread.start()
        other = put(client, "bob", BOB)
        still_running = thread.is_alive()
        thread.join(120)
    finally:
        application.extensions["iacml.backend"].close()
    assert other.status_code == 201
    assert still_running, "the slow update ended before the other write: make it slower"
    assert answers["slow"] == 200
