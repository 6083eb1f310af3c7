"""The shapes stage: SHACL over a graph with its context and their OWL RL closure.

A graph is validated together with its context (registry and ontology), after
their OWL 2 RL closure, with no further inference (model.md, "Validation
scope"): :func:`validate_graph` validates every node (the build, per fact graph;
the full validation of an entry; the shape tests), :class:`FocusShapes` only the
nodes an entry can affect (the entry checker). Both run pySHACL through
:mod:`iacml.pipeline.shacl` and read its report the same way.
"""

from __future__ import annotations

import threading
from collections.abc import Collection, Iterable

from rdflib import Graph
from rdflib.term import Node

from .reasoning import closure, derive_shortcuts, entailing_properties, reasoning_input
from .report import ValidationOutcome, name_shapes, parse_report
from .shacl import FocusValidator, copy_graph, validate_whole


def inferences_of(data: Graph, context: Graph) -> Graph:
    """The shortcuts and the OWL RL closure of ``data`` ∪ ``context`` (owlrl)."""
    shortcuts = derive_shortcuts(copy_graph(data, context))
    entailing = entailing_properties(context)
    inferred = closure(reasoning_input(data, entailing), reasoning_input(context, entailing),
                       shortcuts)
    for triple in shortcuts:
        inferred.add(triple)
    return inferred


def validate_graph(data: Graph, context: Graph | None = None, shapes: Graph | None = None,
                   inferred: Graph | None = None) -> ValidationOutcome:
    """Validate every node of ``data`` ∪ ``context`` (registry + ontology) ∪ ``inferred``.

    ``inferred`` is their closure; it is computed (:func:`inferences_of`) when not
    given, as the build gives it.
    """
    if shapes is None:
        from ..paths import ProjectPaths
        from .parse import load_shapes
        shapes = load_shapes(ProjectPaths.default().shapes_dir)
    context = context if context is not None else Graph()
    if inferred is None:
        inferred = inferences_of(data, context)
    conforms, report = validate_whole(copy_graph(data, context, inferred), shapes)
    name_shapes(report, shapes)
    return ValidationOutcome(conforms, parse_report(report, shapes), report)


class FocusShapes:
    """The shapes of one data version, run on the focus nodes of entries over a data
    graph (context ∪ its closure) that is built once: an entry's triples are added
    for its run and removed afterwards, so the context is never copied (thread-safe)."""

    def __init__(self, base: Graph, shapes: Graph) -> None:
        """Hold ``base`` (copied once) and read ``shapes``."""
        self.shapes = shapes
        self._data = copy_graph(base)
        self._validator = FocusValidator(self._data, shapes)
        #: rdflib's SPARQL parser is not thread-safe, and the data graph is shared.
        self._lock = threading.RLock()

    def validate(self, graphs: Iterable[Graph], focus: Collection[Node]) -> ValidationOutcome:
        """Validate the ``focus`` nodes over the base graph ∪ ``graphs``."""
        with self._lock:
            added = [t for g in graphs for t in g if t not in self._data]
            for triple in added:
                self._data.add(triple)
            try:
                conforms, report = self._validator.run(focus)
            finally:
                for triple in added:
                    self._data.remove(triple)
        name_shapes(report, self.shapes)
        return ValidationOutcome(conforms, parse_report(report, self.shapes), report)
