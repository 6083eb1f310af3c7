"""The report stage: what every other stage found, as rows people read and a SHACL report.

Every stage of the pipeline (quotes, terms, reasoning, QC, shapes) reports its
problems as :class:`ValidationResult` rows; :class:`ValidationOutcome` holds them
with the SHACL validation report graph, to which the rows of the stages that are
not SHACL are added as ``sh:ValidationResult`` nodes, so the Turtle and JSON-LD
reports hold everything the human one shows.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF
from rdflib.term import Node

from ..namespaces import SH

#: The report formats of ``iacml validate -f`` and ``POST /validate``.
REPORT_FORMATS = ("human", "turtle", "json", "json-ld")


@dataclass
class ValidationResult:
    """One row of a report, readable by people."""

    focus: str
    path: str
    value: str
    message: str
    severity: str  # "Violation", "Warning" or "Info"
    source_shape: str
    shape_name: str

    def as_dict(self) -> dict[str, str]:
        """The row as JSON-ready data."""
        return dict(self.__dict__)


@dataclass
class ValidationOutcome:
    """The outcome of validating one graph: it conforms when no row is a Violation."""

    conforms: bool
    results: list[ValidationResult] = field(default_factory=list)
    report_graph: Graph = field(default_factory=Graph)
    #: Seconds spent in each stage, in the order they ran.
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def violations(self) -> list[ValidationResult]:
        """The rows of severity Violation."""
        return [r for r in self.results if r.severity == "Violation"]

    @property
    def warnings(self) -> list[ValidationResult]:
        """The rows of severity Warning."""
        return [r for r in self.results if r.severity == "Warning"]

    def add(self, results: list[ValidationResult]) -> None:
        """Put the rows of a stage that is not SHACL before the SHACL rows, in the report
        graph too."""
        if not results:
            return
        self.results = results + self.results
        self.conforms = self.conforms and not any(r.severity == "Violation" for r in results)
        add_to_report(self.report_graph, results, self.conforms)

    def summary(self) -> dict[str, Any]:
        """A compact JSON-ready summary."""
        return {
            "conforms": self.conforms,
            "violations": len(self.violations),
            "warnings": len(self.warnings),
            "results": [r.as_dict() for r in self.results],
        }

    def to_json(self) -> str:
        """The summary as JSON text."""
        return json.dumps(self.summary(), indent=2, ensure_ascii=False)

    def to_human(self) -> str:
        """The outcome as lines of text."""
        lines = [f"Conforms: {self.conforms} ({len(self.violations)} violations, "
                 f"{len(self.warnings)} warnings)"]
        for r in self.results:
            lines.append(f"- {r.severity}: <{r.focus}> {r.path} {r.value}".rstrip())
            lines.append(f"    {r.message} [{r.shape_name or r.source_shape}]")
        return "\n".join(lines)


def render_outcome(outcome: ValidationOutcome, fmt: str) -> str:
    """The outcome as text: ``json`` (compact summary), ``turtle`` or ``json-ld``
    (the SHACL report graph), ``human``. One rendering for the CLI and the service."""
    if fmt == "json":
        return outcome.to_json()
    if fmt in ("turtle", "json-ld"):
        return outcome.report_graph.serialize(format=fmt)
    return outcome.to_human()


def _shape_name(shapes: Graph, shape: Node) -> str:
    """The sh:name of a shape, or of the named shape that holds it."""
    name = shapes.value(shape, SH.name)
    if name is None:
        parent = shapes.value(None, SH.property, shape)
        if parent is not None:
            name = shapes.value(parent, SH.name)
    return str(name) if name is not None else ""


def _path_text(report: Graph, path: Node | None) -> str:
    """A result path as text: its IRI, ``^IRI`` for an inverse path."""
    if path is None:
        return ""
    inverse = report.value(path, SH.inversePath) if isinstance(path, BNode) else None
    return f"^{inverse}" if inverse is not None else str(path)


def parse_report(report: Graph, shapes: Graph) -> list[ValidationResult]:
    """The results of a SHACL report graph as rows, violations first."""
    rows = []
    for result in report.subjects(RDF.type, SH.ValidationResult):
        def text(prop: URIRef, node: Node = result) -> str:
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


def name_shapes(report: Graph, shapes: Graph) -> None:
    """Make the report say which named shape each result comes from: a result of a
    blank-node property shape gets ``<named shape> sh:property <it>`` and every
    source shape its ``sh:name``, from the shapes graph."""
    for shape in set(report.objects(None, SH.sourceShape)):
        named = shape
        if isinstance(shape, BNode):
            parent = shapes.value(None, SH.property, shape)
            if parent is None:
                continue
            report.add((parent, SH.property, shape))
            named = parent
        name = shapes.value(named, SH.name)
        if name is not None:
            report.add((named, SH.name, name))


def add_to_report(report: Graph, results: list[ValidationResult], conforms: bool) -> None:
    """Add ``results`` (rows of the stages that are not SHACL) to a SHACL report graph."""
    root = report.value(None, RDF.type, SH.ValidationReport)
    if root is None:
        root = BNode()
        report.add((root, RDF.type, SH.ValidationReport))
    report.set((root, SH.conforms, Literal(conforms)))
    for r in results:
        node = BNode()
        report.add((root, SH.result, node))
        report.add((node, RDF.type, SH.ValidationResult))
        report.add((node, SH.resultSeverity, SH[r.severity]))
        report.add((node, SH.resultMessage, Literal(r.message)))
        if r.focus:
            report.add((node, SH.focusNode, URIRef(r.focus)))
        if r.path:
            report.add((node, SH.resultPath, URIRef(r.path) if ":" in r.path and " " not in r.path
                        else Literal(r.path)))
        if r.value:
            report.add((node, SH.value, Literal(r.value)))
        if r.source_shape:
            report.add((node, SH.sourceShape, URIRef(r.source_shape)))
