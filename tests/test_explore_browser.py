"""The query editor in a browser (issue 15 items 4 and 10): a keyboard-only user finds a
cooperation and runs a query in the editor, and Tab leaves the editor (WCAG 2.1.2, no
keyboard trap); the result table shows labels linked to the pages here and readable
values; axe-core finds no serious or critical violation on the editor with results.

Debian's chromium through the session's one browser (tests/browserkit.py); every request
to another host is refused and recorded. Expected answers come from the source texts."""

from __future__ import annotations

from typing import Any

import pytest
from sparql_live import LiveServer, live_server

from tests.browserkit import GuardedPage, axe_violations, needs_chromium

pytestmark = needs_chromium
#: what document.activeElement is, in a line a failure message can show
FOCUSED = """() => { const e = document.activeElement;
  return {tag: e.tagName, href: e.getAttribute('href') || '', id: e.id,
          text: (e.textContent || '').trim().slice(0, 80), name: e.getAttribute('name') || '',
          inEditor: !!e.closest('.CodeMirror'),
          typing: e.tagName === 'TEXTAREA' && !!e.closest('.CodeMirror')}; }"""


@pytest.fixture(scope="module")
def server() -> LiveServer:
    """The default server (shared with the other modules that use it)."""
    return live_server()


def tab_to(page: Any, wanted: str, limit: int = 120) -> dict[str, Any]:
    """Press Tab until the focused element matches the JS predicate ``wanted`` (given the
    FOCUSED record ``f``); fail after ``limit`` presses."""
    seen = []
    check = f"() => {{ const f = ({FOCUSED})(); return [f, !!({wanted})]; }}"
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused, found = page.evaluate(check)
        if found:
            return focused  # type: ignore[no-any-return]
        seen.append(f"{focused['tag']} {focused['href'] or focused['id']} {focused['text'][:30]}")
    raise AssertionError(f"Tab never reached {wanted}; passed: {seen[-15:]}")


def test_keyboard_only_finds_a_cooperation_and_runs_a_query(server: LiveServer,
                                                           guarded: GuardedPage) -> None:
    """No mouse: from the landing page, a search for Honduras, its country page, one of
    its cooperations, then the editor, where a ready query is found by a word, opened, run
    and its result read; Tab then leaves the editor. The 003 annex's first line: "On-site
    visit from Honduras to Colombia on Child Labor, August 27 - 31, 2018" (Colombia
    provided, Honduras received: "the Colombian Ministry of Labor shared its intervention
    model ... with Honduras")."""
    page = guarded.page
    page.goto(server.base + "/en/")
    tab_to(page, "f.tag === 'INPUT' && f.name === 'q'")
    page.keyboard.type("Honduras")
    page.keyboard.press("Enter")
    page.wait_for_url("**/search?q=Honduras")
    tab_to(page, "f.tag === 'A' && f.href.endsWith('/id/country/HND')")
    page.keyboard.press("Enter")
    page.wait_for_url("**/id/country/HND")
    tab_to(page, "f.href.includes('/id/cooperation/20/col-hnd-child-labor')")
    page.keyboard.press("Enter")
    page.wait_for_url("**/id/cooperation/20/col-hnd-child-labor")
    main = page.inner_text("main")
    assert "Child Labor" in main and "Honduras" in main and "Colombia" in main

    tab_to(page, "f.tag === 'A' && /^(\\/en)?\\/query$/.test(f.href) && f.text === 'Query'")
    page.keyboard.press("Enter")
    page.wait_for_selector("#query-filter")
    page.wait_for_selector(".yasqe .CodeMirror", timeout=20000)
    tab_to(page, "f.id === 'query-filter'")
    page.keyboard.type("bilateral cooperation")
    page.keyboard.press("ArrowDown")
    assert "bilateral cooperation" in page.evaluate(FOCUSED)["text"].lower()
    page.keyboard.press("Enter")
    assert page.evaluate(FOCUSED)["typing"], "the chosen query's editor has the focus"
    page.keyboard.press("Control+Enter")
    page.wait_for_selector(".yasr tbody tr", timeout=30000)
    # the cooperation found above is a row, by its label, linked to its page here
    link = page.locator('.yasr tbody a[href$="/id/cooperation/20/col-hnd-child-labor"]')
    assert link.count() == 1
    assert link.inner_text() == "Bilateral cooperation: Child Labor"
    assert link.get_attribute("title") == \
        "https://w3id.org/iacml/id/cooperation/20/col-hnd-child-labor"

    # no keyboard trap: Tab leaves the text (to the editor's scrolling area, then on to
    # its buttons), and so does Shift+Tab (back to the list)
    page.locator(".CodeMirror textarea").focus()
    page.keyboard.press("Tab")
    assert not page.evaluate(FOCUSED)["typing"]
    page.keyboard.press("Tab")
    assert page.evaluate(FOCUSED)["tag"] == "BUTTON"  # the editor's share button
    page.locator(".CodeMirror textarea").focus()
    page.keyboard.press("Shift+Tab")
    assert not page.evaluate(FOCUSED)["inEditor"]
    assert axe_violations(page) == []
    assert not guarded.errors and not guarded.blocked


def test_result_values_are_readable(server: LiveServer, guarded: GuardedPage) -> None:
    """The editor's table in Spanish: a date and a number written as a reader of Spanish
    writes them, the datatype on hover; an IRI by its label."""
    page = guarded.page
    page.goto(server.base + "/es/query")
    page.wait_for_selector(".yasqe .CodeMirror", timeout=20000)
    page.evaluate("""() => { window.iacmlYasgui.getTab().setQuery(
      'SELECT ?d ?n ?c WHERE { BIND("2019-09-23"^^<http://www.w3.org/2001/XMLSchema#date> AS ?d)'
      + ' BIND(1234567 AS ?n) BIND(<https://w3id.org/iacml/id/country/MEX> AS ?c) }'); }""")
    page.locator(".yasqe_queryButton").click()
    page.wait_for_selector(".yasr tbody tr", timeout=30000)
    cells = page.locator(".yasr tbody tr td div span, .yasr tbody tr td div a")
    texts = [cells.nth(i).inner_text() for i in range(cells.count())]
    titles = [cells.nth(i).get_attribute("title") for i in range(cells.count())]
    assert texts == ["23 de septiembre de 2019", "1.234.567", "México"]
    assert titles == ["xsd:date", "xsd:integer", "https://w3id.org/iacml/id/country/MEX"]
    assert not guarded.errors and not guarded.blocked
