"""A browse list in Debian's chromium (issue 15 items 2 and 10): a reader narrows the
cooperations to child labor by clicking; the page passes axe-core (WCAG 2.1 A/AA: no
serious or critical violation) and its content reflows at 320 CSS px (the table scrolls
in its own box; the site header is the shell's, checked by its own tests)."""

from __future__ import annotations

from typing import Any

import pytest
from sparql_live import LiveServer, live_server

from tests.browserkit import axe_violations, needs_chromium, open_page

pytestmark = needs_chromium

#: the elements of the page's main part reaching past the viewport's right edge, but
#: those inside a box that scrolls by itself (the list's table)
STICKING_OUT = """() => [...document.querySelectorAll('main *')]
  .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1
               && !e.closest('.table-scroll'))
  .map(e => e.tagName + '.' + e.className)"""


@pytest.fixture(scope="module")
def server() -> LiveServer:
    """The session's default live server (shared with the other browser tests)."""
    return live_server()


def test_a_reader_filters_cooperations_by_clicking(chromium: Any, server: LiveServer) -> None:
    with open_page(chromium, server.base) as guarded:
        page = guarded.page
        page.goto(server.base + "/browse")
        page.get_by_role("link", name="Bilateral cooperations").click()
        page.locator(".browse-facets").get_by_role("link", name="Child labor").click()
        page.wait_for_url("**topic=topic/child-labor**")
        # the 5 lines of 003's annex on child labor (see tests/test_browse.py)
        assert page.locator("table.browse-table tbody tr").count() == 5
        assert page.locator(".browse-summary").inner_text().startswith("5 resources")
        assert axe_violations(page) == []
        assert guarded.blocked == [] and guarded.errors == []


def test_a_spanish_list_reflows_on_a_narrow_phone(chromium: Any, server: LiveServer) -> None:
    with open_page(chromium, server.base, width=320, height=700) as guarded:
        page = guarded.page
        page.goto(server.base + "/es/browse/activities")
        assert page.locator("h1").inner_text() == "Actividades"
        assert page.evaluate(STICKING_OUT) == []
        table = page.locator(".table-scroll")
        assert table.evaluate("e => e.getBoundingClientRect().right") <= 321
