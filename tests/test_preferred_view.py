"""``graph/preferred``: one answer per question (issue 14, item 13)."""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, URIRef

from iacml.namespaces import G_CURATION, GRAPH, IACML, SCHEMA
from iacml.pipeline.preferred import preferred_graph, preferred_values

ROOT = Path(__file__).resolve().parent.parent
ID = "https://w3id.org/iacml/id/"
PREFERRED = ox.NamedNode("https://w3id.org/iacml/graph/preferred")
XSD_DATE = ox.NamedNode("http://www.w3.org/2001/XMLSchema#date")


def source_text(key: str) -> str:
    return next((ROOT / "data" / "sources").glob(f"{key}_*.txt")).read_text(encoding="utf-8")


def objects(store: ox.Store, subject: str, prop: str, graph: ox.NamedNode | None) -> set:
    return {q.object for q in store.quads_for_pattern(ox.NamedNode(ID + subject),
                                                      ox.NamedNode(prop), None, graph)}


def test_a_contested_date_has_only_the_preferred_value(store: ox.Store) -> None:
    """002: "The first virtual dialogue, held on November 20, 2020"; 003's annex: "Hemispheric
    Dialogue to advance the institutionalization of a gender approach in the Ministries of
    Labor. Virtual. November 28, 2020." The Discrepancy prefers the annex line (curation)."""
    assert "The first virtual dialogue, held on November 20, 2020" in source_text("002")
    assert ("the Ministries of Labor. Virtual. November 28, 2020." in source_text("003"))
    start = "https://schema.org/startDate"
    day = {"002": ox.Literal("2020-11-20", datatype=XSD_DATE),
           "003": ox.Literal("2020-11-28", datatype=XSD_DATE)}
    assert objects(store, "activity/20/gender-dialogue-1", start, None) >= set(day.values())
    assert objects(store, "activity/20/gender-dialogue-1", start, PREFERRED) == {day["003"]}
    # its bounds follow the preferred value, not the other one
    assert objects(store, "activity/20/gender-dialogue-1",
                   "https://w3id.org/iacml/ontology#earliestStartDate", PREFERRED) == {
        ox.Literal("2020-11-28", datatype=XSD_DATE)}


def test_uncontested_facts_are_all_there(store: ox.Store) -> None:
    """003: "Working Group 1: ... - Chair: Minister of Labor of Ecuador"."""
    assert "Chair: Minister of Labor of Ecuador" in source_text("003")
    assert objects(store, "cycle/20/wg/1/chair", "http://www.w3.org/ns/org#member",
                   PREFERRED) == {ox.NamedNode(ID + "ministry/ECU")}
    # the registry is there too
    assert objects(store, "country/ARG", "http://www.w3.org/1999/02/22-rdf-syntax-ns#type",
                   PREFERRED) == {ox.NamedNode("https://w3id.org/iacml/ontology#Country")}


def test_no_rule_decides_no_value(store: ox.Store) -> None:
    """003's summary: "4 virtual bilateral cooperation are still ongoing"; its annex lists
    five lines marked on-going. The preferred claim (the five lines) is not a value any
    source graph gives for the printed figure, so the view has no value for it."""
    assert "4 virtual bilateral cooperation are still ongoing" in source_text("003")
    assert len(re.findall(r"\(\*on-going,", source_text("003"))) == 5
    figure, value = "cycle/20/figure/ongoing-virtual-cooperations", "https://schema.org/value"
    assert objects(store, figure, value, None) == {
        ox.Literal("4", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer"))}
    assert objects(store, figure, value, PREFERRED) == set()
    # the rest of the figure is there
    assert objects(store, figure, "https://w3id.org/iacml/ontology#about", PREFERRED)


def test_the_view_only_selects(store: ox.Store) -> None:
    """Every statement of the view is asserted in the registry or a source graph."""
    asserted = {ox.NamedNode(str(GRAPH["reference"]))} | {
        g for g in store.named_graphs() if g.value.startswith(str(GRAPH["source/"]))}
    view = list(store.quads_for_pattern(None, None, None, PREFERRED))
    assert len(view) > 10000
    for q in view:
        assert any(ox.Quad(q.subject, q.predicate, q.object, g) in store
                   for g in asserted), q


# ---- the rule on small graphs ----

R, P = URIRef(ID + "r"), SCHEMA.startDate


def _discrepancy(curation: Graph, name: str, preferred: Literal | None) -> None:
    d = URIRef(ID + name)
    curation.add((d, URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
                  IACML.Discrepancy))
    curation.add((d, IACML.concerns, R))
    curation.add((d, IACML.property, P))
    if preferred is not None:
        claim = URIRef(ID + name + "/claim")
        curation.add((d, IACML.preferredClaim, claim))
        curation.add((claim, IACML.claimedValue, preferred))


@pytest.mark.parametrize(("preferred", "kept"), [
    (["2020"], {"2020"}),          # the preferred value, the other dropped
    ([None], set()),               # no preferred claim: no rule decides
    (["2020", "2021"], set()),     # two Discrepancies prefer different values
    (["1999"], set()),             # the preferred value is in no source graph
])
def test_rule(preferred: list[str | None], kept: set[str]) -> None:
    source, curation = Graph(), Graph()
    source.add((R, P, Literal("2020")))
    source.add((R, P, Literal("2021")))
    for i, value in enumerate(preferred):
        _discrepancy(curation, f"d{i}", None if value is None else Literal(value))
    view = preferred_graph({URIRef(str(GRAPH["source/000"])): source, G_CURATION: curation})
    assert {str(o) for o in view.objects(R, P)} == kept
    assert (R, P) in preferred_values(curation)
