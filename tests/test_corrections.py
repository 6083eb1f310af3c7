"""The corrections of issue 14 (items 1-4), each checked against the source text.

The expected values are read from ``data/sources/003_*.txt`` here (the organizations
of the annex's closing note, the figure of its summary, the countries its cooperation
lines name, what it says of the course and the dialogues), never from the graph.
"""

from __future__ import annotations

import re

import pyoxigraph as ox

from tests.test_source_003 import (
    G003,
    IACML,
    ID,
    collapse,
    country_codes,
    printed_cooperation_lines,
    select,
    source_text,
)

CURATION = "https://w3id.org/iacml/graph/curation"
# The acronyms the closing note prints, as the registry keys them (read from 003).
ACRONYMS = {"COSATE": "org/cosate", "CEATAL": "org/ceatal", "ILO": "org/ilo",
            "PAHO": "org/paho", "IOM": "org/iom", "World Bank": "org/world-bank",
            "IDB": "org/idb", "ECLAC": "org/eclac"}
# The four events of the annex that are "meetings of the Working Groups" and "RIAL
# Workshops" (its lists "Meetings of the Working Groups within the XX IACML" and the
# two workshops of "Workshops and seminars of the RIAL").
ANNEX_EVENTS = {"activity/20/wg-meetings-quito", "activity/20/wg-meetings-virtual",
                "activity/20/compliance-workshop-san-jose",
                "activity/20/skills-workshop-santiago"}


def values_in_003(store: ox.Store, subject: str, prop: str) -> list[str | None]:
    """The values 003 gives ``subject`` for ``prop``."""
    rows = select(store, f"SELECT ?v WHERE {{ GRAPH <{G003}> {{ <{subject}> {prop} ?v }} }}")
    return [r["v"] for r in rows]


def closing_note() -> tuple[int, list[str]]:
    """The average number of countries and the organizations the note names."""
    note = collapse(source_text()).rsplit("**", 1)[1]
    match = re.search(r"an average of (\d+) countries, as well as (.+) and experts from (.+)\.",
                      note)
    assert match, note
    names = match.group(2).split(" and ") + re.split(r", | and ", match.group(3))
    return int(match.group(1)), names


def test_1_closing_note_is_participation_in_the_set_of_events(store: ox.Store) -> None:
    average, names = closing_note()
    assert average == 24 and len(names) == 8
    expected = {ID + ACRONYMS[n] for n in names}
    rows = select(store, f"""SELECT ?set ?org ?event WHERE {{ GRAPH <{G003}> {{
        ?set iacml:participation ?p . ?p iacml:participant ?org .
        ?set schema:subEvent ?event }} }}""")
    sets = {r["set"] for r in rows if {r2["event"] for r2 in rows if r2["set"] == r["set"]}
            == {ID + e for e in ANNEX_EVENTS}}
    assert len(sets) == 1, "one activity groups exactly the four events of the note"
    (group,) = sets
    assert {r["org"] for r in rows if r["set"] == group} == expected
    figure = select(store, f"""SELECT ?about ?q WHERE {{ GRAPH <{G003}> {{
        ?f schema:value {average} ; iacml:qualifier ?q ; iacml:about ?about }} }}""")
    assert figure == [{"about": group, "q": "an average of"}]


def test_1_no_per_event_participation_read_from_the_closing_note(store: ox.Store) -> None:
    """A per-event participation of a note's organization must rest on another passage."""
    _, names = closing_note()
    orgs = " ".join(f"<{ID + ACRONYMS[n]}>" for n in names)
    events = " ".join(f"<{ID + e}>" for e in ANNEX_EVENTS)
    rows = select(store, f"""SELECT ?p ?exact WHERE {{ GRAPH <{G003}> {{
        VALUES ?event {{ {events} }} VALUES ?org {{ {orgs} }}
        ?event iacml:participation ?p . ?p iacml:participant ?org ;
           prov:wasDerivedFrom/oa:hasSelector/oa:exact ?exact }} }}""")
    from_note = [r["p"] for r in rows if "an average of" in (r["exact"] or "")]
    assert from_note == []


def test_2_thirty_ministries_has_no_period_and_conflicts_with_the_annex(store: ox.Store) -> None:
    text = collapse(source_text())
    printed = int(re.search(r"direct technical assistance among (\d+) Ministries", text)[1])
    codes = country_codes()
    named = {code for _, line in printed_cooperation_lines()
             for name, code in codes.items() if name in line}
    assert printed == 30 and len(named) == 23
    figure = ID + "cycle/20/figure/ministries-with-direct-assistance"
    assert select(store, f"SELECT ?v WHERE {{ <{figure}> schema:value ?v }}") == [{"v": "30"}]
    assert select(store, f"SELECT ?t WHERE {{ <{figure}> schema:temporalCoverage ?t }}") == []
    claims = select(store, f"""SELECT ?value WHERE {{ GRAPH <{CURATION}> {{
        ?d a iacml:Discrepancy ; iacml:concerns <{figure}> ; iacml:property schema:value ;
           iacml:claim/iacml:claimedValue ?value }} }}""")
    assert sorted(int(r["value"]) for r in claims) == [len(named), printed]


def test_3_course_is_being_implemented(store: ox.Store) -> None:
    text = collapse(source_text())
    assert "was designed and is being implemented in the Educational Portal" in text
    assert "In September 2021 the Course began its pilot phase" in text
    course = ID + "activity/20/course-gender-violence-at-work"
    assert values_in_003(store, course, "schema:endDate") == []
    assert values_in_003(store, course, "iacml:status") == [IACML + "Ongoing"]
    assert select(store, f"""SELECT ?d WHERE {{ GRAPH <{G003}> {{
        ?pilot schema:superEvent <{course}> ; schema:startDate ?d }} }}""") == [{"d": "2021-09"}]


def test_3_what_003_says_of_both_dialogues_is_not_the_first_ones(store: ox.Store) -> None:
    text = collapse(source_text())
    both = "During two hemispheric dialogues with the participation of more than 25 countries"
    assert both in text and "Those dialogues have paved the way" in text
    first, second = ID + "activity/20/gender-dialogue-1", ID + "activity/20/gender-dialogue-2"
    assert select(store, f"SELECT ?o WHERE {{ GRAPH <{G003}> {{ <{first}> iacml:outcome ?o }} }}") \
        == []
    rows = select(store, f"""SELECT ?pair ?o WHERE {{ GRAPH <{G003}> {{
        ?pair schema:subEvent <{first}> , <{second}> ; iacml:outcome ?o ;
              prov:wasDerivedFrom/oa:hasSelector/oa:exact ?exact
        FILTER(CONTAINS(?exact, "During two hemispheric dialogues")) }} }}""")
    assert len(rows) == 1 and "network of gender focal points" in rows[0]["o"]
    about = select(store, f"""SELECT ?a WHERE {{ GRAPH <{G003}> {{
        ?f schema:value 25 ; iacml:qualifier "more than" ; iacml:about ?a }} }}""")
    assert about == [{"a": rows[0]["pair"]}]


def test_4_a_launch_on_a_website_has_no_attendance_mode(store: ox.Store) -> None:
    launches = re.findall(r"- (Launch of the [^,]+ in the RIAL website)", source_text())
    assert len(launches) == 2
    for title in launches:
        rows = select(store, f"""SELECT ?a ?mode ?where WHERE {{ GRAPH <{G003}> {{
            ?a dcterms:title "{title}"@en
            OPTIONAL {{ ?a schema:eventAttendanceMode ?mode }}
            OPTIONAL {{ ?a schema:location ?where }} }} }}""")
        assert len(rows) == 1, title
        assert rows[0]["mode"] is None and rows[0]["where"] is None, title
