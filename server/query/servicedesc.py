"""SPARQL 1.1 Service Description of the endpoint, with VoID counts of the dataset."""

from __future__ import annotations

import pyoxigraph as ox

from server.formats import QUERY_KINDS, formats_for, write_rdf

SD = "http://www.w3.org/ns/sparql-service-description#"
VOID = "http://rdfs.org/ns/void#"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
FORMATS = "http://www.w3.org/ns/formats/"
RESULT_FORMATS = tuple(dict.fromkeys(f.w3c for kind in QUERY_KINDS for f in formats_for(kind)
                                    if f.w3c))
INPUT_FORMATS = ("N-Quads", "TriG")
PREFIXES = {"sd": SD, "void": VOID, "formats": FORMATS,
            "dcterms": "http://purl.org/dc/terms/"}


def _n(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


def describe(endpoint: str, counts: dict[str, int] | None, total: int | None,
             federated: bool) -> list[ox.Triple]:
    """Triples of the service description of ``endpoint``.

    ``counts`` maps graph IRIs to triple counts ('' is the store's own default
    graph); ``total`` is the size of the default dataset (the union of graphs).
    """
    service = _n(endpoint)
    triples = [
        ox.Triple(service, RDF_TYPE, _n(SD + "Service")),
        ox.Triple(service, _n(SD + "endpoint"), service),
        ox.Triple(service, _n("http://purl.org/dc/terms/title"),
                  ox.Literal("IACML knowledge graph SPARQL endpoint", language="en")),
        ox.Triple(service, _n(SD + "defaultEntailmentRegime"),
                  _n("http://www.w3.org/ns/entailment/Simple")),
        ox.Triple(service, _n(SD + "feature"), _n(SD + "UnionDefaultGraph")),
    ]
    for language in ("SPARQL10Query", "SPARQL11Query"):
        triples.append(ox.Triple(service, _n(SD + "supportedLanguage"), _n(SD + language)))
    if federated:
        triples.append(ox.Triple(service, _n(SD + "feature"), _n(SD + "BasicFederatedQuery")))
    for name in RESULT_FORMATS:
        triples.append(ox.Triple(service, _n(SD + "resultFormat"), _n(FORMATS + name)))
    for name in INPUT_FORMATS:
        triples.append(ox.Triple(service, _n(SD + "inputFormat"), _n(FORMATS + name)))
    dataset, default = ox.BlankNode("dataset"), ox.BlankNode("defaultGraph")
    triples += [
        ox.Triple(service, _n(SD + "defaultDataset"), dataset),
        ox.Triple(dataset, RDF_TYPE, _n(SD + "Dataset")),
        ox.Triple(dataset, RDF_TYPE, _n(VOID + "Dataset")),
        ox.Triple(dataset, _n(SD + "defaultGraph"), default),
        ox.Triple(default, RDF_TYPE, _n(SD + "Graph")),
        ox.Triple(default, _n("http://purl.org/dc/terms/description"),
                  ox.Literal("The union of all graphs of the dataset", language="en")),
    ]
    if total is not None:
        literal = ox.Literal(str(total), datatype=_n("http://www.w3.org/2001/XMLSchema#integer"))
        triples += [ox.Triple(default, _n(VOID + "triples"), literal),
                    ox.Triple(dataset, _n(VOID + "triples"), literal)]
    for i, (graph, size) in enumerate(sorted((counts or {}).items())):
        if not graph:
            continue
        named, node = ox.BlankNode(f"named{i}"), ox.BlankNode(f"graph{i}")
        triples += [
            ox.Triple(dataset, _n(SD + "namedGraph"), named),
            ox.Triple(named, RDF_TYPE, _n(SD + "NamedGraph")),
            ox.Triple(named, _n(SD + "name"), _n(graph)),
            ox.Triple(named, _n(SD + "graph"), node),
            ox.Triple(node, RDF_TYPE, _n(SD + "Graph")),
            ox.Triple(node, _n(VOID + "triples"),
                      ox.Literal(str(size),
                                 datatype=_n("http://www.w3.org/2001/XMLSchema#integer"))),
        ]
    return triples


def serialise(triples: list[ox.Triple], fmt: str) -> bytes:
    """Write the description in graph format ``fmt`` of :mod:`server.formats`."""
    return write_rdf(triples, fmt, prefixes=PREFIXES)


def page_model(counts: dict[str, int] | None, total: int | None, federated: bool
               ) -> dict[str, object]:
    """What the HTML view of the description shows: the same facts as :func:`describe`."""
    return {"languages": ("SPARQL 1.0 Query", "SPARQL 1.1 Query"),
            "result_formats": [name.replace("_", " ").replace("RDF XML", "RDF/XML")
                               for name in RESULT_FORMATS],
            "input_formats": INPUT_FORMATS, "federated": federated, "total": total,
            "graphs": sorted((g, n) for g, n in (counts or {}).items() if g)}
