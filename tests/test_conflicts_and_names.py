"""Issue 14 item 9: the conflicts the audit found are Discrepancies with both claims
and their passages; name variants stay labels, each annotated with the passages that
print it. Expected values are parsed from the source files here."""

from __future__ import annotations

import re

import pyoxigraph as ox
import pytest

from tests.test_completion import ID, flat, graph, select, text_of

CURATION = "https://w3id.org/iacml/graph/curation"


def claimed(store: ox.Store, resource: str, prop: str) -> dict[str, str]:
    """Claimed value -> the quote of its passage, of the Discrepancy on (resource, prop)."""
    rows = select(store, f"""SELECT ?value ?exact WHERE {{ GRAPH <{CURATION}> {{
        ?d a iacml:Discrepancy ; iacml:concerns <{ID}{resource}> ; iacml:property {prop} ;
           iacml:claim ?c ; iacml:preferredClaim ?best ; rdfs:comment ?why .
        ?c iacml:claimedValue ?value ; prov:wasDerivedFrom/oa:hasSelector/oa:exact ?exact }} }}""")
    return {str(r["value"]): " ".join(str(r["exact"]).split()) for r in rows}


def test_santiago_workshop_title_is_a_discrepancy(store: ox.Store) -> None:
    t002, t003 = flat(text_of("002")), flat(text_of("003"))
    printed = {
        re.search(r"a RIAL Workshop on (skills for the future: [^”]+)”", t002)[1],  # type: ignore[index]
        re.search(r"Inter-sectoral Workshop on “([^”]+)”\. Santiago", t003)[1],  # type: ignore[index]
        re.search(r'for the RIAL Workshop "([^"]+)", organized by the OAS', t003)[1],  # type: ignore[index]
    }
    claims = claimed(store, "activity/20/skills-workshop-santiago", "dcterms:title")
    assert set(claims) == printed
    for value, quote in claims.items():
        assert value in quote


def test_rqf_course_title_and_partners_are_discrepancies(store: ox.Store) -> None:
    text = flat(text_of("003"))
    annex = re.search(r"Launch of the Virtual Course “([^”]+)” in partnership with (.+?), in 2021",
                      text)
    body = re.search(r'the three agencies launched the Online Course-Workshop "([^"]+)"', text)
    assert annex and body
    course = "activity/20/course-regional-qualifications-framework"
    assert set(claimed(store, course, "dcterms:title")) == {annex[1], body[1]}
    annex_partners = re.split(r", | and the ", annex[2])
    assert annex_partners == ["ILO-Cinterfor", "UNESCO",
                              "Inter-American Committee on Education (CIE)"]
    assert "The Technical Secretariat has partnered with ILO" in text
    participations = claimed(store, course, "iacml:participation")
    participants = {p: select(store, f"SELECT ?o WHERE {{ <{p}> iacml:participant ?o }}")[0]["o"]
                    for p in participations}
    assert set(participants.values()) == {ID + "org/cie", ID + "org/iacml-technical-secretariat"}


def test_timing_of_the_postponement_is_a_discrepancy(store: ox.Store) -> None:
    early = re.search(r"At the beginning of (\d{4}), with the outbreak of the COVID-19 pandemic, "
                      r"the IACML authorities decided to postpone", flat(text_of("000")))
    may = re.search(r"in May (\d{4}), in light of the pandemic, the IACML Work Plan",
                    flat(text_of("003")))
    assert early and may
    claims = claimed(store, "activity/20/work-plan-revision", "schema:startDate")
    assert set(claims) == {early[1], f"{may[1]}-05"}


# ---------------------------------------------------------------- name variants as labels

VARIANTS = {  # resource -> the pattern of its printed names in every source (read from them)
    "product/covid-19-portfolio": r"Portfolio of [Rr]esponses (?:of|from) Ministries of Labor to "
                                  r"COVID-19",
    "product/return-to-work-repository": r"(?:Repository of )?Guidelines and [Pp]rotocols for "
                                         r"(?:[Dd]e-?confinement|Reopening) and [Rr]eturn to "
                                         r"[Ww]ork",
    "org/oiss": r"Ibero-American Social Security Organization \(OISS\)|\bISSO\b",
    "org/idb": r"Inter-American Development Bank|\bIADB\b|\bIDB\b",
    "org/caf": r"Latin American Development Bank|Development Bank of Latin America and the "
               r"Caribbean \(CAF\)|\bCAF\b",
    "ministry/CAN/labour-program": r"Canadian Labor Program|Labour Program of Employment and "
                                  r"Social Development Canada",
}


@pytest.mark.parametrize("resource", sorted(VARIANTS))
def test_every_printed_name_is_a_label_with_its_passage(store: ox.Store, resource: str) -> None:
    """Each name a source prints for the resource is its prefLabel or an altLabel, and the
    graph of that source annotates that label with a passage that prints it."""
    for key in ("000", "001", "002", "003", "004"):
        names = set(re.findall(VARIANTS[resource], flat(text_of(key))))
        rows = select(store, f"""SELECT ?label ?exact WHERE {{ GRAPH <{graph(key)}> {{
            ?a a owl:Axiom ; owl:annotatedSource <{ID}{resource}> ;
               owl:annotatedProperty ?kind ; owl:annotatedTarget ?label ;
               iacml:printedAt/oa:hasSelector/oa:exact ?exact }}
            ?x ?kind ?label FILTER(?x = <{ID}{resource}>) }}""")
        annotated = {str(r["label"]) for r in rows}
        assert names <= annotated, f"{key}: {sorted(names - annotated)} not annotated"
        for row in rows:
            assert str(row["label"]) in " ".join(str(row["exact"]).split()), (key, row)
