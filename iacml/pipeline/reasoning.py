"""OWL 2 RL reasoning (owlrl) and the derived shortcut triples.

owlrl is pure Python and slow (measured: 7 s for 5,700 triples), so the
closure is computed over what needs it: the ontology, the registry and the
facts of one source, never passages, selectors or ``graph/links``
(``owl:sameAs`` to external graphs must not be reasoned over). Only new,
informative triples are kept.
"""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor

import owlrl
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS, XSD
from rdflib.term import Node, _toPythonMapping

from ..namespaces import IACML, OA

#: A triple of rdflib terms.
Triple = tuple[Node, Node, Node]

_BUILTIN = (str(RDF), str(RDFS), str(OWL), str(XSD), "http://www.w3.org/ns/shacl#")
_UNINFORMATIVE_TYPES = {OWL.Thing, RDFS.Resource, OWL.NamedIndividual, RDFS.Class, OWL.Class,
                        RDFS.Datatype, RDF.Property}
_REFLEXIVE = {OWL.sameAs, OWL.equivalentClass, OWL.equivalentProperty, RDFS.subClassOf,
              RDFS.subPropertyOf}

_ANNOTATIONS = {RDFS.label, RDFS.comment, RDFS.isDefinedBy, RDFS.seeAlso, SKOS.prefLabel,
                SKOS.altLabel, SKOS.definition, SKOS.note, SKOS.inScheme, SKOS.hasTopConcept,
                SKOS.topConceptOf, DCTERMS.license, DCTERMS.source, DCTERMS.publisher,
                DCTERMS.creator, IACML.claimedValue, IACML.verification, IACML.referenceTable,
                IACML.printedAt}

_SHORTCUTS = """
PREFIX iacml: <https://w3id.org/iacml/ontology#>
PREFIX org: <http://www.w3.org/ns/org#>
CONSTRUCT { ?member ?shortcut ?group }
WHERE {
  ?membership a iacml:Membership ; org:member ?member ; org:organization ?group ;
              org:role ?role .
  ?group a iacml:WorkingGroup .
  VALUES (?role ?shortcut) { (iacml:Chair iacml:chairOf) (iacml:ViceChair iacml:viceChairOf) }
}
"""


def derive_shortcuts(graph: Graph) -> Graph:
    """``iacml:chairOf`` / ``iacml:viceChairOf`` from Working Group Memberships."""
    out = Graph()
    constructed = graph.query(_SHORTCUTS).graph
    if constructed is not None:
        for triple in constructed:
            out.add(triple)
    return out


_AXIOMS = (RDFS.domain, RDFS.range, RDFS.subPropertyOf, OWL.equivalentProperty,
           OWL.inverseOf, OWL.propertyChainAxiom)
_AXIOM_TYPES = (OWL.FunctionalProperty, OWL.InverseFunctionalProperty,
                OWL.SymmetricProperty, OWL.TransitiveProperty)


def entailing_properties(ontology: Graph) -> set[Node]:
    """Properties whose use can entail something: those with a domain, range,
    super-property, inverse, chain or characteristic in the ontology."""
    props = {s for p in _AXIOMS for s in ontology.subjects(p, None)}
    props |= {s for t in _AXIOM_TYPES for s in ontology.subjects(RDF.type, t)}
    return props


def reasoning_input(graph: Graph, entailing: set[Node]) -> Graph:
    """The part of a graph worth reasoning over.

    Left out: passages and their selectors, ``prov:wasDerivedFrom``, and every
    triple with a literal value or an annotation property unless its property
    can entail something (``entailing_properties``): labels, definitions,
    titles and texts add nothing to an OWL RL closure but owlrl's time grows
    with every triple it holds.
    """
    passages = set(graph.subjects(RDF.type, IACML.Passage))
    selectors = {o for p in passages for o in graph.objects(p, OA.hasSelector)}
    skip = passages | selectors
    out = Graph()
    for s, p, o in graph:
        if s in skip or p == PROV.wasDerivedFrom:
            continue
        if (isinstance(o, Literal) or p in _ANNOTATIONS) and p not in entailing:
            continue
        out.add((s, p, o))
    return out


def is_informative(triple: Triple) -> bool:
    """False for the axiomatic and trivial triples owlrl adds."""
    s, p, o = triple
    if isinstance(s, Literal) or str(s).startswith(_BUILTIN):
        return False
    if p in _REFLEXIVE and s == o:
        return False
    if o in (OWL.Thing, RDFS.Resource):  # typing, domain, range, subclass of "anything"
        return False
    if p == RDF.type and o in _UNINFORMATIVE_TYPES:
        return False
    if p == RDF.type and isinstance(s, BNode) and str(o).startswith(_BUILTIN):
        return False
    return not (p == RDF.type and o in (OWL.ObjectProperty, OWL.DatatypeProperty,
                                        OWL.AnnotationProperty)
                and not isinstance(s, URIRef))


def closure(*graphs: Graph) -> Graph:
    """New informative triples entailed (OWL 2 RL) by the union of ``graphs``."""
    # SimpleMemory (no contexts) makes owlrl's many look-ups about 2x faster than Memory.
    union = Graph(store="SimpleMemory")
    for g in graphs:
        for triple in g:
            union.add(triple)
    before = set(union)
    # owlrl registers its own literal converters in rdflib and leaves some behind,
    # among them an xsd:gMonthDay one that rejects every valid value ("--05-16"):
    # put rdflib's back afterwards so literals made later in this process stay valid.
    saved = dict(_toPythonMapping)
    try:
        owlrl.DeductiveClosure(owlrl.OWLRL_Semantics, axiomatic_triples=False,
                               datatype_axioms=False, improved_datatypes=False).expand(union)
    finally:
        _toPythonMapping.clear()
        _toPythonMapping.update(saved)
    out = Graph()
    for triple in union:
        if triple not in before and is_informative(triple):
            out.add(triple)
    return out



def _reason_one(facts_nt: bytes, context_nt: bytes) -> bytes:
    """Worker: shortcuts and closure of one fact graph with the (lean) context."""
    facts = Graph().parse(data=facts_nt, format="nt")
    context = Graph().parse(data=context_nt, format="nt")
    shortcuts = derive_shortcuts(facts + context)
    inferred = closure(facts, context, shortcuts)
    for triple in shortcuts:
        inferred.add(triple)
    return inferred.serialize(format="nt", encoding="utf-8")


def reason_per_graph(fact_graphs: dict[URIRef, Graph], context: Graph, ontology: Graph,
                     processes: int | None = None) -> dict[URIRef, Graph]:
    """The inferences of each fact graph over (that graph ∪ context), computed in
    parallel processes (owlrl is pure Python and single-threaded)."""
    entailing = entailing_properties(ontology)
    context_nt = reasoning_input(context, entailing).serialize(format="nt", encoding="utf-8")
    jobs = {name: reasoning_input(g, entailing).serialize(format="nt", encoding="utf-8")
            for name, g in fact_graphs.items()}
    workers = max(1, min(processes or os.cpu_count() or 1, len(jobs)))
    if workers == 1:
        results = {name: _reason_one(nt, context_nt) for name, nt in jobs.items()}
    else:
        # spawn, not fork: forking a process that has threads can deadlock.
        ctx = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(max_workers=workers, mp_context=ctx) as pool:
            futures = {name: pool.submit(_reason_one, nt, context_nt)
                       for name, nt in jobs.items()}
            results = {name: f.result() for name, f in futures.items()}
    return {name: Graph().parse(data=nt, format="nt") for name, nt in results.items()}
