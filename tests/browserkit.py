"""The browser tests' kit: one Debian chromium per test session, driven by Playwright
(``executable_path``, never ``playwright install``), pages that may reach only the server
under test, and axe-core's accessibility check (WCAG 2.1 A and AA).

Use the session fixture ``chromium`` (imported by ``tests/conftest.py``) and open pages
with :func:`open_page`; a module needing a live server starts its own (``sparql_live``)
as its ``server`` fixture, and may then ask for ``guarded``: one page for the module.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
#: axe-core from the npm registry (package.json), installed by `make`.
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
#: records what the Content-Security-Policy blocks, before any page script runs
WATCH_POLICY = ("document.addEventListener('securitypolicyviolation', e => {"
                " window.__violations = (window.__violations || [])"
                ".concat(e.violatedDirective + ' ' + e.blockedURI) });")


def chromium_available() -> bool:
    """Whether Debian's chromium and Playwright are installed."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return False
    return Path(CHROMIUM).exists()


needs_chromium = pytest.mark.skipif(not chromium_available(),
                                    reason="chromium or playwright is not installed")


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    """One headless chromium for the whole session (each module opens its own pages)."""
    if not chromium_available():
        pytest.skip("chromium or playwright is not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield browser
        browser.close()


@dataclass
class GuardedPage:
    """A page that may reach only one server, with what it tried elsewhere and its errors."""

    page: Any
    blocked: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


@contextmanager
def open_page(browser: Any, base: str, width: int = 1400, height: int = 1000,
              **context_options: Any) -> Iterator[GuardedPage]:
    """A fresh page (own cookies and storage) that may reach only ``base``: every other
    request is aborted and recorded, as are script errors and console errors."""
    context = browser.new_context(viewport={"width": width, "height": height},
                                  **context_options)
    page = context.new_page()
    page.add_init_script(WATCH_POLICY)
    guarded = GuardedPage(page)
    allowed = urlparse(base).netloc

    def guard(route: Any) -> None:
        url = route.request.url
        if urlparse(url).netloc != allowed and not url.startswith("data:"):
            guarded.blocked.append(url)
            route.abort()
        else:
            route.continue_()

    page.route("**/*", guard)
    page.on("pageerror", lambda exc: guarded.errors.append(f"{page.url}: {exc}"))
    page.on("console", lambda m: guarded.errors.append(f"{page.url}: {m.text}")
            if m.type == "error" and "404" not in m.text else None)
    try:
        yield guarded
    finally:
        context.close()


def axe_violations(page: Any, impacts: tuple[str, ...] = ("serious", "critical"),
                   ) -> list[str]:
    """axe-core's WCAG 2.1 A/AA violations of the page as it is now, of these impacts,
    one line each (rule, impact, how many nodes, the first node's selector).

    The script is evaluated through the DevTools protocol, which the page's
    Content-Security-Policy does not apply to (a ``<script>`` tag would be refused)."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate(
        "opts => axe.run(document, opts).then(r => r.violations.map(v => ({id: v.id,"
        " impact: v.impact, nodes: v.nodes.map(n => n.target.join(' '))})))",
        {"runOnly": {"type": "tag", "values": WCAG_21_AA}, "resultTypes": ["violations"]})
    return [f"{v['id']} ({v['impact']}) x{len(v['nodes'])}: {v['nodes'][0]}"
            for v in result if v["impact"] in impacts]


def scrolls_sideways(page: Any) -> bool:
    """Whether the page is wider than its viewport (WCAG 1.4.10 reflow fails)."""
    return bool(page.evaluate(
        "() => document.documentElement.scrollWidth > document.documentElement.clientWidth"))


@pytest.fixture(scope="module")
def guarded(server: Any, chromium: Any) -> Iterator[GuardedPage]:
    """One page for the module, reaching only the module's ``server`` (a LiveServer)."""
    with open_page(chromium, server.base) as page:
        yield page
