"""Validating new entries: one function behind ``iacml validate`` and ``POST /validate``.

An entry is validated as a graph of its own with the built registry and
ontology and their closure (model.md, "Validation scope"), after its quotes
are located in the source texts, exactly as the build treats a source file.
"""

from __future__ import annotations

import json
import re
import warnings
from pathlib import Path

import pyoxigraph as ox
from rdflib import Dataset, Graph

from .errors import BuildError
from .namespaces import G_ONTOLOGY, G_REFERENCE
from .paths import ProjectPaths
from .pipeline.parse import load_shapes, not_an_iri
from .pipeline.quotes import QuoteProblem, load_source_texts, resolve_passages
from .pipeline.shapes import ValidationOutcome, ValidationResult, validate_graph

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


class EntryParseError(BuildError):
    """An entry that does not parse: the parser's message and, where known, the line."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


def _error_line(exc: Exception, data: bytes, fmt: str) -> int | None:
    """The 1-based line of a parse error, from whatever the parser reports."""
    if isinstance(getattr(exc, "lineno", None), int):  # json.JSONDecodeError
        return exc.lineno  # type: ignore[attr-defined]
    if hasattr(exc, "getLineNumber"):  # xml.sax.SAXParseException
        return int(exc.getLineNumber())  # type: ignore[attr-defined]
    m = re.search(r"at line (\d+)", str(exc))
    if m:
        return int(m.group(1))
    if fmt in ("nt", "nquads"):  # the N-Triples parser does not say: find the line
        for number, line in enumerate(data.decode("utf-8", "replace").splitlines(), 1):
            try:
                Graph().parse(data=line, format="nt" if fmt == "nt" else "nquads")
            except Exception:
                return number
    return None


def parse_entry_data(data: bytes | str, fmt: str) -> Graph:
    """Parse an entry given as text in rdflib format ``fmt`` (turtle, trig, nt, nquads,
    json-ld, xml); EntryParseError with the parser's message and line. TriG and
    N-Quads entries are read as one graph (their graph names are ignored)."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    if fmt == "json-ld":
        _refuse_remote_contexts(raw)
    try:
        with warnings.catch_warnings():  # rdflib's own parsers use its deprecated APIs
            warnings.simplefilter("ignore", DeprecationWarning)
            if fmt not in ("trig", "nquads"):
                return _checked_iris(Graph().parse(data=raw, format=fmt), fmt)
            dataset = Dataset()
            dataset.parse(data=raw, format=fmt)
        graph = Graph()
        for s, p, o, _ in dataset.quads((None, None, None, None)):
            graph.add((s, p, o))
        return _checked_iris(graph, fmt)
    except EntryParseError:
        raise
    except Exception as exc:  # rdflib raises many types; all are input errors here
        line = _error_line(exc, raw, fmt)
        text = " ".join(str(exc).split())[:500]
        where = f"line {line}: " if line else ""
        raise EntryParseError(f"cannot parse as {fmt}: {where}{text}", line) from exc


def _checked_iris(graph: Graph, fmt: str) -> Graph:
    """``graph`` if every IRI in it is one (see :func:`iacml.loading.not_an_iri`)."""
    bad = not_an_iri(graph)
    if bad is not None:
        raise EntryParseError(f"cannot parse as {fmt}: {bad}", None)
    return graph


def _refuse_remote_contexts(raw: bytes) -> None:
    """rdflib's JSON-LD parser fetches any @context given by URL (or @import): a
    submitted entry could make the server request any address, or hang a thread on
    one that never answers. Entries must carry their context inline."""
    try:
        document = json.loads(raw)
    except ValueError as exc:  # JSONDecodeError, or UnicodeDecodeError (no line)
        line = getattr(exc, "lineno", None)
        where = f"line {line}: " if line else ""
        raise EntryParseError(f"cannot parse as json-ld: {where}{exc}", line) from exc
    stack = [document]
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            stack.extend(node)
        elif isinstance(node, dict):
            context = node.get("@context")
            contexts = context if isinstance(context, list) else [context]
            if any(isinstance(c, str) or (isinstance(c, dict) and "@import" in c)
                   for c in contexts):
                raise EntryParseError(
                    "cannot parse as json-ld: a remote @context (a URL or @import) is not "
                    "fetched; put the context inline in the entry", None)
            stack.extend(node.values())


def parse_entry(path: Path) -> Graph:
    """Parse an entry file by its extension; BuildError with the parser's message."""
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise BuildError(f"{path}: unknown RDF file extension {path.suffix!r}")
    try:
        return parse_entry_data(path.read_bytes(), fmt)
    except EntryParseError as exc:
        raise EntryParseError(f"{path}: {exc.message}", exc.line) from exc


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
