"""SPARQL 1.1 Protocol request parsing: GET, POST form, POST direct.

Turns a Flask request into a :class:`ProtocolRequest` or raises
:class:`ProtocolError` with the HTTP status the protocol asks for.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import parse_qsl

from flask import Request

FORM = "application/x-www-form-urlencoded"
DIRECT_QUERY = "application/sparql-query"
DIRECT_UPDATE = "application/sparql-update"
UPDATE_REFUSED = ("SPARQL Update is not accepted here: this endpoint is read-only for "
                  "queries; a guarded write is a POST with update= or "
                  "application/sparql-update and a bearer token (docs/endpoint.md, Writes)")


class ProtocolError(Exception):
    """A request the protocol refuses: ``status`` and a message for the client."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass
class ProtocolRequest:
    """A query operation: the query text (None: service description) and dataset."""

    query: str | None
    default_graphs: list[str] = field(default_factory=list)
    named_graphs: list[str] = field(default_factory=list)
    format: str | None = None  # every format= value, joined by commas (server.formats)
    update: str | None = None  # a SPARQL Update (POST only): the guarded write path


Pairs = list[tuple[str, str]]


def _decode(raw: bytes, what: str) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ProtocolError(400, f"{what} is not valid UTF-8 ({exc.reason} at byte "
                                 f"{exc.start})") from exc


def _pairs(raw: bytes, what: str) -> Pairs:
    text = _decode(raw, what)
    try:
        return parse_qsl(text, keep_blank_values=True, encoding="utf-8", errors="strict")
    except UnicodeDecodeError as exc:
        raise ProtocolError(400, f"{what} holds percent-encoded bytes that are not "
                                 "UTF-8") from exc


def _values(pairs: Pairs, name: str) -> list[str]:
    return [value for key, value in pairs if key == name]


def parse(request: Request, max_bytes: int) -> ProtocolRequest:
    """Read the protocol operation of ``request`` (raises ProtocolError)."""
    url_pairs = _url_pairs(request.query_string, max_bytes)
    if request.content_length is not None and request.content_length > max_bytes:
        raise ProtocolError(413, f"the request body is larger than the request-size limit of "
                                 f"{max_bytes} bytes (IACML_MAX_REQUEST_BYTES)")
    if request.method != "POST":
        return _get_operation(url_pairs)
    body_queries, updates, body_pairs = _post_body(request, max_bytes, url_pairs)
    queries, url_pairs = _values(url_pairs, "query") + body_queries, url_pairs + body_pairs
    if updates:
        if queries or len(updates) > 1:
            raise ProtocolError(400, "send exactly one update and no query in one request")
        return ProtocolRequest(query=None, update=updates[0],
                               default_graphs=_values(url_pairs, "using-graph-uri"),
                               named_graphs=_values(url_pairs, "using-named-graph-uri"))
    if not queries:
        raise ProtocolError(400, "the POST holds no query")
    return _query_operation(queries, url_pairs)


def parse_query_string(raw: bytes, max_bytes: int) -> ProtocolRequest:
    """The operation of a GET (or HEAD) from its raw query string (raises ProtocolError):
    an update there is refused."""
    return _get_operation(_url_pairs(raw, max_bytes))


def _get_operation(url_pairs: Pairs) -> ProtocolRequest:
    if _values(url_pairs, "update"):
        raise ProtocolError(403, UPDATE_REFUSED)
    return _query_operation(_values(url_pairs, "query"), url_pairs)


def _url_pairs(raw: bytes, max_bytes: int) -> Pairs:
    if len(raw) > max_bytes:
        raise ProtocolError(413, f"the query string is larger than the request-size limit of "
                                 f"{max_bytes} bytes (IACML_MAX_REQUEST_BYTES)")
    return _pairs(raw, "the query string")


def _query_operation(queries: list[str], pairs: Pairs) -> ProtocolRequest:
    """The query operation of ``pairs``: at most one query (none: the description)."""
    if len(queries) > 1:
        raise ProtocolError(400, f"the request holds {len(queries)} queries; send exactly one")
    formats = _values(pairs, "format")
    return ProtocolRequest(
        query=queries[0] if queries else None,
        default_graphs=_values(pairs, "default-graph-uri"),
        named_graphs=_values(pairs, "named-graph-uri"),
        format=",".join(formats) or None,
    )


def _post_body(request: Request, max_bytes: int,
               url_pairs: Pairs) -> tuple[list[str], list[str], Pairs]:
    """The queries, updates and form parameters of a POST body, by its Content-Type."""
    ctype = (request.mimetype or "").lower()
    body = request.get_data(cache=True)
    if len(body) > max_bytes:
        raise ProtocolError(413, f"the request body is larger than {max_bytes} bytes")
    if ctype == FORM:
        form_pairs = _pairs(body, "the form body")
        if _values(url_pairs, "update"):
            raise ProtocolError(400, "send the update in the POST body, not the URL")
        return _values(form_pairs, "query"), _values(form_pairs, "update"), form_pairs
    if ctype == DIRECT_QUERY:
        return [_decode(body, "the query body")], [], []
    if ctype == DIRECT_UPDATE:
        return [], [_decode(body, "the update body")], []
    if not ctype:
        raise ProtocolError(415, f"a POST needs a Content-Type: {FORM} or {DIRECT_QUERY}")
    raise ProtocolError(415, f"unsupported Content-Type {ctype}: use {FORM} or {DIRECT_QUERY}")
