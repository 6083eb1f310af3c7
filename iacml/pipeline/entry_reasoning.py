"""The reasoning stage for an entry: its OWL 2 RL entailments, fast.

owlrl over entry ∪ registry ∪ ontology takes seconds. An entry's new
entailments are computed instead by the rules the ontology's axioms need
(:func:`fast_inferences`: subclass, subproperty, inverse, domain, range, and
owlrl's error nodes for disjoint classes and ill-typed literals) over the
ontology's axioms as look-up tables (:class:`TBox`). An entry that declares
classes or properties, or an ontology with axioms those rules do not cover,
gets owlrl over the entry and only the context triples it can depend on
(:func:`relevant_slice`). ``tests/test_validate_incremental.py`` shows both
agree with owlrl over everything.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from owlrl.DatatypeHandling import AltXSDToPYTHON
from owlrl.Namespaces import ERRNS
from owlrl.OWLRL import OWL_RL_Datatypes
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, XSD
from rdflib.term import Node

from ..namespaces import IACML, SH
from .reasoning import (
    Triple,
    closure,
    derive_shortcuts,
    entailing_properties,
    is_informative,
    reasoning_input,
)

_BUILTIN = (str(RDF), str(RDFS), str(OWL), str(XSD), str(SH))
# Ontology structures reached backwards: a list that holds a term, an axiom that
# names it as the other side (inverse, disjoint, equivalent), a restriction on it.
_BACKWARD = {RDF.first, RDF.rest, OWL.members, OWL.unionOf, OWL.intersectionOf,
             OWL.propertyChainAxiom, OWL.inverseOf, OWL.disjointWith, OWL.equivalentClass,
             OWL.equivalentProperty, OWL.onProperty, OWL.someValuesFrom, OWL.allValuesFrom,
             OWL.hasValue, OWL.propertyDisjointWith, OWL.complementOf, OWL.oneOf,
             OWL.hasKey, OWL.onClass, OWL.distinctMembers}
# Axioms the fast rules do not implement: an ontology using one gets owlrl.
_UNSUPPORTED = (OWL.propertyChainAxiom, OWL.equivalentClass, OWL.equivalentProperty,
                OWL.unionOf, OWL.intersectionOf, OWL.someValuesFrom, OWL.allValuesFrom,
                OWL.hasValue, OWL.maxCardinality, OWL.maxQualifiedCardinality, OWL.hasKey,
                OWL.oneOf, OWL.complementOf, OWL.propertyDisjointWith, OWL.sameAs,
                OWL.differentFrom, OWL.sourceIndividual)
_UNSUPPORTED_TYPES = (OWL.FunctionalProperty, OWL.InverseFunctionalProperty,
                      OWL.TransitiveProperty, OWL.SymmetricProperty, OWL.AsymmetricProperty,
                      OWL.IrreflexiveProperty, OWL.AllDifferent, OWL.AllDisjointProperties,
                      OWL.Nothing)

Index = dict[Node, list[Triple]]


def is_builtin(term: Node) -> bool:
    """True for a term of RDF, RDFS, OWL, XSD or SHACL."""
    return isinstance(term, URIRef) and str(term).startswith(_BUILTIN)


def index(graph: Graph) -> tuple[Index, Index]:
    """Triples of ``graph`` by subject and by object (literals left out)."""
    by_s: Index = {}
    by_o: Index = {}
    for s, p, o in graph:
        by_s.setdefault(s, []).append((s, p, o))
        if not isinstance(o, Literal):
            by_o.setdefault(o, []).append((s, p, o))
    return by_s, by_o


@dataclass
class TBox:
    """The ontology's axioms as look-up tables, from the closed context (so the
    subclass and subproperty hierarchies and inherited domains/ranges are complete)."""

    superclasses: dict[Node, set[Node]] = field(default_factory=dict)
    superproperties: dict[Node, set[Node]] = field(default_factory=dict)
    domains: dict[Node, set[Node]] = field(default_factory=dict)
    ranges: dict[Node, set[Node]] = field(default_factory=dict)
    inverses: dict[Node, set[Node]] = field(default_factory=dict)
    disjoint: list[tuple[Node, Node]] = field(default_factory=list)  # owlrl's order
    #: False when the ontology uses an axiom the fast rules do not implement
    #: (chains, functional/transitive/symmetric properties, class expressions,
    #: equality): then every entry is reasoned over by owlrl.
    complete: bool = True

    @classmethod
    def of(cls, graph: Graph) -> TBox:
        """The tables of the (closed) context ``graph``."""
        box = cls()
        tables = ((box.superclasses, RDFS.subClassOf), (box.superproperties, RDFS.subPropertyOf),
                  (box.domains, RDFS.domain), (box.ranges, RDFS.range))
        for table, prop in tables:
            for s, o in graph.subject_objects(prop):
                if s != o:
                    table.setdefault(s, set()).add(o)
        for s, o in graph.subject_objects(OWL.inverseOf):
            box.inverses.setdefault(s, set()).add(o)
            box.inverses.setdefault(o, set()).add(s)
        box.disjoint = [(s, o) for s, o in graph.subject_objects(OWL.disjointWith)]
        for axiom in graph.subjects(RDF.type, OWL.AllDisjointClasses):
            for head in graph.objects(axiom, OWL.members):
                classes = list(Collection(graph, head))
                for i, c1 in enumerate(classes):
                    box.disjoint.extend((c1, c2) for c2 in classes[i + 1:])
        box.complete = not any((None, p, None) in graph for p in _UNSUPPORTED) and not any(
            (None, RDF.type, t) in graph for t in _UNSUPPORTED_TYPES)
        return box

    def consequences(self, triple: Triple) -> list[Triple]:
        """What one triple entails by cax-sco, prp-spo1, prp-inv, prp-dom and prp-rng."""
        s, p, o = triple
        if p == RDF.type:
            return [(s, RDF.type, c) for c in self.superclasses.get(o, ())]
        new: list[Triple] = [(s, q, o) for q in self.superproperties.get(p, ())]
        if not isinstance(o, Literal):
            new += [(o, q, s) for q in self.inverses.get(p, ())]
            new += [(o, RDF.type, c) for c in self.ranges.get(p, ())]
        return new + [(s, RDF.type, c) for c in self.domains.get(p, ())]


@dataclass
class ReasoningBase:
    """What entry reasoning needs of one data version."""

    tbox: TBox
    known: Graph  # the context and its closure: entailments already there
    entailing: set[Node]
    by_s: Index  # the lean context and its closure, by subject
    by_o: Index  # ... and by object


def relevant_slice(entry_lean: Graph, base: ReasoningBase) -> Graph:
    """The context triples (lean registry + ontology, with their closure) that the
    entry's inferences can depend on: everything reachable forwards from the terms
    and resources the entry uses, and the ontology structures (lists, restrictions,
    inverse/disjoint/equivalent axioms) that name something reached."""
    todo = [t for triple in entry_lean for t in triple if not isinstance(t, Literal)]
    seen: set[Node] = set()
    out = Graph()
    while todo:
        node = todo.pop()
        if node in seen or is_builtin(node):
            continue
        seen.add(node)
        for s, p, o in base.by_s.get(node, ()):
            out.add((s, p, o))
            if not isinstance(o, Literal):
                todo.append(o)
        for s, p, o in base.by_o.get(node, ()):
            if p in _BACKWARD:
                out.add((s, p, o))
                todo.append(s)
    return out


def needs_full_reasoning(entry_lean: Graph, box: TBox | None = None) -> bool:
    """True when the fast rules do not apply and owlrl runs over the relevant slice:
    the entry says something about classes or properties themselves (OWL/RDFS
    vocabulary other than rdf:type to a non-OWL class), or the ontology uses an
    axiom the fast rules do not implement."""
    if box is not None and not box.complete:
        return True
    return any(is_builtin(o) if p == RDF.type else is_builtin(p) for _, p, o in entry_lean)


def _entailed(triples: Iterable[Triple], box: TBox) -> set[Triple]:
    """``triples`` and everything the TBox rules derive from them."""
    facts: set[Triple] = set()
    todo = list(triples)
    while todo:
        triple = todo.pop()
        if triple not in facts:
            facts.add(triple)
            todo += [t for t in box.consequences(triple) if t not in facts]
    return facts


def _inconsistencies(facts: set[Triple], entry_lean: Graph, base: ReasoningBase) -> list[str]:
    """The messages owlrl gives for disjoint classes sharing an individual (cax-dw, cax-adc)
    and for literals that do not match their datatype (dt-not-type)."""
    types: dict[Node, set[Node]] = {}
    for s, p, o in facts:
        if p == RDF.type:
            types.setdefault(s, set()).add(o)
    errors = []
    for z, own in types.items():
        every = own | set(base.known.objects(z, RDF.type))
        errors += [f"Disjoint classes {c1} and {c2} have a common individual {z}"
                   for c1, c2 in base.tbox.disjoint if c1 in every and c2 in every]
    for lt in {o for _, _, o in entry_lean if isinstance(o, Literal)}:
        if lt.datatype in OWL_RL_Datatypes:
            try:
                AltXSDToPYTHON.get(lt.datatype, str)(str(lt))
            except ValueError:
                errors.append(f"Lexical value of the literal '{lt}' does not match its datatype "
                              f"({lt.datatype})")
    return list(dict.fromkeys(errors))


def fast_inferences(entry_lean: Graph, base: ReasoningBase) -> Graph:
    """The OWL 2 RL entailments of entry ∪ context that the ontology's axioms allow
    (cax-sco, prp-spo1, prp-inv, prp-dom, prp-rng; cax-dw, cax-adc and dt-not-type
    as owlrl's error-message nodes), minus what the context already holds."""
    facts = _entailed(entry_lean, base.tbox)
    out = Graph()
    for triple in facts:
        if triple not in base.known and is_informative(triple) and triple not in entry_lean:
            out.add(triple)
    for message in _inconsistencies(facts, entry_lean, base):
        node = BNode()
        out.add((node, RDF.type, ERRNS.ErrorMessage))
        out.add((node, ERRNS.error, Literal(message)))
    return out


def entry_inferences(entry: Graph, base: ReasoningBase) -> Graph:
    """New informative triples the entry entails with the context (OWL RL + shortcuts):
    by the fast rules, or by owlrl over the relevant slice when the entry needs it."""
    lean = reasoning_input(entry, base.entailing)
    has_memberships = (None, RDF.type, IACML.Membership) in entry
    shortcuts = derive_shortcuts(entry) if has_memberships else Graph()
    if needs_full_reasoning(lean, base.tbox):
        inferred = closure(lean, relevant_slice(lean, base), shortcuts)
    else:
        inferred = fast_inferences(lean + shortcuts, base)
    for triple in shortcuts:
        inferred.add(triple)
    return inferred


def reasoning_base(context: Graph, context_closure: Graph, known: Graph) -> ReasoningBase:
    """The look-up tables of one data version: ``context`` (registry ∪ ontology), its
    closure, and ``known``, everything validation sees of the context."""
    entailing = entailing_properties(context)
    reasoning = reasoning_input(context, entailing)
    for triple in context_closure:
        reasoning.add(triple)
    by_s, by_o = index(reasoning)
    return ReasoningBase(TBox.of(known), known, entailing, by_s, by_o)
