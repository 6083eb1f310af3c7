"""The site's shell in Debian's chromium (issue 15 items 1, 6, 9 and 10): the landing page,
/validate, /dataset, the service description and an error page have no serious or
critical axe-core violation (WCAG 2.1 A/AA), reflow at 375 and 320 CSS px without
sideways scrolling (WCAG 1.4.10), print without the navigation, and reach no other host.
One live server and the session's one chromium (tests/browserkit.py)."""

from __future__ import annotations

import pytest
from sparql_live import LiveServer, live_server

from tests.browserkit import axe_violations, needs_chromium, open_page, scrolls_sideways

pytestmark = needs_chromium

#: the pages this area owns, English and Spanish
PAGES = ("/", "/es/", "/validate", "/dataset", "/es/dataset", "/sparql", "/no/such/page")


@pytest.fixture(scope="module")
def server() -> LiveServer:
    """The default server (shared with the other browser tests)."""
    return live_server()


def test_the_shell_pages_pass_axe_and_reflow(server: LiveServer, chromium: object) -> None:
    found: dict[str, list[str]] = {}
    with open_page(chromium, server.base) as guarded:
        page = guarded.page
        for path in PAGES:
            page.set_viewport_size({"width": 1400, "height": 1000})
            page.goto(server.base + path)
            problems = axe_violations(page)
            for width in (375, 320):
                page.set_viewport_size({"width": width, "height": 800})
                if scrolls_sideways(page):
                    problems.append(f"scrolls sideways at {width} px")
            if problems:
                found[path] = problems
        assert found == {}
        assert guarded.blocked == [] and guarded.errors == []


def test_the_landing_page_prints_without_navigation(server: LiveServer,
                                                   chromium: object) -> None:
    with open_page(chromium, server.base) as guarded:
        page = guarded.page
        page.goto(server.base + "/")
        page.emulate_media(media="print")
        assert not page.locator("header.site").is_visible()
        assert not page.locator("form.home-search").is_visible()
        assert page.locator("h1").is_visible()
        assert page.locator(".figures-list").is_visible()


def test_a_keyboard_user_skips_to_the_content(server: LiveServer, chromium: object) -> None:
    with open_page(chromium, server.base) as guarded:
        page = guarded.page
        page.goto(server.base + "/")
        page.keyboard.press("Tab")
        skip = page.locator("a.skip")
        assert skip.evaluate("e => e === document.activeElement") and skip.is_visible()
        page.keyboard.press("Enter")
        assert page.url.endswith("#main")
