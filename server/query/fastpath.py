"""GET and HEAD queries of /sparql answered in front of Flask (issue 18).

The commonest requests of a linked-data endpoint are lookups by IRI and repeated
queries: their own work (a subject index read, or a dictionary hit) takes tens of
microseconds, and Flask's request machinery (request context, URL adapter, hooks,
werkzeug's header objects) cost several times that. This WSGI layer sits between the
language prefix middleware and Flask and answers a query asked by GET or HEAD whose
answer is a data format (JSON, XML, CSV, TSV, an RDF format) with the functions the
Flask route uses (:mod:`server.query.answering`: rate limit, protocol parsing, content
negotiation and 406, ETag and 304, the result cache, the door for untrusted text, the
fair share, the run) and the ops area's request log (:mod:`server.ops.requestlog`:
metrics and the access-log line), adding the headers Flask's hooks add (CORS, the
safety headers). Everything else goes to Flask untouched, decided before anything is
counted: another path or method, a body, a URL over its limit, a malformed or missing
query string (Flask answers the error or the service description), a Host header
werkzeug refuses, and any request that may be answered with an HTML page.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from typing import Any

from werkzeug.exceptions import SecurityError
from werkzeug.http import HTTP_STATUS_CODES

from server import formats
from server.ops.limits import target_length
from server.ops.requestlog import record_request
from server.query.answering import (
    CORS_HEADERS,
    Asked,
    Reply,
    answer_reply,
    endpoint_url,
    error_reply,
    rate_limited,
    run_query,
)
from server.query.protocol import ProtocolError, ProtocolRequest, parse_query_string
from server.ui.htmlsafety import HEADERS as SAFETY_HEADERS

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]
#: The Flask route these requests would reach (the metrics' endpoint label).
ROUTE = "/sparql"
#: Headers every answer of the route carries (its after-request hooks).
ALWAYS = (*CORS_HEADERS.items(), *SAFETY_HEADERS.items())
NO_BODY = {"", "0"}


class FastQueries:
    """WSGI middleware: data-format GET/HEAD queries of /sparql answered without Flask;
    every other request passed to ``fallback`` (the Flask app)."""

    def __init__(self, app: Any, fallback: WSGIApp) -> None:
        """Serve ``app``'s queries (its config and extensions), others by ``fallback``."""
        self.app = app
        self.fallback = fallback

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]
                 ) -> Iterable[bytes]:
        """Answer one request, here or through the fallback."""
        if environ.get("PATH_INFO") != ROUTE or environ.get("REQUEST_METHOD") not in (
                "GET", "HEAD"):
            return self.fallback(environ, start_response)
        started = time.perf_counter()
        taken = self._take(environ)
        if taken is None:
            return self.fallback(environ, start_response)
        asked, operation = taken
        reply = rate_limited(self.app, asked.client)
        is_query = reply is None
        if reply is None:
            reply = self._answer(asked, operation)
        return self._send(environ, start_response, reply, started, is_query)

    def _take(self, environ: dict[str, Any]) -> tuple[Asked, ProtocolRequest] | None:
        """What the request asks, if this layer answers it; None: Flask does. Nothing
        here counts or changes anything, so a request passed on is seen once."""
        config = self.app.config
        if (environ.get("CONTENT_LENGTH", "").strip() not in NO_BODY
                or environ.get("HTTP_TRANSFER_ENCODING")
                or target_length(environ) > config["IACML_MAX_URL_BYTES"]):
            return None  # the ops area's checks answer these (server.ops.limits)
        try:
            operation = parse_query_string(environ.get("QUERY_STRING", "").encode("latin-1"),
                                           config["IACML_MAX_REQUEST_BYTES"])
            endpoint = endpoint_url(environ, config["TRUSTED_HOSTS"])
        except (ProtocolError, SecurityError, UnicodeEncodeError):
            return None
        accept = environ.get("HTTP_ACCEPT")
        if operation.query is None or any(
                name == "html" for _, name in formats.negotiate_all(accept, operation.format)):
            return None  # the service description, or a page for a person
        asked = Asked(environ["REQUEST_METHOD"], environ.get("REMOTE_ADDR") or "unknown",
                      accept, environ.get("HTTP_IF_NONE_MATCH", ""), endpoint)
        return asked, operation

    def _answer(self, asked: Asked, operation: ProtocolRequest) -> Reply:
        assert operation.query is not None
        try:
            outcome = run_query(self.app, asked, operation.query, operation.default_graphs,
                                operation.named_graphs, operation.format)
        except Exception:  # what Flask would turn into a 500: logged, the server serves on
            self.app.logger.exception("query failed on %s", ROUTE)
            return error_reply(500, "the server failed to answer this query (logged)")
        return outcome if isinstance(outcome, Reply) else answer_reply(self.app, outcome)

    def _send(self, environ: dict[str, Any], start_response: Callable[..., Any], reply: Reply,
              started: float, is_query: bool) -> Iterable[bytes]:
        """Start the response of ``reply`` and log it, as Flask would have."""
        headers = [*reply.headers.items(), *ALWAYS]
        size = 0 if reply.status == 304 else len(reply.body)
        if reply.content_type is not None:
            headers.insert(0, ("Content-Length", str(size)))
            headers.insert(0, ("Content-Type", reply.content_type))
        start_response(f"{reply.status} {HTTP_STATUS_CODES[reply.status].upper()}", headers)
        record_request(
            self.app, endpoint=ROUTE, method=environ["REQUEST_METHOD"], path=ROUTE,
            client=environ.get("REMOTE_ADDR"), status=reply.status,
            seconds=time.perf_counter() - started, size=size,
            mimetype=(reply.content_type or "").split(";", 1)[0].strip(),
            is_query=is_query, truncated=reply.headers.get("X-IACML-Truncated") == "true",
            error=reply.error)
        if environ["REQUEST_METHOD"] == "HEAD" or reply.status == 304:
            return []
        return [reply.body]
