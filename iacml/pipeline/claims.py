"""Two facts claiming the same passage for the same statement: one is a duplicate.

Many facts rightly share a passage (one sentence names several Ministries: a
Participation each). But two nodes of one graph that derive from the same
passage and say the same thing (the same triples about them, apart from
``prov:wasDerivedFrom``, and the same triples pointing at them) are one fact
written twice under two IRIs, usually a copy that was meant to be changed.
The build and the entry checker warn about each such pair after the quotes
are located (a passage is then an IRI, the same for the same span).
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import PROV, RDF, XSD
from rdflib.term import Node

from ..namespaces import G_INFERRED, G_PREFERRED, ID, SHAPES
from .places import place
from .report import ValidationResult

Statement = frozenset[tuple[Hashable, ...]]
_PLAIN = {str(XSD.string), str(RDF.langString), ""}


@dataclass
class DuplicateClaim:
    """Two nodes deriving from one passage with the same statement."""

    where: str  # file:line:column of the node, or the files
    node: str
    other: str
    other_graph: str
    passage: str

    def __str__(self) -> str:
        """One line: where, both nodes, the passage, and what to do."""
        return (f"{self.where}: <{self.node}> and <{self.other}> ({self.other_graph}) claim the "
                f"same passage <{self.passage}> for the same statement: remove the duplicate, "
                "or give each what tells them apart")

    def result(self) -> ValidationResult:
        """The pair as a report row (a warning)."""
        return ValidationResult(focus=self.node, path=str(PROV.wasDerivedFrom),
                                value=self.passage, message=str(self), severity="Warning",
                                source_shape=str(SHAPES["DuplicateClaimCheck"]),
                                shape_name="Duplicate claim check")


def _key(term: Node | ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> Hashable:
    """A term as a value that compares equal across rdflib and pyoxigraph."""
    if isinstance(term, URIRef | ox.NamedNode):
        return ("I", str(term) if isinstance(term, URIRef) else term.value)
    if isinstance(term, Literal):
        datatype = str(term.datatype or "")
        return ("L", str(term), term.language or "", "" if datatype in _PLAIN else datatype)
    if isinstance(term, ox.Literal):
        datatype = term.datatype.value
        return ("L", term.value, term.language or "", "" if datatype in _PLAIN else datatype)
    return ("B", str(term))


def statement(graph: Graph, node: Node) -> Statement:
    """What ``graph`` says about ``node``: its triples but prov:wasDerivedFrom, and the
    triples pointing at it."""
    out = {("out", _key(p), _key(o)) for p, o in graph.predicate_objects(node)
           if p != PROV.wasDerivedFrom}
    return frozenset(out | {("in", _key(s), _key(p)) for s, p in graph.subject_predicates(node)})


def stored_statement(store: ox.Store, node: ox.NamedNode,
                     graph: ox.NamedNode | ox.BlankNode | ox.DefaultGraph) -> Statement:
    """:func:`statement` of ``node`` in one graph of a pyoxigraph store."""
    derived = ox.NamedNode(str(PROV.wasDerivedFrom))
    out = {("out", _key(q.predicate), _key(q.object))
           for q in store.quads_for_pattern(node, None, None, graph) if q.predicate != derived}
    return frozenset(out | {("in", _key(q.subject), _key(q.predicate))
                            for q in store.quads_for_pattern(None, None, node, graph)})


def _derived(graph: Graph) -> dict[Node, list[Node]]:
    """The nodes deriving from each named passage of ``graph``."""
    by_passage: dict[Node, list[Node]] = {}
    for node, passage in graph.subject_objects(PROV.wasDerivedFrom):
        if isinstance(passage, URIRef) and not isinstance(node, BNode):
            by_passage.setdefault(passage, []).append(node)
    return by_passage


def _where(node: Node, files: Sequence[Path]) -> str:
    """Where ``node`` is described (``<it> a ...``), else first written; by its IRI or
    its part after ``id/`` (the data files use ``@base``)."""
    relative = str(node)[len(str(ID)):]
    return place(files, f"<{node}> a ", f"<{relative}> a ", f"<{node}>", f"<{relative}>")


def duplicate_claims(graph: Graph, name: str, files: Sequence[Path] = ()
                     ) -> list[DuplicateClaim]:
    """The pairs of nodes of ``graph`` (named ``name`` in messages, read from
    ``files``) that claim the same passage for the same statement."""
    found = []
    for passage, nodes in _derived(graph).items():
        seen: dict[Statement, Node] = {}
        for node in sorted(nodes, key=str):
            said = statement(graph, node)
            if said in seen:
                found.append(DuplicateClaim(_where(node, files), str(node), str(seen[said]),
                                            name, str(passage)))
            else:
                seen[said] = node
    return found


def duplicate_claims_in(entry: Graph, stores: Iterable[ox.Store],
                        files: Sequence[Path] = ()) -> list[DuplicateClaim]:
    """Nodes of ``entry`` (read from ``files``) that claim a passage some other node of
    ``stores`` claims (in any graph where a statement is read, not derived) for the
    same statement."""
    found = []
    derived = ox.NamedNode(str(PROV.wasDerivedFrom))
    # the build's copies: the default graph (the merge), the inferences, the preferred view
    copies = {ox.NamedNode(str(G_INFERRED)), ox.NamedNode(str(G_PREFERRED))}
    for passage, nodes in _derived(entry).items():
        said = {statement(entry, node): node for node in nodes}
        for store in stores:
            for q in store.quads_for_pattern(None, derived, ox.NamedNode(str(passage)), None):
                if not isinstance(q.subject, ox.NamedNode) or URIRef(q.subject.value) in nodes \
                        or not isinstance(q.graph_name, ox.NamedNode) or q.graph_name in copies:
                    continue
                node = said.get(stored_statement(store, q.subject, q.graph_name))
                if node is not None:
                    graph = q.graph_name.value if isinstance(q.graph_name, ox.NamedNode) else ""
                    found.append(DuplicateClaim(_where(node, files), str(node), q.subject.value,
                                                graph, str(passage)))
    return found
