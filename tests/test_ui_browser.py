"""Browser test: Debian's chromium, driven by Playwright, runs an example in YASGUI.

Uses ``executable_path=/usr/bin/chromium`` (never ``playwright install``).  Every
request to a host other than the test server is blocked and recorded, so the
test also shows that the page works with no internet access.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from urllib.parse import urlparse

import pytest
from sparql_live import ROOT, LiveServer, dataset, graph_sizes, live_server

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
VENDOR = ROOT / "server" / "static" / "vendor" / "yasgui" / "yasgui.min.js"
# On a developer machine a missing piece skips the test; in CI (CI=true) the
# set-up step must have installed everything, so nothing is skipped there.
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
if not IN_CI:
    pytest.importorskip("playwright.sync_api")
from playwright import sync_api as playwright  # noqa: E402

pytestmark = [
    pytest.mark.skipif(not IN_CI and not Path(CHROMIUM).exists(),
                       reason="chromium is not installed"),
    pytest.mark.skipif(not IN_CI and not VENDOR.exists(),
                       reason="YASGUI not installed (npm ci; npm run vendor)"),
]


@pytest.fixture(scope="module")
def server() -> LiveServer:
    """The default server."""
    return live_server()


def test_yasgui_runs_an_example_query(server: LiveServer) -> None:
    sizes = graph_sizes(dataset())
    outside: list[str] = []
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True,
                                    args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page()

        def guard(route: object) -> None:
            url = route.request.url  # type: ignore[attr-defined]
            if urlparse(url).netloc != urlparse(server.base).netloc and \
                    not url.startswith("data:"):
                outside.append(url)
                route.abort()  # type: ignore[attr-defined]
            else:
                route.continue_()  # type: ignore[attr-defined]

        page.route("**/*", guard)
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto(server.base + "/query")
        page.wait_for_selector(".yasqe .CodeMirror:visible", timeout=20000)
        tabs = page.locator(".tabsList .tab")
        assert tabs.count() >= 1
        assert "Named graphs" in page.locator(".tabsList .tab.active").inner_text()
        assert "GRAPH ?graph" in page.evaluate("window.iacmlYasgui.getTab().getQuery()")
        page.locator(".yasqe_queryButton").click()
        page.wait_for_selector(".yasr .dataTable tbody tr", timeout=20000)
        table = page.locator(".yasr .dataTable").inner_text()
        assert page.locator(".yasr .dataTable tbody tr").count() == len(sizes)
        for graph in sizes:  # YASR may abbreviate with the query's prefixes
            assert graph.rstrip("/").rsplit("/", 1)[-1] in table
        # the share button gives a link that opens the same query in its own tab
        query = page.evaluate("window.iacmlYasgui.getTab().getQuery()")
        page.locator(".yasqe_share:visible").click()
        link = page.locator(".yasqe_sharePopup input:visible").input_value()
        assert link.startswith(server.base + "/query#query=")
        shared = browser.new_page()
        shared.route("**/*", guard)
        shared.goto(link)
        shared.wait_for_selector(".yasqe .CodeMirror:visible", timeout=20000)
        assert shared.evaluate("window.iacmlYasgui.getTab().getQuery()") == query
        # a link shared when the editor was at / (issue 15 moved it to /query) still opens it
        old = server.base + "/#" + link.split("#", 1)[1]
        shared.goto(old)
        shared.wait_for_selector(".yasqe .CodeMirror:visible", timeout=20000)
        assert urlparse(shared.url).path == "/query"
        assert shared.evaluate("window.iacmlYasgui.getTab().getQuery()") == query
        browser.close()
    assert errors == []
    assert outside == []
