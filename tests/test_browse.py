"""Browse lists with facets (issue 15 items 2 and 8).

The expected counts are written by hand from the source texts (data/sources/), never
read from the graph: the annex of 003 ("RIAL Bilateral Cooperation Activities" and
"Pending RIAL Bilateral Cooperation") prints 25 cooperation lines:

 1 On-site visit from Honduras to Colombia on Child Labor, August 27 – 31, 2018
 2 On-site visit from Ecuador to Panama on Youth Employment, August 27 - 31, 2018
 3 On-site visit from Barbados, Grenada, Saint Kitts and Nevis and Saint Lucia to
   Jamaica on Youth Employment, September 10 – 14, 2018
 4 Experts' visit from Barbados to Saint Vincent and the Grenadines on Occupational
   Safety and Health, September 10 – 14, 2018
 5 On-site visit from Mexico to Canada on Occupational Safety and Health, Nov 7 – 9, 2018
 6 Experts' visit from Argentina to Peru on Professional Training ..., Nov 13 – 17, 2018
 7 Experts' visit from Argentina to Guatemala on Alternative Dispute Resolution, Nov 2018
 8 On-site visit from Barbados to Panama on Labor Inspection, June 25 – 27, 2019
 9 On-site visit from Paraguay to Argentina on Trade Union Training, Aug 27 – 30, 2019
10 On-site visit from Costa Rica to Uruguay on Domestic Work, September 9 – 12, 2019
11 Experts visit from Mexico to Peru on Labor Inspection, September 10 – 11, 2019
12 Experts visit from Argentina to Mexico on Child Labor, September 23 – 26, 2019
13 Experts visit from Colombia to Ecuador on Labor Migration, October 16 – 17, 2019
14 Experts visit from El Salvador to Argentina on Alternate Dispute Resolution, Oct 2019
15 Virtual cooperation between Argentina and Canada on Pensions System, Sep-Nov 2020
16 Virtual cooperation between Honduras and Peru on Employment services, Nov-Dec 2020
17 Virtual cooperation between Peru and Chile on Trade Union Training Schools (*on-going,
   two sessions undertaken on July 14 and August 27, 2021*)
18 Virtual cooperation between Guatemala and Panama on Child labor (*on-going, ... 2021*)
19 Virtual cooperation between Panama and Argentina on Business Network Against Child
   Labor (*on-going, one session undertaken on August 19th, 2021*)
20 Virtual cooperation between Costa Rica and Peru on Good Practices on Child Labor Seal
   (*on-going, one session undertaken on August 30th, 2021*)
21 Virtual cooperation between Trinidad and Tobago and Canada on violence and harassment
   in the workplace (*on-going, one session undertaken on September 13th, 2021*)
   Pending (postponed due to the pandemic), no dates:
22 On-site visit from Guatemala to Ecuador on labor inclusion of people with disabilities
23 On-site visit from Panama to Chile on Labor Inspection in the mining sector
24 Experts visit from Barbados to Belize on Occupational Safety and Health
25 On-site visit from Bolivia to Colombia on internal management

So: child labor 5 (lines 1, 12, 18, 19, 20); on-going 5 (17-21; the summary under the
annex prints "4 virtual bilateral cooperation are still ongoing", a discrepancy the
graph records: the lines are counted here); pending 4; completed 16 ("16 RIAL bilateral
cooperation activities were undertaken between 2018 and 2021"); on-site visits 10
(1, 2, 3, 5, 8, 9, 10, 22, 23, 25), experts' visits 8 (4, 6, 7, 11, 12, 13, 14, 24),
virtual 7 (15-21); by year of the first day 2018: 7 (1-7), 2019: 7 (8-14), 2020: 2,
2021: 5; Argentina takes part in 7 (6, 7, 9, 12, 14, 15, 19), Peru in 5 (6, 11, 16,
17, 20), Panama in 5 (2, 8, 18, 19, 23); on child labor and on-going 3 (18, 19, 20).
"""

from __future__ import annotations

import csv
import io
import re
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from flask.testing import FlaskClient

COOPERATIONS = "/browse/cooperations"


def _facet(data: dict[str, Any], name: str) -> dict[str, int]:
    facet = next(f for f in data["facets"] if f["name"] == name)
    return {v["key"]: v["count"] for v in facet["values"]}


def _json(client: FlaskClient, url: str) -> dict[str, Any]:
    response = client.get(url)
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    data = response.get_json()
    assert isinstance(data, dict)
    return data


# ---- acceptance: facet counts equal the numbers read from the sources -----------------

def test_cooperation_facets_equal_the_annex_of_003(client: FlaskClient) -> None:
    data = _json(client, COOPERATIONS + ".json")
    assert data["total"] == 25
    assert _facet(data, "status") == {"Completed": 16, "Ongoing": 5, "Pending": 4}
    assert _facet(data, "topic")["topic/child-labor"] == 5
    assert _facet(data, "modality") == {"OnSiteVisit": 10, "ExpertsVisit": 8,
                                        "VirtualCooperation": 7}
    assert _facet(data, "year") == {"2018": 7, "2019": 7, "2020": 2, "2021": 5}
    countries = _facet(data, "country")
    assert (countries["country/ARG"], countries["country/PER"],
            countries["country/PAN"]) == (7, 5, 5)
    assert _facet(data, "source") == {"source/003": 25}
    # 003 is the report to the "TWENTY-FIRST INTER-AMERICAN CONFERENCE OF MINISTERS OF
    # LABOR (IACML)": the facet names the report, not the file
    source = next(f for f in data["facets"] if f["name"] == "source")["values"][0]
    assert "XXI IACML" in source["label"], source


def test_filters_combine(client: FlaskClient) -> None:
    data = _json(client, COOPERATIONS + ".json?topic=topic/child-labor&status=Ongoing")
    assert data["total"] == 3  # lines 18, 19, 20
    assert _facet(data, "status") == {"Ongoing": 3}
    child = _json(client, COOPERATIONS + ".json?topic=topic/child-labor&size=10")
    assert child["total"] == 5
    # both parties of lines 1, 12, 18, 19, 20
    assert _facet(child, "country") == {
        "country/ARG": 2, "country/PAN": 2, "country/COL": 1, "country/HND": 1,
        "country/MEX": 1, "country/GTM": 1, "country/CRI": 1, "country/PER": 1}
    assert _facet(child, "year") == {"2018": 1, "2019": 1, "2021": 3}


def test_activity_types_of_the_annex(client: FlaskClient) -> None:
    """Only 003 names these: "Virtual Meetings of the Authorities of the XX IACML" on
    four dates, a "First" and a "Second Preparatory Meeting", and four "Dialogues of
    Workers and Private Sector" (8th Summit, XLVIII, XLIX and L OAS General Assembly)."""
    types = _facet(_json(client, "/browse/activities.json"), "type")
    assert types["AuthoritiesMeeting"] == 4
    assert types["PreparatoryMeeting"] == 2
    assert types["SocialPartnersDialogue"] == 4
    assert types["BilateralCooperation"] == 25


# ---- twins, paging, sorting, the query ---------------------------------------------

def test_json_csv_and_html_show_the_same_rows(client: FlaskClient) -> None:
    url = COOPERATIONS + "?topic=topic/child-labor&sort=-date"
    data = _json(client, url.replace(COOPERATIONS, COOPERATIONS + ".json"))
    iris = [r["iri"] for r in data["rows"]]
    table = list(csv.DictReader(io.StringIO(
        client.get(url.replace(COOPERATIONS, COOPERATIONS + ".csv")).get_data(as_text=True))))
    assert [r["iri"] for r in table] == iris
    assert {r["topic"] for r in table} == {"Child labor"}
    html = client.get(url, headers={"Accept": "text/html"}).get_data(as_text=True)
    local = [iri.split("/iacml/", 1)[1] for iri in iris]
    assert all(f'href="/{path}"' in html or f'/{path}"' in html for path in local)
    by_accept = client.get(url, headers={"Accept": "application/json"})
    assert by_accept.mimetype == "application/json"
    by_format = client.get(url + "&format=csv")
    assert by_format.mimetype == "text/csv"
    dates = [r["date"] for r in data["rows"]]
    assert dates == sorted(dates, reverse=True) and dates[0].startswith("2021-08-30")


def test_pages_cover_the_list_once(client: FlaskClient) -> None:
    seen: list[str] = []
    for page in (1, 2, 3):
        data = _json(client, f"{COOPERATIONS}.json?size=10&page={page}&sort=label")
        assert data["pages"] == 3
        seen += [r["iri"] for r in data["rows"]]
    assert len(seen) == len(set(seen)) == 25
    assert [r["label"].casefold() for r in _json(
        client, COOPERATIONS + ".json?size=25&sort=label")["rows"]] == sorted(
        r["label"].casefold() for r in _json(client, COOPERATIONS + ".json?size=25")["rows"])
    response = client.get(f"{COOPERATIONS}?size=10&page=4")
    assert response.status_code == 404
    assert "past the end" in response.get_data(as_text=True)


def test_the_query_behind_the_list_opens_in_the_editor_and_answers(
        client: FlaskClient) -> None:
    html = client.get(COOPERATIONS + "?topic=topic/child-labor").get_data(as_text=True)
    link = re.search(r'<a href="([^"]+)">Open this query in the query editor', html)
    assert link, "no editor link"
    target = urlsplit(link.group(1).replace("&amp;", "&"))
    assert target.path == "/query"  # the editor (its share links: ?query=)
    query = parse_qs(target.query)["query"][0]
    assert "FILTER EXISTS" in query
    answer = client.get("/sparql", query_string={"query": query},
                        headers={"Accept": "application/sparql-results+json"}).get_json()
    assert len({b["item"]["value"] for b in answer["results"]["bindings"]}) == 5


def test_browse_index_and_every_list_answer(client: FlaskClient) -> None:
    html = client.get("/browse").get_data(as_text=True)
    assert 'href="/browse/cooperations"' in html
    for kind in ("cooperations", "activities", "conferences", "working-groups",
                 "organizations", "countries", "topics", "documents"):
        response = client.get(f"/browse/{kind}")
        assert response.status_code == 200, kind
        assert "<h1>" in response.get_data(as_text=True)
        assert 'class="browse-table"' in response.get_data(as_text=True)


def test_every_facet_value_the_lists_offer_is_accepted(client: FlaskClient) -> None:
    """What a facet links to always parses (a ``--04`` month-only date, an IRI outside
    the project would make a link that answers 400), and the links of the cooperations'
    facets answer with the count the facet showed."""
    from werkzeug.datastructures import MultiDict

    from server.browse import kinds, listargs

    for kind in kinds.KINDS:
        data = _json(client, f"/browse/{kind.name}.json")
        for facet in data["facets"]:
            for value in facet["values"]:
                with client.application.test_request_context():
                    parsed = listargs.parse(kind, MultiDict({facet["name"]: value["key"]}))
                assert parsed.filters == {facet["name"]: value["key"]}
    for facet in _json(client, COOPERATIONS + ".json")["facets"]:
        value = facet["values"][-1]
        narrowed = _json(client, f"{COOPERATIONS}.json?{facet['name']}={value['key']}")
        assert narrowed["total"] == value["count"], (facet["name"], value["key"])


def test_spanish_page_uses_spanish_labels_and_marks_english_names(
        client: FlaskClient) -> None:
    html = client.get("/es" + COOPERATIONS + "?topic=topic/child-labor").get_data(
        as_text=True)
    assert '<html lang="es">' in html
    assert "<h1>Cooperaciones bilaterales</h1>" in html
    assert "trabajo infantil" in html  # the topic's skos:prefLabel@es
    assert 'href="/es/browse/cooperations' in html
    # a Ministry's name has no Spanish in any source or reference table: shown in English,
    # marked as such
    ministries = client.get("/es/browse/organizations?type=Ministry&size=50").get_data(
        as_text=True)
    assert re.search(r'<a href="[^"]*/id/ministry/PER"><span lang="en">Ministry of Labor of '
                     r'Peru</span></a>', ministries)


# ---- item 8: bad parameters are normal input ---------------------------------------

BAD = [
    ("?bogus=1", 400, "no facet or parameter “bogus”"),
    ("?topic=topic/child-labor&topic=topic/youth-employment", 400, "once"),
    ("?topic=%3Cscript%3Ealert(1)%3C/script%3E", 400, "is not a value of the facet topic"),
    ("?year=20x9", 400, "a year of four digits"),
    ("?year=1850", 404, "choose one of the values the facet lists"),
    ("?topic=topic/no-such-topic", 404, "choose one of the values the facet lists"),
    ("?page=0", 400, "from 1 to 10000"),
    ("?page=abc", 400, "whole number"),
    ("?page=" + "9" * 400, 400, "whole number"),
    ("?page=10001", 400, "from 1 to 10000"),
    ("?page=%C2%B2", 400, "whole number"),  # "²": a digit to str.isdigit, not to int()
    ("?topic=%FF%FE", 400, "is not a value of the facet topic"),
    ("?topic=topic/child-labor%0AX-Injected:%201", 400, "is not a value of the facet topic"),
    ("?" + "x" * 5000 + "=1", 400, "no facet or parameter"),
    ("?page=99", 404, "past the end"),
    ("?size=201", 400, "from 1 to 200"),
    ("?sort=price", 400, "cannot be sorted"),
]


@pytest.mark.parametrize(("query", "status", "says"), BAD)
def test_bad_parameters_get_a_page_saying_what_was_wrong(
        client: FlaskClient, query: str, status: int, says: str) -> None:
    response = client.get(COOPERATIONS + query, headers={"Accept": "text/html"})
    body = response.get_data(as_text=True)
    assert response.status_code == status, body[:300]
    assert response.mimetype == "text/html"
    assert says in body
    assert 'href="/browse"' in body and "<nav" in body  # the navigation
    assert "<script>" not in body


def test_bad_parameters_on_the_json_twin_get_json(client: FlaskClient) -> None:
    response = client.get(COOPERATIONS + ".json?page=99")
    assert response.status_code == 404
    assert "past the end" in response.get_json()["error"]


@pytest.mark.parametrize(("path", "status"), [
    ("/browse/no-such-list", 404), ("/browse/cooperations.xml", 404),
    ("/fr/browse/cooperations", 404)])
def test_unknown_lists_formats_and_languages(client: FlaskClient, path: str,
                                             status: int) -> None:
    assert client.get(path).status_code == status


def test_a_capped_list_says_so(client: FlaskClient, monkeypatch: pytest.MonkeyPatch) -> None:
    from server.browse import listing

    monkeypatch.setattr(listing, "MAX_ITEMS", 10)
    data = _json(client, COOPERATIONS + ".json?size=200")
    assert data["capped"] is True and data["total"] == 10
