"""``/ontology``: HTML documentation of every class, property and concept scheme of
the ontology (read from ``graph/ontology`` by SPARQL), and the ontology itself in
Turtle, JSON-LD, N-Triples or RDF/XML by content negotiation or suffix."""

from __future__ import annotations

import threading
from typing import Any

import pyoxigraph as ox
from flask import Blueprint, Response, current_app, render_template

from server.formats import by_suffix, content_type
from server.ld import datasource, labels
from server.ld.datasource import QueryFailed
from server.ld.describe import Term
from server.ld.rdfout import negotiated, serialise
from server.ld.urls import base
from server.ld.views import term_view

bp = Blueprint("ld_ontology", __name__)
_lock = threading.Lock()

OWL = "http://www.w3.org/2002/07/owl#"
SKOS = labels.SKOS
RDF_TYPE = labels.RDF_TYPE
SECTIONS = (  # (title, types)
    ("Classes", (OWL + "Class",)),
    ("Object properties", (OWL + "ObjectProperty",)),
    ("Datatype properties", (OWL + "DatatypeProperty",)),
    ("Annotation properties", (OWL + "AnnotationProperty",)),
    ("Concept schemes", (SKOS + "ConceptScheme",)),
)
HIDDEN = {RDF_TYPE, labels.RDFS + "label", SKOS + "prefLabel", SKOS + "definition"}


def triples() -> list[ox.Triple]:
    """The triples of ``graph/ontology`` (cached per data version)."""
    version = datasource.data_version()
    cache: dict[str, list[ox.Triple]] = current_app.extensions.setdefault(
        "iacml.ld.ontology", {})
    with _lock:
        if version not in cache:
            graph = base() + "graph/ontology"
            rows = datasource.select(f"SELECT ?s ?p ?o WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")
            cache.clear()
            cache[version] = [ox.Triple(r["s"], r["p"], r["o"]) for r in rows]
        return cache[version]


def _anchor(iri: str) -> str:
    return iri.rsplit("#", 1)[-1] if "#" in iri else iri.rstrip("/").rsplit("/", 1)[-1]


def _by_anchor(entry: dict[str, Any]) -> str:
    return str(entry["anchor"])


def model() -> list[dict[str, Any]]:
    """Sections of documented terms: anchor, labels, definition, other statements."""
    index = labels.index()
    langs = labels.preferred_languages()
    about: dict[str, list[tuple[str, Term]]] = {}
    for t in triples():
        if isinstance(t.subject, ox.NamedNode):
            about.setdefault(t.subject.value, []).append((t.predicate.value, t.object))
    ns = base() + "ontology#"
    sections: list[dict[str, Any]] = []
    for title, kinds in SECTIONS:
        terms: list[dict[str, Any]] = []
        for iri, props in about.items():
            types = {o.value for p, o in props if p == RDF_TYPE and isinstance(o, ox.NamedNode)}
            if not types & set(kinds) or not (iri.startswith(ns) or title == "Concept schemes"):
                continue
            defs = [o.value for p, o in props
                    if p == SKOS + "definition" and isinstance(o, ox.Literal)]
            other: dict[str, list[dict[str, Any]]] = {}
            for p, o in props:
                if p not in HIDDEN and not isinstance(o, ox.BlankNode):
                    other.setdefault(index.label(p, langs), []).append(term_view(o, index, langs))
            entry: dict[str, Any] = {
                "iri": iri, "anchor": _anchor(iri), "label": index.label(iri, langs),
                "labels": index.language_labels(iri), "definitions": defs,
                "other": sorted(other.items())}
            if title == "Concept schemes":
                members = [s for s, ps in about.items()
                           if any(p == SKOS + "inScheme" and o == ox.NamedNode(iri)
                                  for p, o in ps)]
                entry["concepts"] = sorted(
                    ({"iri": m, "anchor": _anchor(m), "label": index.label(m, langs),
                      "labels": index.language_labels(m)} for m in members),
                    key=lambda c: c["label"].lower())
            terms.append(entry)
        sections.append({"title": title, "terms": sorted(terms, key=_by_anchor)})
    return sections


@bp.route("/ontology")
@bp.route("/ontology.<suffix>")
def ontology(suffix: str | None = None) -> Response:
    """The ontology documentation, or the ontology in an RDF format."""
    fmt = by_suffix(suffix)
    if suffix and fmt is None:
        return Response("unknown format suffix\n", status=404,
                        content_type="text/plain; charset=utf-8")
    fmt = negotiated(fmt)
    try:
        if fmt != "html":
            return Response(serialise(triples(), None, fmt), headers={"Vary": "Accept"},
                            content_type=content_type("graph", fmt))
        sections = model()
    except QueryFailed as exc:
        return Response(f"the ontology is unavailable: {exc}\n", status=503,
                        content_type="text/plain; charset=utf-8")
    html = render_template("ld/ontology.html", sections=sections, iri=base() + "ontology")
    return Response(html, headers={"Vary": "Accept"}, content_type="text/html; charset=utf-8")
