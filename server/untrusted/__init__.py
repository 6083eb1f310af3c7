"""The one door for untrusted text: every query, update and entry body comes through here.

:func:`parse_untrusted` is called by every route that reads a body or a query
text (``/sparql`` queries and updates, ``POST /validate``, the Graph Store's
``PUT``/``POST``), and :func:`parse_untrusted_json` by every route that reads JSON
from a client (the reconciliation service's ``queries``, ``query`` and ``extend``);
``tests/test_untrusted_door.py`` fails when a route parses a body anywhere else.
They do, in this order:

1. decode: UTF-8 only (400 naming the byte otherwise), a leading byte-order mark
   stripped;
2. bound: the nesting depth measured by the project's own flat lexers
   (:mod:`server.untrusted.nesting`, :mod:`server.untrusted.xmlcheck`) before
   any parser sees the text: deeper than ``IACML_MAX_NESTING`` is a 400 "nested
   more than N levels"; RDF/XML whose entities would expand past the entry-size
   limit, or that declares external or parameter entities, is a 400;
3. parse where a crash costs nothing: queries and updates are parsed (and
   evaluated) by pyoxigraph in a killable query worker, with no network of its
   own; entries are parsed there too (:func:`iacml.entries.entry_ntriples`) and
   come back as N-Triples, the one syntax the web process itself reads. JSON,
   once bounded, is read by the standard library's parser in the web process: with
   its depth bounded it cannot recurse past the stack, and it runs no code.

No parser runs on untrusted text in a web process, so no input can crash one.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, overload

from rdflib import Graph

from iacml.entries import EntryParseError, graph_of_ntriples
from server.untrusted.nesting import (
    TooDeep,
    TooManyOperators,
    fits_blindly,
    json_depth,
    sparql_or_turtle_depth,
)
from server.untrusted.xmlcheck import XmlRefused, check_xml
from server.workers.jobs import ParseJob

if TYPE_CHECKING:  # the backend module imports the web stack, which a worker does not load
    from server.workers.backend import Backend

Kind = Literal["query", "update", "entry"]
#: Entry formats (rdflib-style names, as in iacml.entries) by the lexer that bounds them.
_JSON_FORMATS = {"json-ld"}
_XML_FORMATS = {"xml"}
_TEXT_FORMATS = {"turtle", "trig", "nt", "nquads"}
BOM = "\ufeff"


class Refused(Exception):
    """An untrusted text that is not accepted: the HTTP status, a message a person
    can act on and, where known, the line."""

    def __init__(self, status: int, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.line = line


@dataclass(frozen=True)
class Limits:
    """The bounds applied at the door (from the app's settings)."""

    max_nesting: int  # IACML_MAX_NESTING
    max_operators: int  # IACML_MAX_OPERATORS (SPARQL)
    max_entry_bytes: int  # IACML_VALIDATE_MAX_BYTES: also the cap on entity expansion
    time_limit: float  # IACML_QUERY_TIMEOUT: for the worker that parses an entry

    @classmethod
    def of(cls, config: Any) -> Limits:
        """The limits configured for a Flask app (``app.config``)."""
        return cls(int(config["IACML_MAX_NESTING"]), int(config["IACML_MAX_OPERATORS"]),
                   int(config["IACML_VALIDATE_MAX_BYTES"]), float(config["IACML_QUERY_TIMEOUT"]))


def decode(body: bytes | str, what: str) -> str:
    """``body`` as text: UTF-8 (400 otherwise), without a leading byte-order mark."""
    if isinstance(body, bytes):
        try:
            body = body.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise Refused(400, f"{what} is not valid UTF-8 ({exc.reason} at byte "
                               f"{exc.start})") from exc
    return body.removeprefix(BOM)


def check_depth(text: str, syntax: str, limits: Limits) -> None:
    """Refuse ``text`` (400) if it nests deeper than the limit, or, for RDF/XML, if its
    entities are external, parameter or would expand past the entry-size limit."""
    try:
        if syntax in _JSON_FORMATS:
            json_depth(text, limits.max_nesting)
        elif syntax in _XML_FORMATS:
            check_xml(text, limits.max_nesting, limits.max_entry_bytes)
        else:
            operators = limits.max_operators if syntax == "sparql" else None
            if not fits_blindly(text, limits.max_nesting, operators):
                sparql_or_turtle_depth(text, limits.max_nesting, operators)
    except TooDeep as exc:
        raise Refused(400, f"the text is nested more than {exc.limit} levels (line "
                           f"{exc.line}; IACML_MAX_NESTING): flatten it", exc.line) from exc
    except TooManyOperators as exc:
        raise Refused(400, f"the text has more than {exc.limit} operators (UNION, OPTIONAL, "
                           "BIND, FILTER, ||, +...; IACML_MAX_OPERATORS): split it, or list "
                           "values with VALUES") from exc
    except XmlRefused as exc:
        raise Refused(400, f"the RDF/XML is refused: {exc}") from exc


@overload
def parse_untrusted(body: bytes | str, kind: Literal["query", "update"], limits: Limits,
                    fmt: None = None, backend: None = None) -> str: ...


@overload
def parse_untrusted(body: bytes | str, kind: Literal["entry"], limits: Limits,
                    fmt: str | None = None, backend: Backend | None = None) -> Graph: ...


def parse_untrusted(body: bytes | str, kind: Kind, limits: Limits, fmt: str | None = None,
                    backend: Backend | None = None) -> str | Graph:
    """Take an untrusted query, update or entry through the door.

    A query or an update comes back as checked text (decoded, bounded), to be parsed
    and evaluated by a query worker. An entry (``fmt``: turtle, trig, nt, nquads,
    json-ld or xml) comes back as an rdflib graph, parsed in a worker of ``backend``
    within the time limit. Refused (400; 503 when no worker could parse) otherwise.
    """
    what = {"query": "the query", "update": "the update", "entry": "the entry"}[kind]
    text = decode(body, what)
    if kind != "entry":
        check_depth(text, "sparql", limits)
        return text
    if fmt not in _JSON_FORMATS | _XML_FORMATS | _TEXT_FORMATS:
        raise Refused(415, f"unknown entry format {fmt!r}")
    check_depth(text, fmt, limits)
    return _parse_entry(text.encode("utf-8"), fmt, limits, backend)


def parse_untrusted_json(body: bytes | str, what: str, max_depth: int) -> Any:
    """Take untrusted JSON through the door: decoded, its nesting bounded by
    ``max_depth`` (before any parser sees it), then parsed. Refused (400) otherwise."""
    text = decode(body, what)
    try:
        json_depth(text, max_depth)
    except TooDeep:
        raise Refused(400, f"{what} is nested deeper than {max_depth} levels") from None
    try:
        return json.loads(text)
    except ValueError as exc:
        raise Refused(400, f"{what} is not valid JSON ({exc})") from None


def _parse_entry(data: bytes, fmt: str, limits: Limits, backend: Backend | None) -> Graph:
    from server.workers.pool import PoolError

    if backend is None:
        raise Refused(503, "the entry could not be parsed: no query backend to parse it in")
    try:
        answer = backend.run(ParseJob(data=data, format=fmt), limits.time_limit)
    except PoolError as exc:  # time limit, memory cap, or no worker
        raise Refused(503, f"the entry could not be parsed: {exc}") from exc
    if not answer.ok:
        raise Refused(answer.status, answer.message or "cannot parse the entry", answer.line)
    try:
        return graph_of_ntriples(answer.ntriples, fmt)
    except EntryParseError as exc:
        raise Refused(400, exc.message, exc.line) from exc
