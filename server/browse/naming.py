"""What a browse list calls its resources and facet values, in the page's language.

Every resource is called by its human title (:mod:`server.ld.titles`, as its own page
titles it: a node the data leaves unlabelled gets one made of what it links). A name the
graph has only in English stays English on a Spanish page and is marked ``lang="en"``
(the title's :class:`~server.ld.phrase.Phrase` knows the language of each of its parts).
A source text is called by the report
transcribed into it ("Report of Working Group 1 of the XX IACML, 2018-2021"), which is
what a reader knows it by, rather than by its file number.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox
from markupsafe import Markup

from server.browse.kinds import Facet
from server.i18n import current_language
from server.ld import dataset
from server.ld.titles import Namer, namer
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
    """Titles of the current request (the page's language first) and the reports the
    source texts stand for."""

    titles: Namer = field(default_factory=namer)
    stands_for: dict[str, str] = field(default_factory=dict)

    @classmethod
    def for_request(cls) -> Names:
        """The names of the current request (the source -> report table is cached)."""
        root = base()
        reports = {graph.replace(root + "graph/source/", root + "id/source/", 1): report
                   for graph, report in dataset.source_reports().items()}
        return cls(stands_for=reports)

    def of(self, iri: str) -> dict[str, Any]:
        """The title as plain text (JSON, CSV, sorting) and as HTML (parts in another
        language than the page's marked with theirs)."""
        title = self.titles.title(self.stands_for.get(iri, iri))
        return {"label": title.text, "html": title.html(current_language())}

    def value(self, facet: Facet, term: Any) -> dict[str, Any]:
        """A facet value as pages and JSON show it."""
        key = key_of(facet, term)
        if isinstance(term, ox.Literal):
            return {"key": key, "iri": None, "href": None, "label": term.value,
                    "html": Markup.escape(term.value)}
        return {"key": key, "iri": term.value, "href": href(term.value), **self.of(term.value)}
