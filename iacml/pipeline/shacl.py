"""pySHACL behind one door: the only module that imports it.

Two ways to run the shapes, both with no inference (the data is already closed
by owlrl, model.md "Validation scope") and sh:Warning results not failing:

* :func:`validate_whole` validates every node of a graph with
  :func:`pyshacl.validate`, pySHACL's documented entry point;
* :class:`FocusValidator` validates only the given focus nodes, each with the
  shapes that target it, for the entry checker. It uses the classes pySHACL
  exports (``pyshacl.ShapesGraph``, ``pyshacl.Shape``, ``pyshacl.Validator``)
  and their public methods, so the shapes are read once per data version
  instead of once per entry.

Why not ``pyshacl.validate(focus_nodes=...)``: in pySHACL 0.40.1 that option
keeps only focus nodes that are IRIs (blank nodes are turned into IRIs and never
match, so a blank-node fact escapes ``sh:nodeKind sh:IRI``) and applies the same
filter to the value nodes that ``sh:node``, ``sh:or`` and ``sh:not`` validate
against nested shapes, so their violations are lost.
``tests/test_pipeline_shacl.py`` shows both; docs/design.md gives the
measurements of the alternatives.

SPARQL-based constraints: pySHACL hands rdflib the same SPARQL text once per
focus node and rdflib parses it each time (pyparsing: most of a validation
run). :class:`PreparedQueryGraph` is an rdflib graph that parses each text
once; pySHACL queries the data graph through its public ``query`` method.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from functools import lru_cache
from typing import Any

import pyshacl
from pyshacl.graph_abstraction import DataGraph
from rdflib import Graph
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.sparql import Query
from rdflib.query import Result
from rdflib.term import Identifier, Node

from ..errors import BuildError

_OPTIONS: dict[str, Any] = {"inference": "none", "advanced": False, "inplace": True,
                            "allow_warnings": True}


@lru_cache(maxsize=512)
def _prepared(text: str, namespaces: frozenset[tuple[str, str]]) -> Query:
    return prepareQuery(text, initNs=dict(namespaces))


class PreparedQueryGraph(Graph):
    """An rdflib graph whose SPARQL texts are parsed once and kept (up to 512)."""

    def query(self, query_object: str | Query, processor: Any = "sparql",
              result: Any = "sparql", initNs: Mapping[str, Any] | None = None,  # noqa: N803
              initBindings: Mapping[str, Identifier] | None = None,  # noqa: N803
              use_store_provided: bool = True, **kwargs: Any) -> Result:
        """Run a query as :meth:`rdflib.Graph.query` does, a text parsed only once."""
        if isinstance(query_object, str):
            # rdflib resolves prefixed names a text does not declare with the graph's
            # bindings (or initNs): they are part of what the text means.
            names = initNs if initNs is not None else dict(self.namespaces())
            query_object = _prepared(query_object,
                                     frozenset((k, str(v)) for k, v in names.items()))
        return super().query(query_object, processor, result, initNs, initBindings,
                             use_store_provided, **kwargs)


def copy_graph(*graphs: Graph) -> PreparedQueryGraph:
    """The union of ``graphs`` in a new :class:`PreparedQueryGraph`."""
    out = PreparedQueryGraph()
    for graph in graphs:
        for triple in graph:
            out.add(triple)
    return out


def validate_whole(data: Graph, shapes: Graph) -> tuple[bool, Graph]:
    """Validate every node of ``data`` (used as it is, not copied); (conforms, report)."""
    conforms, report, _ = pyshacl.validate(data, shacl_graph=shapes, **_OPTIONS)
    if not isinstance(report, Graph):  # a ValidationFailure on a shape pySHACL cannot run
        raise BuildError(f"SHACL validation could not run: {report}")
    return bool(conforms), report


class FocusValidator:
    """Validates focus nodes of one data graph (which may change between runs) with
    shapes read once. Not thread-safe: callers hold a lock around :meth:`run`."""

    def __init__(self, data: Graph, shapes: Graph) -> None:
        """Read the shapes and wrap ``data`` as pySHACL's data graph (not copied)."""
        self._data = DataGraph.from_rdflib(data)
        self._shapes = pyshacl.ShapesGraph(shapes)
        validator = pyshacl.Validator(self._data, shacl_graph=shapes, options=dict(_OPTIONS))
        self._executor = validator.make_executor()
        self._harvested = list(self._shapes.shapes)

    def run(self, focus: Collection[Node]) -> tuple[bool, Graph]:
        """Validate the nodes of ``focus`` that shapes target; (conforms, report)."""
        conforms = True
        reports: list[Any] = []
        for shape in self._harvested:
            targets = [n for n in shape.focus_nodes(self._data) if n in focus]
            if targets:
                ok, found = shape.validate(self._executor, self._data, focus=targets)
                conforms = conforms and ok
                reports.extend(found)
        report, _ = pyshacl.Validator.create_validation_report(self._shapes, conforms, reports)
        return conforms, report
