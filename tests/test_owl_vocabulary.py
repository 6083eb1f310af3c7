"""The vocabulary as OWL 2 DL tools read it (issue 14, item 15), checked on the built dataset.

These checks need no Java: they state the rules of the OWL 2 mapping to RDF that the
OWL API's profile checker and the DL reasoners apply (tests/test_owl_dl.py runs those).
"""

from __future__ import annotations

from collections import defaultdict

import pyoxigraph as ox
import pytest

OWL = "http://www.w3.org/2002/07/owl#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
XSD = "http://www.w3.org/2001/XMLSchema#"
GRAPH = "https://w3id.org/iacml/graph/"
KINDS = {OWL + "ObjectProperty", OWL + "DatatypeProperty", OWL + "AnnotationProperty"}

# OWL 2 Structural Specification, 10.1 (annotation properties every OWL 2 tool knows).
BUILTIN_ANNOTATIONS = {RDFS + "label", RDFS + "comment", RDFS + "seeAlso", RDFS + "isDefinedBy",
                       OWL + "deprecated", OWL + "versionInfo", OWL + "priorVersion",
                       OWL + "backwardCompatibleWith", OWL + "incompatibleWith"}
# The triples an OWL 2 axiom annotation is written with (OWL 2 mapping to RDF, table 16).
AXIOM_ANNOTATION = {OWL + "annotatedSource", OWL + "annotatedProperty", OWL + "annotatedTarget"}
# OWL 2 Structural Specification, 4 (the OWL 2 datatype map), plus the two built-ins.
DATATYPE_MAP = {RDF + "PlainLiteral", RDF + "XMLLiteral", RDFS + "Literal", OWL + "real",
                OWL + "rational"} | {XSD + n for n in (
                    "decimal integer nonNegativeInteger nonPositiveInteger positiveInteger "
                    "negativeInteger long int short byte unsignedLong unsignedInt "
                    "unsignedShort unsignedByte double float string normalizedString token "
                    "language Name NCName NMTOKEN boolean hexBinary base64Binary anyURI "
                    "dateTime dateTimeStamp").split()}


def _declared(store: ox.Store) -> dict[str, set[str]]:
    kinds: dict[str, set[str]] = defaultdict(set)
    for q in store.quads_for_pattern(None, ox.NamedNode(RDF + "type"), None,
                                     ox.NamedNode(GRAPH + "ontology")):
        if q.object.value in KINDS | {RDF + "Property"}:
            kinds[q.subject.value].add(q.object.value)
    return kinds


def _data_quads(store: ox.Store) -> list[ox.Quad]:
    """Every asserted statement about individuals: all graphs but the ontology and the
    OWL RL closure (graph/inferred holds inferences, DL tools derive their own)."""
    skip = {GRAPH + "ontology", GRAPH + "inferred"}
    return [q for q in store.quads_for_pattern(None, None, None, None)
            if isinstance(q.graph_name, ox.NamedNode) and q.graph_name.value not in skip]


@pytest.fixture(scope="module")
def declared(store: ox.Store) -> dict[str, set[str]]:
    return _declared(store)


def test_every_property_has_one_owl_kind(store: ox.Store,
                                         declared: dict[str, set[str]]) -> None:
    """Each property used in the data is declared as exactly one of object, datatype or
    annotation property (or is a built-in annotation property), never only rdf:Property."""
    structural = {RDF + "type", OWL + "sameAs"} | AXIOM_ANNOTATION | BUILTIN_ANNOTATIONS
    used = {q.predicate.value for q in _data_quads(store)}
    offenders = sorted(f"{p}: {sorted(declared.get(p, set())) or 'undeclared'}"
                       for p in used - structural if len(declared.get(p, set()) & KINDS) != 1
                       or RDF + "Property" in declared.get(p, set()))
    assert not offenders, "\n".join(offenders)
    assert not [p for p, k in declared.items() if len(k) > 1], "a property of two kinds"


def test_values_fit_the_kind_of_their_property(store: ox.Store,
                                               declared: dict[str, set[str]]) -> None:
    """Object properties take resources and datatype properties literals: a property
    used both ways is read as two (a "punning" error, and values silently dropped)."""
    wrong = []
    for q in _data_quads(store):
        kind = declared.get(q.predicate.value, set())
        literal = isinstance(q.object, ox.Literal)
        if (OWL + "ObjectProperty" in kind and literal) or \
                (OWL + "DatatypeProperty" in kind and not literal):
            wrong.append(f"{q.subject} {q.predicate} {q.object} in {q.graph_name}")
    assert not wrong, "\n".join(wrong[:20])


def test_datatype_ranges_are_in_the_owl2_datatype_map(store: ox.Store,
                                                      declared: dict[str, set[str]]) -> None:
    """A datatype property's range is an OWL 2 datatype (rdf:langString is not one: the
    OWL API then reads it as a class and the property as an object property)."""
    ranges = {(q.subject.value, q.object.value) for q in store.quads_for_pattern(
        None, ox.NamedNode(RDFS + "range"), None, ox.NamedNode(GRAPH + "ontology"))}
    bad = sorted((p, r) for p, r in ranges
                 if OWL + "DatatypeProperty" in declared.get(p, set()) and r not in DATATYPE_MAP)
    assert not bad, bad
    assert not [p for p, r in ranges if r == RDF + "langString"]


def test_no_reserved_vocabulary_as_a_property_of_individuals(store: ox.Store) -> None:
    """rdf:value (once used for the value of a Claim) and the other rdf:/rdfs:/owl:
    properties are not properties of individuals in OWL 2 DL."""
    allowed = {RDF + "type", OWL + "sameAs"} | AXIOM_ANNOTATION | BUILTIN_ANNOTATIONS
    reserved = (RDF, RDFS, OWL, XSD)
    found = sorted({q.predicate.value for q in _data_quads(store)
                    if q.predicate.value.startswith(reserved)} - allowed)
    assert not found, found


def test_link_provenance_is_an_owl_axiom_annotation(store: ox.Store) -> None:
    """Every owl:sameAs in graph/links is annotated by exactly one owl:Axiom naming it,
    with its verification status and reference table; no rdf:Statement is left."""
    links = ox.NamedNode(GRAPH + "links")
    same = {(q.subject, q.object) for q in store.quads_for_pattern(
        None, ox.NamedNode(OWL + "sameAs"), None, links)}
    assert len(same) > 100
    rows = store.query(f"""
        SELECT ?axiom ?s ?o ?status ?table WHERE {{ GRAPH <{links.value}> {{
          ?axiom a <{OWL}Axiom> ; <{OWL}annotatedSource> ?s ;
                 <{OWL}annotatedProperty> <{OWL}sameAs> ; <{OWL}annotatedTarget> ?o .
          OPTIONAL {{ ?axiom <https://w3id.org/iacml/ontology#verification> ?status }}
          OPTIONAL {{ ?axiom <https://w3id.org/iacml/ontology#referenceTable> ?table }}
        }} }}""")
    annotated: dict[tuple, list] = defaultdict(list)
    for row in rows:  # type: ignore[union-attr]
        annotated[(row["s"], row["o"])].append((row["status"], row["table"]))
    assert set(annotated) == same
    for link, notes in annotated.items():
        assert len(notes) == 1, link
        status, table = notes[0]
        assert status is not None and status.value in {"confirmed", "single-source"}, link
        assert table is not None and table.value.startswith(
            "https://w3id.org/iacml/id/reference-table/"), link
    assert not list(store.quads_for_pattern(None, ox.NamedNode(RDF + "type"),
                                            ox.NamedNode(RDF + "Statement"), None))
