"""Browser tests of the linked-data pages (issue 8): Debian's chromium driven by
Playwright (``executable_path=/usr/bin/chromium``, never ``playwright install``).

Every request to another host than the test server is blocked and recorded, so
the pages are shown to work with no internet access (the map has no tiles).
Expected values come from the dump (``store``) and the reference tables.
"""

from __future__ import annotations

import csv
import json
import urllib.parse
import urllib.request
from collections.abc import Iterator
from itertools import pairwise

import pyoxigraph as ox
import pytest
from sparql_live import ROOT, LiveServer, live_server

from tests.browserkit import axe_violations, needs_chromium, open_page
from tests.recon_schemas import check

pytestmark = needs_chromium
IACML = "https://w3id.org/iacml/ontology#"
XSD = "http://www.w3.org/2001/XMLSchema#"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> LiveServer:
    """The app served by gunicorn over the build's dump."""
    return live_server(IACML_CACHE_DIR=str(tmp_path_factory.mktemp("ld-browser-cache")))


@pytest.fixture(scope="module")
def browser_page(server: LiveServer, chromium: object,
                 ) -> Iterator[tuple[object, list[str], list[str]]]:
    """A page that may only reach the test server; (page, blocked, script errors)."""
    with open_page(chromium, server.base) as guarded:
        yield guarded.page, guarded.blocked, guarded.errors


def select(store: ox.Store, query: str) -> list[dict[str, object]]:
    solutions = store.query(query)
    names = [v.value for v in solutions.variables]  # type: ignore[union-attr]
    return [{n: s[n] for n in names} for s in solutions]


def wikidata_of(iso3: str) -> str:
    """The country's Wikidata entity, from the checked reference table."""
    with (ROOT / "data" / "reference" / "countries.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["iso_alpha3"] == iso3:
                return "http://www.wikidata.org/entity/" + row["wikidata_qid"]
    raise KeyError(iso3)


def test_cooperation_to_ministry_to_country(server: LiveServer, browser_page: tuple,
                                            store: ox.Store) -> None:
    page, blocked, errors = browser_page
    rows = select(store, f"""SELECT ?coop ?ministry ?country WHERE {{
        ?coop a <{IACML}BilateralCooperation> ; <{IACML}provider> ?ministry .
        ?ministry <{IACML}ministryOf> ?country }} ORDER BY ?coop ?ministry LIMIT 1""")
    assert rows, "no cooperation with a provider"
    coop, ministry, country = (rows[0][k].value for k in ("coop", "ministry", "country"))  # type: ignore[union-attr]
    local = lambda iri: "/" + iri[len("https://w3id.org/iacml/"):]  # noqa: E731
    page.goto(server.base + local(coop))
    provider_row = page.locator("table.properties tr", has=page.locator(
        'a[href="/ontology#provider"]'))
    provider_row.locator(f'a[href="{local(ministry)}"]').first.click()
    page.wait_for_url(server.base + local(ministry))
    page.locator("table.properties tr", has=page.locator('a[href="/ontology#ministryOf"]')) \
        .locator(f'a[href="{local(country)}"]').first.click()
    page.wait_for_url(server.base + local(country))
    wikidata = wikidata_of(country.rsplit("/", 1)[1])
    assert page.locator(f'a[href="{wikidata}"]').count() >= 1
    assert not errors and not blocked


BOXES = """sel => [...document.querySelectorAll(sel)].map(e => {
    const b = e.getBoundingClientRect();
    return {x: b.x, y: b.y, w: b.width, h: b.height, text: e.textContent}; })"""


def overlapping(boxes: list[dict[str, float]], others: list[dict[str, float]]) -> list[str]:
    """Pairs of boxes (a label and a label, or a label and a marker) that overlap."""
    found = []
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:] + others:
            if a["x"] < b["x"] + b["w"] and b["x"] < a["x"] + a["w"] and \
                    a["y"] < b["y"] + b["h"] and b["y"] < a["y"] + a["h"]:
                found.append(f"{a['text']} / {b['text']}")
    return found


def test_map(server: LiveServer, browser_page: tuple, store: ox.Store) -> None:
    """The map (issue 15 item 5): a marker per place of an activity, sized by its number of
    activities; an outline per country with activities that opens its page; labels that
    never overlap each other or a marker; nothing fetched from elsewhere; axe-core finds
    no serious or critical violation."""
    page, blocked, errors = browser_page
    places = select(store, f"""SELECT ?place (COUNT(DISTINCT ?a) AS ?n) WHERE {{
        ?a a <{IACML}Activity> ; <https://schema.org/location> ?place .
        ?place a ?kind FILTER(?kind IN (<{IACML}City>, <{IACML}Country>)) }} GROUP BY ?place""")
    countries = select(store, f"""SELECT DISTINCT ?country WHERE {{
        ?a a <{IACML}Activity> ; <https://schema.org/location> ?place .
        ?place <https://schema.org/containedInPlace>* ?country .
        ?country a <{IACML}Country> }}""")
    page.goto(server.base + "/map")
    page.wait_for_selector("#map[data-ready=true]", timeout=20000)
    markers = page.evaluate("""() => [...document.querySelectorAll('svg .map-marker')].map(
        m => [m.dataset.iri, +m.querySelector('circle').getAttribute('r')])""")
    counts = {r["place"].value: int(r["n"].value) for r in places}  # type: ignore[union-attr]
    assert len(markers) == len(places) > 0
    radius = dict(markers)
    assert set(radius) == set(counts)
    for one, other in pairwise(sorted(counts, key=counts.__getitem__)):
        assert (radius[one] < radius[other]) == (counts[one] < counts[other]), (one, other)
    shapes = page.locator("svg a.country-link")
    linked = dict(page.evaluate("""() => [...document.querySelectorAll('svg a.country-link')]
        .map(a => [a.dataset.iri, a.getAttribute('href')])"""))
    assert set(linked) == {r["country"].value for r in countries}  # type: ignore[union-attr]
    for iri, link in linked.items():
        assert link and link.endswith("/id/country/" + iri.rsplit("/", 1)[1])
    labels = page.evaluate(BOXES, "svg .map-label")
    assert len(labels) >= len(places) // 2, "most places are labelled on the map"
    circles = page.evaluate(BOXES, "svg .map-marker circle")
    assert overlapping(labels, circles) == []
    assert axe_violations(page) == []
    # a country's outline opens its page, from the keyboard as with a mouse
    target = shapes.first.get_attribute("href")
    shapes.first.focus()
    page.keyboard.press("Enter")
    page.wait_for_url(f"**{target}", wait_until="commit")
    assert not errors and not blocked


def test_timeline(server: LiveServer, browser_page: tuple, store: ox.Store) -> None:
    """The timeline: one bar per dated activity; every label inside the picture (long
    ones wrap); a cycle filter keeps that cycle's activities; a filter that matches
    nothing says so and offers to show all again; axe-core finds nothing serious."""
    page, blocked, errors = browser_page
    dated = select(store, f"""SELECT DISTINCT ?a WHERE {{
        ?a a <{IACML}Activity> ; <https://schema.org/startDate> ?d
        FILTER(DATATYPE(?d) IN (<{XSD}date>, <{XSD}gYearMonth>, <{XSD}gYear>)) }}""")
    page.goto(server.base + "/timeline")
    page.wait_for_selector("#timeline[data-ready=true]", timeout=20000)
    items = page.locator("svg .timeline-item")
    assert items.count() == len(dated) > 0
    width = page.evaluate("document.querySelector('#timeline svg').getBoundingClientRect().right")
    left = page.evaluate("document.querySelector('#timeline svg').getBoundingClientRect().left")
    texts = page.evaluate(BOXES, "#timeline svg .timeline-item text")
    assert [t["text"] for t in texts if t["x"] < left or t["x"] + t["w"] > width + 0.5] == []
    assert axe_violations(page) == []
    cycle = select(store, f"""SELECT (COUNT(DISTINCT ?a) AS ?n) WHERE {{
        ?a a <{IACML}Activity> ; <https://schema.org/startDate> ?d ;
           <{IACML}cycle> <https://w3id.org/iacml/id/cycle/20>
        FILTER(DATATYPE(?d) IN (<{XSD}date>, <{XSD}gYearMonth>, <{XSD}gYear>)) }}""")
    page.select_option("#filter-cycle", "https://w3id.org/iacml/id/cycle/20")
    visible = page.locator("svg .timeline-item:visible").count()
    assert visible == int(cycle[0]["n"].value) > 0  # type: ignore[union-attr]
    assert page.locator("#timeline-empty").is_hidden()
    # a pair that matches nothing: the XVII cycle's dated activities (2012-2013) have no
    # Brazilian party, participant or place (the empty state is what is tested here)
    page.select_option("#filter-cycle", "https://w3id.org/iacml/id/cycle/17")
    page.select_option("#filter-country", "https://w3id.org/iacml/id/country/BRA")
    assert page.locator("svg .timeline-item").count() == 0
    assert page.locator("#timeline-list li:visible").count() == 0
    assert page.locator("#timeline-empty").is_visible()
    page.click("#timeline-reset")
    assert page.locator("svg .timeline-item").count() == len(dated)
    assert not errors and not blocked


def test_reconcile_page_form(server: LiveServer, browser_page: tuple) -> None:
    """/reconcile in a browser: the page for people, its form tried with a name written
    as people do; the answer links to the country's page. No script error, nothing
    fetched from elsewhere (the page runs under the site's CSP)."""
    page, blocked, errors = browser_page
    page.goto(server.base + "/reconcile")
    assert "OpenRefine" in page.inner_text("main")
    assert page.inner_text("code.service-url") == server.base + "/reconcile"
    page.fill("#reconcile-name", "Saint Kitts & Nevis")
    page.select_option("#reconcile-type", "Country")
    page.click("form.search-box button[type=submit]")
    page.wait_for_selector("table.reconcile-results")
    first = page.locator("table.reconcile-results tbody tr").first
    assert first.locator("a").get_attribute("href") == "/id/country/KNA"
    assert first.locator("td").nth(3).inner_text() == "yes"
    first.locator("a").click()
    page.wait_for_load_state()
    assert "Saint Kitts and Nevis" in page.title()
    assert not errors and not blocked


def test_reconcile_over_http_through_the_front(server: LiveServer) -> None:
    """A batch POSTed as a form through the production front (nginx + granian), as
    OpenRefine sends it: a valid result batch, with the CORS header browser clients need."""
    body = urllib.parse.urlencode({"queries": json.dumps(
        {"q0": {"query": "Trinidad & Tobago"}, "q1": {"query": "CEATAL"}})}).encode()
    request = urllib.request.Request(server.base + "/reconcile", data=body, headers={
        "Content-Type": "application/x-www-form-urlencoded", "Origin": "http://127.0.0.1:3333"})
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.headers["Access-Control-Allow-Origin"] == "*"
        answer = json.load(response)
    check("reconciliation-result-batch", answer)
    assert [answer[k]["result"][0]["id"] for k in ("q0", "q1")] == ["country/TTO", "org/ceatal"]



@pytest.mark.parametrize("path", ["/en/id/country/ECU",
                                  "/en/id/cooperation/20/arg-gtm-alternative-dispute-resolution",
                                  "/es/id/discrepancy/bridgetown-poa-date"])
def test_resource_pages_pass_axe(server: LiveServer, browser_page: tuple, path: str) -> None:
    """A Country, a cooperation and a Discrepancy (issue 15 items 3 and 10): axe-core
    finds no serious or critical WCAG 2.1 A/AA violation, "all statements" open or not."""
    page, blocked, errors = browser_page
    page.goto(server.base + path)
    page.locator("details.all-statements > summary").click()  # all of the page shown
    assert axe_violations(page) == []
    assert not errors and not blocked
