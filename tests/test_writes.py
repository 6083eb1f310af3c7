"""Guarded writes (issue 9): off without a token, token checks, guard (409 with the
report, nothing changed), visibility in every worker, the log graph, concurrent
writers, the journal's torn-line rule, and ``iacml export-submissions``.

The apps here run in-process (Flask test client) with their own query workers and
a journal in a temporary folder; tests/test_writes_crash.py kills real servers.
"""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.compare import to_isomorphic
from rdflib.namespace import RDFS

from iacml.journal import Journal, Record, read_lines

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "entries"
ID = "https://w3id.org/iacml/id/"
SUB = "https://w3id.org/iacml/graph/submissions/"
LOG_GRAPH = "https://w3id.org/iacml/graph/submissions"
COOP = f"{ID}cooperation/20/col-hnd-child-labor"
TOKEN = "s3cret-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
TURTLE = {**AUTH, "Content-Type": "text/turtle"}


def entry(name: str = "valid-cooperation") -> bytes:
    """An entry of tests/fixtures/entries."""
    return (FIXTURES / f"{name}.ttl").read_bytes()


def violating() -> bytes:
    """The valid cooperation with a Ministry nobody declared (SHACL and QC violations)."""
    return entry().replace(b"<ministry/HND>", b"<ministry/XYZ>")


@pytest.fixture(scope="module")
def journal(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The journal of the writable app (a fresh instance folder)."""
    return tmp_path_factory.mktemp("instance") / "journal.jsonl"


@pytest.fixture(scope="module")
def app(dataset_path: Path, journal: Path):
    """An app with writes on (token name 'alice') and two query workers."""
    from server.app import create_app

    application = create_app({"IACML_WRITE_TOKEN": f"alice:{TOKEN}",
                              "IACML_JOURNAL": str(journal), "IACML_QUERY_WORKERS": 2,
                              "IACML_RATE_LIMIT": 0, "IACML_DATASET": str(dataset_path)})
    yield application
    application.extensions["iacml.backend"].close()


@pytest.fixture(scope="module")
def client(app):
    """A test client of the writable app."""
    return app.test_client()


@pytest.fixture(scope="module")
def readonly(dataset_path: Path, tmp_path_factory: pytest.TempPathFactory):
    """An app with no write token configured (the default)."""
    from server.app import create_app

    application = create_app({"IACML_JOURNAL": str(tmp_path_factory.mktemp("ro") / "j.jsonl"),
                              "IACML_QUERY_WORKERS": 1, "IACML_RATE_LIMIT": 0,
                              "IACML_DATASET": str(dataset_path), "IACML_WRITE_TOKEN": ""})
    yield application.test_client()
    application.extensions["iacml.backend"].close()


def count(client, graph: str, pattern: str = "?s ?p ?o") -> int:
    """Triples matching ``pattern`` in ``graph``, asked through /sparql."""
    query = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ {pattern} }} }}"
    resp = client.get("/sparql", query_string={"query": query},
                      headers={"Accept": "application/sparql-results+json"})
    assert resp.status_code == 200, resp.data
    return int(resp.get_json()["results"]["bindings"][0]["n"]["value"])


def put(client, graph: str, body: bytes, headers: dict[str, str] | None = None):
    """PUT ``body`` (Turtle) into ``graph`` with the write token."""
    return client.put("/graph", query_string={"graph": graph}, data=body,
                      headers=TURTLE if headers is None else headers)


def insert(graph: str, *triples: str) -> str:
    """An INSERT DATA update of ``triples`` into ``graph``."""
    return f"INSERT DATA {{ GRAPH <{graph}> {{ {' '.join(triples)} }} }}"


# ---------------- writes off, tokens ----------------

def test_every_write_is_refused_without_a_configured_token(readonly) -> None:
    graph = SUB + "alice-off"
    update = insert(graph, f'<{COOP}> <{RDFS.comment}> "x" .')
    answers = [
        readonly.post("/sparql", data={"update": update}, headers=AUTH),
        readonly.post("/sparql", data=update.encode(),
                      headers={**AUTH, "Content-Type": "application/sparql-update"}),
        put(readonly, graph, entry()),
        readonly.post("/graph", query_string={"graph": graph}, data=entry(), headers=TURTLE),
        readonly.delete("/graph", query_string={"graph": graph}, headers=AUTH),
    ]
    assert [a.status_code for a in answers] == [403] * 5
    assert all(b"read-only" in a.data for a in answers)
    assert count(readonly, graph) == 0


def test_missing_token_is_401_and_wrong_token_403(client) -> None:
    graph = SUB + "alice-auth"
    missing = put(client, graph, entry(), {"Content-Type": "text/turtle"})
    assert missing.status_code == 401
    assert missing.headers["WWW-Authenticate"].startswith("Bearer")
    wrong = put(client, graph, entry(), {"Content-Type": "text/turtle",
                                         "Authorization": "Bearer s3cret-tokeN"})
    assert wrong.status_code == 403
    update = insert(graph, f'<{COOP}> <{RDFS.comment}> "x" .')
    update = client.post("/sparql", data={"update": update},
                         headers={"Authorization": "Bearer nope"})
    assert update.status_code == 403
    assert count(client, graph) == 0


# ---------------- accepted writes ----------------

def test_valid_put_is_visible_to_the_next_query_in_every_worker(client) -> None:
    graph = SUB + "alice-visible"
    resp = put(client, graph, entry())
    assert resp.status_code == 201, resp.data
    body = resp.get_json()
    assert body["by"] == "alice" and body["triples_before"] == 0
    assert body["triples_after"] > 0
    for _ in range(6):  # two workers: each must have applied the journal
        assert count(client, graph) == body["triples_after"]
    # the passages were located as the build locates them
    located = ("?s <http://www.w3.org/ns/prov#wasDerivedFrom> ?p . "
               "FILTER(STRSTARTS(STR(?p), 'https://w3id.org/iacml/id/passage/003/'))")
    assert count(client, graph, located) == 2


def test_valid_update_is_visible_and_logged(client) -> None:
    graph = SUB + "alice-update"
    assert put(client, graph, entry()).status_code == 201
    before = count(client, graph)
    update = insert(graph, f'<{COOP}> <{RDFS.comment}> "added by an update" .')
    resp = client.post("/sparql", data=update.encode(),
                       headers={**AUTH, "Content-Type": "application/sparql-update"})
    assert resp.status_code == 200, resp.data
    for _ in range(4):
        assert count(client, graph) == before + 1
    log = client.get("/graph", query_string={"graph": LOG_GRAPH},
                     headers={"Accept": "application/n-triples"})
    assert log.status_code == 200
    logged = Graph().parse(data=log.data.decode(), format="nt")
    log_ns = "https://w3id.org/iacml/log#"
    nodes = [n for n in logged.subjects(URIRef(log_ns + "graph"), URIRef(graph))]
    assert len(nodes) == 2  # the PUT and the update
    after = {int(logged.value(n, URIRef(log_ns + "triplesAfter"))) for n in nodes}
    assert after == {before, before + 1}
    assert {str(logged.value(n, URIRef(log_ns + "tokenName"))) for n in nodes} == {"alice"}
    assert all(logged.value(n, URIRef("http://www.w3.org/ns/prov#endedAtTime")) for n in nodes)


# ---------------- the guard ----------------

def test_violating_write_is_409_with_the_report_and_changes_nothing(client, journal) -> None:
    graph = SUB + "alice-guarded"
    assert put(client, graph, entry()).status_code == 201
    before, size = count(client, graph), journal.stat().st_size
    resp = put(client, graph, violating())
    assert resp.status_code == 409
    report = resp.get_json()
    assert report["conforms"] is False
    assert any(r["focus"] == f"{ID}ministry/XYZ" for r in report["results"])
    turtle = put(client, graph, violating(), {**TURTLE, "Accept": "text/turtle"})
    assert turtle.status_code == 409 and b"ValidationReport" in turtle.data
    update = client.post("/sparql", headers=AUTH, data={"update": insert(
        graph, f"<{COOP}> <https://w3id.org/iacml/ontology#recipient> <{ID}ministry/XYZ> .")})
    assert update.status_code == 409
    assert count(client, graph) == before
    assert journal.stat().st_size == size


def test_a_write_must_pass_the_quote_check_and_qc(client) -> None:
    graph = SUB + "alice-quotes"
    misquoted = entry().replace(b"August 27 \xe2\x80\x93 31, 2018", b"August 27 - 31, 2018")
    resp = put(client, graph, misquoted)
    assert resp.status_code == 409
    assert any(r["shape_name"] == "Quote check" for r in resp.get_json()["results"])
    conflict = put(client, graph, entry("qc-conflict"))
    assert conflict.status_code == 409
    assert any(r["shape_name"] == "QC conflict-without-discrepancy"
               for r in conflict.get_json()["results"])
    assert count(client, graph) == 0


def test_read_only_graphs_cannot_be_written(client) -> None:
    source = "https://w3id.org/iacml/graph/source/003"
    before = count(client, source)
    assert put(client, source, entry()).status_code == 403
    assert client.delete("/graph", query_string={"graph": source}, headers=AUTH).status_code == 403
    for update in (insert(source, f'<{COOP}> <{RDFS.comment}> "x" .'),
                   f"DROP GRAPH <{source}>", "CLEAR ALL",
                   f'INSERT DATA {{ <{COOP}> <{RDFS.comment}> "in the default graph" }}',
                   f"LOAD <http://127.0.0.1:9/x.ttl> INTO GRAPH <{SUB}load>"):
        resp = client.post("/sparql", data={"update": update}, headers=AUTH)
        assert resp.status_code in (400, 403), (update, resp.data)
    assert count(client, source) == before


def test_delete_drops_a_submission_graph(client) -> None:
    graph = SUB + "alice-dropped"
    assert put(client, graph, entry()).status_code == 201
    assert client.delete("/graph", query_string={"graph": graph}, headers=AUTH).status_code == 200
    assert count(client, graph) == 0
    assert client.get("/graph", query_string={"graph": graph}).status_code == 404
    assert client.delete("/graph", query_string={"graph": graph}, headers=AUTH).status_code == 404


def test_concurrent_writers_apply_exactly_the_valid_writes(client, app) -> None:
    """8 threads × 20 updates to one graph, every fifth violating: the graph ends with
    exactly the comments of the accepted writes (no write lost, none half-applied)."""
    graph = SUB + "alice-concurrent"
    assert put(client, graph, entry()).status_code == 201
    statuses: dict[str, int] = {}
    lock = threading.Lock()

    def writer(thread: int) -> None:
        own = app.test_client()
        for i in range(20):
            label = f"t{thread}-{i}"
            triples = [f'<{COOP}> <{RDFS.comment}> "{label}" .']
            if i % 5 == 4:
                triples.append(f"<{COOP}> <https://w3id.org/iacml/ontology#recipient> "
                               f"<{ID}ministry/XYZ> .")
            resp = own.post("/sparql", data={"update": insert(graph, *triples)}, headers=AUTH)
            with lock:
                statuses[label] = resp.status_code

    threads = [threading.Thread(target=writer, args=(t,)) for t in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    valid = {label for label, status in statuses.items() if not label.endswith(("4", "9"))}
    assert len(statuses) == 160
    assert {statuses[label] for label in valid} == {200}
    assert {s for label, s in statuses.items() if label not in valid} == {409}
    query = (f"SELECT ?c WHERE {{ GRAPH <{graph}> {{ <{COOP}> <{RDFS.comment}> ?c }} }}")
    for _ in range(3):
        resp = client.get("/sparql", query_string={"query": query},
                          headers={"Accept": "application/sparql-results+json"})
        found = {b["c"]["value"] for b in resp.get_json()["results"]["bindings"]}
        assert found == valid
    xyz = f"?s <https://w3id.org/iacml/ontology#recipient> <{ID}ministry/XYZ>"
    assert count(client, graph, xyz) == 0


# ---------------- the journal ----------------

def _record(seq: int, graph: str, content: str) -> Record:
    return Record(seq=seq, graph=graph, time="2026-01-01T00:00:00Z", base="b", by="t",
                  content=content, log="", triples_before=0, triples_after=1)


def test_a_torn_last_line_is_ignored_and_cut_by_the_next_append(tmp_path: Path) -> None:
    journal = Journal(tmp_path / "journal.jsonl")
    triple = '<urn:x:s> <urn:x:p> "o" .\n'
    with journal.locked():
        journal.append(_record(1, SUB + "alice-a", triple))
    whole = journal.path.read_bytes()
    torn = _record(2, SUB + "alice-b", triple * 1000).to_line()[:5000]
    with journal.path.open("ab") as handle:  # what a crash in the middle of a write leaves
        handle.write(torn)
    records, offset = read_lines(journal.path)
    assert [r["seq"] for r in records] == [1] and offset == len(whole)
    with journal.locked():
        journal.append(_record(2, SUB + "alice-c", triple))
    records, _ = read_lines(journal.path)
    assert [(r["seq"], r["graph"]) for r in records] == [(1, SUB + "alice-a"), (2, SUB + "alice-c")]
    assert all(json.loads(line) for line in journal.path.read_bytes().splitlines())


# ---------------- back to the source of truth ----------------

@pytest.fixture()
def submitted(client) -> list[str]:
    """The submission graphs served now; at least "alice-exported" (written here) and
    "alice-exported-gone" (written, then dropped)."""
    graph = SUB + "alice-exported"
    assert put(client, graph, entry()).status_code in (200, 201)
    update = insert(graph, f'<{COOP}> <{RDFS.comment}> "added by an update" .')
    assert client.post("/sparql", data={"update": update}, headers=AUTH).status_code == 200
    gone = SUB + "alice-exported-gone"
    assert put(client, gone, entry()).status_code in (200, 201)
    assert client.delete("/graph", query_string={"graph": gone}, headers=AUTH).status_code == 200
    query = (f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ ?s ?p ?o }} "
             f"FILTER(STRSTARTS(STR(?g), '{SUB}')) }}")
    resp = client.get("/sparql", query_string={"query": query},
                      headers={"Accept": "application/sparql-results+json"})
    return sorted(b["g"]["value"] for b in resp.get_json()["results"]["bindings"])


def test_export_writes_submission_files_and_rotates_the_journal(client, journal: Path,
                                                                tmp_path: Path,
                                                                submitted: list[str]) -> None:
    from iacml.export import export_submissions
    from iacml.pipeline.parse import graph_for_file, parse_turtle

    graph = SUB + "alice-exported"
    served = client.get("/graph", query_string={"graph": graph},
                        headers={"Accept": "application/n-triples"})
    assert served.status_code == 200
    copy = tmp_path / "journal.jsonl"
    copy.write_bytes(journal.read_bytes())
    out = tmp_path / "ttl"
    out.mkdir()
    (out / "submission-alice-exported-gone.ttl").write_text("# exported before the DELETE\n")
    files = export_submissions(copy, out)
    target = out / "submission-alice-exported.ttl"
    assert target in files
    assert sorted(p.name for p in out.glob("*.ttl")) == sorted(
        f"submission-{g.removeprefix(SUB)}.ttl" for g in submitted)
    assert not (out / "submission-alice-exported-gone.ttl").exists()
    assert str(graph_for_file(target)) == graph
    exported = parse_turtle(target)
    assert to_isomorphic(exported) == to_isomorphic(Graph().parse(data=served.data.decode(),
                                                                  format="nt"))
    assert copy.stat().st_size == 0
    rotated = list(tmp_path.glob("journal-*.exported"))
    assert len(rotated) == 1 and rotated[0].read_bytes() == journal.read_bytes()
    assert Literal("added by an update") in set(exported.objects(URIRef(COOP), RDFS.comment))


def test_a_rebuild_with_the_exported_files_serves_the_same_graph(client, journal: Path,
                                                                 tmp_path: Path,
                                                                 submitted: list[str]) -> None:
    """Export, then build a copy of the repository with the exported files: the build
    passes (quotes, QC, SHACL) and holds each submission graph exactly as served."""
    import shutil

    import pyoxigraph as ox

    from iacml.build import build
    from iacml.export import export_submissions
    from iacml.paths import ProjectPaths

    root = Path(__file__).resolve().parent.parent
    for folder in ("ontology", "shapes", "data", "queries"):
        shutil.copytree(root / folder, tmp_path / folder)
    copy = tmp_path / "journal.jsonl"
    copy.write_bytes(journal.read_bytes())
    export_submissions(copy, tmp_path / "data" / "ttl")
    paths = ProjectPaths(tmp_path)
    report = build(paths, echo=lambda _line: None)
    assert report.violations == 0
    built = ox.Store()
    built.bulk_load(path=str(paths.dataset_nq), format=ox.RdfFormat.N_QUADS)
    assert SUB + "alice-exported" in submitted
    for graph in submitted:
        served = client.get("/graph", query_string={"graph": graph},
                            headers={"Accept": "application/n-triples"})
        assert served.status_code == 200
        rebuilt = built.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(graph))
        assert to_isomorphic(Graph().parse(data=rebuilt.decode(), format="nt")) == \
            to_isomorphic(Graph().parse(data=served.data.decode(), format="nt"))


def test_export_command_without_rotation(journal: Path, tmp_path: Path, capsys,
                                        submitted: list[str]) -> None:
    from iacml.cli import main

    copy = tmp_path / "journal.jsonl"
    copy.write_bytes(journal.read_bytes())
    out = tmp_path / "ttl"
    assert main(["export-submissions", "--journal", str(copy), "--out", str(out),
                 "--no-rotate"]) == 0
    assert (out / "submission-alice-exported.ttl").exists()
    assert "submission-alice-exported.ttl" in capsys.readouterr().out
    assert copy.read_bytes() == journal.read_bytes()  # not rotated
    assert not list(tmp_path.glob("journal-*.exported"))
