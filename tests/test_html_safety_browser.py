"""Every page works under the Content-Security-Policy: Debian's chromium, driven by
Playwright, opens each HTML page of a live server and uses the interactive ones (a
query run in YASGUI, the timeline and map drawn, an entry validated through the form);
no console error and no policy violation may be reported."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sparql_live import ROOT, LiveServer, live_server

from tests.browserkit import needs_chromium, open_page
from tests.test_html_safety import HTML_PAGES

pytestmark = needs_chromium


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> LiveServer:
    """A live server over the build's dump."""
    return live_server(IACML_CACHE_DIR=str(tmp_path_factory.mktemp("csp-cache")))


@pytest.fixture(scope="module")
def browser(server: LiveServer, chromium: object) -> Iterator[tuple[object, list[str], list[str]]]:
    """A page that may reach only the server; (page, console errors, blocked)."""
    with open_page(chromium, server.base) as guarded:
        yield guarded.page, guarded.errors, guarded.blocked


def _violations(page: object) -> list[str]:
    return page.evaluate("window.__violations || []")  # type: ignore[attr-defined]


def test_every_page_loads_under_the_policy(server: LiveServer, browser: tuple) -> None:
    page, errors, blocked = browser
    for path in HTML_PAGES:
        page.goto(server.base + path)
        page.wait_for_load_state("load")
        assert _violations(page) == [], path
    assert errors == [] and blocked == []


def test_yasgui_runs_a_query_under_the_policy(server: LiveServer, browser: tuple) -> None:
    page, errors, blocked = browser
    page.goto(server.base + "/query")
    page.wait_for_selector(".yasqe .CodeMirror:visible", timeout=20000)
    page.locator(".yasqe_queryButton").click()
    page.wait_for_selector(".yasr .dataTable tbody tr", timeout=20000)
    assert page.locator(".yasr .dataTable tbody tr").count() > 0
    assert _violations(page) == [] and errors == [] and blocked == []


def test_timeline_and_map_are_drawn_under_the_policy(server: LiveServer,
                                                    browser: tuple) -> None:
    page, errors, blocked = browser
    for path, holder in (("/timeline", "#timeline"), ("/map", "#map")):
        page.goto(server.base + path)
        page.wait_for_selector(f"{holder}[data-ready=true] svg", timeout=20000)
        assert _violations(page) == [], path
    assert errors == [] and blocked == []


def test_the_validation_form_works_under_the_policy(server: LiveServer,
                                                   browser: tuple) -> None:
    page, errors, blocked = browser
    entry = (ROOT / "tests" / "fixtures" / "entries" / "valid-cooperation.ttl").read_text()
    page.goto(server.base + "/validate")
    page.fill("textarea[name=data]", entry)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state("load")
    assert "conforms" in page.content().lower()
    assert _violations(page) == [] and errors == [] and blocked == []
