"""Checks of one rendered resource page that every page must pass (issue 15 item 3):
its ``<h1>`` is a human title, never the IRI or its path, and every project IRI the
page shows or links goes to the local page. Cheap enough to run on every page of the
every-resource loop (tests/test_ld_resources.py), which renders them anyway."""

from __future__ import annotations

import html
import re
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


_HREF = re.compile(r'href="([^"]*)"')


def link_problems(page: str) -> list[str]:
    """Project IRIs (under id/) the page links off-site or shows as text without a link to
    their local page. Found with plain string searches (the every-resource loop calls it
    on 3,000 pages; an HTML parser took 5-8 ms a page): an occurrence inside a tag is an
    attribute (a link target must not be one), one outside is text and must sit inside an
    ``<a>`` whose target is its local page."""
    problems = []
    at = page.find(ID)
    while at != -1:
        iri = _IRI.match(page, at)
        assert iri is not None
        found = html.unescape(iri.group(0)).rstrip(".,;)")
        if page.rfind("<", 0, at) > page.rfind(">", 0, at):  # inside a tag
            if page.endswith('href="', 0, at):
                problems.append(f"link to {found} instead of its local page")
        else:
            opened = page.rfind("<a ", 0, at)
            target = _HREF.search(page, opened, page.find(">", opened)) if opened != -1 else None
            if (page.rfind("</a>", 0, at) > opened or target is None
                    or not html.unescape(target.group(1)).endswith(local_path(found))):
                problems.append(f"{found} shown without a link to {local_path(found)}")
        at = page.find(ID, iri.end())
    return problems
