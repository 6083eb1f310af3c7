"""Browser test: Debian's chromium, driven by Playwright, runs an example in YASGUI.

The session's one chromium (tests/browserkit.py: ``executable_path``, never
``playwright install``; two Playwright drivers cannot run in one process). Every
request to a host other than the test server is blocked and recorded, so the test
also shows that the page works with no internet access.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest
from sparql_live import ROOT, LiveServer, dataset, graph_sizes, live_server

from tests.browserkit import open_page

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
VENDOR = ROOT / "server" / "static" / "vendor" / "yasgui" / "yasgui.min.js"
# On a developer machine a missing piece skips the test; in CI (CI=true) the
# set-up step must have installed everything, so nothing is skipped there.
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
if not IN_CI:
    pytest.importorskip("playwright.sync_api")

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


def test_yasgui_runs_an_example_query(server: LiveServer, chromium: Any) -> None:
    sizes = graph_sizes(dataset())
    with open_page(chromium, server.base) as first, open_page(chromium, server.base) as second:
        page = first.page
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
        shared = second.page
        shared.goto(link)
        shared.wait_for_selector(".yasqe .CodeMirror:visible", timeout=20000)
        assert shared.evaluate("window.iacmlYasgui.getTab().getQuery()") == query
        # a link shared when the editor was at / (issue 15 moved it to /query) still opens it
        old = server.base + "/#" + link.split("#", 1)[1]
        shared.goto(old)
        shared.wait_for_selector(".yasqe .CodeMirror:visible", timeout=20000)
        assert urlparse(shared.url).path == "/query"
        assert shared.evaluate("window.iacmlYasgui.getTab().getQuery()") == query
        assert first.errors == [] and second.errors == []
        assert first.blocked == [] and second.blocked == []
