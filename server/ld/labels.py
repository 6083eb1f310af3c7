"""Readable labels for every IRI of the served data, cached per data version.

One query per data version reads every label-like literal (``skos:prefLabel``,
``skos:altLabel``, ``rdfs:label``, ``dcterms:title``, ``schema:name``), the
types and the printed numbers of all IRIs; pages then need no label joins.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from dataclasses import dataclass, field
from urllib.parse import unquote

import pyoxigraph as ox
from flask import current_app

from server.i18n import LANGUAGES, current_language
from server.ld import datasource
from server.ld.urls import base, curie

SKOS = "http://www.w3.org/2004/02/skos/core#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
DCTERMS = "http://purl.org/dc/terms/"
SCHEMA = "https://schema.org/"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
ELI_NUMBER = "http://data.europa.eu/eli/ontology#number"
TOPIC_AS_PRINTED = "https://w3id.org/iacml/ontology#topicAsPrinted"
LABEL_PROPERTIES = (SKOS + "prefLabel", RDFS + "label", DCTERMS + "title", SCHEMA + "name",
                    SKOS + "altLabel")

_WANTED = " ".join(f"<{p}>" for p in (*LABEL_PROPERTIES, RDF_TYPE, ELI_NUMBER,
                                      TOPIC_AS_PRINTED))
# How many graphs state each label: where sources print a resource's title differently,
# the one most of them print comes first (then by text), the same on every start.
LABELS_QUERY = ("SELECT ?s ?p ?l (COUNT(DISTINCT ?g) AS ?n) WHERE { VALUES ?p { " + _WANTED
                + " } GRAPH ?g { ?s ?p ?l } FILTER(isIRI(?s)) } GROUP BY ?s ?p ?l")


@dataclass
class LabelIndex:
    """Labels, types and printed numbers of every IRI, read from the data."""

    labels: dict[str, list[tuple[str, str, str]]] = field(
        default_factory=lambda: defaultdict(list))  # iri -> (property, text, lang)
    types: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    numbers: dict[str, str] = field(default_factory=dict)
    topics: dict[str, str] = field(default_factory=dict)

    def add(self, s: str, p: str, o: object) -> None:
        """Record one row of :data:`LABELS_QUERY`."""
        if p == RDF_TYPE and isinstance(o, ox.NamedNode):
            self.types[s].append(o.value)
        elif p == ELI_NUMBER and isinstance(o, ox.Literal):
            self.numbers[s] = o.value
        elif p == TOPIC_AS_PRINTED and isinstance(o, ox.Literal):
            self.topics.setdefault(s, o.value)
        elif isinstance(o, ox.Literal):
            self.labels[s].append((p, o.value, o.language or ""))

    def stated(self, iri: str, langs: tuple[str, ...] = LANGUAGES) -> tuple[str, str] | None:
        """The best label the data states for ``iri`` and its language tag ("" for a plain
        string), or None when it states none."""
        found = self.labels.get(iri, [])
        for prop in LABEL_PROPERTIES[:-1]:
            candidates = [(text, lang) for p, text, lang in found if p == prop]
            if not candidates:
                continue
            for lang in (*langs, ""):
                for text, text_lang in candidates:
                    if text_lang.lower().split("-")[0] == lang:
                        return text, text_lang
            return candidates[0]
        return None

    def label(self, iri: str, langs: tuple[str, ...] = LANGUAGES) -> str:
        """The best label of ``iri`` in the preferred languages, or a readable fallback."""
        stated = self.stated(iri, langs)
        if stated is not None:
            return stated[0]
        if iri in self.numbers:
            return f"{self.kind(iri, langs) or 'Part'} {self.numbers[iri]}"
        if iri in self.topics:
            return f"{self.kind(iri, langs) or 'Activity'}: {self.topics[iri]}"
        return fallback(iri)

    def kind(self, iri: str, langs: tuple[str, ...] = LANGUAGES) -> str | None:
        """Label of the most specific project class of ``iri`` (the general classes
        Activity, DocumentPart and Organization only when no other is stated)."""
        ns = base() + "ontology#"
        general = {ns + "Activity", ns + "DocumentPart", ns + "Organization", ns + "ListItem"}
        ours = sorted(t for t in self.types.get(iri, []) if t.startswith(ns))
        specific = [t for t in ours if t not in general] or ours
        return self.label(specific[0], langs) if specific else None

    def language_labels(self, iri: str) -> dict[str, str]:
        """``skos:prefLabel`` (else ``rdfs:label``) per language tag."""
        out: dict[str, str] = {}
        for prop in (SKOS + "prefLabel", RDFS + "label"):
            for p, text, lang in self.labels.get(iri, []):
                if p == prop and lang and lang not in out:
                    out[lang] = text
        return out


EXTERNAL = {"http://www.wikidata.org/entity/": "Wikidata ",
            "https://sws.geonames.org/": "GeoNames ",
            "http://dbpedia.org/resource/": "DBpedia: "}


def fallback(iri: str) -> str:
    """A readable name for an IRI without label: its path under ``id/``, the entity of a
    linked dataset (``Wikidata Q736``), or a CURIE."""
    root = base()
    if iri.startswith(root + "id/"):
        return iri[len(root) + 3:]
    for namespace, name in EXTERNAL.items():
        if iri.startswith(namespace):
            return name + unquote(iri[len(namespace):].strip("/")).replace("_", " ")
    short = curie(iri)
    if short != iri:
        return short
    return iri.rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1] or iri


_lock = threading.Lock()


def index() -> LabelIndex:
    """The label index of the served data version (built on first use)."""
    version = datasource.data_version()
    cache: dict[str, LabelIndex] = current_app.extensions.setdefault("iacml.ld.labels", {})
    with _lock:
        if version not in cache:
            built = LabelIndex()
            rows = datasource.select(LABELS_QUERY)
            rows.sort(key=lambda row: (-int(row["n"].value), str(row["l"])))
            for row in rows:
                built.add(row["s"].value, row["p"].value, row["l"])
            cache.clear()
            cache[version] = built
        return cache[version]


def preferred_languages() -> tuple[str, ...]:
    """The page's language first (its URL prefix: :mod:`server.i18n`), then the others."""
    here = current_language()
    return (here, *(lang for lang in LANGUAGES if lang != here))
