"""SHACL validation, one function for the build, ``iacml validate`` and the service.

A graph is validated together with its context (registry and ontology), after
their OWL 2 RL closure, with pySHACL and no further inference (model.md,
"Validation scope").
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache

import pyshacl
from pyshacl.constraints.sparql.sparql_based_constraints import SPARQLBasedConstraint
from rdflib import BNode, Graph, URIRef
from rdflib.namespace import RDF, SKOS
from rdflib.plugins.sparql import prepareQuery

from ..errors import BuildError
from ..namespaces import SH
from .reasoning import closure, derive_shortcuts, entailing_properties, reasoning_input


@lru_cache(maxsize=512)
def _prepared(text: str):
    return prepareQuery(text)


_evaluate_sparql = SPARQLBasedConstraint._validate_sparql_query


def _evaluate_sparql_prepared(self, query, init_binds, target_graph):
    """pySHACL 0.40 hands rdflib the same SPARQL text once per focus node, and rdflib
    parses it every time (pyparsing: 70 % of a validation run here). The text with
    $this pre-bound is identical for every focus node, so parse it once."""
    if isinstance(query, str):
        query = _prepared(query)
    return _evaluate_sparql(self, query, init_binds, target_graph)


SPARQLBasedConstraint._validate_sparql_query = _evaluate_sparql_prepared


@dataclass
class ValidationResult:
    """One row of a SHACL report, readable by people."""

    focus: str
    path: str
    value: str
    message: str
    severity: str  # "Violation", "Warning" or "Info"
    source_shape: str
    shape_name: str

    def as_dict(self) -> dict[str, str]:
        return dict(self.__dict__)


@dataclass
class ValidationOutcome:
    """The outcome of validating one graph: conforms means no Violation."""

    conforms: bool
    results: list[ValidationResult] = field(default_factory=list)
    report_graph: Graph = field(default_factory=Graph)

    @property
    def violations(self) -> list[ValidationResult]:
        return [r for r in self.results if r.severity == "Violation"]

    @property
    def warnings(self) -> list[ValidationResult]:
        return [r for r in self.results if r.severity == "Warning"]

    def summary(self) -> dict:
        """A compact JSON-ready summary."""
        return {
            "conforms": self.conforms,
            "violations": len(self.violations),
            "warnings": len(self.warnings),
            "results": [r.as_dict() for r in self.results],
        }

    def to_json(self) -> str:
        return json.dumps(self.summary(), indent=2, ensure_ascii=False)

    def to_human(self) -> str:
        lines = [f"Conforms: {self.conforms} ({len(self.violations)} violations, "
                 f"{len(self.warnings)} warnings)"]
        for r in self.results:
            lines.append(f"- {r.severity}: <{r.focus}> {r.path} {r.value}".rstrip())
            lines.append(f"    {r.message} [{r.shape_name or r.source_shape}]")
        return "\n".join(lines)


def _shape_name(shapes: Graph, shape) -> str:
    """The sh:name of a shape, or of the named shape that holds it."""
    name = shapes.value(shape, SH.name)
    if name is None:
        parent = shapes.value(None, SH.property, shape)
        if parent is not None:
            name = shapes.value(parent, SH.name)
    return str(name) if name is not None else ""


def _path_text(report: Graph, path) -> str:
    """A result path as text: its IRI, ``^IRI`` for an inverse path."""
    if path is None:
        return ""
    inverse = report.value(path, SH.inversePath) if isinstance(path, BNode) else None
    return f"^{inverse}" if inverse is not None else str(path)


def parse_report(report: Graph, shapes: Graph) -> list[ValidationResult]:
    """The results of a pySHACL report graph as ValidationResult rows."""
    rows = []
    for result in report.subjects(RDF.type, SH.ValidationResult):
        def text(prop: URIRef, node=result) -> str:
            value = report.value(node, prop)
            return "" if value is None else str(value)

        severity = report.value(result, SH.resultSeverity)
        shape = report.value(result, SH.sourceShape)
        rows.append(ValidationResult(
            focus=text(SH.focusNode),
            path=_path_text(report, report.value(result, SH.resultPath)),
            value=text(SH.value),
            message=text(SH.resultMessage),
            severity=str(severity).rsplit("#", 1)[-1] if severity else "Violation",
            source_shape=str(shape) if shape is not None else "",
            shape_name=_shape_name(shapes, shape) if shape is not None else "",
        ))
    rows.sort(key=lambda r: (r.severity != "Violation", r.focus, r.path, r.message))
    return rows


def validate_graph(data: Graph, context: Graph | None = None, shapes: Graph | None = None,
                   inferred: Graph | None = None) -> ValidationOutcome:
    """Validate ``data`` as a graph of its own with ``context`` (registry + ontology).

    The OWL RL closure of data ∪ context is computed (unless ``inferred`` gives it,
    as the build does) and added before pySHACL runs with no inference.
    """
    if shapes is None:
        from ..paths import ProjectPaths
        from .parse import load_shapes
        shapes = load_shapes(ProjectPaths.default().shapes_dir)
    union = Graph()
    for g in (data, context) if context is not None else (data,):
        for triple in g:
            union.add(triple)
    if inferred is None:
        shortcuts = derive_shortcuts(union)
        context = context if context is not None else Graph()
        entailing = entailing_properties(context)
        inferred = closure(reasoning_input(data, entailing), reasoning_input(context, entailing),
                           shortcuts)
        for triple in shortcuts:
            inferred.add(triple)
    for triple in inferred:
        union.add(triple)
    conforms, report, _ = pyshacl.validate(
        union, shacl_graph=shapes, inference="none", advanced=True, allow_warnings=True,
    )
    if not isinstance(report, Graph):  # pySHACL returns a ValidationFailure on a bad shape
        raise BuildError(f"SHACL validation could not run: {report}")
    return ValidationOutcome(bool(conforms), parse_report(report, shapes), report)


def label_of(graph: Graph, node) -> str:
    """An English label of ``node`` if the graph has one, else its IRI."""
    for label in graph.objects(node, SKOS.prefLabel):
        if getattr(label, "language", None) == "en":
            return str(label)
    return str(node)
