"""Validating new entries: one function behind ``iacml validate`` and ``POST /validate``.

An entry is validated as a graph of its own with the built registry and
ontology and their closure (model.md, "Validation scope"), after its quotes
are located in the source texts, exactly as the build treats a source file.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph

from .errors import BuildError
from .loading import load_shapes
from .namespaces import G_ONTOLOGY, G_REFERENCE
from .paths import ProjectPaths
from .quotes import QuoteProblem, load_source_texts, resolve_passages
from .validation import ValidationOutcome, ValidationResult, validate_graph

FORMATS = {".ttl": "turtle", ".trig": "trig", ".nt": "nt", ".nq": "nquads",
           ".jsonld": "json-ld", ".json": "json-ld", ".rdf": "xml", ".xml": "xml"}


def load_context(paths: ProjectPaths) -> Graph:
    """The built registry and ontology (graph/reference ∪ graph/ontology) as one graph."""
    if not paths.dataset_nq.exists():
        raise BuildError(f"{paths.dataset_nq} is missing: run `iacml build` first")
    store = ox.Store()
    store.bulk_load(path=str(paths.dataset_nq), format=ox.RdfFormat.N_QUADS)
    context = Graph()
    for name in (G_REFERENCE, G_ONTOLOGY):
        data = store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(str(name)))
        context.parse(data=data, format="nt")
    return context


def parse_entry(path: Path) -> Graph:
    """Parse an entry file by its extension; BuildError with the parser's message."""
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise BuildError(f"{path}: unknown RDF file extension {path.suffix!r}")
    graph = Graph()
    try:
        graph.parse(path, format=fmt)
    except Exception as exc:
        raise BuildError(f"{path}: cannot parse as {fmt}: {exc}") from exc
    return graph


def _quote_results(problems: list[QuoteProblem]) -> list[ValidationResult]:
    return [ValidationResult(focus=p.resource, path="prov:wasDerivedFrom", value=p.exact,
                             message=str(p), severity="Violation",
                             source_shape="", shape_name="Quote check")
            for p in problems]


def validate_entry(entry: Graph, paths: ProjectPaths | None = None,
                   context: Graph | None = None, shapes: Graph | None = None
                   ) -> ValidationOutcome:
    """Validate a new entry against the built registry and ontology; nothing is stored."""
    paths = paths or ProjectPaths.default()
    context = context if context is not None else load_context(paths)
    shapes = shapes if shapes is not None else load_shapes(paths.shapes_dir)
    files = {p.name[:3]: p for p in sorted(paths.sources_dir.glob("*.txt"))}
    _, problems = resolve_passages(entry, load_source_texts(files), "entry")
    outcome = validate_graph(entry, context, shapes)
    if problems:
        outcome.results = _quote_results(problems) + outcome.results
        outcome.conforms = False
    return outcome
