"""IRIs do not break (issue 14 item 11): every IRI of every committed list of served
IRIs (``data/iris/served-*.txt``) answers the served app with 200, 301 to its
replacement, or 410 Gone with the reason, as ``data/iris/retired.csv`` says."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from flask import Flask
from flask.testing import FlaskClient

from iacml.iris import BASE, read_retired, read_served_lists

ROOT = Path(__file__).resolve().parent.parent
LISTS = read_served_lists(ROOT / "data" / "iris")
RETIRED = read_retired(ROOT / "data" / "iris" / "retired.csv")
ONTOLOGY_GRAPH = BASE + "graph/ontology"
NT = {"Accept": "application/n-triples"}


def test_a_list_is_committed() -> None:
    assert "served-2026-12.txt" in LISTS
    assert len(LISTS["served-2026-12.txt"]) > 3000


def _local(iri: str) -> str:
    return "/" + iri[len(BASE):]


@pytest.mark.parametrize("name", sorted(LISTS))
def test_every_resource_iri_answers(client: FlaskClient, name: str) -> None:
    """Each ``id/`` IRI: 200 (still in the data), 301 to a resource that answers 200,
    or 410 with its reason, exactly as the retired table says."""
    wrong = []
    for iri in (i for i in LISTS[name] if i.startswith(BASE + "id/")):
        response = client.get(_local(iri), headers=NT)
        entry = RETIRED.get(iri)
        expected = entry.status if entry else 200
        if response.status_code != expected:
            wrong.append(f"{iri}: {response.status_code}, expected {expected}")
        elif expected == 301:
            moved = client.get(response.headers["Location"], headers=NT)
            if moved.status_code != 200:
                wrong.append(f"{iri}: moved to {response.headers['Location']}, "
                             f"which answers {moved.status_code}")
        elif expected == 410 and entry.reason not in response.get_data(as_text=True):
            wrong.append(f"{iri}: 410 without its reason")
    assert not wrong, f"{len(wrong)} IRIs broken:\n" + "\n".join(wrong[:40])


@pytest.mark.parametrize("name", sorted(LISTS))
def test_every_graph_and_ontology_term_is_still_there(store: ox.Store, name: str) -> None:
    """Named graphs are still in the dataset; ontology terms (and its version IRI) are
    still named in graph/ontology (a term is deprecated with owl:deprecated, never
    removed), unless the retired table says where they went."""
    graphs = {g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode)}
    declared = {t.value for q in store.quads_for_pattern(None, None, None,
                                                        ox.NamedNode(ONTOLOGY_GRAPH))
                for t in (q.subject, q.object) if isinstance(t, ox.NamedNode)}
    missing = [i for i in LISTS[name] if i.startswith(BASE + "graph/")
               and i not in graphs and i not in RETIRED]
    missing += [i for i in LISTS[name] if i.startswith(BASE + "ontology")
                and not i.startswith(BASE + "ontology/")  # versions: the next test
                and i not in declared and i not in RETIRED]
    assert not missing, f"{len(missing)} graphs or terms gone:\n" + "\n".join(missing)


@pytest.mark.parametrize("name", sorted(LISTS))
def test_every_ontology_version_iri_answers(client: FlaskClient, name: str) -> None:
    """An ontology version IRI (``ontology/<version>``) is answered by that release's
    ontology (200), or, for the served version and the versions before the first
    release, by the documentation (303)."""
    wrong = []
    for iri in (i for i in LISTS[name] if i.startswith(BASE + "ontology/")):
        response = client.get(_local(iri), headers={"Accept": "text/turtle"})
        if response.status_code not in (200, 303):
            wrong.append(f"{iri}: {response.status_code}")
    assert not wrong, "\n".join(wrong)


def test_every_release_commits_its_served_iris_and_its_files_are_intact() -> None:
    """Each committed release has its list of served IRIs in data/iris/, and every
    committed file of it still has the sha256 it was released with."""
    from iacml.release.records import releases, verify
    for release in releases(ROOT / "releases"):
        assert f"served-{release.version}.txt" in LISTS, release.version
        assert verify(release) == []


def test_graph_and_ontology_iris_dereference(client: FlaskClient) -> None:
    """A graph IRI is answered by its entry on the downloads page (303), an ontology
    term by the ontology's documentation (200)."""
    response = client.get("/graph/source/003")
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/download/#source/003")
    assert client.get("/ontology", headers=NT).status_code == 200


@pytest.mark.parametrize("name", sorted(LISTS))
def test_dataset_description_iris_are_described(client: FlaskClient, name: str) -> None:
    """The dataset IRI and the named fragments of its description are still described."""
    body = client.get("/dataset", headers=NT).get_data(as_text=True)
    subjects = {line.split(" ", 1)[0].strip("<>") for line in body.splitlines() if line}
    missing = [i for i in LISTS[name] if i.startswith(BASE + "dataset") and i not in subjects]
    assert not missing, "\n".join(missing)


def test_retired_table_is_consistent(store: ox.Store) -> None:
    """A retired IRI is not in the data; a replacement is; every entry has a reason."""
    def in_data(iri: str) -> bool:
        node = ox.NamedNode(iri)
        return any(True for _ in store.quads_for_pattern(node, None, None)) or \
            any(True for _ in store.quads_for_pattern(None, None, node))
    problems = []
    for entry in RETIRED.values():
        if in_data(entry.iri):
            problems.append(f"{entry.iri} is retired but still in the data")
        if entry.status == 301 and not in_data(entry.target):
            problems.append(f"{entry.iri} moved to {entry.target}, which is not in the data")
        if not entry.reason.strip():
            problems.append(f"{entry.iri} has no reason")
    assert not problems, "\n".join(problems)


def test_gone_page_gives_reason_and_link(client: FlaskClient) -> None:
    """The 410 page for people names the reason and links to where to look instead."""
    gone = [e for e in RETIRED.values() if e.status == 410 and e.target]
    if not gone:
        pytest.skip("no IRI is retired yet")
    entry = gone[0]
    response = client.get(_local(entry.iri), headers={"Accept": "text/html"})
    assert response.status_code == 410
    html = response.get_data(as_text=True)
    assert entry.reason.replace("'", "&#39;").replace('"', "&#34;") in html
    assert f'href="{_local(entry.target)}"' in html


def test_moved_and_gone_answers(app: Flask, client: FlaskClient, tmp_path: Path,
                                monkeypatch: pytest.MonkeyPatch) -> None:
    """A 301 keeps the requested format suffix; a 410 gives its reason to machines too;
    an IRI in neither the data nor the table stays a 404."""
    bundle = tmp_path / "served"  # a served bundle whose table retires two IRIs
    table = bundle / "data" / "iris" / "retired.csv"
    table.parent.mkdir(parents=True)
    table.write_text("iri,status,target,reason\n"
                     f"{BASE}id/org/old-name,301,{BASE}id/org/ilo,renamed\n"
                     f"{BASE}id/org/mistake,410,{BASE}id/org/oas,\"never existed, see the OAS\"\n",
                     encoding="utf-8")
    monkeypatch.setitem(app.config, "IACML_BUNDLE_DIR", str(bundle))
    app.extensions.pop("iacml.ld.retired", None)
    try:
        moved = client.get("/id/org/old-name.ttl")
        assert moved.status_code == 301 and moved.headers["Location"] == "/id/org/ilo.ttl"
        gone = client.get("/id/org/mistake", headers=NT)
        assert gone.status_code == 410
        assert "never existed, see the OAS" in gone.get_data(as_text=True)
        assert gone.headers["Link"] == '</id/org/oas>; rel="related"'
        assert client.get("/id/org/no-such-thing", headers=NT).status_code == 404
    finally:
        app.extensions.pop("iacml.ld.retired", None)
