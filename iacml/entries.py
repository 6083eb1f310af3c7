"""Reading new entries: a file by its extension, a request body by its format.

What is read is checked by :mod:`iacml.pipeline` (``iacml validate``,
``POST /validate``, guarded writes).
"""

from __future__ import annotations

import json
import re
import warnings
from pathlib import Path

from rdflib import Dataset, Graph

from .errors import BuildError
from .pipeline.parse import not_an_iri, syntax_error
from .pipeline.places import shown

FORMATS = {".ttl": "turtle", ".trig": "trig", ".nt": "nt", ".nq": "nquads",
           ".jsonld": "json-ld", ".json": "json-ld", ".rdf": "xml", ".xml": "xml"}


class EntryParseError(BuildError):
    """An entry that does not parse: the parser's message and, where known, the line."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


def _error_line(exc: Exception, data: bytes, fmt: str) -> int | None:
    """The 1-based line of a parse error, from whatever the parser reports."""
    lineno = getattr(exc, "lineno", None)  # json.JSONDecodeError
    if isinstance(lineno, int):
        return lineno
    if hasattr(exc, "getLineNumber"):  # xml.sax.SAXParseException
        return int(exc.getLineNumber())
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
    """The JSON-LD parser of rdflib fetches any @context given by URL (or @import): a
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
    """Parse an entry file by its extension; BuildError with ``file:line:column``."""
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise BuildError(f"{shown(path)}: unknown RDF file extension {path.suffix!r}; use one "
                         f"of {', '.join(sorted(FORMATS))}")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise BuildError(f"{shown(path)}: cannot read: {exc.strerror}") from exc
    try:
        return parse_entry_data(data, fmt)
    except EntryParseError as exc:
        if exc.__cause__ is None:
            raise EntryParseError(f"{shown(path)}: {exc.message}", exc.line) from exc
        line, column, reason = syntax_error(exc.__cause__, data)
        where = ":".join(str(x) for x in (shown(path), line or exc.line, column) if x)
        raise EntryParseError(f"{where}: cannot parse as {fmt}: {reason}", line) from exc
