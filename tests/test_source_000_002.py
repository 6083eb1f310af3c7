"""Sources 000 (Working Group 2 report, 2018-2021) and 002 (Working Group 1 report,
2018-2021): every numbered area of consensus and recommendation, every mandated topic,
with its printed text, and the Discrepancies of issue 5.

The printed texts are computed here from the source files, independently of the
graph: by this module's own parsing of each section, and through the passage
offsets (oa:start/oa:end) that the build adds.
"""

from __future__ import annotations

import re

import pyoxigraph as ox
import pytest

from iacml.paths import ProjectPaths
from iacml.store import select_rows

ID = "https://w3id.org/iacml/id/"
GRAPH = "https://w3id.org/iacml/graph/"
PREFIXES = """
PREFIX iacml: <https://w3id.org/iacml/ontology#>
PREFIX eli: <http://data.europa.eu/eli/ontology#>
PREFIX schema: <https://schema.org/>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX oa: <http://www.w3.org/ns/oa#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
"""

# source key -> (report IRI, Working Group IRI, consensus points, recommendations)
REPORTS = {
    "000": (ID + "report/wg2-2018-2021", ID + "cycle/20/wg/2", 25, 10),
    "002": (ID + "report/wg1-2018-2021", ID + "cycle/20/wg/1", 26, 10),
}
ARTEFACTS = re.compile(r"\[bookmark:[^\]]*\]|\ufffd")


def collapse(text: str) -> str:
    """Artefacts removed, whitespace runs as one space, trimmed."""
    return re.sub(r"\s+", " ", ARTEFACTS.sub("", text)).strip()


def source_text(paths: ProjectPaths, key: str) -> str:
    """The stored source file ``key`` (e.g. ``"000"``)."""
    (path,) = paths.sources_dir.glob(f"{key}_*.txt")
    return path.read_text(encoding="utf-8")


def printed_points(text: str, section: str, next_section: str | None) -> dict[int, str]:
    """Number -> printed text (without its number) of the numbered points of a section.

    The section runs from the line starting with ``section`` (e.g. ``"III."``) to the
    line starting with ``next_section`` (or the end of the file); a point runs from its
    number at the start of a line to the next number or the end of the section.
    """
    start = re.search(rf"(?m)^\s*{re.escape(section)}\s", text)
    assert start, f"heading {section} not found"
    end = (re.search(rf"(?m)^\s*{re.escape(next_section)}\s", text[start.end():])
           if next_section else None)
    body = text[start.end(): start.end() + end.start()] if end else text[start.end():]
    numbers = list(re.finditer(r"(?m)^(\d+)\.[ \t]", body))
    points = {}
    for i, m in enumerate(numbers):
        stop = numbers[i + 1].start() if i + 1 < len(numbers) else len(body)
        points[int(m.group(1))] = collapse(body[m.end():stop])
    return points


def printed_bullets(text: str, after: str) -> list[str]:
    """The '· ' items of the first bullet list after ``after``, trailing ';', '; and', '.' cut."""
    tail = text[text.index(after) + len(after):]
    items = []
    for line in tail.splitlines():
        if line.startswith("· "):
            items.append(re.sub(r"(;\s*and|;|\.)\s*$", "", line[2:].strip()).strip())
        elif items and line.strip():
            break
    return items


def parts_in_graph(store: ox.Store, key: str, cls: str, section: str) -> list[dict]:
    """The parts of class ``cls`` in section ``section`` of report ``key``, from its graph."""
    report = REPORTS[key][0]
    return select_rows(store, PREFIXES + f"""
        SELECT ?part ?number ?position ?text ?start ?end WHERE {{
          GRAPH <{GRAPH}source/{key}> {{
            ?part a iacml:{cls} ; eli:is_part_of <{report}/sec_{section}> .
            OPTIONAL {{ ?part eli:number ?number }}
            OPTIONAL {{ ?part schema:position ?position }}
            OPTIONAL {{ ?part iacml:text ?text }}
            OPTIONAL {{ ?part prov:wasDerivedFrom ?passage .
                        ?passage oa:hasSelector ?sel . ?sel oa:start ?start ; oa:end ?end }}
          }}
        }}""")


CASES = [("000", "ConsensusPoint", "III", "IV."), ("000", "Recommendation", "IV", None),
         ("002", "ConsensusPoint", "III", "IV."), ("002", "Recommendation", "IV", None)]


@pytest.mark.parametrize(("key", "cls", "section", "next_section"), CASES,
                         ids=[f"{c[0]}-{c[1]}" for c in CASES])
def test_numbered_points_are_complete_and_verbatim(store: ox.Store, paths: ProjectPaths,
                                                   key: str, cls: str, section: str,
                                                   next_section: str | None) -> None:
    """25/10 (000) and 26/10 (002) points, numbered 1..n, each with its printed text."""
    _, _, n_points, n_recs = REPORTS[key]
    expected_count = n_points if cls == "ConsensusPoint" else n_recs
    text = source_text(paths, key)
    printed = printed_points(text, f"{section}.", next_section)
    assert sorted(printed) == list(range(1, expected_count + 1)), "the source parse is off"

    rows = parts_in_graph(store, key, cls, section)
    by_part: dict[str, list[dict]] = {}
    for row in rows:
        by_part.setdefault(row["part"], []).append(row)
    numbers = sorted(int(r[0]["number"]) for r in by_part.values())
    assert numbers == list(range(1, expected_count + 1)), f"numbers in the graph: {numbers}"

    for part, part_rows in by_part.items():
        row = part_rows[0]
        number = int(row["number"])
        assert row["position"] is not None and int(row["position"]) == number, part
        assert row["text"] == printed[number], f"{part}: iacml:text differs from the source"
        # the passage is the whole printed point: from its number to its last character
        spans = {(int(r["start"]), int(r["end"])) for r in part_rows if r["start"]}
        assert spans, f"{part} has no located passage"
        whole = [text[s:e] for s, e in spans if re.match(rf"{number}\.\s", text[s:e])]
        assert whole, f"{part}: no passage starts at its printed number"
        assert collapse(re.sub(rf"^{number}\.", "", whole[0])) == printed[number], part


@pytest.mark.parametrize("key", sorted(REPORTS))
def test_mandated_topics_as_printed(store: ox.Store, paths: ProjectPaths, key: str) -> None:
    """The 10 mandated topics of each Working Group, in printed order, linked to the scheme."""
    report, wg, _, _ = REPORTS[key]
    after = "following areas:" if key == "000" else "following topics:"
    printed = printed_bullets(source_text(paths, key), after)
    assert len(printed) == 10
    rows = select_rows(store, PREFIXES + f"""
        SELECT ?item ?position ?text (COUNT(DISTINCT ?topic) AS ?topics) WHERE {{
          GRAPH <{GRAPH}source/{key}> {{
            <{wg}> iacml:mandatedTopic ?item .
            ?item a iacml:MandatedTopic ; iacml:list <{report}/list/mandate> ;
                  schema:position ?position ; iacml:text ?text .
          }}
          OPTIONAL {{
            GRAPH <{GRAPH}source/{key}> {{ ?item dcterms:subject ?topic }}
            GRAPH <{GRAPH}reference> {{
              ?topic a iacml:Topic ; skos:inScheme <{ID}topic/scheme> }} }}
        }} GROUP BY ?item ?position ?text""")
    got = sorted(rows, key=lambda r: int(r["position"]))
    assert [r["text"] for r in got] == printed
    assert all(int(r["topics"]) >= 1 for r in got), "a mandated topic has no scheme topic"


def test_every_point_has_a_scheme_topic(store: ox.Store) -> None:
    """Each consensus point and recommendation of 000 and 002 has a topic of the scheme."""
    for key, (report, _, n_points, n_recs) in REPORTS.items():
        rows = select_rows(store, PREFIXES + f"""
            SELECT (COUNT(DISTINCT ?part) AS ?n) WHERE {{
              GRAPH <{GRAPH}source/{key}> {{
                ?part a ?cls ; eli:is_part_of/eli:is_part_of <{report}> ;
                      dcterms:subject ?topic .
                VALUES ?cls {{ iacml:ConsensusPoint iacml:Recommendation }}
              }}
              GRAPH <{GRAPH}reference> {{ ?topic a iacml:Topic ;
                                           skos:inScheme <{ID}topic/scheme> }}
            }}""")
        assert int(rows[0]["n"]) == n_points + n_recs, key


# Discrepancy -> (resource, property, {claimed value: source of the claim}), all written
# from the source texts.
DISCREPANCIES = {
    "bridgetown-poa-date": (
        "conference/20/plan-of-action", "http://data.europa.eu/eli/ontology#date_document",
        {"2017-12": {"000", "003"}, "2018-12": {"002"}}),
    "xx-iacml-date": ("conference/20", "https://schema.org/startDate",
                      {"2017-12": {"000", "003"}, "2018-12": {"002"}}),
    "xx-iacml-end-date": ("conference/20", "https://schema.org/endDate",
                          {"2017-12": {"000", "003"}, "2018-12": {"002"}}),
    "gender-dialogue-1-date": ("activity/20/gender-dialogue-1", "https://schema.org/startDate",
                               {"2020-11-20": {"002"}, "2020-11-28": {"003"}}),
    "gender-dialogue-1-end-date": ("activity/20/gender-dialogue-1",
                                   "https://schema.org/endDate",
                                   {"2020-11-20": {"002"}, "2020-11-28": {"003"}}),
    "wg2-title": ("cycle/20/wg/2", "http://purl.org/dc/terms/title", {
        "Institutional strengthening to promote and protect workers’ and employer’s rights "
        "and foster cooperation": {"000"},
        "Institutional strengthening to promote and protect the rights and obligations of "
        "workers and employers and foster cooperation": {"003"}}),
}


@pytest.mark.parametrize("slug", sorted(DISCREPANCIES))
def test_discrepancies_of_issue_5(store: ox.Store, paths: ProjectPaths, slug: str) -> None:
    """Each Discrepancy concerns its resource and property, has two or more claims, each
    with a value and a located passage, and a preferred claim among them."""
    resource, prop, claims = DISCREPANCIES[slug]
    iri = f"{ID}discrepancy/{slug}"
    head = select_rows(store, PREFIXES + f"""
        SELECT ?concerns ?property ?preferred ?comment WHERE {{
          GRAPH <{GRAPH}curation> {{
            <{iri}> a iacml:Discrepancy ; iacml:concerns ?concerns ; iacml:property ?property ;
                    iacml:preferredClaim ?preferred ; rdfs:comment ?comment }} }}""")
    assert len(head) == 1, f"{slug}: expected one concerns/property/preferredClaim/comment"
    assert head[0]["concerns"] == ID + resource
    assert head[0]["property"] == prop
    rows = select_rows(store, PREFIXES + f"""
        SELECT ?claim ?value ?source ?start ?end WHERE {{
          GRAPH <{GRAPH}curation> {{
            <{iri}> iacml:claim ?claim .
            OPTIONAL {{ ?claim iacml:claimedValue ?value }}
            OPTIONAL {{ ?claim prov:wasDerivedFrom ?passage .
                        ?passage a iacml:Passage ; oa:hasSource ?source ;
                                 oa:hasSelector ?sel . ?sel oa:start ?start ; oa:end ?end }}
          }} }}""")
    by_claim = {r["claim"] for r in rows}
    assert len(by_claim) >= 2, f"{slug}: fewer than two claims"
    assert head[0]["preferred"] in by_claim, f"{slug}: preferred claim is not one of its claims"
    got: dict[str, set[str]] = {}
    for row in rows:
        assert row["value"] is not None, f"{row['claim']} has no iacml:claimedValue"
        assert row["source"] is not None and row["start"] is not None, (
            f"{row['claim']} has no located passage")
        key = row["source"].rsplit("/", 1)[1]
        quote = source_text(paths, key)[int(row["start"]):int(row["end"])]
        assert quote, row["claim"]
        got.setdefault(row["value"], set()).add(key)
    assert got == claims


def test_test_helpers_parse_what_they_should() -> None:
    """The independent parser stops at the next number and at the next heading."""
    text = "III. HEAD\n\n1. One [bookmark: x]a\n  b\n\n2. Two.\nIV. NEXT\n\n1. Other\n"
    assert printed_points(text, "III.", "IV.") == {1: "One a b", 2: "Two."}
    assert printed_points(text, "IV.", None) == {1: "Other"}
