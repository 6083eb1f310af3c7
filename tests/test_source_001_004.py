"""Sources 001 (WG2 report 2012-2013) and 004 (WG1 report 2021-2024) in the built graph.

The expected numbering, headings and texts are computed here from the source files
themselves (an independent parse of the printed sections), never from the graph; the
graph's passages must also span exactly the printed points.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import pytest

from iacml.namespaces import sparql_prefixes
from iacml.store import term_text

SOURCES = Path(__file__).resolve().parent.parent / "data" / "sources"
ID = "https://w3id.org/iacml/id/"
REPORT_001 = ID + "report/wg2-2012-2013"
REPORT_004 = ID + "report/wg1-2021-2024"
_NUMBERED = re.compile(r"^(\d+)\.\s+(.*)$")


def clean(text: str) -> str:
    """Printed text: conversion artefacts removed, whitespace collapsed."""
    text = re.sub(r"\[bookmark: [^\]]*\]", "", text).replace("\ufffd", "")
    return re.sub(r"\s+", " ", text).strip()


def source_text(key: str) -> str:
    """The text of source ``key`` ("001") as stored in data/sources."""
    (path,) = SOURCES.glob(f"{key}_*.txt")
    return path.read_text(encoding="utf-8")


@dataclass
class PrintedPoint:
    """A numbered point as printed: its number, heading (if any) and text without number."""

    number: int
    heading: str | None
    text: str


def printed_points(key: str, start: str, end: str | None) -> list[PrintedPoint]:
    """Parse the numbered points between two printed section headings of a source.

    A line starting "N. " opens a point; a short line that is not numbered is a heading;
    a longer one continues the current point (none does in these sources) or, before the
    first point, is the section's introduction.
    """
    text = source_text(key)
    begin = text.index(start) + len(start)
    stop = text.index(end, begin) if end else len(text)
    points: list[PrintedPoint] = []
    heading: str | None = None
    for raw in text[begin:stop].split("\n"):
        line = clean(raw)
        if not line:
            continue
        if m := _NUMBERED.match(line):
            points.append(PrintedPoint(int(m.group(1)), heading, m.group(2)))
        elif len(line) < 60:
            heading = line
        elif points:
            points[-1].text = f"{points[-1].text} {line}"
    return points


def rows(store: ox.Store, query: str) -> list[dict[str, str | None]]:
    """Run a SELECT over the default graph (the merge of all graphs); rows as var -> text."""
    result = store.query(sparql_prefixes() + query)
    assert isinstance(result, ox.QuerySolutions)
    names = [v.value for v in result.variables]
    return [{n: term_text(r[n]) for n in names} for r in result]


def graph_points(store: ox.Store, report: str, kind: str, source: str) -> list[dict]:
    """Numbered parts of ``kind`` in ``report``: number, text, heading title, passage span."""
    query = f"""
    SELECT ?part ?number ?text ?heading ?start ?end WHERE {{
      GRAPH <https://w3id.org/iacml/graph/source/{source}> {{
        ?part a {kind} ; eli:number ?number ; iacml:text ?text ; eli:is_part_of ?parent ;
              prov:wasDerivedFrom ?passage .
        ?passage oa:hasSelector ?sel .
        ?sel oa:start ?start ; oa:end ?end .
      }}
      ?parent eli:is_part_of* <{report}> .
      OPTIONAL {{ ?parent eli:is_part_of ?section . ?section eli:is_part_of <{report}> .
                 ?parent dcterms:title ?heading . }}
    }}"""
    return rows(store, query)


def graph_list_items(store: ox.Store, report: str, section: str) -> list[dict]:
    """Numbered items of the printed lists that are parts of ``section`` of ``report``."""
    query = f"""
    SELECT ?item ?number ?text ?start ?end WHERE {{
      ?section eli:is_part_of <{report}> ; eli:number "{section}" .
      ?list a iacml:List ; eli:is_part_of ?section .
      GRAPH ?g {{ ?item iacml:list ?list ; eli:number ?number ; iacml:text ?text ;
                  prov:wasDerivedFrom ?passage .
                  ?passage oa:hasSelector ?sel . ?sel oa:start ?start ; oa:end ?end . }}
      FILTER(STRSTARTS(STR(?g), "https://w3id.org/iacml/graph/source/"))
    }}"""
    return rows(store, query)


def check_against_print(found: list[dict], printed: list[PrintedPoint], key: str) -> None:
    """Same numbers 1..n without gaps, same texts, passages spanning each whole point."""
    source = source_text(key)
    by_number = {int(r["number"]): r for r in found}
    assert len(by_number) == len(found), "a number is used twice"
    assert sorted(by_number) == list(range(1, len(printed) + 1)), sorted(by_number)
    assert [p.number for p in printed] == list(range(1, len(printed) + 1))
    for point in printed:
        row = by_number[point.number]
        assert row["text"] == point.text, f"point {point.number}: text differs from print"
        span = clean(source[int(row["start"]):int(row["end"])])
        assert span == f"{point.number}. {point.text}", (
            f"point {point.number}: the passage does not span exactly the printed point")


@pytest.fixture(scope="module")
def s001() -> dict[str, list[PrintedPoint]]:
    """The printed numbered parts of 001."""
    return {
        "themes": printed_points("001", "II. CENTRAL THEMES EMERGING FROM OUR DELIBERATIONS",
                                 "III. AREAS OF AGREEMENT"),
        "agreement": printed_points("001", "III. AREAS OF AGREEMENT AND ISSUES FOR FURTHER WORK",
                                    "IV. RECOMMENDATIONS"),
        "recommendations": printed_points("001", "IV. RECOMMENDATIONS", "\ufffd"),
    }


@pytest.fixture(scope="module")
def s004() -> dict[str, list[PrintedPoint]]:
    """The printed numbered parts of 004."""
    return {
        "consensus": printed_points(
            "004", "III. AREAS OF CONSENSUS AND TOPICS THAT REQUIRE FURTHER CONSIDERATION",
            "IV. RECOMMENDATIONS"),
        "recommendations": printed_points("004", "IV. RECOMMENDATIONS", None),
    }


def test_printed_counts_of_the_sources(s001: dict, s004: dict) -> None:
    """The independent parse finds what the issue states (guards the parser itself)."""
    assert [len(s001[k]) for k in ("themes", "agreement", "recommendations")] == [16, 13, 13]
    assert len(s004["consensus"]) == 35 and len(s004["recommendations"]) == 11


def test_001_central_themes(store: ox.Store, s001: dict) -> None:
    """001 section II: 16 numbered central themes (a printed List), as printed."""
    found = graph_list_items(store, REPORT_001, "II")
    check_against_print(found, s001["themes"], "001")


def test_001_areas_of_agreement(store: ox.Store, s001: dict) -> None:
    """001 section III: 13 areas of agreement, as printed."""
    found = graph_points(store, REPORT_001, "iacml:ConsensusPoint", "001")
    check_against_print(found, s001["agreement"], "001")


def test_001_recommendations(store: ox.Store, s001: dict) -> None:
    """001 section IV: 13 recommendations, as printed."""
    found = graph_points(store, REPORT_001, "iacml:Recommendation", "001")
    check_against_print(found, s001["recommendations"], "001")


def test_004_areas_of_consensus_by_heading(store: ox.Store, s004: dict) -> None:
    """004 section III: 35 points numbered straight through, under their five headings."""
    found = graph_points(store, REPORT_004, "iacml:ConsensusPoint", "004")
    check_against_print(found, s004["consensus"], "004")
    printed_heading = {p.number: p.heading for p in s004["consensus"]}
    for row in found:
        assert row["heading"] == printed_heading[int(row["number"])], row["part"]
    split: dict[str, int] = {}
    for row in found:
        split[row["heading"]] = split.get(row["heading"], 0) + 1
    assert split == {"Digital Transformation": 11, "Informality": 7, "Education and Labor": 8,
                     "Gender": 4, "Just Transition": 5}


def test_004_recommendations_by_heading(store: ox.Store, s004: dict) -> None:
    """004 section IV: 11 recommendations under their headings, as printed."""
    found = graph_points(store, REPORT_004, "iacml:Recommendation", "004")
    check_against_print(found, s004["recommendations"], "004")
    printed_heading = {p.number: p.heading for p in s004["recommendations"]}
    for row in found:
        assert row["heading"] == printed_heading[int(row["number"])], row["part"]


def test_004_mandate_of_working_group_1(store: ox.Store) -> None:
    """11 mandated topics, as printed (bullets of the introduction), linked from WG1."""
    text = source_text("004")
    intro = text[text.index("by addressing the following topics:"):text.index("From 2021 to 2024")]
    printed = [re.sub(r"(;\s*and|;|\.)$", "", clean(line)[1:].strip()).strip()
               for line in intro.split("\n") if clean(line).startswith("·")]
    assert len(printed) == 11
    found = rows(store, """
      SELECT ?position ?text WHERE {
        <https://w3id.org/iacml/id/cycle/21/wg/1> iacml:mandatedTopic ?t .
        ?t a iacml:MandatedTopic ; schema:position ?position ; iacml:text ?text . }""")
    assert sorted((int(r["position"]), r["text"]) for r in found) == list(enumerate(printed, 1))


def test_working_groups_of_cycle_21_follow_those_of_cycle_20(store: ox.Store) -> None:
    """Pitfall 3: one Working Group per cycle, linked by iacml:follows."""
    found = rows(store, """
      SELECT ?wg ?previous WHERE { GRAPH <https://w3id.org/iacml/graph/reference> {
        ?wg iacml:cycle <https://w3id.org/iacml/id/cycle/21> ; iacml:follows ?previous } }""")
    assert {(r["wg"], r["previous"]) for r in found} == {
        (ID + "cycle/21/wg/1", ID + "cycle/20/wg/1"), (ID + "cycle/21/wg/2", ID + "cycle/20/wg/2")}


EXPECTED_DISCREPANCIES = {
    ID + "discrepancy/rial-gender-founding-date",
    ID + "discrepancy/cosate-attendance-2012-2013",
}


def test_discrepancies_of_001_and_004(store: ox.Store) -> None:
    """Each Discrepancy quoting 001 or 004 has two claims with passages and a preferred one."""
    found = rows(store, """
      SELECT DISTINCT ?d WHERE { GRAPH <https://w3id.org/iacml/graph/curation> {
        ?d a iacml:Discrepancy ; iacml:claim ?c . ?c prov:wasDerivedFrom ?p .
        ?p oa:hasSource ?s .
        FILTER(?s IN (<https://w3id.org/iacml/id/source/001>, <https://w3id.org/iacml/id/source/004>))
      } }""")
    assert {r["d"] for r in found} == EXPECTED_DISCREPANCIES
    for iri in EXPECTED_DISCREPANCIES:
        claims = rows(store, f"""
          SELECT ?claim ?value ?source ?start WHERE {{
          GRAPH <https://w3id.org/iacml/graph/curation> {{
            <{iri}> iacml:claim ?claim . ?claim iacml:claimedValue ?value ; prov:wasDerivedFrom ?p .
            ?p a iacml:Passage ; oa:hasSource ?source ; oa:hasSelector ?sel . ?sel oa:start ?start .
          }} }}""")
        assert len({c["claim"] for c in claims}) >= 2, iri
        preferred = rows(store, f"""
          SELECT ?p ?what ?property WHERE {{ GRAPH <https://w3id.org/iacml/graph/curation> {{
            <{iri}> iacml:preferredClaim ?p ; iacml:concerns ?what ; iacml:property ?property ;
                    rdfs:comment ?why . }} }}""")
        assert len(preferred) == 1 and preferred[0]["p"] in {c["claim"] for c in claims}, iri


@pytest.mark.parametrize("key", ["001", "004"])
def test_list_items_are_printed_in_their_passages(store: ox.Store, key: str) -> None:
    """Every printed-list item of 001/004 has its iacml:text inside its quoted span."""
    found = rows(store, f"""
      SELECT ?item ?text ?start ?end WHERE {{
        GRAPH <https://w3id.org/iacml/graph/source/{key}> {{
          ?item iacml:list ?list ; iacml:text ?text ; prov:wasDerivedFrom ?passage .
          ?passage oa:hasSelector ?sel . ?sel oa:start ?start ; oa:end ?end . }} }}""")
    source = source_text(key)
    # 004: 24 items of the printed lists, 15 of the enumerations of Section II (issue 14)
    assert len({r["item"] for r in found}) == (41 if key == "001" else 24 + 15)
    for row in found:
        span = clean(source[int(row["start"]):int(row["end"])])
        assert row["text"] in span, row["item"]


def test_printed_list_sizes(store: ox.Store) -> None:
    """Lists whose size the sources print or enumerate: 13, 4, 16, 4, 4 (001); 11, 5, 6, 2,
    and in Section II of 004 the three drivers of the transformation of the world of work,
    the four things Group 1 analyzed, the five topics of the gender dialogues and the three
    topics beyond the mandate."""
    found = rows(store, """
      SELECT ?list (COUNT(DISTINCT ?item) AS ?n) WHERE {
        ?item iacml:list ?list .
        FILTER(STRSTARTS(STR(?list), "https://w3id.org/iacml/id/report/wg2-2012-2013/")
               || STRSTARTS(STR(?list), "https://w3id.org/iacml/id/report/wg1-2021-2024/"))
      } GROUP BY ?list""")
    sizes = {r["list"].rsplit("/list/", 1)[1]: int(r["n"]) for r in found}
    assert sizes == {
        "priority-issues": 13, "focus-topics": 4, "central-themes": 16,
        "child-labor-workshop-axes": 4, "paho-action-plan-areas": 4,
        "mandate": 11, "domestic-work-repository-areas": 5, "bilateral-cooperation-areas": 6,
        "informality-areas-of-intervention": 2,
        "transformation-drivers": 3, "topics-analyzed": 4, "gender-dialogue-topics": 5,
        "beyond-the-mandate": 3,
    }
