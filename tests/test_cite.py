"""Cite this (issue 17 item 3): CITATION.cff, the citation box and its downloads
(BibTeX, RIS, CSL-JSON) on the landing page, /dataset and every resource page, for the
release the page shows; schema.org Dataset markup on the landing and dataset pages,
extracted from the HTML and checked field by field."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pyoxigraph as ox
import pytest
from flask.testing import FlaskClient
from rdflib.namespace import SDO
from ruamel.yaml import YAML

from iacml.release.records import latest
from server.app import create_app

ROOT = Path(__file__).resolve().parent.parent
BASE = "https://w3id.org/iacml/"
# From the source texts: 001 reports a meeting of October 9, 2012, 004 an event of
# October 2024; the reports name Argentina, Canada, and Trinidad and Tobago.
EARLY, LATE = "2012-10-09", "2024-10-01"
COUNTRIES = {"Argentina", "Canada", "Trinidad and Tobago"}
PAGES = ("/", "/dataset", "/download/", "/id/country/ARG")
CSL_TYPES = {"dataset", "entry", "article", "book", "report", "webpage"}


def test_citation_cff_is_valid_and_names_the_latest_release() -> None:
    cffconvert = Path(sys.executable).with_name("cffconvert")
    checked = subprocess.run([str(cffconvert), "--validate", "-i", "CITATION.cff"], cwd=ROOT,
                             capture_output=True, text=True, check=False)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    cff = YAML(typ="safe").load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    assert cff["type"] == "dataset" and cff["license"] == "CC-BY-4.0"
    assert cff["title"] == "IACML open knowledge graph"
    newest = latest(ROOT / "releases")
    if newest is None:
        assert "version" not in cff and "No release" in cff["message"]
    else:
        assert (str(cff["version"]), str(cff["date-released"])) == (newest.version, newest.date)
        assert cff["identifiers"][0]["value"] == newest.iri


class _Page(HTMLParser):
    """The JSON-LD blocks and the links of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.jsonld: list[str] = []
        self.links: list[str] = []
        self._in_jsonld = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        self._in_jsonld = tag == "script" and values.get("type") == "application/ld+json"
        if self._in_jsonld:
            self.jsonld.append("")
        if tag == "a" and values.get("href"):
            self.links.append(str(values["href"]))

    def handle_endtag(self, tag: str) -> None:
        self._in_jsonld = False if tag == "script" else self._in_jsonld

    def handle_data(self, data: str) -> None:
        if self._in_jsonld:
            self.jsonld[-1] += data


def _page(client: FlaskClient, path: str) -> tuple[str, _Page]:
    response = client.get(path, headers={"Accept": "text/html"})
    assert response.status_code == 200, path
    html = response.get_data(as_text=True)
    parsed = _Page()
    parsed.feed(html)
    return html, parsed


def _build_id() -> str:
    return (ROOT / "build" / "build-id").read_text(encoding="utf-8").strip()


def _check_downloads(client: FlaskClient, links: list[str], title: str, version: str) -> None:
    cites = sorted(link for link in links if link.startswith("/cite/"))
    assert [link.rsplit(".", 1)[1] for link in cites] == ["bib", "json", "ris"]
    for link in cites:
        response = client.get(link)
        assert response.status_code == 200, link
        assert "attachment" in response.headers["Content-Disposition"]
        body = response.get_data(as_text=True)
        if link.endswith(".bib"):
            assert re.match(r"@misc\{[\w]+,\n", body) and body.count("{") == body.count("}")
            fields = dict(re.findall(r"^  (\w+) = \{(.*)\},?$", body, re.MULTILINE))
            assert fields["version"] == version and fields["title"] == "{" + title + "}"
            assert fields["author"] == "{IACML open knowledge graph project}"
        elif link.endswith(".ris"):
            lines = body.split("\r\n")
            assert lines[0] == "TY  - DATA" and lines[-2] == "ER  -" and lines[-1] == ""
            assert all(re.match(r"^[A-Z][A-Z0-9]  -( .*)?$", line) for line in lines[:-1])
            assert f"TI  - {title}" in lines and f"ET  - {version}" in lines
        else:
            [item] = json.loads(body)
            assert item["type"] in CSL_TYPES and item["title"] == title
            assert item["version"] == version
            assert all(isinstance(n, int) for n in item["issued"]["date-parts"][0])


@pytest.fixture(scope="module")
def unreleased(dataset_path: Path, tmp_path_factory: pytest.TempPathFactory) -> FlaskClient:
    """The app with no release at all (an empty releases folder)."""
    app = create_app({"IACML_DATASET": str(dataset_path), "IACML_RATE_LIMIT": 0,
                      "IACML_CACHE_DIR": str(tmp_path_factory.mktemp("ld-cache")),
                      "IACML_RELEASES_DIR": str(tmp_path_factory.mktemp("no-releases"))})
    yield app.test_client()
    app.extensions["iacml.backend"].close()


@pytest.mark.parametrize("path", PAGES)
def test_pages_cite_the_unreleased_build_they_show(unreleased: FlaskClient, path: str) -> None:
    """No release matches the served build: the box says so, names the build, and still
    offers the three downloads."""
    html, page = _page(unreleased, path)
    version = f"unreleased build {_build_id()}"
    assert 'class="cite"' in html and version in html and "not in a release" in html
    title = "Argentina" if path.startswith("/id/") else "IACML open knowledge graph"
    _check_downloads(unreleased, page.links, title, version)


@pytest.fixture(scope="module")
def released(dataset_path: Path, tmp_path_factory: pytest.TempPathFactory) -> FlaskClient:
    """The app with a release made from the current build (so the build is that release)."""
    from iacml.paths import ProjectPaths
    from iacml.release.make import make_release
    tmp = tmp_path_factory.mktemp("cite")
    (tmp / "ontology").mkdir()
    shutil.copy(ROOT / "ontology" / "iacml.ttl", tmp / "ontology")
    shutil.copytree(ROOT / "data" / "iris", tmp / "data" / "iris")
    make_release(ProjectPaths(tmp), dataset_path, "2026-03-04", "2026-03-04", _build_id())
    app = create_app({"IACML_DATASET": str(dataset_path), "IACML_RATE_LIMIT": 0,
                      "IACML_CACHE_DIR": str(tmp_path_factory.mktemp("ld-cache")),
                      "IACML_RELEASES_DIR": str(tmp / "releases")})
    yield app.test_client()
    app.extensions["iacml.backend"].close()


@pytest.mark.parametrize("path", (*PAGES, "/download/2026-03-04/"))
def test_pages_cite_the_release_they_show(released: FlaskClient, path: str) -> None:
    html, page = _page(released, path)
    assert "Version <strong>2026-03-04</strong> of 2026-03-04" in html
    assert "not in a release" not in html
    resource = path.startswith("/id/")
    cited = BASE + ("id/country/ARG" if resource else "release/2026-03-04")
    assert cited in html
    title = "Argentina" if resource else "IACML open knowledge graph"
    _check_downloads(released, page.links, title, "2026-03-04")


def _markup(client: FlaskClient, path: str) -> dict:
    _, page = _page(client, path)
    blocks = [json.loads(text) for text in page.jsonld]
    datasets = [b for b in blocks if b.get("@type") == "Dataset"]
    assert len(datasets) == 1, path
    return datasets[0]


def _schema_terms(value: object) -> set[str]:
    if isinstance(value, dict):
        return {k for k in value if not k.startswith("@")} | {
            t for v in value.values() for t in _schema_terms(v)} | (
            {value["@type"]} if isinstance(value.get("@type"), str) else set())
    if isinstance(value, list):
        return {t for v in value for t in _schema_terms(v)}
    return set()


@pytest.mark.parametrize("path", ("/", "/dataset"))
def test_schema_org_dataset_markup(released: FlaskClient, path: str, dataset_path: Path
                                   ) -> None:
    data = _markup(released, path)
    assert data["@context"] in ("https://schema.org/", "https://schema.org")
    unknown = {t for t in _schema_terms(data) if t not in SDO.__annotations__}
    assert not unknown, f"not schema.org terms: {unknown}"
    assert data["name"] == "IACML open knowledge graph"
    assert 50 <= len(data["description"]) <= 5000  # what dataset search engines require
    assert data["license"] == "https://creativecommons.org/licenses/by/4.0/"
    assert data["creator"]["@type"] == "Organization" and data["creator"]["name"]
    assert data["version"] == "2026-03-04" and data["datePublished"] == "2026-03-04"
    graphs = {q.graph_name for q in ox.parse(path=str(dataset_path),
                                             format=ox.RdfFormat.N_QUADS)
              if isinstance(q.graph_name, ox.NamedNode)}
    # the whole dataset in three formats, and one Turtle file per named graph
    assert len(data["distribution"]) == 3 + len(graphs)
    for download in data["distribution"]:
        assert download["@type"] == "DataDownload"
        assert download["encodingFormat"] in ("application/trig", "application/n-quads",
                                              "application/ld+json", "text/turtle")
        response = released.get(download["contentUrl"])
        assert response.status_code == 200, download["contentUrl"]
        assert int(download["contentSize"]) == len(response.get_data())
        response.close()
    start, end = data["temporalCoverage"].split("/")
    assert re.fullmatch(r"\d{4}-\d\d-\d\d", start) and re.fullmatch(r"\d{4}-\d\d-\d\d", end)
    assert start <= EARLY and LATE <= end
    places = {p["name"]: p for p in data["spatialCoverage"]}
    assert COUNTRIES <= set(places)
    assert all(p["@type"] == "Country" for p in places.values())
    assert places["Argentina"]["sameAs"] == "http://www.wikidata.org/entity/Q414"


def test_no_text_can_close_the_markup_element(released: FlaskClient) -> None:
    html, _ = _page(released, "/dataset")
    block = html.split('<script type="application/ld+json">', 1)[1].split("</script>", 1)[0]
    assert "<" not in block


@pytest.mark.parametrize("path", ("/cite/dataset.txt", "/cite/id/country/NOPE.bib",
                                  "/cite/id/country/%3E%20%7D.ris", "/cite/release/1999-01-01.bib",
                                  "/cite/elsewhere.json", "/cite/id/" + "a" * 3000 + ".bib"))
def test_nothing_to_cite_is_404(client: FlaskClient, path: str) -> None:
    assert client.get(path).status_code == 404
