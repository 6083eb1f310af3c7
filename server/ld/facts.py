"""The few statements every generated title and summary needs, for every IRI, read in one
query per data version (as :mod:`server.ld.labels` reads the labels).

A title names a resource by what it links (a membership by its seat and holder, a
passage by its source and span), so a page, a browse list or a search result can title
any resource without a query of its own. Where the preferred view (``graph/preferred``)
states a property of a resource, only its values count: the titles follow the
curated choice between sources that disagree.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox
from flask import current_app

from server.ld import datasource, voidsummary
from server.ld.describe import Term
from server.ld.urls import base

IACML = "https://w3id.org/iacml/ontology#"
ORG = "http://www.w3.org/ns/org#"
SCHEMA = "https://schema.org/"
PROV = "http://www.w3.org/ns/prov#"
OA = "http://www.w3.org/ns/oa#"
ELI = "http://data.europa.eu/eli/ontology#"
DCTERMS = "http://purl.org/dc/terms/"

#: Properties a title or summary may quote (the rest of a resource is on its page).
WANTED = (
    ORG + "member", ORG + "organization", ORG + "role", IACML + "cycle",
    IACML + "participant", IACML + "participantRole", IACML + "participation",
    SCHEMA + "value", SCHEMA + "unitText", IACML + "qualifier", IACML + "asOf",
    IACML + "about", SCHEMA + "temporalCoverage",
    IACML + "claimedValue", IACML + "claim", IACML + "concerns", IACML + "property",
    IACML + "preferredClaim",
    PROV + "wasDerivedFrom", OA + "hasSource", OA + "hasSelector", OA + "start", OA + "end",
    OA + "exact",
    IACML + "partner", DCTERMS + "subject", IACML + "list", SCHEMA + "position",
    ELI + "number", ELI + "is_part_of", IACML + "text",
    IACML + "contributor", IACML + "recipientFund", SCHEMA + "amount", SCHEMA + "currency",
    IACML + "frequency", SCHEMA + "fundedItem", SCHEMA + "description",
    IACML + "provider", IACML + "recipient", IACML + "party", IACML + "topicAsPrinted",
    IACML + "modality", IACML + "status", SCHEMA + "startDate", SCHEMA + "endDate",
    SCHEMA + "location", IACML + "ministryOf", IACML + "nominalSeat",
    SCHEMA + "superEvent", IACML + "adoptedAt", IACML + "reportTo", DCTERMS + "creator",
    SCHEMA + "containedInPlace", IACML + "establishedBy",
)
#: Properties also read backwards: a participation names no activity, a claim no
#: discrepancy, a selector no passage (the link is stated from the other side), and the
#: entity pages (server/ld/gather.py) list what links to a Ministry, a Conference...
INVERSE = frozenset((
    IACML + "participation", IACML + "claim", OA + "hasSelector", IACML + "ministryOf",
    IACML + "provider", IACML + "recipient", IACML + "party", ORG + "member",
    IACML + "participant", SCHEMA + "location", DCTERMS + "subject", IACML + "adoptedAt",
    IACML + "reportTo", IACML + "cycle", ORG + "organization", SCHEMA + "containedInPlace",
    IACML + "establishedBy"))

QUERY = ("SELECT ?s ?p ?o ?g WHERE { VALUES ?p { %s } GRAPH ?g { ?s ?p ?o } "
         "FILTER(isIRI(?s)) }")


@dataclass
class Facts:
    """``out[s][p]``: the values of ``p`` on ``s``; ``back[o][p]``: the subjects linking
    to ``o`` by one of the :data:`INVERSE` properties."""

    out: dict[str, dict[str, list[Term]]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(list)))
    back: dict[str, dict[str, list[str]]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(list)))
    #: named graph of a source text -> the report transcribed into it
    reports: dict[str, str] = field(default_factory=dict)

    def values(self, iri: str, prop: str) -> list[Term]:
        """Every value of ``prop`` on ``iri`` (sorted, so titles are stable)."""
        found = self.out.get(iri)
        return list(found.get(prop, [])) if found else []

    def one(self, iri: str, prop: str) -> Term | None:
        """The first value of ``prop`` on ``iri``, or None."""
        found = self.values(iri, prop)
        return found[0] if found else None

    def iris(self, iri: str, prop: str) -> list[str]:
        """The IRI values of ``prop`` on ``iri``."""
        return [t.value for t in self.values(iri, prop) if isinstance(t, ox.NamedNode)]

    def text(self, iri: str, prop: str) -> str | None:
        """The lexical form of the first literal value of ``prop`` on ``iri``."""
        for term in self.values(iri, prop):
            if isinstance(term, ox.Literal):
                return term.value
        return None

    def linking(self, iri: str, prop: str) -> list[str]:
        """The subjects stating ``<s> prop <iri>`` (for the :data:`INVERSE` properties)."""
        found = self.back.get(iri)
        return sorted(found.get(prop, [])) if found else []


def read(rows: list[dict[str, Any]], preferred_graph: str) -> Facts:
    """Build the facts from the query's rows, preferring the preferred view's values."""
    by_graph: dict[tuple[str, str], dict[bool, set[Term]]] = defaultdict(
        lambda: {True: set(), False: set()})
    built = Facts()
    for row in rows:
        s, p, o = str(row["s"].value), str(row["p"].value), row["o"]
        by_graph[(s, p)][str(row["g"].value) == preferred_graph].add(o)
        if p in INVERSE and isinstance(o, ox.NamedNode) and s not in built.back[o.value][p]:
            built.back[o.value][p].append(s)
    for (s, p), values in by_graph.items():
        chosen = values[True] or values[False]
        built.out[s][p] = sorted(chosen, key=lambda t: (isinstance(t, ox.BlankNode), str(t)))
    return built


_lock = threading.Lock()


def facts() -> Facts:
    """The facts of the served data version (read on first use, then cached)."""
    version = datasource.data_version()
    cache: dict[str, Facts] = current_app.extensions.setdefault("iacml.ld.facts", {})
    with _lock:
        if version not in cache:
            rows = datasource.select(QUERY % " ".join(f"<{p}>" for p in WANTED))
            cache.clear()
            cache[version] = read(rows, base() + "graph/preferred")
            cache[version].reports = voidsummary.source_reports(datasource.select, base())
        return cache[version]
