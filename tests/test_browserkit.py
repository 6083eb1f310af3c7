"""The browser kit's accessibility check can fail: axe-core, run the way every browser
test runs it, finds the violations a page written with them has, and none on one
written without."""

from __future__ import annotations

from tests.browserkit import axe_violations, needs_chromium, scrolls_sideways

pytestmark = needs_chromium

BAD = ("<!doctype html><html><head><title>t</title></head><body><main>"
       "<img src='data:,'><p style='color:#999;background:#aaa'>faint text</p>"
       "<div style='width:900px'>wide</div></main></body></html>")
GOOD = ("<!doctype html><html lang='en'><head><title>t</title></head><body><main>"
        "<h1>Title</h1><img src='data:,' alt='a picture'><p>plain text</p></main></body></html>")


def test_axe_finds_what_is_wrong_and_only_that(chromium: object) -> None:
    context = chromium.new_context(viewport={"width": 375, "height": 700})  # type: ignore[attr-defined]
    page = context.new_page()
    try:
        page.set_content(BAD)
        found = " ".join(axe_violations(page))
        assert "image-alt (critical)" in found
        assert "color-contrast (serious)" in found
        assert scrolls_sideways(page)
        page.set_content(GOOD)
        assert axe_violations(page, impacts=("minor", "moderate", "serious", "critical")) == []
        assert not scrolls_sideways(page)
    finally:
        context.close()
