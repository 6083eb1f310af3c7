"""Federation (issue 8): a query joins the local graph with a second SPARQL endpoint
on loopback, when that endpoint is on the SERVICE allow-list, and is refused when
it is not.  Never the internet.

The second endpoint is the Oxigraph server (``oxigraph serve-read-only``, from
the ``oxigraph`` package) and, to see which calls are made, a pyoxigraph store
behind a small recording SPARQL protocol server.  Both hold Wikidata-shaped
triples built from the project's checked reference table
(``data/reference/countries.csv``: the Wikidata entity, its English label and the
ISO alpha-3 code of each country).
"""

from __future__ import annotations

import csv
import http.server
import os
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pyoxigraph as ox
import pytest
from flask import Flask
from sparql_live import OXIGRAPH, free_port, oxigraph_server

from server.app import create_app

ROOT = Path(__file__).resolve().parent.parent
COUNTRIES = ROOT / "data" / "reference" / "countries.csv"
WD = "http://www.wikidata.org/entity/"
WDT = "http://www.wikidata.org/prop/direct/"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
JSON = "application/sparql-results+json"
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def reference_rows() -> list[dict[str, str]]:
    """Countries of the reference table that have a Wikidata entity."""
    with COUNTRIES.open(encoding="utf-8") as handle:
        return [row for row in csv.DictReader(handle) if row["wikidata_qid"]]


def wikidata_slice() -> ox.Store:
    """Wikidata-shaped triples: label and ISO 3166-1 alpha-3 code (P298) per country."""
    store = ox.Store()
    for row in reference_rows():
        entity = ox.NamedNode(WD + row["wikidata_qid"])
        store.add(ox.Quad(entity, ox.NamedNode(RDFS_LABEL),
                          ox.Literal(row["wikidata_label_en"], language="en")))
        store.add(ox.Quad(entity, ox.NamedNode(WDT + "P298"), ox.Literal(row["iso_alpha3"])))
    return store


class Endpoint(http.server.BaseHTTPRequestHandler):
    """SPARQL 1.1 protocol (query via GET, POST form or POST body) over one store."""

    store: ox.Store
    calls: list[str] = []

    def _query(self) -> str | None:
        if self.command == "GET":
            return (parse_qs(urlparse(self.path).query).get("query") or [None])[0]
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
        if self.headers.get("Content-Type", "").startswith("application/sparql-query"):
            return body
        return (parse_qs(body).get("query") or [None])[0]

    def _answer(self) -> None:
        query = self._query()
        Endpoint.calls.append(query or "")
        try:
            result = self.store.query(query or "")
            body = result.serialize(format=ox.QueryResultsFormat.JSON)  # type: ignore[union-attr]
            status = 200
        except (SyntaxError, ValueError) as exc:
            body, status = str(exc).encode(), 400
        self.send_response(status)
        self.send_header("Content-Type", JSON if status == 200 else "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = _answer
    do_POST = _answer

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        """Quiet."""


@pytest.fixture(scope="module")
def oxigraph(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """URL of an Oxigraph server on loopback holding the Wikidata-shaped slice."""
    if OXIGRAPH is None:
        if IN_CI:
            pytest.fail("the oxigraph server (pip package oxigraph) is not installed")
        pytest.skip("the oxigraph server is not installed")
    folder = tmp_path_factory.mktemp("wikidata-slice")
    data = folder / "slice.nt"
    ox.serialize((q.triple for q in wikidata_slice()), str(data),
                 format=ox.RdfFormat.N_TRIPLES)
    with oxigraph_server(data, folder) as url:
        yield url


@pytest.fixture(scope="module")
def remote() -> Iterator[str]:
    """URL of the recording loopback endpoint."""
    port = free_port()
    Endpoint.store = wikidata_slice()
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", port), Endpoint)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{port}/sparql"
    httpd.shutdown()
    httpd.server_close()


def make_app(dataset_path: Path, allow: list[str]) -> Flask:
    return create_app({"IACML_DATASET": str(dataset_path), "IACML_RATE_LIMIT": 0,
                       "IACML_QUERY_WORKERS": 1, "IACML_SERVICE_ALLOWLIST": allow})


FEDERATED = """
PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX wdt: <http://www.wikidata.org/prop/direct/>
SELECT ?country ?iso3 ?label WHERE {
  ?country a iacml:Country .
  GRAPH graph:links { ?country owl:sameAs ?wd FILTER(STRSTARTS(STR(?wd), "%s")) }
  SERVICE <%s> { ?wd wdt:P298 ?iso3 ; rdfs:label ?label }
}"""


@pytest.mark.parametrize("endpoint", ["oxigraph", "remote"])
def test_federated_query_joins_the_loopback_endpoint(dataset_path: Path, endpoint: str,
                                                     request: pytest.FixtureRequest) -> None:
    url = request.getfixturevalue(endpoint)
    app = make_app(dataset_path, [url])
    try:
        Endpoint.calls.clear()
        resp = app.test_client().get("/sparql", query_string={"query": FEDERATED % (WD, url)},
                                     headers={"Accept": JSON})
        assert resp.status_code == 200, resp.get_data(as_text=True)
        rows = resp.get_json()["results"]["bindings"]
    finally:
        app.extensions["iacml.backend"].close()
    if endpoint == "remote":
        assert Endpoint.calls, "the loopback endpoint was never called"
    got = {(r["country"]["value"], r["iso3"]["value"], r["label"]["value"]) for r in rows}
    expected = {(f"https://w3id.org/iacml/id/country/{row['iso_alpha3']}", row["iso_alpha3"],
                 row["wikidata_label_en"]) for row in reference_rows()}
    assert got == expected
    # the join is real: each local country met the remote entity with its own code
    assert all(country.endswith("/" + iso3) for country, iso3, _ in got)


def test_federated_query_refused_off_the_allow_list(dataset_path: Path, remote: str) -> None:
    app = make_app(dataset_path, ["http://127.0.0.1:9/other/sparql"])
    try:
        Endpoint.calls.clear()
        resp = app.test_client().get("/sparql", query_string={"query": FEDERATED % (WD, remote)},
                                     headers={"Accept": JSON})
    finally:
        app.extensions["iacml.backend"].close()
    assert resp.status_code == 403
    assert "allow-list" in resp.get_data(as_text=True)
    assert Endpoint.calls == []
