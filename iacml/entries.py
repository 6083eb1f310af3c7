"""Reading new entries: a file by its extension, a request body by its format.

What is read is checked by :mod:`iacml.pipeline` (``iacml validate``,
``POST /validate``, guarded writes).
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph

from .errors import BuildError
from .pipeline.parse import not_an_iri, syntax_error
from .pipeline.places import shown

FORMATS = {".ttl": "turtle", ".trig": "trig", ".nt": "nt", ".nq": "nquads",
           ".jsonld": "json-ld", ".json": "json-ld", ".rdf": "xml", ".xml": "xml"}


class EntryParseError(BuildError):
    """An entry that does not parse: the parser's message and, where known, the line
    and column."""

    def __init__(self, message: str, line: int | None = None,
                 column: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column


#: rdflib-style format name of an entry → pyoxigraph's parser.
_OX_FORMATS = {"turtle": ox.RdfFormat.TURTLE, "trig": ox.RdfFormat.TRIG,
               "nt": ox.RdfFormat.N_TRIPLES, "nquads": ox.RdfFormat.N_QUADS,
               "json-ld": ox.RdfFormat.JSON_LD, "xml": ox.RdfFormat.RDF_XML}
#: The base IRI entries are parsed against: never a file path or the server's folder.
#: Nothing is ever published under it (.invalid, RFC 2606), so an IRI that starts with
#: it was relative in the entry, and is refused naming it.
NO_BASE = "https://no-base.invalid/"


def entry_ntriples(data: bytes, fmt: str) -> bytes:
    """Parse an entry in format ``fmt`` (turtle, trig, nt, nquads, json-ld, xml) with
    pyoxigraph and return its triples as N-Triples (graph names dropped); raise
    EntryParseError with the parser's message and line.

    pyoxigraph's parsers load no remote document by design: a JSON-LD ``@context``
    given by URL (in a list, an ``@import``, a scoped context...) is an error, not a
    request, and an RDF/XML external entity is never read."""
    if fmt not in _OX_FORMATS:
        raise EntryParseError(f"unknown entry format {fmt!r}")
    try:
        quads = list(ox.parse(data, format=_OX_FORMATS[fmt], base_iri=NO_BASE))
    except (SyntaxError, ValueError) as exc:
        line, column, reason = _placed(exc, data)
        raise EntryParseError(f"cannot parse as {fmt}: {reason}", line, column) from exc
    triples = [q.triple for q in quads]
    for triple in triples:
        for term in (triple.subject, triple.predicate, triple.object):
            iri = term.value if isinstance(term, ox.NamedNode) else None
            if iri is not None and iri.startswith(NO_BASE):
                raise EntryParseError(
                    f"cannot parse as {fmt}: the relative IRI <{iri[len(NO_BASE):]}> has "
                    "no base; write the full IRI, or declare a base (@base in Turtle, "
                    "@base in a JSON-LD context, xml:base in RDF/XML)")
    written = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
    return written or b""  # (pyoxigraph gives None only when asked to write to a file)


#: pyoxigraph's words for a JSON-LD context given by URL, and what they mean here.
_REMOTE_CONTEXT = "No LoadDocumentCallback has been set to load remote contexts"


def _placed(exc: Exception, data: bytes) -> tuple[int | None, int | None, str]:
    """(line, column, reason) of a pyoxigraph parse error (by the pipeline's one rule)."""
    line, column, reason = syntax_error(exc, data)
    if _REMOTE_CONTEXT in reason:
        reason = ("a remote @context (a URL, in a list, an @import or a scoped context) is "
                  "never fetched: put the context inline in the entry")
    return line, column, reason


def graph_of_ntriples(data: bytes, fmt: str = "nt") -> Graph:
    """An rdflib graph of N-Triples written by :func:`entry_ntriples`, checked by
    :func:`iacml.pipeline.parse.not_an_iri` like every parsed file."""
    graph = Graph()
    graph.parse(data=data, format="nt")
    bad = not_an_iri(graph)
    if bad is not None:
        raise EntryParseError(f"cannot parse as {fmt}: {bad}", None)
    return graph


def parse_entry_data(data: bytes | str, fmt: str) -> Graph:
    """Parse an entry given as text in format ``fmt`` (turtle, trig, nt, nquads, json-ld,
    xml) into an rdflib graph; EntryParseError with the parser's message and line.
    TriG and N-Quads entries are read as one graph (their graph names are ignored).
    This runs the parser in this process: the server parses untrusted entries in a
    killable worker instead (server.untrusted.parse_untrusted)."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    return graph_of_ntriples(entry_ntriples(raw.removeprefix(b"\xef\xbb\xbf"), fmt), fmt)


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
        where = ":".join(str(x) for x in (shown(path), exc.line, exc.column) if x)
        raise EntryParseError(f"{where}: {exc.message}", exc.line, exc.column) from exc
