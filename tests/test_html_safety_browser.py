"""Every page works under the Content-Security-Policy: Debian's chromium, driven by
Playwright, opens each HTML page of a live server and uses the interactive ones (a
query run in YASGUI, the timeline and map drawn, an entry validated through the form);
no console error and no policy violation may be reported."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import pytest
from sparql_live import ROOT, LiveServer, live_server

from tests.test_html_safety import HTML_PAGES

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
playwright = pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="chromium is not installed")
# records what the policy blocks, before any page script runs
WATCH = ("document.addEventListener('securitypolicyviolation', e => { window.__violations ="
         " (window.__violations || []).concat(e.violatedDirective + ' ' + e.blockedURI) });")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> LiveServer:
    """A live server over the build's dump."""
    return live_server(IACML_CACHE_DIR=str(tmp_path_factory.mktemp("csp-cache")))


@pytest.fixture(scope="module")
def browser(server: LiveServer) -> Iterator[tuple[object, list[str], list[str]]]:
    """A chromium page that may reach only the server; (page, console errors, blocked)."""
    errors: list[str] = []
    blocked: list[str] = []
    with playwright.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        page = chromium.new_page()
        page.add_init_script(WATCH)

        def guard(route: object) -> None:
            url = route.request.url  # type: ignore[attr-defined]
            if urlparse(url).netloc != urlparse(server.base).netloc and \
                    not url.startswith("data:"):
                blocked.append(url)
                route.abort()  # type: ignore[attr-defined]
            else:
                route.continue_()  # type: ignore[attr-defined]

        page.route("**/*", guard)
        page.on("console", lambda m: errors.append(f"{page.url}: {m.text}")
                if m.type == "error" and "404" not in m.text else None)
        page.on("pageerror", lambda exc: errors.append(f"{page.url}: {exc}"))
        yield page, errors, blocked
        chromium.close()


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
    page.goto(server.base + "/")
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
    page.locator("form button[type=submit], form input[type=submit]").first.click()
    page.wait_for_load_state("load")
    assert "conforms" in page.content().lower()
    assert _violations(page) == [] and errors == [] and blocked == []
