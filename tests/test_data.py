"""The built dataset: passages point into the sources, links come only from the
reference tables, inferences are informative, shortcuts are derived."""

from __future__ import annotations

import csv
import hashlib
from pathlib import Path

import pyoxigraph as ox

from iacml.paths import ProjectPaths
from iacml.store import select_rows

SOURCE_GRAPH_PREFIX = "https://w3id.org/iacml/graph/source/"


def test_named_graphs(store: ox.Store) -> None:
    names = {g.value for g in store.named_graphs()}
    for graph in ("reference", "ontology", "inferred", "links", "source/003"):
        assert f"https://w3id.org/iacml/graph/{graph}" in names


def test_every_passage_is_the_exact_span_of_its_source(store: ox.Store,
                                                       paths: ProjectPaths) -> None:
    rows = select_rows(store, """
        PREFIX oa: <http://www.w3.org/ns/oa#>
        PREFIX iacml: <https://w3id.org/iacml/ontology#>
        SELECT ?passage ?source ?exact ?start ?end WHERE {
          ?passage a iacml:Passage ; oa:hasSource ?source ;
                   oa:hasSelector [ oa:exact ?exact ] , [ oa:start ?start ; oa:end ?end ] .
        }""")
    assert rows, "no passages in the dataset"
    texts = {p.name[:3]: p.read_text(encoding="utf-8")
             for p in paths.sources_dir.glob("*.txt")}
    for row in rows:
        key = row["source"].rsplit("/", 1)[1]
        start, end = int(row["start"]), int(row["end"])
        assert texts[key][start:end] == row["exact"], row["passage"]
        assert row["passage"].endswith(f"/passage/{key}/{start}-{end}")


def test_source_texts_described_with_their_sha256(store: ox.Store, paths: ProjectPaths) -> None:
    rows = select_rows(store, """
        PREFIX iacml: <https://w3id.org/iacml/ontology#>
        PREFIX dcterms: <http://purl.org/dc/terms/>
        SELECT ?name ?sha WHERE { ?s a iacml:SourceText ; dcterms:identifier ?name ;
                                     iacml:sha256 ?sha }""")
    files = sorted(paths.sources_dir.glob("*.txt"))
    assert len(rows) == len(files) == 5
    for row in rows:
        digest = hashlib.sha256((paths.sources_dir / row["name"]).read_bytes()).hexdigest()
        assert row["sha"] == digest


def _reference_identifiers(paths: ProjectPaths) -> set[str]:
    """Every external IRI the reference tables allow, built from their filled cells."""
    allowed: set[str] = set()
    for table in ("countries", "cities", "organizations"):
        with (paths.reference_dir / f"{table}.csv").open(encoding="utf-8") as f:
            for row in csv.DictReader(f):
                if row.get("wikidata_qid"):
                    allowed.add(f"http://www.wikidata.org/entity/{row['wikidata_qid']}")
                if row.get("geonames_id"):
                    allowed.add(f"https://sws.geonames.org/{row['geonames_id']}/")
                if row.get("dbpedia_resource"):
                    allowed.add(f"http://dbpedia.org/resource/{row['dbpedia_resource']}")
    return allowed


def test_links_only_from_reference_tables(store: ox.Store, paths: ProjectPaths) -> None:
    rows = select_rows(store, """
        SELECT ?s ?target WHERE { GRAPH <https://w3id.org/iacml/graph/links> {
            ?s <http://www.w3.org/2002/07/owl#sameAs> ?target } }""", union=False)
    allowed = _reference_identifiers(paths)
    targets = {r["target"] for r in rows}
    assert targets, "no links"
    assert targets <= allowed, targets - allowed
    # every filled identifier is used
    assert allowed <= targets, allowed - targets


def test_no_sameas_anywhere_but_links(store: ox.Store) -> None:
    rows = select_rows(store, """
        SELECT ?g ?s WHERE { GRAPH ?g { ?s <http://www.w3.org/2002/07/owl#sameAs> ?o }
          FILTER(?g != <https://w3id.org/iacml/graph/links>) }""", union=False)
    assert rows == []


def test_inferred_graph_has_no_trivial_triples(store: ox.Store) -> None:
    rows = select_rows(store, """
        PREFIX owl: <http://www.w3.org/2002/07/owl#>
        PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        SELECT ?s ?p ?o WHERE { GRAPH <https://w3id.org/iacml/graph/inferred> { ?s ?p ?o }
          FILTER((?p = owl:sameAs && ?s = ?o) || ?o IN (owl:Thing, rdfs:Resource)) }""",
                       union=False)
    assert rows == []


def test_chair_shortcut_derived_from_memberships(store: ox.Store) -> None:
    rows = select_rows(store, """
        PREFIX iacml: <https://w3id.org/iacml/ontology#>
        SELECT ?ministry WHERE { GRAPH <https://w3id.org/iacml/graph/inferred> {
            ?ministry iacml:chairOf <https://w3id.org/iacml/id/cycle/20/wg/1> } }""",
                       union=False)
    # 003: "Working Group 1: ... - Chair: Minister of Labor of Ecuador"
    assert [r["ministry"] for r in rows] == ["https://w3id.org/iacml/id/ministry/ECU"]


def test_build_outputs_exist(paths: ProjectPaths) -> None:
    for path in (paths.dataset_nq, paths.dataset_trig, paths.reports_dir / "validation.ttl",
                 paths.reports_dir / "summary.md"):
        assert Path(path).stat().st_size > 0, path
