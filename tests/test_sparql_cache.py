"""Answers cached per data version: a repeated query is answered from memory with the
same ETag, If-None-Match gives 304, and an accepted write (a new data version) changes
the ETag and the answer."""

from __future__ import annotations

from pathlib import Path

import pytest

TOKEN = "cache-test-token"
GRAPH = "https://w3id.org/iacml/graph/submissions/curator-cache"
JSON = {"Accept": "application/sparql-results+json"}
QUERY = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{GRAPH}> {{ ?s ?p ?o }} }}"


@pytest.fixture(scope="module")
def client(dataset_path: Path, tmp_path_factory: pytest.TempPathFactory):
    from server.app import create_app

    app = create_app({"IACML_DATASET": str(dataset_path), "IACML_RATE_LIMIT": 0,
                      "IACML_QUERY_WORKERS": 1, "IACML_WRITE_TOKEN": f"curator:{TOKEN}",
                      "IACML_JOURNAL": str(tmp_path_factory.mktemp("inst") / "j.jsonl")})
    yield app.test_client()
    app.extensions["iacml.backend"].close()


def ask(client, headers: dict[str, str] | None = None):
    return client.get("/sparql", query_string={"query": QUERY}, headers={**JSON, **(headers or {})})


def test_repeated_query_is_a_cache_hit_with_the_same_etag(client) -> None:
    first, second = ask(client), ask(client)
    assert first.status_code == second.status_code == 200
    assert second.headers["X-IACML-Cache"] == "hit"
    assert first.headers["ETag"] == second.headers["ETag"]
    assert first.data == second.data


def test_if_none_match_gives_304_without_a_body(client) -> None:
    etag = ask(client).headers["ETag"]
    answer = ask(client, {"If-None-Match": etag})
    assert answer.status_code == 304
    assert answer.data == b""
    assert answer.headers["ETag"] == etag


def test_other_format_is_another_entry(client) -> None:
    csv = client.get("/sparql", query_string={"query": QUERY}, headers={"Accept": "text/csv"})
    assert csv.status_code == 200 and csv.headers["ETag"] != ask(client).headers["ETag"]


def test_a_write_changes_the_etag_and_the_answer(client) -> None:
    before = ask(client)
    assert before.get_json()["results"]["bindings"][0]["n"]["value"] == "0"
    update = (f'INSERT DATA {{ GRAPH <{GRAPH}> {{ <https://w3id.org/iacml/id/country/ECU> '
              f'<http://www.w3.org/2000/01/rdf-schema#comment> "cache test"@en }} }}')
    written = client.post("/sparql", data={"update": update},
                          headers={"Authorization": f"Bearer {TOKEN}"})
    assert written.status_code in (200, 201, 204), written.data
    after = ask(client, {"If-None-Match": before.headers["ETag"]})
    assert after.status_code == 200, "a stale ETag must not get 304 after a write"
    assert after.headers["ETag"] != before.headers["ETag"]
    assert after.get_json()["results"]["bindings"][0]["n"]["value"] == "1"
