"""Releases (issue 17 item 1 and its acceptance): two releases made here, the second
after a change this test makes, give the diff of that change, a changelog entry,
version links in the DCAT/VoID description and in the ontology, and both are
downloadable with the sha256 they list. Made in temporary folders from the current
build, never from a committed snapshot."""

from __future__ import annotations

import gzip
import hashlib
import shutil
import subprocess
from pathlib import Path

import pyoxigraph as ox
import pytest
from flask.testing import FlaskClient
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import OWL, PROV, RDF

from iacml.errors import BuildError
from iacml.paths import ProjectPaths
from iacml.release.canonical import canonical, read_quads
from iacml.release.make import make_release
from iacml.release.records import Release, releases, verify
from server.app import create_app

ROOT = Path(__file__).resolve().parent.parent
BASE = "https://w3id.org/iacml/"
ID = BASE + "id/"
SPDX = Namespace("http://spdx.org/rdf/terms#")
DCAT = Namespace("http://www.w3.org/ns/dcat#")  # DCAT 3 (rdflib lists DCAT 2 only)
V1, V2 = "2026-01-01", "2026-01-02"
# The change made between the two releases: a resource retired (every statement that
# names it removed), one resource new, one relabelled, one Discrepancy added.
RETIRED = ID + "org/fundacion-telefonica"
REPLACEMENT = ID + "org/ilo"
NEW = ID + "activity/test/new-workshop"
CHANGED = ID + "country/ARG"
DISCREPANCY = ID + "discrepancy/test-label"
LABEL = "http://www.w3.org/2004/02/skos/core#prefLabel"
G_SOURCE, G_REFERENCE, G_CURATION = (BASE + "graph/source/003", BASE + "graph/reference",
                                     BASE + "graph/curation")


def _quad(s: str, p: str, o: ox.NamedNode | ox.Literal, g: str) -> ox.Quad:
    return ox.Quad(ox.NamedNode(s), ox.NamedNode(p), o, ox.NamedNode(g))


def _names(quad: ox.Quad, iri: str) -> bool:
    return any(isinstance(t, ox.NamedNode) and t.value == iri
               for t in (quad.subject, quad.object))


def the_change(quads: list[ox.Quad]) -> tuple[set[ox.Quad], set[ox.Quad]]:
    """(added, removed) quads of the change, made from release 1's quads."""
    removed = {q for q in quads if _names(q, RETIRED)}
    # the statements about it go too (axiom annotations: blank nodes naming it)
    about = {q.subject for q in removed if isinstance(q.subject, ox.BlankNode)}
    removed |= {q for q in quads if q.subject in about}
    old_label = next(q for q in quads if q.subject.value == CHANGED and q.predicate.value == LABEL
                     and isinstance(q.object, ox.Literal) and q.object.language == "en"
                     and q.graph_name.value == G_REFERENCE)
    removed.add(old_label)
    rdf_type, iacml = str(RDF.type), BASE + "ontology#"
    added = {
        _quad(NEW, rdf_type, ox.NamedNode(iacml + "Activity"), G_SOURCE),
        _quad(NEW, LABEL, ox.Literal("A new workshop", language="en"), G_SOURCE),
        _quad(CHANGED, LABEL, ox.Literal("Argentine Republic", language="en"), G_REFERENCE),
        _quad(DISCREPANCY, rdf_type, ox.NamedNode(iacml + "Discrepancy"), G_CURATION),
        _quad(DISCREPANCY, iacml + "concerns", ox.NamedNode(CHANGED), G_CURATION),
        _quad(DISCREPANCY, iacml + "property", ox.NamedNode(LABEL), G_CURATION),
    }
    return added, removed


def _project(tmp: Path) -> ProjectPaths:
    """A project folder holding what a release reads and writes beside itself."""
    (tmp / "ontology").mkdir(parents=True)
    shutil.copy(ROOT / "ontology" / "iacml.ttl", tmp / "ontology")
    shutil.copytree(ROOT / "data" / "iris", tmp / "data" / "iris")
    (tmp / "CHANGELOG.md").write_text(
        "# Changelog\n\n## [Unreleased]\n\n### Added\n\n- Something people will notice.\n",
        encoding="utf-8")
    return ProjectPaths(tmp)


@pytest.fixture(scope="module")
def made(dataset_path: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """Release 1 from the current build; release 2 after the change (first refused while
    the retired IRI has no entry in retired.csv)."""
    tmp = tmp_path_factory.mktemp("release")
    paths = _project(tmp / "project")
    first = make_release(paths, dataset_path, V1, V1, "build-one")
    quads = read_quads(first.release.folder / "dumps" / "iacml.nq.gz")
    added, removed = the_change(quads)
    changed_dump = tmp / "changed.nq"
    changed_dump.write_bytes(ox.serialize([q for q in quads if q not in removed] + list(added),
                                          format=ox.RdfFormat.N_QUADS) or b"")
    log_before = paths.changelog.read_text(encoding="utf-8")
    with pytest.raises(BuildError, match="would break") as refused:
        make_release(paths, changed_dump, V2, V2, "build-two")
    state_after_refusal = ((paths.releases_dir / V2).exists(),
                           (paths.iris_dir / f"served-{V2}.txt").exists(),
                           paths.changelog.read_text(encoding="utf-8") == log_before)
    with (paths.iris_dir / "retired.csv").open("a", encoding="utf-8") as table:
        table.write(f'{RETIRED},301,{REPLACEMENT},"merged into the registry entry of the ILO '
                    'for this test"\n')
    second = make_release(paths, changed_dump, V2, V2, "build-two")
    return {"paths": paths, "first": first, "second": second, "quads": quads, "added": added,
            "removed": removed, "refused": str(refused.value),
            "state_after_refusal": state_after_refusal}


def test_a_release_that_would_break_an_iri_is_refused_and_writes_nothing(made: dict) -> None:
    assert RETIRED in made["refused"]
    assert made["state_after_refusal"] == (False, False, True)


def test_the_diff_counts_the_change_per_graph(made: dict) -> None:
    added, removed = made["added"], made["removed"]
    by_graph = {g.graph: g for g in made["second"].diff.graphs}
    for graph in {q.graph_name.value for q in added | removed}:
        assert by_graph[graph].added == sum(1 for q in added if q.graph_name.value == graph)
        assert by_graph[graph].removed == sum(1 for q in removed if q.graph_name.value == graph)
    # the ontology's version header: versionIRI, versionInfo, modified, priorVersion
    assert (by_graph[BASE + "graph/ontology"].added,
            by_graph[BASE + "graph/ontology"].removed) == (4, 4)
    untouched = set(by_graph) - {q.graph_name.value for q in added | removed} - {
        BASE + "graph/ontology"}
    assert untouched and all(by_graph[g].added == by_graph[g].removed == 0 for g in untouched)


def test_the_diff_names_resources_and_discrepancies(made: dict) -> None:
    result = made["second"].diff
    assert result.new_resources == [NEW, DISCREPANCY]  # sorted: activity/, discrepancy/
    # changed: the relabelled country, and every resource that lost a statement naming
    # the retired one
    expected = {CHANGED} | {q.subject.value for q in made["removed"]
                            if q.subject.value.startswith(ID) and q.subject.value != RETIRED}
    assert set(result.changed) == expected
    assert [(iri, entry.status, entry.target) for iri, entry in result.retired] == [
        (RETIRED, 301, REPLACEMENT)]
    assert [(d.iri, d.concerns, d.prop) for d in result.discrepancies] == [
        (DISCREPANCY, "Argentine Republic", LABEL)]


def test_the_changelog_gets_an_entry_per_release(made: dict) -> None:
    text = made["paths"].changelog.read_text(encoding="utf-8")
    unreleased, rest = text.split("## [Unreleased]")[1].split(f"## [{V2}] - {V2}")
    assert unreleased.strip() == ""
    second, first = rest.split(f"## [{V1}] - {V1}")
    assert "Something people will notice." in first  # the hand-written lines moved
    assert "First release" in first
    assert "- Added: 1 resource (activity 1)." not in second  # the discrepancy is new too
    assert "- Added: 2 resources (activity 1, discrepancy 1)." in second
    assert "- Added: 1 Discrepancy: Argentine Republic (`core#prefLabel`)." not in second
    assert "Argentine Republic" in second
    assert "- Removed: 1 resource (0 answer 410 Gone with the reason, 1 redirect" in second
    assert f"`iacml diff {V1} {V2}`" in second
    assert text.rstrip().endswith(f"[{V2}]: {BASE}release/{V2}\n[{V1}]: {BASE}release/{V1}"
                                  .rstrip())


def _void(release: Release) -> Graph:
    return Graph().parse(release.folder / "void.ttl", format="turtle")


def test_the_description_links_each_version_to_the_one_before(made: dict) -> None:
    one, two = made["first"].release, made["second"].release
    g1, g2 = _void(one), _void(two)
    r1, r2 = URIRef(one.iri), URIRef(two.iri)
    assert r1 == URIRef(BASE + "release/" + V1)
    assert (r2, DCAT.previousVersion, r1) in g2 and (r2, PROV.wasRevisionOf, r1) in g2
    assert (r2, DCAT.isVersionOf, URIRef(BASE + "dataset")) in g2
    assert (r2, DCAT.version, Literal(V2)) in g2
    assert not list(g1.objects(r1, DCAT.previousVersion))
    # every dump is a distribution with the sha256 of the file written
    for release, graph, node in ((one, g1, r1), (two, g2, r2)):
        sums = {str(c) for d in graph.objects(node, DCAT.distribution)
                for c in graph.objects(d, SPDX.checksum)
                for c in graph.objects(c, SPDX.checksumValue)}
        written = {hashlib.sha256((release.folder / f.file).read_bytes()).hexdigest()
                   for f in release.dumps}
        assert written and sums == written


def test_the_ontology_of_each_release_has_its_version_iri_and_the_one_before(made: dict
                                                                            ) -> None:
    ontology = URIRef(BASE + "ontology")
    # the first release of the test follows the version the repository's ontology has
    before = Graph().parse(ROOT / "ontology" / "iacml.ttl", format="turtle")
    first_prior = str(next(before.objects(ontology, OWL.versionIRI)))
    for release, prior in ((made["first"].release, first_prior),
                           (made["second"].release, BASE + "ontology/" + V1)):
        graph = Graph().parse(release.folder / "ontology.ttl", format="turtle")
        assert (ontology, OWL.versionIRI, URIRef(release.ontology_version_iri)) in graph
        assert release.ontology_version_iri == BASE + "ontology/" + release.version
        assert (ontology, OWL.priorVersion, URIRef(prior)) in graph
        assert (ontology, OWL.versionInfo, Literal(release.version)) in graph
        dump = Graph().parse(data=gzip.decompress(
            (release.folder / "dumps" / "graph-ontology.ttl.gz").read_bytes()), format="turtle")
        assert (ontology, OWL.versionIRI, URIRef(release.ontology_version_iri)) in dump
    # the repository's ontology follows the newest release
    text = made["paths"].ontology_file.read_text(encoding="utf-8")
    assert f"owl:versionIRI <{BASE}ontology/{V2}>" in text


def test_each_release_lists_its_files_with_sha256_that_sha256sum_confirms(made: dict) -> None:
    for release in releases(made["paths"].releases_dir):
        assert verify(release) == []
        checked = subprocess.run(["sha256sum", "--check", "--strict", "SHA256SUMS"],
                                 cwd=release.folder, capture_output=True, text=True, check=False)
        assert checked.returncode == 0, checked.stdout + checked.stderr
        assert checked.stdout.count(": OK") == len(release.files) + 1  # + release.json


def test_a_release_is_never_rewritten(made: dict, dataset_path: Path) -> None:
    paths = made["paths"]
    before = {p: p.read_bytes() for p in (paths.releases_dir / V1).rglob("*") if p.is_file()}
    with pytest.raises(BuildError, match="never rewritten"):
        make_release(paths, dataset_path, V1, V1, "again")
    with pytest.raises(BuildError, match="not after the latest"):
        make_release(paths, dataset_path, "2025-12-31", "2025-12-31", "older")
    assert before == {p: p.read_bytes() for p in (paths.releases_dir / V1).rglob("*")
                      if p.is_file()}


def test_each_release_commits_the_iris_it_served(made: dict) -> None:
    iris = made["paths"].iris_dir
    one = (iris / f"served-{V1}.txt").read_text(encoding="utf-8").splitlines()
    two = (iris / f"served-{V2}.txt").read_text(encoding="utf-8").splitlines()
    assert RETIRED in one and RETIRED not in two
    assert NEW in two and NEW not in one
    assert BASE + "ontology/" + V2 in two


def test_dumps_are_the_same_bytes_whoever_rebuilds_them(made: dict, tmp_path: Path) -> None:
    """The same quads, with other blank-node labels and in another order, give the same
    files: a release can be rebuilt from its commit and checked against its sha256."""
    quads = made["quads"]
    fresh: dict[ox.BlankNode, ox.BlankNode] = {}

    def relabel(term: object) -> object:
        return fresh.setdefault(term, ox.BlankNode()) if isinstance(term, ox.BlankNode) else term

    shuffled = [ox.Quad(relabel(q.subject), q.predicate, relabel(q.object), q.graph_name)
                for q in reversed(quads)]
    assert any(isinstance(q.subject, ox.BlankNode) for q in quads)
    dump = tmp_path / "shuffled.nq"
    dump.write_bytes(ox.serialize(shuffled, format=ox.RdfFormat.N_QUADS) or b"")
    again = make_release(_project(tmp_path / "again"), dump, V1, V1, "build-one").release
    first = made["first"].release
    assert [(f.file, f.sha256) for f in again.dumps] == [(f.file, f.sha256) for f in first.dumps]
    assert canonical(shuffled) == canonical(quads)


@pytest.fixture(scope="module")
def release_client(made: dict, dataset_path: Path,
                   tmp_path_factory: pytest.TempPathFactory) -> FlaskClient:
    app = create_app({"IACML_DATASET": str(dataset_path), "IACML_RATE_LIMIT": 0,
                      "IACML_CACHE_DIR": str(tmp_path_factory.mktemp("ld-cache")),
                      "IACML_RELEASES_DIR": str(made["paths"].releases_dir)})
    yield app.test_client()
    app.extensions["iacml.backend"].close()


def test_both_releases_are_listed_and_downloadable_with_their_sha256(
        release_client: FlaskClient, made: dict) -> None:
    listing = release_client.get("/download/?format=json").get_json()
    assert [(r["version"], r["latest"]) for r in listing["releases"]] == [(V2, True), (V1, False)]
    html = release_client.get("/download/").get_data(as_text=True)
    assert f'href="http://localhost/download/{V1}/"' in html and "latest" in html
    for release in (made["first"].release, made["second"].release):
        files = release_client.get(f"/download/{release.version}/?format=json").get_json()
        assert {f["file"] for f in files["files"]} == {f.file for f in release.files}
        for f in files["files"]:
            response = release_client.get(f["url"])
            assert response.status_code == 200, f["url"]
            body = response.get_data()
            assert hashlib.sha256(body).hexdigest() == f["sha256"] == \
                response.headers["X-Content-SHA256"]
            assert "immutable" in response.headers["Cache-Control"]
            response.close()
    response = release_client.get(f"/download/{V2}/iacml.nq.gz")
    nq = gzip.decompress(response.get_data())
    response.close()
    assert f"<{NEW}>".encode() in nq and f"<{RETIRED}>".encode() not in nq


def test_latest_is_the_newest_release(release_client: FlaskClient) -> None:
    for path in ("/download/latest/", "/download/latest/iacml.trig.gz", "/release/latest"):
        response = release_client.get(path)
        assert response.status_code == 302
        assert response.headers["Location"] == path.replace("latest", V2)


def test_release_and_ontology_version_iris_answer(release_client: FlaskClient) -> None:
    turtle = {"Accept": "text/turtle"}
    described = Graph().parse(data=release_client.get(f"/release/{V2}", headers=turtle)
                              .get_data(as_text=True), format="turtle")
    assert (URIRef(BASE + "release/" + V2), DCAT.previousVersion,
            URIRef(BASE + "release/" + V1)) in described
    page = release_client.get(f"/release/{V1}", headers={"Accept": "text/html"})
    assert page.status_code == 303 and page.headers["Location"].endswith(f"/download/{V1}/")
    onto = Graph().parse(data=release_client.get(f"/ontology/{V1}", headers=turtle)
                         .get_data(as_text=True), format="turtle")
    assert (URIRef(BASE + "ontology"), OWL.versionIRI, URIRef(BASE + "ontology/" + V1)) in onto
    for bad in ("/release/1999-01-01", "/download/1999-01-01/", "/ontology/x%3E%20y",
                "/download/../etc/passwd", f"/download/{V1}/..%2Frelease.json"):
        assert release_client.get(bad).status_code == 404, bad


def test_the_served_dataset_lists_every_release(release_client: FlaskClient) -> None:
    graph = Graph().parse(data=release_client.get("/dataset", headers={"Accept": "text/turtle"})
                          .get_data(as_text=True), format="turtle")
    dataset = URIRef(BASE + "dataset")
    assert set(graph.objects(dataset, DCAT.hasVersion)) == {
        URIRef(BASE + "release/" + V1), URIRef(BASE + "release/" + V2)}
    assert (dataset, DCAT.hasCurrentVersion, URIRef(BASE + "release/" + V2)) in graph


def test_iacml_diff_on_the_command_line(made: dict, monkeypatch: pytest.MonkeyPatch,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    from iacml.cli import main
    monkeypatch.setenv("IACML_ROOT", str(made["paths"].root))
    assert main(["diff", V1, V2]) == 0
    out = capsys.readouterr().out
    assert "| graph/curation | " in out and f"`{RETIRED}`: 301 to `{REPLACEMENT}`" in out
    assert main(["diff", V1, "1999-01-01"]) == 2


def _released_project(tmp_path: Path, dataset_path: Path, build_id: str) -> ProjectPaths:
    paths = _project(tmp_path)
    (tmp_path / "build").mkdir()
    shutil.copy(dataset_path, tmp_path / "build" / "iacml.nq")
    (tmp_path / "build" / "build-id").write_text(build_id + "\n", encoding="utf-8")
    return paths


def test_iacml_release_refuses_a_stale_build_and_leaves_the_ontology_as_it_was(
        tmp_path: Path, dataset_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    from iacml.cli import main
    paths = _released_project(tmp_path, dataset_path, "stale")
    before = paths.ontology_file.read_bytes()
    monkeypatch.setenv("IACML_ROOT", str(tmp_path))
    assert main(["release", "--no-build", "--version", "2026-02-02"]) == 2
    assert "not built from the current inputs" in capsys.readouterr().err
    assert paths.ontology_file.read_bytes() == before
    assert not paths.releases_dir.exists() and not paths.changelog.read_text(
        encoding="utf-8").count("2026-02-02")


def test_iacml_release_on_the_command_line(tmp_path: Path, dataset_path: Path,
                                           monkeypatch: pytest.MonkeyPatch,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    """`iacml release --no-build` over a build of the stamped inputs (what `iacml release`
    makes before it writes): the release, and the next steps to commit it."""
    from datetime import UTC, datetime

    from iacml.build import build_id
    from iacml.cli import main
    from iacml.release.make import stamp_ontology
    paths = _released_project(tmp_path, dataset_path, "")
    today = datetime.now(UTC).strftime("%Y-%m-%d")
    stamped, _ = stamp_ontology(paths.ontology_file.read_text(encoding="utf-8"), BASE, "2026-02-02",
                                today)
    paths.ontology_file.write_text(stamped, encoding="utf-8")
    (paths.build_dir / "build-id").write_text(build_id(paths) + "\n", encoding="utf-8")
    monkeypatch.setenv("IACML_ROOT", str(tmp_path))
    assert main(["release", "--no-build", "--version", "2026-02-02"]) == 0
    out = capsys.readouterr().out
    assert "release 2026-02-02 written to releases/2026-02-02/" in out
    assert ("git add releases/2026-02-02 data/iris/served-2026-02-02.txt CHANGELOG.md "
            "CITATION.cff ontology/iacml.ttl") in out
    assert paths.ontology_file.read_text(encoding="utf-8") == stamped  # already stamped
    assert (paths.releases_dir / "2026-02-02" / "release.json").exists()
    assert main(["release", "--no-build", "--version", "2026-02-02"]) == 2  # never again
