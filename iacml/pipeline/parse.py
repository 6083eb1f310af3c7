"""Parsing the hand-edited Turtle files into named graphs.

Each file of ``data/ttl/`` goes into one named graph chosen by its file name
(see docs/editing.md); a syntax error is reported with the file and line.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph, URIRef

from ..errors import BuildError
from ..namespaces import G_CURATION, G_ONTOLOGY, G_REFERENCE, GRAPH, source_graph
from .places import line_column, place, shown

_SOURCE_FILE = re.compile(r"^source-(\d{3})(?:-[\w-]+)?\.ttl$")
_REFERENCE_FILE = re.compile(r"^reference(?:-[\w-]+)?\.ttl$")
_CURATION_FILE = re.compile(r"^curation(?:-[\w-]+)?\.ttl$")
_SUBMISSION_FILE = re.compile(r"^submission-([a-z0-9][a-z0-9-]{0,63})\.ttl$")


def graph_for_file(path: Path) -> URIRef:
    """The named graph a data file belongs to, from its name; BuildError if none fits."""
    name = path.name
    if m := _SOURCE_FILE.match(name):
        return source_graph(m.group(1))
    if _REFERENCE_FILE.match(name):
        return G_REFERENCE
    if _CURATION_FILE.match(name):
        return G_CURATION
    if m := _SUBMISSION_FILE.match(name):  # exported by `iacml export-submissions`
        return GRAPH[f"submissions/{m.group(1)}"]
    raise BuildError(
        f"{path}: file name does not say its named graph; use reference-*.ttl, "
        "source-NNN[-*].ttl, curation-*.ttl or submission-NAME.ttl"
    )


def parse_turtle(path: Path, into: Graph | None = None) -> Graph:
    """Parse one Turtle file; BuildError with ``file:line:column`` on a syntax error."""
    parsed = Graph()
    try:
        data = path.read_bytes()
        parsed.parse(data=data, format="turtle", publicID=path.resolve().as_uri())
    except OSError as exc:
        raise BuildError(f"{shown(path)}: cannot read: {exc.strerror}") from exc
    except Exception as exc:  # rdflib raises several types; all are input errors here
        line, column, reason = syntax_error(exc, data)
        where = ":".join(str(x) for x in (shown(path), line, column) if x is not None)
        raise BuildError(f"{where}: Turtle syntax error: {reason}") from exc
    bad = not_an_iri(parsed)
    if bad is not None:
        raise BuildError(f"{place([path], bad.split(' ', 1)[0][1:40])}: Turtle syntax error: {bad}")
    if into is None:
        return parsed
    into += parsed
    return into


#: Characters RDF 1.1 Turtle's IRIREF forbids (spaces and controls included).
_NOT_IN_IRI = re.compile(r'[\x00-\x20<>"{}|^`\\]')


def not_an_iri(graph: Graph) -> str | None:
    """A message naming the first IRI of ``graph`` that is not one, else None.

    rdflib's parsers let some through (an unclosed ``<`` swallows the text up to
    the next ``>``); such a term can be neither stored nor written back."""
    for triple in graph:
        for term in triple:
            if isinstance(term, URIRef) and _NOT_IN_IRI.search(term):
                shown = " ".join(str(term).split())[:120]
                return (f"<{shown}> is not an IRI (spaces, line breaks and "
                        "<>\"{}|^`\\ are not allowed in one: is a '>' missing?)")
    return None


_BYTES = r"""b(?:'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")"""
_CONTEXT = re.compile(rf'"(?:\.\.\.)?({_BYTES})\^({_BYTES})(?:\.\.\.)?"$')


def syntax_error(exc: BaseException, data: bytes) -> tuple[int | None, int | None, str]:
    """(line, column, reason) of a parser's exception about ``data``.

    Each parser says it its own way: pyoxigraph's SyntaxError ``lineno``/``offset``,
    JSON's ``lineno``/``colno``, XML's ``<unknown>:L:C:``; rdflib's Turtle parser
    says the line and shows the bytes around the error as Python byte literals
    (``b'...'^b'...'``), from which the position is found, and the reason is kept
    without them.
    """
    message = " ".join(str(exc).split())
    if isinstance(exc, SyntaxError) and exc.lineno and exc.offset:  # pyoxigraph
        reason = re.sub(r"^Parser error (?:at|between) line \d+ [^:]*: ", "", message)
        return exc.lineno, exc.offset, re.sub(r" \(line \d+\)$", "", reason)
    lineno, colno = getattr(exc, "lineno", None), getattr(exc, "colno", None)
    if isinstance(lineno, int) and isinstance(colno, int):  # json.JSONDecodeError
        return lineno, colno, getattr(exc, "msg", message)
    xml = re.match(r"<unknown>:(\d+):(\d+): (.*)", message)
    if xml:  # xml.sax.SAXParseException (columns counted from 0)
        return int(xml.group(1)), int(xml.group(2)) + 1, xml.group(3)
    m = _CONTEXT.search(str(exc).strip())
    if m:
        try:
            before, after = (ast.literal_eval(g) for g in m.groups())
            offset = data.find(before + after)
        except (ValueError, SyntaxError):
            offset = -1
        if offset >= 0:
            text = data[:offset + len(before)].decode("utf-8", "replace")
            line, column = line_column(text, len(text))
            why = re.search(r"Bad syntax \((.*)\) at \^", message)
            return line, column, why.group(1) if why else message.split(" at ^")[0]
    m2 = re.search(r"line (\d+)", message)
    return (int(m2.group(1)) if m2 else None), None, message[:500]


@dataclass
class LoadedData:
    """Named graphs parsed from the repository, with the file each triple came from."""

    graphs: dict[URIRef, Graph] = field(default_factory=dict)
    files: dict[URIRef, list[Path]] = field(default_factory=dict)

    def graph(self, name: URIRef) -> Graph:
        """The named graph ``name``, created empty if absent."""
        if name not in self.graphs:
            self.graphs[name] = Graph(identifier=name)
            self.files[name] = []
        return self.graphs[name]

    def file_of(self, name: URIRef) -> str:
        """Human-readable list of the files a graph was read from."""
        return ", ".join(str(p) for p in self.files.get(name, [])) or str(name)


def load_ontology(ontology_dir: Path, data: LoadedData) -> None:
    """Parse every ``ontology/*.ttl`` into graph/ontology."""
    for path in sorted(ontology_dir.glob("*.ttl")):
        parse_turtle(path, data.graph(G_ONTOLOGY))
        data.files[G_ONTOLOGY].append(path)


def load_data_files(ttl_dir: Path, data: LoadedData) -> None:
    """Parse every ``data/ttl/*.ttl`` into the named graph its name gives."""
    for path in sorted(ttl_dir.glob("*.ttl")):
        name = graph_for_file(path)
        # Parse each file alone first so blank node labels cannot collide across files.
        parsed = parse_turtle(path)
        target = data.graph(name)
        for triple in parsed:
            target.add(triple)
        data.files[name].append(path)


def load_shapes(shapes_dir: Path) -> Graph:
    """All SHACL shapes of ``shapes/*.ttl`` in one graph."""
    shapes = Graph()
    for path in sorted(shapes_dir.glob("*.ttl")):
        parse_turtle(path, shapes)
    return shapes
