"""The dataset as OWL 2 DL tools load it: ``build/iacml-dl.owl`` (RDF/XML).

DL reasoners (HermiT, Pellet; Protégé and owlready2 run them) accept only literals of
the OWL 2 datatype map, which has ``xsd:dateTime`` but none of the datatypes the
sources' dates are kept in (``xsd:date``, ``xsd:gYearMonth``, ``xsd:gYear``,
``xsd:gMonthDay``): HermiT refuses such a file, and a reasoner told to ignore them
reasons over less than the data. So this artefact is the served dataset with two
differences only:

- a printed date keeps its printed form as a plain string (``"2021-09"``);
- its derived bounds (iacml/pipeline/datebounds.py) are ``xsd:dateTime``: the first second of
  the earliest day and the last second of the latest day (no time zone, as printed).

It holds the ontology and every asserted graph (registry, sources, curation,
submissions), not ``graph/inferred`` (a DL reasoner derives more itself), not
``graph/preferred`` (a selection of the same statements) and not
``graph/links``: ``owl:sameAs`` to Wikidata, GeoNames and DBpedia would merge our
resources with external ones (model.md pitfall 10). ``graph/links`` is OWL 2 DL as it
is (its provenance is in axiom annotations) and can be loaded next to it.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, XSD

from ..namespaces import G_INFERRED, G_LINKS, G_PREFERRED, ONTOLOGY_IRI
from .datebounds import BOUNDS, DATE_TYPES

DL_ONTOLOGY_IRI = URIRef("https://w3id.org/iacml/dataset/owl-dl")
LICENSE = URIRef("https://creativecommons.org/licenses/by/4.0/")

#: OWL 2 Structural Specification, section 4: the datatypes DL tools must support.
OWL2_DATATYPE_MAP = frozenset({RDF.PlainLiteral, RDF.XMLLiteral, RDFS.Literal, OWL.real,
                               OWL.rational} | {XSD[n] for n in (
    "decimal integer nonNegativeInteger nonPositiveInteger positiveInteger negativeInteger "
    "long int short byte unsignedLong unsignedInt unsignedShort unsignedByte double float "
    "string normalizedString token language Name NCName NMTOKEN boolean hexBinary "
    "base64Binary anyURI dateTime dateTimeStamp").split()})

_EARLIEST = {pair[0] for pair in BOUNDS.values()}
_LATEST = {pair[1] for pair in BOUNDS.values()}


def in_datatype_map(literal: Literal) -> bool:
    """True for a literal an OWL 2 DL tool accepts (language-tagged ones included)."""
    return literal.language is not None or (literal.datatype or XSD.string) in OWL2_DATATYPE_MAP


def dl_literal(predicate: URIRef, literal: Literal) -> Literal:
    """The literal as the DL artefact gives it (see the module docstring)."""
    if in_datatype_map(literal):
        return literal
    if literal.datatype == XSD.date and predicate in _EARLIEST:
        return Literal(f"{literal}T00:00:00", datatype=XSD.dateTime)
    if literal.datatype == XSD.date and predicate in _LATEST:
        return Literal(f"{literal}T23:59:59", datatype=XSD.dateTime)
    return Literal(str(literal))  # the printed form, as a plain string


def dl_graph(graphs: dict[URIRef, Graph], build_id: str = "") -> tuple[Graph, Counter[str]]:
    """The DL artefact's triples, and how many literals of each datatype were rewritten."""
    out = Graph()
    rewritten: Counter[str] = Counter()
    ontology = URIRef(ONTOLOGY_IRI)
    for name, graph in graphs.items():
        if name in (G_INFERRED, G_LINKS, G_PREFERRED):
            continue
        for s, p, o in graph:
            if s == ontology:  # the ontology's own header: the artefact has its own
                continue
            if isinstance(o, Literal) and not in_datatype_map(o):
                rewritten[str(o.datatype)] += 1
                o = dl_literal(URIRef(str(p)), o)
            out.add((s, p, o))
    unexpected = set(rewritten) - {str(t) for t in DATE_TYPES}
    if unexpected:  # a new datatype must be thought about, not silently made a string
        raise ValueError(f"literals outside the OWL 2 datatype map: {sorted(unexpected)}")
    _header(out, build_id)
    return out, rewritten


def _header(out: Graph, build_id: str) -> None:
    out.add((DL_ONTOLOGY_IRI, RDF.type, OWL.Ontology))
    out.add((DL_ONTOLOGY_IRI, RDFS.label,
             Literal("IACML knowledge graph for OWL 2 DL tools", lang="en")))
    out.add((DL_ONTOLOGY_IRI, RDFS.comment, Literal(
        "The IACML ontology and every asserted graph of the dataset (registry, sources, "
        "curation), for OWL 2 DL reasoners. Dates keep their printed form as strings; "
        "their earliest and latest days are given as xsd:dateTime (iacml:earliestStartDate "
        "...). graph/links (owl:sameAs to external datasets) and graph/inferred are left "
        "out; see docs/design.md.", lang="en")))
    out.add((DL_ONTOLOGY_IRI, RDFS.seeAlso, URIRef(ONTOLOGY_IRI)))
    out.add((DL_ONTOLOGY_IRI, DCTERMS.license, LICENSE))
    if build_id:
        out.add((DL_ONTOLOGY_IRI, OWL.versionInfo, Literal(build_id)))


def write_dl_artefact(graphs: dict[URIRef, Graph], path: Path, build_id: str = "") -> str:
    """Write the artefact (RDF/XML, atomically); return a one-line summary."""
    graph, rewritten = dl_graph(graphs, build_id)
    tmp = path.with_suffix(path.suffix + ".tmp")
    triples = ox.parse(graph.serialize(format="nt", encoding="utf-8"),
                       format=ox.RdfFormat.N_TRIPLES)
    ox.serialize(triples, str(tmp), format=ox.RdfFormat.RDF_XML)
    tmp.replace(path)
    dates = sum(rewritten.values())
    return f"{path.name}: {len(graph)} triples, {dates} dates as strings + xsd:dateTime bounds"
