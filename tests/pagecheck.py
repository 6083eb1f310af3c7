"""Checks of one rendered resource page that every page must pass (issue 15 item 3):
its ``<h1>`` is a human title, never the IRI or its path, and every project IRI the
page shows or links goes to the local page. Cheap enough to run on every page of the
every-resource loop (tests/test_ld_resources.py), which renders them anyway."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from urllib.parse import quote

BASE = "https://w3id.org/iacml/"
ID = BASE + "id/"
_IRI = re.compile(re.escape(ID) + r"[^\s<>\"'{}|\\^`]+")
_H1 = re.compile(r"<h1\b[^>]*>(.*?)</h1>", re.S)
_TAG = re.compile(r"<[^>]+>")


def h1_text(page: str) -> str | None:
    """The text of the page's one ``<h1>`` (tags removed, entities decoded)."""
    found = _H1.findall(page)
    return html.unescape(_TAG.sub("", found[0])).strip() if len(found) == 1 else None


def title_problem(iri: str, page: str) -> str | None:
    """Why the page's ``<h1>`` is not a human title of ``iri``, or None."""
    title = h1_text(page)
    if not title:
        return "no single <h1>"
    key = iri[len(ID):]
    last = key.rstrip("/").rsplit("/", 1)[-1]
    if title in {iri, key, "id/" + key, "/id/" + key, last} or "w3id.org" in title:
        return f"<h1> is the IRI or its path: {title!r}"
    if key in title:
        return f"<h1> holds the IRI path: {title!r}"
    return None


def local_path(iri: str) -> str:
    """The local page of a project IRI, as the server quotes it."""
    return "/" + quote(iri[len(BASE):], safe="/:#-_.~")


class _Links(HTMLParser):
    """Collects hrefs to the w3id.org namespace and project IRIs in text outside a link
    to their local page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.open_links: list[str] = []
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag != "a":
            return
        target = dict(attrs).get("href") or ""
        if target.startswith(ID):
            self.problems.append(f"link to {target} instead of its local page")
        self.open_links.append(target)

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self.open_links:
            self.open_links.pop()

    def handle_data(self, data: str) -> None:
        for iri in _IRI.findall(data):
            iri = iri.rstrip(".,;)")
            if not self.open_links or not self.open_links[-1].endswith(local_path(iri)):
                self.problems.append(f"{iri} shown without a link to {local_path(iri)}")


def link_problems(page: str) -> list[str]:
    """Project IRIs (under id/) the page links off-site or shows without a local link."""
    parser = _Links()
    parser.feed(page)
    parser.close()
    return parser.problems
