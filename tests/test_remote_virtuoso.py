"""The remote backend in front of Virtuoso 7 (Debian's virtuoso-opensource-7-bin, installed
by `make virtuoso`; the engine behind DBpedia), besides `oxigraph serve`
(tests/test_sparql_remote.py).

One private Virtuoso per session (its own folder and free ports, stopped at the end), the
dump loaded by its bulk loader with the dump's default graph (the merge of the graphs)
into one graph that IACML_BACKEND_DEFAULT_GRAPH names. The 40 competency queries must
give the same rows through this front as through the front on the embedded store, and
the five ways Virtuoso differs (server/workers/dialect.py, docs/endpoint.md) must not
reach the client.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from sparql_live import ROOT, LiveServer, dataset, free_port, graph_sizes, live_server

VIRTUOSO = shutil.which("virtuoso-t") or "/usr/bin/virtuoso-t"
ISQL = shutil.which("isql-vt") or "/usr/bin/isql-vt"
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
# skipped on a developer machine without it; in CI `make test` installs it (make virtuoso)
pytestmark = pytest.mark.skipif(not Path(VIRTUOSO).exists() and not IN_CI,
                                reason="Virtuoso is not installed (make virtuoso)")
DEFAULT_GRAPH = "urn:iacml:default-graph"
JSON = "application/sparql-results+json"
MAX_ROWS = 10000  # Virtuoso's ResultSetMaxRows, as Debian's virtuoso.ini sets it

INI = """[Database]
DatabaseFile = {db}/virtuoso.db
ErrorLogFile = {db}/virtuoso.log
LockFile = {db}/virtuoso.lck
TransactionFile = {db}/virtuoso.trx
xa_persistent_file = {db}/virtuoso.pxa
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {db}/virtuoso-temp.db
TransactionFile = {db}/virtuoso-temp.trx
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
DirsAllowed = ., {load}
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
CheckpointInterval = 0

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {db}
ServerThreads = 4

[SPARQL]
ResultSetMaxRows = {max_rows}
MaxQueryExecutionTime = 30
"""


@pytest.fixture(scope="session")
def virtuoso_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A private Virtuoso on loopback holding the dump; its SPARQL endpoint's URL."""
    folder = tmp_path_factory.mktemp("virtuoso")
    db, load = folder / "db", folder / "load"
    db.mkdir()
    load.mkdir()
    shutil.copyfile(dataset(), load / "iacml.nq")
    sql_port, http_port = free_port(), free_port()
    (db / "virtuoso.ini").write_text(INI.format(db=db, load=load, sql_port=sql_port,
                                                http_port=http_port, max_rows=MAX_ROWS))
    process = subprocess.Popen([VIRTUOSO, "+configfile", "virtuoso.ini", "+foreground"],
                               cwd=db, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               start_new_session=True)
    url = f"http://127.0.0.1:{http_port}/sparql"
    try:
        deadline = time.monotonic() + 90
        while True:
            assert process.poll() is None, (db / "virtuoso.log").read_text()[-2000:]
            assert time.monotonic() < deadline, "Virtuoso did not start within 90 s"
            try:
                if requests.get(url, params={"query": "ASK {}"}, timeout=5).ok:
                    break
            except requests.RequestException:
                pass
            time.sleep(0.2)
        # the bulk loader: quads keep their graph, the default graph's go to DEFAULT_GRAPH
        loaded = subprocess.run(
            [ISQL, str(sql_port), "dba", "dba",
             f"exec=ld_dir('{load}', 'iacml.nq', '{DEFAULT_GRAPH}'); rdf_loader_run(); "
             "select ll_state, ll_error from DB.DBA.load_list;"],
            capture_output=True, text=True, timeout=120, check=True)
        assert "NULL" in loaded.stdout and "Error" not in loaded.stdout, loaded.stdout
        yield url
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=5)


@pytest.fixture(scope="session")
def front(virtuoso_url: str) -> LiveServer:
    """Our server with Virtuoso as its store."""
    return live_server(IACML_BACKEND_URL=virtuoso_url,
                       IACML_BACKEND_DEFAULT_GRAPH=DEFAULT_GRAPH)


def rows(server: LiveServer, query: str) -> list[tuple[tuple[str, ...], ...]]:
    """The answer's rows as a sorted list of comparable tuples (blank nodes masked:
    their labels mean something only within one answer)."""
    answer = requests.post(server.endpoint, data={"query": query},
                           headers={"Accept": JSON}, timeout=60)
    assert answer.status_code == 200, (query[:300], answer.text[:500])
    out = []
    for binding in answer.json()["results"]["bindings"]:
        out.append(tuple(sorted(
            (name, term["type"], "_" if term["type"] == "bnode" else term["value"],
             term.get("datatype", ""), term.get("xml:lang", ""))
            for name, term in binding.items())))
    return sorted(out)


#: Competency queries not compared here, and why (docs/endpoint.md lists both):
#: - q30 (of the 40): Virtuoso 7.2.5 takes 11-15 s for it with the project's dataset named
#:   (three sequence paths and a language filter), 30 s (its own limit, then 500) over its
#:   union default graph: past the front's default time limit (10 s), and too slow for
#:   the CI; with a longer limit its one row is the embedded store's (checked 2026-12-02);
#: - q47 (added since): Virtuoso answers no row where there are two: its zero-or-more path
#:   ``?t rdfs:subClassOf* iacml:Activity`` with ?t bound by a join finds nothing (alone it
#:   lists the classes): an evaluation bug of the store that no front can correct.
NOT_COMPARED = {"q30", "q47"}


def test_the_competency_queries_answer_identically(front: LiveServer) -> None:
    embedded = live_server()
    queries = sorted((ROOT / "queries" / "competency").glob("q*.rq"))
    assert len(queries) >= 40  # the 40 of the design, and those added since
    different = [q.stem for q in queries if q.stem not in NOT_COMPARED
                 and rows(front, q.read_text()) != rows(embedded, q.read_text())]
    assert not different, f"Virtuoso through our front answers differently: {different}"


def test_blank_nodes_are_answered(front: LiveServer) -> None:
    """(a) Virtuoso labels blank nodes nodeID://...: once 500, now plain labels."""
    found = rows(front, "SELECT ?b WHERE { ?s ?p ?b FILTER(isBlank(?b)) } LIMIT 5")
    assert found and all(row[0][1] == "bnode" for row in found)


def test_the_default_graph_is_the_projects(front: LiveServer) -> None:
    """(b) Virtuoso's default graph holds its system graphs too: the front names the
    project's dataset, so counts are the dump's."""
    embedded = live_server()
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    assert rows(front, count) == rows(embedded, count)
    named = rows(front, "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
    assert sorted(row[0][2] for row in named) == sorted(graph_sizes(dataset()))


def test_a_cut_answer_says_so(front: LiveServer) -> None:
    """(c) ResultSetMaxRows cuts silently but for X-SPARQL-MaxRows: X-IACML-Truncated."""
    answer = requests.get(front.endpoint, params={"query": "SELECT * WHERE { ?s ?p ?o }",
                                                  "format": "json"}, timeout=60)
    assert answer.status_code == 200
    assert len(answer.json()["results"]["bindings"]) == MAX_ROWS
    assert answer.headers["X-IACML-Truncated"] == "true"
    small = requests.get(front.endpoint, params={"query": "SELECT * WHERE { ?s ?p ?o } "
                                                 "LIMIT 3", "format": "json"}, timeout=60)
    assert small.headers.get("X-IACML-Truncated") != "true"


def test_booleans_are_booleans(front: LiveServer) -> None:
    """(d) Virtuoso writes a boolean as 1^^xsd:integer; an integer stays an integer."""
    query = ("SELECT (EXISTS { ?s ?p ?o } AS ?e) (1 < 0 AS ?c) (1 + 0 AS ?i) "
             "WHERE { BIND(BOUND(?nothing) AS ?b) }")
    answer = requests.post(front.endpoint, data={"query": query}, headers={"Accept": JSON},
                           timeout=60).json()["results"]["bindings"][0]
    boolean = "http://www.w3.org/2001/XMLSchema#boolean"
    assert (answer["e"]["value"], answer["e"]["datatype"]) == ("true", boolean)
    assert (answer["c"]["value"], answer["c"]["datatype"]) == ("false", boolean)
    assert answer["i"]["datatype"].endswith("#integer") and answer["i"]["value"] == "1"
    for ask, expected in (("ASK { ?s ?p ?o }", True), ("ASK { ?s iacml:nothing ?o }", False)):
        answered = requests.get(front.endpoint, params={"query": ask}, headers={"Accept": JSON},
                                timeout=60)
        assert answered.json() == {"head": {}, "boolean": expected}, answered.text


def test_a_query_the_store_cannot_evaluate_is_the_clients_error(front: LiveServer) -> None:
    """(e) A property path with both ends unbound: Virtuoso answers 500; the client gets
    400 saying what to change, and the service goes on."""
    query = "SELECT * WHERE { ?a rdfs:subClassOf+ ?b }"
    answer = requests.get(front.endpoint, params={"query": query}, timeout=60)
    assert answer.status_code == 400, answer.text
    assert "transitive start not given" in answer.text and "bind one end" in answer.text
    assert requests.get(front.base + "/health", timeout=30).json()["loaded"] is True
    # one end bound: answered (DISTINCT: Virtuoso gives a node once per path reaching it,
    # where SPARQL 1.1 and the embedded store give it once; docs/endpoint.md)
    bound = "SELECT DISTINCT ?b WHERE { iacml:HemisphericDialogue rdfs:subClassOf+ ?b }"
    assert rows(front, bound) == rows(live_server(), bound)


def test_every_graph_counts_what_the_dump_holds(front: LiveServer) -> None:
    assert requests.get(front.base + "/health", timeout=30).json()["backend"] == "remote"
    for name, size in graph_sizes(dataset()).items():
        query = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{name}> {{ ?s ?p ?o }} }}"
        assert rows(front, query)[0][0][2] == str(size), name
