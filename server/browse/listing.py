"""One page of a browse list: its rows from one query through the app's query backend
(:mod:`server.ld.datasource`), its columns and facet counts from the list's facet table.

The facet table holds every facet value of every resource of a list; it is read once
per data version (one query per list) and says which values exist (an unknown one is
a 404). A page's facet counts are counted over the resources its query selected, so
they are what a ``COUNT(DISTINCT ?item)`` per value over the filtered list would give,
without a query per page.

Bounds (issue 15 item 8): a list holds at most :data:`MAX_ITEMS` resources (the row
query is capped, and a capped list says so), a facet table at most :data:`MAX_TABLE`
rows, a facet shows at most :data:`SHOWN` values; the page and its size are bounded
by :mod:`server.browse.listargs`. Each query runs under the backend's time limit.
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
from server.browse.naming import Names, key_of
from server.ld import datasource
from server.ld.search import fold
from server.ld.urls import base, href

MAX_ITEMS = 5_000
MAX_TABLE = 50_000
SHOWN = 30

_lock = threading.Lock()


Term = ox.NamedNode | ox.Literal


@dataclass
class FacetTable:
    """Every facet value of every resource of one list: what exists (an unknown value is
    a 404), the counts of any filtered set of resources, and the list's columns."""

    #: resource IRI -> facet name -> the keys of its values
    values: dict[str, dict[str, set[str]]] = field(default_factory=dict)
    #: facet name -> key -> the term it stands for
    terms: dict[str, dict[str, Term]] = field(default_factory=dict)

    def counts(self, items: list[str]) -> dict[str, dict[str, int]]:
        """How many of ``items`` have each value of each facet."""
        out: dict[str, dict[str, int]] = {name: {} for name in self.terms}
        for item in items:
            for name, keys in self.values.get(item, {}).items():
                for key in keys:
                    out[name][key] = out[name].get(key, 0) + 1
        return out


def _read_table(kind: Kind) -> FacetTable:
    table = FacetTable(terms={f.name: {} for f in kind.facets})
    for row in datasource.select(listqueries.table(kind), MAX_TABLE):
        facet = kind.facet(row["facet"].value)
        term = row.get("value")
        if facet is None or not isinstance(term, Term):
            continue
        key = key_of(facet, term)
        table.terms[facet.name][key] = term
        table.values.setdefault(row["item"].value, {}).setdefault(facet.name, set()).add(key)
    return table


def facet_table(kind: Kind) -> FacetTable:
    """The facet table of ``kind`` in the served data version (read once, then cached)."""
    version = datasource.data_version()
    cache: dict[tuple[str, str], FacetTable] = current_app.extensions.setdefault(
        "iacml.browse.tables", {})
    with _lock:
        if (version, kind.name) not in cache:
            for stale in [k for k in cache if k[0] != version]:
                del cache[stale]
            cache[(version, kind.name)] = _read_table(kind)
        return cache[(version, kind.name)]


def resolve(kind: Kind, asked: ListRequest) -> list[tuple[Facet, Term]]:
    """The chosen facet values as terms of the data (BrowseError 404: no such value)."""
    terms = facet_table(kind).terms
    chosen = []
    for name, key in asked.filters.items():
        facet = kind.facet(name)
        assert facet is not None  # listargs.parse let only this list's facets through
        if key not in terms[name]:
            raise BrowseError(404, _unknown(kind, facet, key))
        chosen.append((facet, terms[name][key]))
    return chosen


def _unknown(kind: Kind, facet: Facet, key: str) -> str:
    return str(_("Nothing in the list “%(kind)s” has “%(value)s” as its %(facet)s: choose one "
             "of the values the facet lists.", kind=str(kind.label), value=key[:40],
             facet=str(facet.label)))


def _sorted(kind: Kind, rows: list[dict[str, Any]], sort: str) -> list[dict[str, Any]]:
    by_label = sorted(rows, key=lambda r: (fold(r["label"]), r["iri"]))
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
    names = Names.for_request()
    text = listqueries.rows(kind, chosen)
    found = datasource.select(text, MAX_ITEMS + 1)
    capped = len(found) > MAX_ITEMS
    rows = [{"iri": r["item"].value, "href": href(r["item"].value),
             "date": r["date"].value if "date" in r else "",
             **names.of(r["item"].value)}
            for r in found[:MAX_ITEMS] if isinstance(r.get("item"), ox.NamedNode)]
    rows = _sorted(kind, rows, asked.sort)
    pages = max(1, math.ceil(len(rows) / asked.size))
    if asked.page > pages:
        raise BrowseError(404, _("Page %(page)s is past the end of this list, which has "
                                 "%(pages)s page(s) of %(size)s.",
                                 page=asked.page, pages=pages, size=asked.size))
    shown = rows[(asked.page - 1) * asked.size: asked.page * asked.size]
    table = facet_table(kind)
    for row in shown:
        row["columns"] = {
            f.name: sorted((names.value(f, table.terms[f.name][key])
                            for key in table.values.get(row["iri"], {}).get(f.name, ())),
                           key=lambda v: fold(v["label"]))
            for f in kind.facets}
    counted = table.counts([r["iri"] for r in rows])
    return {"rows": shown, "total": len(rows), "capped": capped,
            "pages": pages, "query": text,
            "facets": _facet_views(kind, table, counted, asked, names)}


def _facet_views(kind: Kind, table: FacetTable, counted: dict[str, dict[str, int]],
                 asked: ListRequest, names: Names) -> list[dict[str, Any]]:
    """Each facet's values with their counts: the most frequent first (years in order),
    at most :data:`SHOWN`, the one chosen always among them."""
    views = []
    for facet in kind.facets:
        values = []
        for key, count in counted[facet.name].items():
            view = names.value(facet, table.terms[facet.name][key])
            view.update(count=count, selected=asked.filters.get(facet.name) == key)
            values.append(view)
        values.sort(key=lambda v: (not v["selected"], -v["count"], fold(v["label"])))
        shown = values[:SHOWN]
        if facet.space == YEAR:
            shown.sort(key=lambda v: v["key"])
        views.append({"name": facet.name, "label": str(facet.label),
                      "values": shown, "more": max(0, len(values) - SHOWN),
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

