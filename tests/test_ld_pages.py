"""Resource pages a person can read (issue 15 item 3).

The titles and summaries below were written by hand from the source texts in
data/sources/ (the passage each one rests on is quoted beside it), in the wording the
pages use (docs/design.md, "Titles and summaries"): never copied from the server's
output. A fact is "according to" the report transcribed into its source text (as
docs/model.md lists them: 000 the report of Working Group 2 of the XX IACML, 001 of
Working Group 2 of the XVII, 002 of Working Group 1 of the XX, 003 the General
Secretariat's report to the XXI IACML), called by its name in the reference graph.
The every-resource check of the <h1> and of the links runs in
tests/test_ld_resources.py's loop, which renders every page anyway.
"""

from __future__ import annotations

import html
import re

import pytest
from flask import Flask
from flask.testing import FlaskClient

from server.ld import labels
from server.ld.facts import facts
from server.ld.titles import Namer
from tests.pagecheck import ID, h1_text, link_problems, title_problem

_SUMMARY = re.compile(r'<p class="summary">(.*?)</p>', re.S)
_TAG = re.compile(r"<[^>]+>")

# the reports transcribed into the source texts 000, 001, 002 and 003, by their names
WG2_XX = "Report of Working Group 2 of the XX IACML, 2018-2021"
WG2_XVII = "Report of Working Group 2 of the XVII IACML, 2012-2013"
WG1_XX = "Report of Working Group 1 of the XX IACML, 2018-2021"
OAS_XXI = "Report of the General Secretariat of the OAS to the XXI IACML"

# path -> (title, summary), each from the passage quoted in the comment above it
EXPECTED = {
    # 003: 'Working Group 1: "Integrated public policies ..." - Chair: Minister of Labor of
    # Ecuador. Vice Chairs: Ministers of Labor of Brazil and Chile.'
    "cycle/20/wg/1/chair": (
        "Chair of Working Group 1 of the XX IACML: Ministry of Labor of Ecuador",
        "Held by Ministry of Labor of Ecuador (Cycle of the XX IACML), according to "
        + OAS_XXI + "."),
    "cycle/20/wg/1/vice-chair-BRA": (
        "Vice-chair of Working Group 1 of the XX IACML: Ministry of Labor of Brazil",
        "Held by Ministry of Labor of Brazil (Cycle of the XX IACML), according to "
        + OAS_XXI + "."),
    # 003: "the troika, currently comprised of the Ministries of Labor of Mexico, Barbados,
    # and Argentina"
    "cycle/20/troika/MEX": (
        "Member of Troika of the XX IACML: Ministry of Labor of Mexico",
        "Held by Ministry of Labor of Mexico (Cycle of the XX IACML), according to "
        + OAS_XXI + "."),
    # 003: "the Ministries of Labor of Barbados – Chair of the XX IACML –"
    "conference/20/chair": (
        "Chair of XX Inter-American Conference of Ministers of Labor: Ministry of Labor of "
        "Barbados",
        "Held by Ministry of Labor of Barbados (Cycle of the XX IACML), according to "
        + OAS_XXI + "."),
    # 000: "two meetings of Working Group 2, held on December 4, 2019 in Quito, Ecuador" ...
    # "experts from the following international organizations: ... the World Bank"
    "activity/20/wg2-meeting-quito/participation/world-bank": (
        "Participant in Working Group meeting, Quito, 2019-12-04: World Bank",
        "World Bank as Participant; the activity: Working Group meeting, 2019-12-04, Quito; "
        "according to " + WG2_XX + "."),
    # 000: 'a RIAL Workshop on "Strategies to Improve Compliance with Labor Legislation" was
    # held on December 6 and 7, 2018 in San José, Costa Rica' ... "co-organized by the OAS
    # and the ILO"
    "activity/20/compliance-workshop-san-jose/participation/ilo": (
        "Co-organizer of Strategies to Improve Compliance with Labor Legislation: "
        "International Labour Organization",
        "International Labour Organization as Co-organizer; the activity: Workshop, "
        "2018-12-06 – 2018-12-07, San José; according to " + WG2_XX + "."),
    # 003 (report of 13 September 2021): "achieving direct technical assistance among 30
    # Ministries of Labor in the region" (of the RIAL's bilateral cooperation)
    "cycle/20/figure/ministries-with-direct-assistance": (
        "30 Ministries of Labor in the region among which direct technical assistance was "
        "achieved",
        "30 Ministries of Labor in the region among which direct technical assistance was "
        "achieved (about Inter-American Network for Labor Administration, as of "
        "2021-09-13), according to " + OAS_XXI + "."),
    # 000 names Working Group 2 "Institutional strengthening to promote and protect
    # workers' and employer's rights and foster cooperation"; 003 "... the rights and
    # obligations of workers and employers and foster cooperation"
    "discrepancy/wg2-title/claim-000": (
        "Claim of " + WG2_XX + ": Institutional strengthening to "
        "promote and protect workers’ and employer’s rights and foster cooperation",
        WG2_XX + " says “Institutional strengthening to promote and protect workers’ "
        "and employer’s rights and foster cooperation” (a claim of the discrepancy on the "
        "title of Working Group 2 of the XX IACML)."),
    # 000 and 003: Plan of Action of Bridgetown of December 2017; 002: "approved by the XX
    # IACML in December of 2018"; 003 preferred (the Conference met in December 2017)
    "discrepancy/bridgetown-poa-date": (
        "Discrepancy on the date of document of Plan of Action of Bridgetown",
        WG2_XX + ": “2017-12”; " + WG1_XX + ": "
        "“2018-12”; " + OAS_XXI + ": “2017-12” (preferred)."),
    # 003, characters 2257-2292 of the file
    "passage/003/2257-2292": (
        "Passage of Source text 003, characters 2257–2292",
        OAS_XXI + ": “Chair: Minister of Labor of Ecuador”"),
    "passage/003/2257-2292/position": (
        "Position of the passage of Source text 003, characters 2257–2292",
        "Characters 2257–2292 of Source text 003."),
    # 003 annex: "Experts' visit from Argentina to Guatemala on Alternative Dispute
    # Resolution, November 16 – 30, 2018" (an experts' visit: Argentina provided)
    "cooperation/20/arg-gtm-alternative-dispute-resolution": (
        "Cooperation on Alternative Dispute Resolution: Argentina to Guatemala",
        "Experts' visit, Completed, 2018-11-16 – 2018-11-30, Guatemala; according to "
        + OAS_XXI + "."),
    # 003 annex: "Virtual cooperation between Honduras and Peru on Employment services,
    # November 2 – December 17, 2020 (two sessions)": no direction stated
    "cooperation/20/hnd-per-employment-services": (
        "Cooperation on Employment services between Honduras and Peru",
        "Virtual cooperation, Completed, 2020-11-02 – 2020-12-17; according to "
        + OAS_XXI + "."),
    "country/ECU": ("Ecuador",
                    "A country; its ministries in the data: Ministry of Labor of Ecuador."),
    "ministry/ECU": ("Ministry of Labor of Ecuador", "A ministry of Ecuador."),
    # 003: "the XX IACML held in Bridgetown, Barbados in December 2017"
    "conference/20": (
        "XX Inter-American Conference of Ministers of Labor",
        "Conference, 2017-12, Bridgetown; according to " + WG1_XX + "; "
        + WG2_XX + "; " + OAS_XXI + "."),
    # 001: "Trinidad and Tobago for its commitment of an annual contribution of USD $10,000
    # to the fund"
    "fund/rial-voluntary-contributions-fund/contribution/TTO": (
        "Contribution of Ministry of Labor of Trinidad and Tobago to RIAL Voluntary "
        "Contributions Fund",
        "USD 10,000 per year; according to " + WG2_XVII + "."),
    # 003: "The IACML, in coordination with the Inter-American Committee on Education
    # (CIE), has taken important steps to strengthen this intersectoral coordination"
    # (between education and employment)
    "process/iacml/partnership/cie": (
        "Partnership of Inter-American Committee on Education and Inter-American Conference "
        "of Ministers of Labor",
        "On Integration of labor, education and training policies; according to "
        + OAS_XXI + "."),
    # 000, the second item of the Working Group's mandate: "Strengthening enforcement of
    # labor legislation and regulations, and effective exercise of fundamental principles
    # and rights at work;"
    "report/wg2-2018-2021/list/mandate/2": (
        "Item 2 of “Mandated topics of the Working Group” (Report of Working Group 2 of the "
        "XX IACML, 2018-2021)",
        "Strengthening enforcement of labor legislation and regulations, and effective "
        "exercise of fundamental principles and rights at work"),
    # 000, point 13 of section III: "13. Alternative conflict resolution, especially
    # through mediation and conciliation, continues to contribute significantly ..."
    "report/wg2-2018-2021/sec_III__point_13": (
        "Consensus point 13 of " + WG2_XX,
        "Alternative conflict resolution, especially through mediation and conciliation, "
        "continues to contribute significantly to compliance with labor legislation, while "
        "at the same time it helps to decongest the judicial system. It is recognized…"),
    # 002: "two meetings of Working Group 1 that took place on December 3, 2019 in Quito,
    # Ecuador"
    "activity/20/wg1-meeting-quito": (
        "Working Group meeting, Quito, 2019-12-03",
        "Working Group meeting, 2019-12-03, Quito; according to " + WG1_XX + "."),
}


def _summary(page: str) -> str | None:
    found = _SUMMARY.findall(page)
    return html.unescape(_TAG.sub("", found[0])).strip() if found else None


@pytest.mark.parametrize("path", sorted(EXPECTED))
def test_title_and_summary_written_from_the_sources(client: FlaskClient, path: str) -> None:
    """The page's <h1> and summary equal the ones written by hand from the sources."""
    page = client.get("/en/id/" + path, headers={"Accept": "text/html"})
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    title, summary = EXPECTED[path]
    assert h1_text(text) == title
    assert _summary(text) == summary
    assert not link_problems(text)


def test_spanish_page_marks_english_names(client: FlaskClient) -> None:
    """On a Spanish page the sentence is Spanish, a name the data has in Spanish is
    Spanish (World Bank: "Banco Mundial" in the reference table), and one it has only in
    English stays English, marked lang="en" (never translated by the server)."""
    page = client.get("/es/id/activity/20/wg2-meeting-quito/participation/world-bank",
                      headers={"Accept": "text/html"}).get_data(as_text=True)
    h1 = re.search(r"<h1[^>]*>(.*?)</h1>", page, re.S)
    assert h1 is not None
    # the kind is the ontology's own term, which has its Spanish label (issue 15 item 7)
    assert h1.group(1) == ('Participante en Reunión de Grupo de Trabajo, '
                           '<span lang="en">Quito</span>, 2019-12-04: Banco Mundial')
    chair = client.get("/es/id/cycle/20/wg/1/chair",
                       headers={"Accept": "text/html"}).get_data(as_text=True)
    assert ('<h1 id="label">Presidencia de <span lang="en">Working Group 1 of the XX IACML'
            '</span>: <span lang="en">Ministry of Labor of Ecuador</span></h1>') in chair


def test_every_title_in_spanish_is_human(app: Flask) -> None:
    """Every resource's Spanish title (the English loop renders the pages): never its
    IRI or path (one in-process call per resource, about a second in all)."""
    with app.test_request_context("/", environ_base={"iacml.language": "es"}):
        namer = Namer(facts(), labels.index(), labels.preferred_languages())
        assert namer.langs[0] == "es"
        iris = sorted(i for i in {*namer.facts.out, *namer.index.types} if i.startswith(ID))
        assert len(iris) > 3000
        problems = [p for iri in iris
                    if (p := title_problem(iri, f"<h1>{namer.title(iri).text}</h1>"))]
    assert not problems, problems[:10]


def test_details_hold_the_statements(client: FlaskClient) -> None:
    """Types, reified link statements and raw predicates are under a collapsed
    "all statements"; a Ministry shows its kind once above it."""
    html_page = {"Accept": "text/html"}
    country = client.get("/en/id/country/ECU", headers=html_page).get_data(as_text=True)
    top, _, details = country.partition('<details class="all-statements">')
    assert details and "<details" not in top
    assert "owl:Axiom" not in top and "owl:Axiom" in details  # the links' provenance
    ministry = client.get("/en/id/ministry/ECU", headers=html_page).get_data(as_text=True)
    top, _, details = ministry.partition('<details class="all-statements">')
    assert top.count(">Ministry<") == 1 and ">Organization<" not in top
    assert details.count(">Organization<") >= 2
    assert "skos:prefLabel" in details and "skos:prefLabel" not in top


def _sections(page: str) -> dict[str, list[list[str]]]:
    """The gathered tables of a page: heading -> rows of cell texts (header row first)."""
    found = {}
    for block in re.findall(r'<section class="gathered">(.*?)</section>', page, re.S):
        heading = html.unescape(_TAG.sub("", re.findall(r"<h2>(.*?)</h2>", block, re.S)[0]))
        rows = [[html.unescape(_TAG.sub("", c)).strip()
                 for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
                for row in re.findall(r"<tr>(.*?)</tr>", block, re.S)]
        found[heading] = rows
    return found


def _page(client: FlaskClient, path: str) -> str:
    answer = client.get(path, headers={"Accept": "text/html"})
    assert answer.status_code == 200
    text = answer.get_data(as_text=True)
    assert not link_problems(text)
    return text


def test_country_page_gathers_its_activity(client: FlaskClient) -> None:
    """Ecuador, from 003's annex (an on-site visit from A to B: A received; an experts'
    visit from A to B: A gave): "On-site visit from Ecuador to Panama on Youth Employment,
    August 27 - 31, 2018", "Experts visit from Colombia to Ecuador on Labor Migration,
    October 16 – 17, 2019", "On-site visit from Guatemala to Ecuador on labor inclusion of
    people with disabilities" (no date); WG1 "Chair: Minister of Labor of Ecuador"; "First
    Meeting: Quito, Ecuador, December 3 and 4, 2019", "First Preparatory Meeting: Quito,
    Ecuador, December 5, 2019"."""
    found = _sections(_page(client, "/en/id/country/ECU"))
    cooperations = found["Cooperations given and received"]
    assert cooperations[0] == ["Cooperation", "Role", "Partner", "Topic", "Dates", "Status"]
    got = {(row[1], row[2], row[4]) for row in cooperations[1:]}
    assert got == {("received", "Ministry of Labor of Panama", "2018-08-27 – 2018-08-31"),
                   ("received", "Ministry of Labor of Colombia", "2019-10-16 – 2019-10-17"),
                   ("gave", "Ministry of Labor of Guatemala", "")}
    seats = found["Seats by cycle"][1:]
    assert [row[1] for row in seats] == [
        "Chair of Working Group 1 of the XX IACML: Ministry of Labor of Ecuador"]
    held = {row[1] for row in found["Meetings hosted and attended"][1:]
            if "held here" in row[2]}
    assert {"2019-12-03 – 2019-12-04", "2019-12-05"} <= held
    # 003 names Ecuador's Ministry among the troika and Working Group authorities
    assert OAS_XXI in {row[0] for row in found["Mentions per report"][1:]}


def test_discrepancy_shows_the_claims_side_by_side(client: FlaskClient) -> None:
    """The Plan of Action of Bridgetown: 000 "approved by the XX IACML in December of
    2017", 002 "in December of 2018", 003 "adopted at the XX IACML held in Bridgetown,
    Barbados in December 2017" (preferred: the Conference met in December 2017)."""
    table = _sections(_page(client, "/en/id/discrepancy/bridgetown-poa-date"))[
        "The claims side by side"]
    assert table[0] == ["", WG2_XX,
                        WG1_XX,
                        OAS_XXI]
    rows = {row[0]: row[1:] for row in table[1:]}
    assert rows["Value"] == ["2017-12", "2018-12", "2017-12"]
    assert "December of 2018" in rows["Passage"][1]
    assert "Bridgetown, Barbados in December 2017" in rows["Passage"][2]
    assert rows["Preferred"] == ["", "", "preferred"]


def test_conference_page_lists_documents_and_authorities(client: FlaskClient) -> None:
    """The XX IACML (003): the Declaration and Plan of Action of Bridgetown adopted there;
    "Barbados – Chair of the XX IACML"; the troika "Mexico, Barbados, and Argentina"; WG1
    chaired by Ecuador (vice: Brazil, Chile), WG2 by Argentina (vice: Costa Rica, Canada)."""
    found = _sections(_page(client, "/en/id/conference/20"))
    documents = {row[0] for row in found["Documents"][1:] if row[1] == "adopted at it"}
    assert documents == {"Declaration of Bridgetown", "Plan of Action of Bridgetown"}
    assert [row[0] for row in found["Working Groups"][1:]] == [
        "Working Group 1 of the XX IACML", "Working Group 2 of the XX IACML"]
    held = sorted((row[0].split(":")[0], row[1]) for row in found["Authorities"][1:])
    assert held == sorted([
        ("Chair of XX Inter-American Conference of Ministers of Labor",
         "Ministry of Labor of Barbados"),
        ("Member of Troika of the XX IACML", "Ministry of Labor of Mexico"),
        ("Member of Troika of the XX IACML", "Ministry of Labor of Barbados"),
        ("Member of Troika of the XX IACML", "Ministry of Labor of Argentina"),
        ("Chair of Working Group 1 of the XX IACML", "Ministry of Labor of Ecuador"),
        ("Vice-chair of Working Group 1 of the XX IACML", "Ministry of Labor of Brazil"),
        ("Vice-chair of Working Group 1 of the XX IACML", "Ministry of Labor of Chile"),
        ("Chair of Working Group 2 of the XX IACML", "Ministry of Labor of Argentina"),
        ("Vice-chair of Working Group 2 of the XX IACML", "Ministry of Labor of Costa Rica"),
        ("Vice-chair of Working Group 2 of the XX IACML", "Ministry of Labor of Canada")])
    assert len(found["Activities of its cycle"]) > 10


def test_topic_page_lists_activities_and_recommendations(client: FlaskClient) -> None:
    """Child labor: 003's annex "Experts visit from Argentina to Mexico on Child Labor,
    September 23 – 26, 2019" and "On-site visit from Honduras to Colombia on Child Labor,
    August 27 – 31, 2018" (Honduras received); 000's recommendation 7 "Continue the
    development of programs and strategies that address the problem of child labor"."""
    found = _sections(_page(client, "/en/id/topic/child-labor"))
    activities = {row[0] for row in found["Activities"][1:]}
    assert {"Cooperation on Child Labor: Argentina to Mexico",
            "Cooperation on Child Labor: Colombia to Honduras"} <= activities
    recommendations = {row[0]: row[1] for row in found["Recommendations"][1:]}
    assert recommendations["Recommendation 7 of Report of Working Group 2 of the XX IACML, "
                           "2018-2021"].startswith(
        "Continue the development of programs and strategies that address the problem of "
        "child labor")
    assert found["Consensus points"][1:]


def test_the_page_checks_can_fail() -> None:
    """The every-resource checks find what they look for (tests/pagecheck.py)."""
    iri = ID + "country/ECU"
    good = (f'<h1>Ecuador</h1><a href="/es/id/country/ECU"><code>{iri}</code></a>'
            f' <i title="{iri}">x</i>')
    assert title_problem(iri, good) is None and link_problems(good) == []
    assert title_problem(iri, "<h1>country/ECU</h1>") and title_problem(iri, f"<h1>{iri}</h1>")
    assert link_problems(f'<a href="{iri}">Ecuador</a>')
    assert link_problems(f"<p>{iri}</p>") and link_problems(f'<a href="/id/x">y</a> {iri}')
