"""One page of a browse list: the rows, the facet counts and the paging, from three
queries through the app's query backend (:mod:`server.ld.datasource`).

Bounds (issue 15 item 8): a list holds at most :data:`MAX_ITEMS` resources (the row
query is capped, and a capped list says so), a facet shows at most :data:`SHOWN`
values, the counts at most :data:`MAX_COUNTS` rows; the page and its size are bounded
by :mod:`server.browse.listargs`. Each query runs under the backend's time limit.

The unfiltered facet values of each list are read once per data version: they say
which values exist (an unknown one is a 404) and are the counts of an unfiltered page.
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox
from flask import current_app
from flask_babel import gettext as _

from server.browse import listqueries
from server.browse.kinds import YEAR, Facet, Kind
from server.browse.listargs import BrowseError, ListRequest
from server.ld import datasource, labels
from server.ld.urls import base, href

MAX_ITEMS = 5_000
MAX_COUNTS = 5_000
SHOWN = 30

_lock = threading.Lock()


def key_of(facet: Facet, term: ox.NamedNode | ox.Literal) -> str:
    """The URL key of a facet value: the year, the path under ``id/``, the local name."""
    if facet.space == YEAR or isinstance(term, ox.Literal):
        return term.value
    value = term.value
    for root in (base() + "id/", base() + "ontology#"):
        if value.startswith(root):
            return value[len(root):]
    return value


@dataclass
class Values:
    """Each facet's values: key -> (term, count of listed resources having it)."""

    by_facet: dict[str, dict[str, tuple[ox.NamedNode | ox.Literal, int]]] = field(
        default_factory=dict)


def _counted(kind: Kind, chosen: list[tuple[Facet, Any]]) -> Values:
    found = Values({f.name: {} for f in kind.facets})
    for row in datasource.select(listqueries.counts(kind, chosen), MAX_COUNTS):
        facet = kind.facet(row["facet"].value)
        term = row.get("value")
        if facet is None or not isinstance(term, ox.NamedNode | ox.Literal):
            continue
        found.by_facet[facet.name][key_of(facet, term)] = (term, int(row["count"].value))
    return found


def known_values(kind: Kind) -> Values:
    """The unfiltered facet values of ``kind`` in the served data version (cached)."""
    version = datasource.data_version()
    cache: dict[tuple[str, str], Values] = current_app.extensions.setdefault(
        "iacml.browse.values", {})
    with _lock:
        if (version, kind.name) not in cache:
            for stale in [k for k in cache if k[0] != version]:
                del cache[stale]
            cache[(version, kind.name)] = _counted(kind, [])
        return cache[(version, kind.name)]


def resolve(kind: Kind, asked: ListRequest) -> list[tuple[Facet, Any]]:
    """The chosen facet values as terms of the data (BrowseError 404: no such value)."""
    known = known_values(kind)
    chosen = []
    for name, key in asked.filters.items():
        facet = kind.facet(name)
        assert facet is not None  # listargs.parse let only this list's facets through
        found = known.by_facet[name].get(key)
        if found is None:
            raise BrowseError(404, _unknown(kind, facet, key))
        chosen.append((facet, found[0]))
    return chosen


def _unknown(kind: Kind, facet: Facet, key: str) -> str:
    return str(_("Nothing in the list “%(kind)s” has “%(value)s” as its %(facet)s: choose one "
             "of the values the facet lists.", kind=str(kind.label), value=key[:40],
             facet=str(facet.label)))


def _label(index: labels.LabelIndex, iri: str, langs: tuple[str, ...]) -> dict[str, str]:
    """A label and the language it is in (to mark an English name on a Spanish page)."""
    text = index.label(iri, langs)
    lang = next((lg for _p, t, lg in index.labels.get(iri, []) if t == text), "")
    return {"label": text, "lang": lang.split("-")[0]}


def value_view(facet: Facet, term: Any, index: labels.LabelIndex,
               langs: tuple[str, ...]) -> dict[str, Any]:
    """A facet value as pages and JSON show it."""
    key = key_of(facet, term)
    if isinstance(term, ox.Literal):
        return {"key": key, "iri": None, "href": None, "label": term.value, "lang": ""}
    shown = _label(index, term.value, langs)
    return {"key": key, "iri": term.value, "href": href(term.value), **shown}


def _sorted(kind: Kind, rows: list[dict[str, Any]], sort: str) -> list[dict[str, Any]]:
    by_label = sorted(rows, key=lambda r: (r["label"].casefold(), r["iri"]))
    if sort.lstrip("-") == "date":
        # undated resources last in both directions
        dated = [r for r in by_label if r["date"]]
        undated = [r for r in by_label if not r["date"]]
        dated.sort(key=lambda r: r["date"], reverse=sort.startswith("-"))
        return dated + undated
    return by_label[::-1] if sort.startswith("-") else by_label


def page(kind: Kind, asked: ListRequest) -> dict[str, Any]:
    """Everything one page of the list shows (raises BrowseError, QueryFailed)."""
    chosen = resolve(kind, asked)
    index = labels.index()
    langs = labels.preferred_languages()
    text = listqueries.rows(kind, chosen)
    found = datasource.select(text, MAX_ITEMS + 1)
    capped = len(found) > MAX_ITEMS
    rows = [{"iri": r["item"].value, "href": href(r["item"].value),
             "date": r["date"].value if "date" in r else "",
             **_label(index, r["item"].value, langs)}
            for r in found[:MAX_ITEMS] if isinstance(r.get("item"), ox.NamedNode)]
    rows = _sorted(kind, rows, asked.sort)
    pages = max(1, math.ceil(len(rows) / asked.size))
    if asked.page > pages:
        raise BrowseError(404, _("Page %(page)s is past the end of this list, which has "
                                 "%(pages)s page(s) of %(size)s.",
                                 page=asked.page, pages=pages, size=asked.size))
    shown = rows[(asked.page - 1) * asked.size: asked.page * asked.size]
    _fill_columns(kind, shown, index, langs)
    counted = _counted(kind, chosen) if chosen else known_values(kind)
    return {"rows": shown, "total": len(rows), "capped": capped,
            "pages": pages, "query": text,
            "facets": _facet_views(kind, counted, asked, index, langs)}


def _fill_columns(kind: Kind, shown: list[dict[str, Any]], index: labels.LabelIndex,
                  langs: tuple[str, ...]) -> None:
    for row in shown:
        row["columns"] = {f.name: [] for f in kind.facets}
    if not shown:
        return
    by_iri = {row["iri"]: row for row in shown}
    for found in datasource.select(listqueries.columns(kind, list(by_iri)), MAX_COUNTS):
        facet = kind.facet(found["facet"].value)
        if facet is not None and "value" in found and found["item"].value in by_iri:
            by_iri[found["item"].value]["columns"][facet.name].append(
                value_view(facet, found["value"], index, langs))
    for row in shown:
        for values in row["columns"].values():
            values.sort(key=lambda v: v["label"].casefold())


def _facet_views(kind: Kind, counted: Values, asked: ListRequest, index: labels.LabelIndex,
                 langs: tuple[str, ...]) -> list[dict[str, Any]]:
    views = []
    for facet in kind.facets:
        values = []
        for key, (term, count) in counted.by_facet[facet.name].items():
            view = value_view(facet, term, index, langs)
            view.update(count=count, selected=asked.filters.get(facet.name) == key)
            values.append(view)
        values.sort(key=lambda v: (-v["count"], v["label"].casefold()))
        if facet.space == YEAR:
            values.sort(key=lambda v: v["key"])
        views.append({"name": facet.name, "label": str(facet.label),
                      "values": values[:SHOWN], "more": max(0, len(values) - SHOWN),
                      "selected": asked.filters.get(facet.name)})
    return views


def sizes(kinds: tuple[Kind, ...]) -> dict[str, int]:
    """How many resources each list holds."""
    ns = {"iacml": base() + "ontology#"}
    expanded = {ns["iacml"] + k.cls.split(":", 1)[1]: k.name for k in kinds}
    out = {k.name: 0 for k in kinds}
    for row in datasource.select(listqueries.sizes(kinds), len(kinds) + 1):
        name = expanded.get(row["class"].value)
        if name:
            out[name] = int(row["count"].value)
    return out

