"""User stories in a browser (issue 15 item 11): a person who does not write SPARQL starts
on the landing page and finds answers by following links (and typing a name in the search
box). The expected answers are written from the source texts (data/sources/), quoted in
each test; links are found by where they go, so better titles do not break the stories.

Debian's chromium, the session's one browser (tests/browserkit.py); every request to
another host is refused and recorded."""

from __future__ import annotations

import re
from typing import Any

import pytest
from sparql_live import LiveServer, live_server

from tests.browserkit import GuardedPage, needs_chromium

pytestmark = needs_chromium


@pytest.fixture(scope="module")
def server() -> LiveServer:
    """The default server (shared with the other modules that use it)."""
    return live_server()


def follow(page: Any, href_end: str) -> None:
    """Click the first link whose address ends with ``href_end`` (opening the collapsed
    section that holds it, if it is in one, as a reader would) and wait for the page."""
    anchor = f'a[href$="{href_end}"]'
    selector = "main " + anchor
    if not page.locator(selector + ":visible").count():
        page.locator(f"main details:has({anchor}) > summary").first.click()
    link = page.locator(selector + ":visible").first
    target = link.get_attribute("href")
    link.click()
    page.wait_for_url(re.compile(re.escape(target.split("?")[0]) + r"(\?.*)?$"))


def test_which_ministries_received_cooperation_on_child_labor(server: LiveServer,
                                                              guarded: GuardedPage) -> None:
    """Landing page -> Bilateral cooperations -> the topic facet "Child labor": who gave,
    who received, when. From the annex of report 003 ("RIAL Bilateral Cooperation
    Activities"): "On-site visit from Honduras to Colombia on Child Labor, August 27 - 31,
    2018" (Colombia gave: "the Colombian Ministry of Labor shared its intervention model
    for preventing and eradicating child labor in the coffee sector with Honduras");
    "Experts visit from Argentina to Mexico on Child Labor, September 23 - 26, 2019"
    ("inspectors from Mexico's Ministry of Labor received training from Argentina's
    Ministry of Labor"); three virtual cooperations of 2021 name two countries without a
    direction: Guatemala and Panama, Panama and Argentina (Business Network Against Child
    Labor), Costa Rica and Peru (Child Labor Seal)."""
    page = guarded.page
    page.goto(server.base + "/en/")
    follow(page, "/browse/cooperations")
    page.locator(".browse-facets a", has_text=re.compile(r"^\s*Child labor\s*$")).first.click()
    page.wait_for_url(re.compile(r"topic="))
    headers = [h.strip() for h in page.locator("table.browse-table thead th").all_inner_texts()]
    rows = [dict(zip(headers, (c.strip() for c in row.locator("td").all_inner_texts()),
                     strict=True))
            for row in page.locator("table.browse-table tbody tr").all()]
    pairs = {(r["From (provider)"], r["To (recipient)"], r["Date"][:10]) for r in rows}
    assert ("Colombia", "Honduras", "2018-08-27") in pairs
    assert ("Argentina", "Mexico", "2019-09-23") in pairs
    in_the_annex = [{"Colombia", "Honduras"}, {"Argentina", "Mexico"}, {"Guatemala", "Panama"},
                    {"Panama", "Argentina"}, {"Costa Rica", "Peru"}]
    for row in rows:
        named = {row["From (provider)"], row["To (recipient)"]} - {""}
        assert any(named <= pair for pair in in_the_annex), row
        assert row["Topic"] == "Child labor"
    assert not guarded.errors and not guarded.blocked


def test_who_chaired_working_group_1_of_the_xx_iacml(server: LiveServer,
                                                     guarded: GuardedPage) -> None:
    """Landing page -> Working Groups -> Working Group 1 of the XX IACML -> its chair.
    Report 003: 'Working Group 1: "Integrated public policies for productive employment
    and decent work with social inclusion" - Chair: Minister of Labor of Ecuador. Vice
    Chairs: Ministers of Labor of Brazil and Chile.' (the XX IACML's Working Groups)."""
    page = guarded.page
    page.goto(server.base + "/en/")
    follow(page, "/browse/working-groups")
    row = page.locator("table.browse-table tbody tr",
                       has=page.locator('a[href$="/id/cycle/20/wg/1"]'))
    assert "Ecuador" in row.inner_text()
    follow(page, "/id/cycle/20/wg/1")
    follow(page, "/id/cycle/20/wg/1/chair")
    title = page.inner_text("h1")
    assert "Working Group 1" in title and "XX IACML" in title and "Ecuador" in title
    assert "Chair: Minister of Labor of Ecuador" in page.inner_text("main")
    assert not guarded.errors and not guarded.blocked


def test_read_both_claims_of_a_discrepancy(server: LiveServer, guarded: GuardedPage) -> None:
    """Landing page -> search "Plan of Action of Bridgetown" -> the Plan -> the discrepancy
    on its date: two reports disagree. Report 000 opens "The Plan of Action of Bridgetown,
    approved by the XX IACML in December of 2017", report 002 "The Plan of Action of
    Bridgetown, approved by the XX IACML in December of 2018"; report 003 says "adopted at
    the XX IACML held in Bridgetown, Barbados in December 2017"."""
    page = guarded.page
    page.goto(server.base + "/en/")
    page.fill("#home-q", "Plan of Action of Bridgetown")
    page.press("#home-q", "Enter")
    page.wait_for_url(re.compile(r"/search\?"))
    follow(page, "/id/conference/20/plan-of-action")
    follow(page, "/id/discrepancy/bridgetown-poa-date")
    main = page.inner_text("main")
    assert "approved by the XX IACML in December of 2017" in main
    assert "approved by the XX IACML in December of 2018" in main
    assert "in December 2017" in main  # 003, the preferred claim
    for report in ("000", "002", "003"):
        assert page.locator(f'main a[href$="/id/source/{report}"]').count() >= 1
    assert not guarded.errors and not guarded.blocked
