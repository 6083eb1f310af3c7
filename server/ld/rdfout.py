"""Serialise triples or quads in the negotiated RDF format (pyoxigraph writers)."""

from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph as ox

from server.ld.iris import project_prefixes

MEDIA_TYPES = {
    "turtle": "text/turtle; charset=utf-8",
    "jsonld": "application/ld+json",
    "ntriples": "application/n-triples",
    "rdfxml": "application/rdf+xml",
    "trig": "application/trig",
    "nquads": "application/n-quads",
}
FORMATS = {
    "turtle": ox.RdfFormat.TURTLE, "jsonld": ox.RdfFormat.JSON_LD,
    "ntriples": ox.RdfFormat.N_TRIPLES, "rdfxml": ox.RdfFormat.RDF_XML,
    "trig": ox.RdfFormat.TRIG, "nquads": ox.RdfFormat.N_QUADS,
}
SUFFIXES = {".html": "html", ".ttl": "turtle", ".jsonld": "jsonld", ".nt": "ntriples",
            ".rdf": "rdfxml", ".trig": "trig", ".nq": "nquads"}
SUFFIX_OF = {name: suffix for suffix, name in SUFFIXES.items()}


def split_suffix(key: str) -> tuple[str, str | None]:
    """``("id/country/ARG", "turtle")`` for ``id/country/ARG.ttl``; no suffix: None."""
    for suffix, name in SUFFIXES.items():
        if key.endswith(suffix) and len(key) > len(suffix):
            return key[: -len(suffix)], name
    return key, None


def serialise(triples: Iterable[ox.Triple], quads: Iterable[ox.Quad] | None, fmt: str) -> bytes:
    """``triples`` (or ``quads``, for the dataset formats TriG and N-Quads) in ``fmt``."""
    rdf_format = FORMATS[fmt]
    items: Iterable[object]
    if rdf_format.supports_datasets:
        items = quads if quads is not None else (
            ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in triples)
    else:
        items = triples
    prefixes = project_prefixes() if fmt in {"turtle", "trig", "rdfxml"} else None
    data = ox.serialize(items, format=rdf_format, prefixes=prefixes)
    return data if data is not None else b""
