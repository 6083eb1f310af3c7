"""Source 003 (OAS General Secretariat report to the XXI IACML, with its annex) in the built graph.

Expected values are written here from a reading of the source text (and, where a
plain parse is possible, computed from the source file itself), never from the graph.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pyoxigraph as ox
import pytest

from iacml.namespaces import sparql_prefixes
from iacml.store import term_text

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ROOT / "data" / "sources"
ID = "https://w3id.org/iacml/id/"
IACML = "https://w3id.org/iacml/ontology#"
G003 = "https://w3id.org/iacml/graph/source/003"
REPORT = ID + "report/oea-ser-k-xii-21-1"

# The annex's bilateral cooperation lines (BC01-BC25, printed order), as read:
# provider and recipient Ministries by the annex rule (model.md pitfall 1) or, for
# virtual lines, by the body; None where neither gives the direction.
DIRECTION: dict[int, tuple[set[str], set[str]] | None] = {
    1: ({"COL"}, {"HND"}), 2: ({"PAN"}, {"ECU"}), 3: ({"JAM"}, {"BRB", "GRD", "KNA", "LCA"}),
    4: ({"BRB"}, {"VCT"}), 5: ({"CAN"}, {"MEX"}), 6: ({"ARG"}, {"PER"}), 7: ({"ARG"}, {"GTM"}),
    8: ({"PAN"}, {"BRB"}), 9: ({"ARG"}, {"PRY"}), 10: ({"URY"}, {"CRI"}), 11: ({"MEX"}, {"PER"}),
    12: ({"ARG"}, {"MEX"}), 13: ({"COL"}, {"ECU"}), 14: ({"SLV"}, {"ARG"}),
    15: ({"CAN"}, {"ARG"}),  # body: Argentina "after receiving technical assistance from Canada"
    16: None,  # Honduras-Peru: the body names no provider for this line
    17: ({"CHL"}, {"PER"}),  # body: Peru, "based on the experience of ... schools in Chile"
    18: ({"PAN"}, {"GTM"}),  # body: "the direct assistance it is receiving from Panama"
    19: ({"ARG"}, {"PAN"}),  # body: "following technical assistance from Argentina"
    20: ({"PER"}, {"CRI"}),  # body: "with the cooperation of Peru"
    21: None,  # Trinidad and Tobago-Canada: not in the body
    22: ({"ECU"}, {"GTM"}), 23: ({"CHL"}, {"PAN"}), 24: ({"BRB"}, {"BLZ"}), 25: ({"COL"}, {"BOL"}),
}
UNDIRECTED_PARTIES = {16: {"HND", "PER"}, 21: {"TTO", "CAN"}}
STATUS_COUNTS = {"Completed": 16, "Ongoing": 5, "Pending": 4}


def source_text() -> str:
    """The text of source 003 as stored in data/sources."""
    (path,) = SOURCES.glob("003_*.txt")
    return path.read_text(encoding="utf-8")


def collapse(text: str) -> str:
    """Whitespace runs as one space."""
    return re.sub(r"\s+", " ", text).strip()


def select(store: ox.Store, query: str) -> list[dict[str, str | None]]:
    """Rows of a SELECT over the default graph (the merge of all graphs), as text."""
    result = store.query(sparql_prefixes() + query)
    names = [v.value for v in result.variables]
    return [{n: term_text(row[n]) for n in names} for row in result]


def printed_cooperation_lines() -> list[tuple[str, str]]:
    """(status, line) of each annex cooperation line, parsed from the source file."""
    text = source_text()
    start = text.index("RIAL Bilateral Cooperation Activities:")
    pending = text.index("Pending RIAL Bilateral Cooperation (postponed due to the pandemic):")
    end = text.index("* 16 RIAL bilateral cooperation activities")
    lines: list[tuple[str, str]] = []
    for status_block, block in (("done", text[start:pending]), ("Pending", text[pending:end])):
        for raw in block.split("\n"):
            if raw.startswith("- "):
                line = collapse(raw[2:])
                status = status_block
                if status_block == "done":
                    status = "Ongoing" if "on-going" in line else "Completed"
                lines.append((status, line))
    return lines


def country_codes() -> dict[str, str]:
    """English country name (reference table) to ISO alpha-3."""
    with (ROOT / "data" / "reference" / "countries.csv").open(encoding="utf-8") as handle:
        return {row["name_en"]: row["iso_alpha3"] for row in csv.DictReader(handle)}


def names_to_codes(printed: str, codes: dict[str, str]) -> list[str]:
    """Codes of a printed enumeration of countries ("A, B, C and D"), names with "and" kept."""
    out: list[str] = []
    for part in printed.split(", "):
        if part in codes:
            out.append(codes[part])
            continue
        pieces = part.split(" and ")
        for cut in range(1, len(pieces)):
            left, right = " and ".join(pieces[:cut]), " and ".join(pieces[cut:])
            if left in codes and right in codes:
                out.extend([codes[left], codes[right]])
                break
        else:
            raise KeyError(part)
    return out


def rule_direction(line: str) -> tuple[set[str], set[str]] | None:
    """Direction of an in-person annex line by the rule; None for a virtual line."""
    m = re.match(r"(On-site visit|Experts[’']? visit) from (.+?) to (.+?) on ", line)
    if not m:
        return None
    codes = country_codes()
    origin = set(names_to_codes(m.group(2), codes))
    destination = {codes[m.group(3).strip()]}
    if m.group(1).startswith("On-site"):
        return destination, origin  # the visitors learn: they receive
    return origin, destination  # the experts travel: they provide


def test_printed_annex_parse_matches_reading() -> None:
    """The independent parse of the annex finds 25 lines: 16 completed, 5 ongoing, 4 pending."""
    lines = printed_cooperation_lines()
    assert len(lines) == 25
    counts = {s: sum(1 for st, _ in lines if st == s) for s in STATUS_COUNTS}
    assert counts == STATUS_COUNTS
    for position, (_, line) in enumerate(lines, 1):
        by_rule = rule_direction(line)
        if by_rule is not None:
            assert by_rule == DIRECTION[position], f"BC{position:02d}: reading differs from rule"


def cooperations(store: ox.Store) -> dict[int, dict[str, object]]:
    """The cooperations of graph/source/003 by annex position, with their values there."""
    rows = select(store, f"""
        SELECT ?c ?position ?status ?modality ?subject ?topic ?stated WHERE {{
          GRAPH <{G003}> {{
            ?c a iacml:BilateralCooperation ; schema:position ?position .
            OPTIONAL {{ ?c iacml:status ?status }}
            OPTIONAL {{ ?c iacml:modality ?modality }}
            OPTIONAL {{ ?c dcterms:subject ?subject }}
            OPTIONAL {{ ?c iacml:topicAsPrinted ?topic }}
            OPTIONAL {{ ?c iacml:directionStated ?stated }}
          }} }}""")
    out: dict[int, dict[str, object]] = {}
    for row in rows:
        entry = out.setdefault(int(row["position"]), {"iri": row["c"]})
        for key in ("status", "modality", "subject", "topic", "stated"):
            entry.setdefault(key, set())
            if row[key] is not None:
                entry[key].add(row[key])  # type: ignore[union-attr]
    for entry in out.values():
        for prop in ("provider", "recipient", "party"):
            entry[prop] = {
                r["m"].rsplit("/", 1)[-1] for r in select(store, f"""
                SELECT ?m WHERE {{ GRAPH <{G003}> {{ <{entry['iri']}> iacml:{prop} ?m }} }}""")
            }
        entry["parties"] = entry["provider"] | entry["recipient"] | entry["party"]  # type: ignore[operator]
    return out


def test_cooperation_lines_by_status(store: ox.Store) -> None:
    """The graph has the annex's 25 lines, BC01-BC25, with the printed status of each."""
    coops = cooperations(store)
    assert sorted(coops) == list(range(1, 26))
    printed = printed_cooperation_lines()
    counts: dict[str, int] = {}
    for position, entry in coops.items():
        (status,) = entry["status"]  # type: ignore[misc]
        status = str(status).removeprefix(IACML)
        counts[status] = counts.get(status, 0) + 1
        assert status == printed[position - 1][0], f"BC{position:02d} status"
    assert counts == STATUS_COUNTS


def test_cooperations_have_modality_topic_and_parties(store: ox.Store) -> None:
    """Every line has one modality, a topic concept, its topic as printed, and parties."""
    printed = printed_cooperation_lines()
    for position, entry in cooperations(store).items():
        line = printed[position - 1][1]
        assert len(entry["modality"]) == 1, f"BC{position:02d} modality"  # type: ignore[arg-type]
        (modality,) = entry["modality"]  # type: ignore[misc]
        expected = {"On-site": "OnSiteVisit", "Experts": "ExpertsVisit",
                    "Virtual": "VirtualCooperation"}
        assert modality == IACML + next(v for k, v in expected.items() if line.startswith(k))
        assert entry["subject"], f"BC{position:02d} has no dcterms:subject"
        (topic,) = entry["topic"]  # type: ignore[misc]
        assert f" on {topic}" in line, f"BC{position:02d}: topic {topic!r} not as printed"
        assert len(entry["parties"]) >= 2, f"BC{position:02d} parties"  # type: ignore[arg-type]


def test_cooperation_directions(store: ox.Store) -> None:
    """Providers and recipients as read; the undirected lines are exactly BC16 and BC21."""
    undirected = []
    four_recipients = []
    for position, entry in sorted(cooperations(store).items()):
        expected = DIRECTION[position]
        if expected is None:
            undirected.append(position)
            assert entry["stated"] == {"false"}, f"BC{position:02d} directionStated"
            assert not entry["provider"] and not entry["recipient"]
            assert entry["party"] == UNDIRECTED_PARTIES[position]
            continue
        assert entry["stated"] == {"true"}, f"BC{position:02d} directionStated"
        assert (entry["provider"], entry["recipient"]) == expected, f"BC{position:02d} direction"
        if len(entry["recipient"]) == 4:  # type: ignore[arg-type]
            four_recipients.append(position)
    assert undirected == [16, 21]
    assert four_recipients == [3]


def test_direction_basis(store: ox.Store) -> None:
    """Each directed line names the one rule that gave its direction."""
    rows = select(store, f"""
        SELECT ?position ?modality ?basis WHERE {{ GRAPH <{G003}> {{
          ?c a iacml:BilateralCooperation ; schema:position ?position ; iacml:modality ?modality ;
             iacml:directionBasis ?basis }} }}""")
    basis = {int(r["position"]): (r["modality"], r["basis"]) for r in rows}
    assert sorted(basis) == [p for p in range(1, 26) if DIRECTION[p] is not None]
    rule = {IACML + "OnSiteVisit": IACML + "OnSiteVisitRule",
            IACML + "ExpertsVisit": IACML + "ExpertsVisitRule",
            IACML + "VirtualCooperation": IACML + "StatedInBody"}
    for position, (modality, given) in basis.items():
        assert given == rule[str(modality)], f"BC{position:02d} direction basis"


def test_cooperation_lines_quote_the_annex(store: ox.Store) -> None:
    """Each cooperation has a passage that is exactly its annex line."""
    rows = select(store, f"""
        SELECT ?position ?exact WHERE {{ GRAPH <{G003}> {{
          ?c a iacml:BilateralCooperation ; schema:position ?position ;
             prov:wasDerivedFrom/oa:hasSelector/oa:exact ?exact }} }}""")
    quotes: dict[int, set[str]] = {}
    for r in rows:
        quotes.setdefault(int(r["position"]), set()).add(collapse(str(r["exact"])))
    for position, (_, line) in enumerate(printed_cooperation_lines(), 1):
        assert line in quotes[position], f"BC{position:02d} does not quote its annex line"


def test_sessions_of_virtual_cooperations(store: ox.Store) -> None:
    """Session counts and dates as printed in the annex."""
    expected = {15: (3, set()), 16: (2, set()),
                17: (2, {"2021-07-14", "2021-08-27"}), 18: (2, {"2021-07-16", "2021-08-23"}),
                19: (1, {"2021-08-19"}), 20: (1, {"2021-08-30"}), 21: (1, {"2021-09-13"})}
    rows = select(store, f"""
        SELECT ?position ?count ?date WHERE {{ GRAPH <{G003}> {{
          ?c a iacml:BilateralCooperation ; schema:position ?position ; iacml:sessionCount ?count .
          OPTIONAL {{ ?c iacml:sessionDate ?date }} }} }}""")
    got: dict[int, tuple[int, set[str]]] = {}
    for r in rows:
        count, dates = got.setdefault(int(r["position"]), (int(r["count"]), set()))
        if r["date"]:
            dates.add(r["date"])
    assert got == expected


DISCREPANCIES = {
    "discrepancy/ongoing-virtual-cooperations-2021": "cycle/20/figure/ongoing-virtual-cooperations",
    "discrepancy/brb-pan-cooperation-topic": "cooperation/20/brb-pan-labor-inspection",
    "discrepancy/first-virtual-cooperation-topic": "cooperation/20/arg-can-pensions-system",
    "discrepancy/hnd-per-cooperation-direction": "cooperation/20/hnd-per-employment-services",
    "discrepancy/ministries-with-direct-assistance":
        "cycle/20/figure/ministries-with-direct-assistance",
    "discrepancy/rqf-course-title": "activity/20/course-regional-qualifications-framework",
    "discrepancy/rqf-course-partners": "activity/20/course-regional-qualifications-framework",
}


def test_discrepancies_inside_003(store: ox.Store) -> None:
    """Each Discrepancy of 003 with itself has two claims quoting 003 and a preferred claim."""
    rows = select(store, """
        SELECT ?d ?concerns WHERE { GRAPH <https://w3id.org/iacml/graph/curation> {
          ?d a iacml:Discrepancy ; iacml:concerns ?concerns ;
             iacml:claim/prov:wasDerivedFrom/oa:hasSource <https://w3id.org/iacml/id/source/003> .
          FILTER NOT EXISTS { ?d iacml:claim/prov:wasDerivedFrom/oa:hasSource ?other .
                              FILTER(?other != <https://w3id.org/iacml/id/source/003>) } } }""")
    found = {r["d"].removeprefix(ID): r["concerns"].removeprefix(ID) for r in rows}  # type: ignore[union-attr]
    assert found == DISCREPANCIES
    for discrepancy in DISCREPANCIES:
        claims = select(store, f"""
            SELECT ?claim ?value ?exact WHERE {{
              <{ID}{discrepancy}> iacml:claim ?claim .
              ?claim iacml:claimedValue ?value ; prov:wasDerivedFrom ?p .
              ?p a iacml:Passage ; oa:hasSelector/oa:exact ?exact }}""")
        assert len({c["claim"] for c in claims}) >= 2, discrepancy
        assert len({c["value"] for c in claims}) >= 2, f"{discrepancy}: claims do not differ"
        text = collapse(source_text())
        for claim in claims:
            assert collapse(str(claim["exact"])) in text
        preferred = select(store, f"""
            SELECT ?p WHERE {{ <{ID}{discrepancy}> iacml:preferredClaim ?p ; iacml:property ?prop ;
                                 rdfs:comment ?why }}""")
        assert len(preferred) == 1 and preferred[0]["p"] in {c["claim"] for c in claims}


# Figures the report asserts: (value, qualifier or ""), from a reading of 003.
FIGURES = {(69, ""), (491, ""), (70, "more than"), (70, ""), (90, ""), (190, ""), (16, ""),
           (115, ""), (30, ""), (4, ""), (24, "an average of"), (60000, "more than"),
           (25, "more than"), (20, ""), (3, "less than"), (10, "")}


def test_reported_figures(store: ox.Store) -> None:
    """Every figure 003 asserts is a ReportedFigure of graph/source/003 with its qualifier."""
    rows = select(store, f"""
        SELECT ?f ?value ?qualifier WHERE {{ GRAPH <{G003}> {{
          ?f a iacml:ReportedFigure ; schema:value ?value ; iacml:about ?about .
          OPTIONAL {{ ?f iacml:qualifier ?qualifier }} }} }}""")
    got = {(int(float(str(r["value"]))), r["qualifier"] or "") for r in rows}
    assert FIGURES <= got, f"missing: {FIGURES - got}"
    four = select(store, f"""SELECT ?f WHERE {{ GRAPH <{G003}> {{
        ?f a iacml:ReportedFigure ; schema:value 4 }} }}""")
    assert len(four) == 2, "4 ongoing virtual and 4 pending cooperations"


def test_report_header_and_sections(store: ox.Store) -> None:
    """The report's symbols, date, language, author and its eight top-level parts in order."""
    rows = select(store, f"""
        SELECT ?symbol ?date ?lang ?creator ?to WHERE {{ GRAPH <{G003}> {{
          <{REPORT}> dcterms:identifier ?symbol ; eli:date_document ?date ;
              iacml:originalLanguage ?lang ; dcterms:creator ?creator ; iacml:reportTo ?to }} }}""")
    assert {r["symbol"] for r in rows} == {"OEA/Ser.K/XII.21.1", "CIDI/TRABAJO/doc.9/21"}
    assert {(r["date"], r["lang"], r["creator"], r["to"]) for r in rows} == {
        ("2021-09-13", "es", ID + "org/iacml-technical-secretariat", ID + "conference/21")}
    sections = select(store, f"""
        SELECT ?position ?title WHERE {{ GRAPH <{G003}> {{
          ?s a iacml:ReportSection ; eli:is_part_of <{REPORT}> ; schema:position ?position ;
             dcterms:title ?title }} }}""")
    ordered = [r["title"] for r in sorted(sections, key=lambda r: int(r["position"]))]
    # The table of contents, parsed from the source file (the annex title differs in the body).
    toc = source_text().split("CONTENTS", 1)[1].split("INTRODUCTION", 1)[0]
    printed = [re.sub(r"^\d+\.\s*", "", re.split(r"\.{3,}|\t", line)[0]).strip()
               for line in toc.strip().split("\n") if line.strip()]
    assert len(ordered) == len(printed) == 8
    for title, heading in zip(ordered[:7], printed[:7], strict=True):
        assert title.lower() == heading.lower()


CITATIONS = {
    "sec_2": {"declaration/art_23", "declaration/art_24", "plan-of-action/art_7__point_h"},
    "sec_3": {"declaration/art_4", "declaration/art_7", "declaration/art_8",
              "plan-of-action/art_7__point_d"},
    "sec_4": {"declaration/art_21"},
    "sec_5": {"declaration/art_25"} | {f"plan-of-action/art_9__point_{x}" for x in "abdfh"},
    "sec_1/social-protection": {"declaration/art_22"},
    "sec_1/occupational-health-and-safety": {"declaration/art_9", "declaration/art_29",
                                             "declaration/art_30"},
    "sec_5/inclusion": {"declaration/art_27", "plan-of-action/art_7__point_f",
                        "plan-of-action/art_7__point_h"},
}


def test_citations_of_bridgetown(store: ox.Store) -> None:
    """Each part of the report cites exactly the Articles and items it prints."""
    rows = select(store, f"""
        SELECT ?part ?article WHERE {{ GRAPH <{G003}> {{ ?part iacml:cites ?article }} }}""")
    got: dict[str, set[str]] = {}
    for r in rows:
        part = str(r["part"]).removeprefix(REPORT + "/")
        got.setdefault(part, set()).add(str(r["article"]).removeprefix(ID + "conference/20/"))
    assert got == CITATIONS
    labelled = select(store, """
        SELECT ?a WHERE { ?a a iacml:Article ; eli:is_part_of ?doc ; eli:number ?n ;
                              skos:prefLabel ?label .
                          ?doc iacml:adoptedAt <https://w3id.org/iacml/id/conference/20> }""")
    cited = {ID + "conference/20/" + a for arts in CITATIONS.values() for a in arts}
    assert cited <= {r["a"] for r in labelled}


# The annex's other activities, as read: (class, start, end) at printed precision.
ANNEX_ACTIVITIES = {
    ("PlanningMeeting", "2018-04-26", "2018-04-27"),
    ("AuthoritiesMeeting", "2019-01-25", "2019-01-25"),
    ("AuthoritiesMeeting", "2020-02-13", "2020-02-13"),
    ("AuthoritiesMeeting", "2020-05-22", "2020-05-22"),
    ("AuthoritiesMeeting", "2021-01-28", "2021-01-28"),
    ("WorkingGroupMeeting", "2019-12-03", "2019-12-04"),
    ("WorkingGroupMeeting", "2020-09-10", "2020-09-15"),
    ("Workshop", "2018-12-06", "2018-12-07"),
    ("Workshop", "2019-05-16", "2019-05-17"),
    ("HemisphericDialogue", "2020-11-28", "2020-11-28"),
    ("HemisphericDialogue", "2021-05-26", "2021-05-26"),
    ("SocialPartnersDialogue", "2018-04-12", "2018-04-12"),
    ("SocialPartnersDialogue", "2018-06-03", "2018-06-05"),
    ("SocialPartnersDialogue", "2019-06-26", "2019-06-26"),
    ("SocialPartnersDialogue", "2020-10-29", "2020-10-29"),
    ("PreparatoryMeeting", "2019-12-05", "2019-12-05"),
    ("PreparatoryMeeting", "2021-07-28", "2021-07-30"),
    ("Webinar", "2019-03-19", "2019-03-19"),
    ("Webinar", "2018-04", "2018-04"),
    ("Course", "2021", ""),  # prepared in 2021 and "being implemented": no end date
    ("Course", "2021-07", "2021-09"),
    ("Activity", "2018", "2021"),  # 90 virtual RIAL Newsletters from 2018 - 2021
}


@pytest.mark.parametrize("activity", sorted(ANNEX_ACTIVITIES))
def test_annex_activities(store: ox.Store, activity: tuple[str, str, str]) -> None:
    """Each activity of the annex is an Activity of graph/source/003 with its printed dates."""
    kind, start, end = activity
    rows = select(store, f"""
        SELECT ?a WHERE {{ GRAPH <{G003}> {{
          ?a a iacml:{kind} ; iacml:cycle <{ID}cycle/20> ; schema:startDate ?s .
          OPTIONAL {{ ?a schema:endDate ?e }}
          FILTER(STR(?s) = "{start}" && COALESCE(STR(?e), "") = "{end}") }} }}""")
    assert len(rows) == 1, f"{kind} {start}/{end}: {len(rows)} found"


def test_working_group_meetings_have_both_groups(store: ox.Store) -> None:
    """Each Meeting of the Working Groups has a WG1 and a WG2 sub-event."""
    rows = select(store, f"""
        SELECT ?meeting ?sub WHERE {{ GRAPH <{G003}> {{
          ?meeting a iacml:WorkingGroupMeeting ; schema:subEvent ?sub }} }}""")
    subs: dict[str, set[str]] = {}
    for r in rows:
        subs.setdefault(str(r["meeting"]), set()).add(str(r["sub"]).rsplit("/", 1)[-1][:3])
    assert subs == {ID + "activity/20/wg-meetings-quito": {"wg1", "wg2"},
                    ID + "activity/20/wg-meetings-virtual": {"wg1", "wg2"}}
