"""What a browse list calls its resources and facet values, in the page's language.

A name the graph has only in English stays English on a Spanish page, and its language
is kept so the page marks it ``lang="en"``. A source text is called by the report
transcribed into it ("Report of Working Group 1 of the XX IACML, 2018-2021"), which is
what a reader knows it by, rather than by its file number.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox

from server.browse.kinds import Facet
from server.ld import dataset, labels
from server.ld.urls import base, href


def key_of(facet: Facet, term: ox.NamedNode | ox.Literal) -> str:
    """The URL key of a facet value: the year, the path under ``id/``, the local name."""
    if isinstance(term, ox.Literal):
        return term.value
    value = term.value
    for root in (base() + "id/", base() + "ontology#"):
        if value.startswith(root):
            return value[len(root):]
    return value


@dataclass
class Names:
    """Labels of the current request: the label index, the page's languages first, and
    the reports the source texts stand for."""

    index: labels.LabelIndex = field(default_factory=labels.index)
    langs: tuple[str, ...] = field(default_factory=labels.preferred_languages)
    stands_for: dict[str, str] = field(default_factory=dict)

    @classmethod
    def for_request(cls) -> Names:
        """The names of the current request (the source -> report table is cached)."""
        root = base()
        reports = {graph.replace(root + "graph/source/", root + "id/source/", 1): report
                   for graph, report in dataset.source_reports().items()}
        return cls(stands_for=reports)

    def of(self, iri: str) -> dict[str, str]:
        """A label and the language it is in (to mark an English name on a Spanish page)."""
        named = self.stands_for.get(iri, iri)
        text = self.index.label(named, self.langs)
        lang = next((lg for _p, t, lg in self.index.labels.get(named, []) if t == text), "")
        return {"label": text, "lang": lang.split("-")[0]}

    def value(self, facet: Facet, term: Any) -> dict[str, Any]:
        """A facet value as pages and JSON show it."""
        key = key_of(facet, term)
        if isinstance(term, ox.Literal):
            return {"key": key, "iri": None, "href": None, "label": term.value, "lang": ""}
        return {"key": key, "iri": term.value, "href": href(term.value), **self.of(term.value)}
