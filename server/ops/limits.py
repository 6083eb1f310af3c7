"""Size limits on every request, checked before any route sees it.

- **URL**: a request target longer than ``IACML_MAX_URL_BYTES`` gets 414 on every
  route (a long SPARQL query belongs in a POST body).
- **Body**: read here, once, up to ``IACML_MAX_REQUEST_BYTES`` + 1 bytes whatever
  the transfer encoding: more is 413; a body that ends before its Content-Length
  (the client stopped or hung up) is 400 and is never parsed or applied.  What
  was read replaces the WSGI input, with its exact Content-Length, so every route
  (form parsing included) reads a complete, bounded body.

The nginx front (server/front/nginx.py) applies the same limits before a request
reaches granian; these checks make the app safe on its own as well (granian
alone, the Flask test client).  Werkzeug's own limit is not enough: on a chunked
body it stops reading at the limit and hands over the cut text as the body.
"""

from __future__ import annotations

import io
from typing import Any

from flask import Response, current_app, g, request

#: Bytes read from the client per call.
CHUNK = 65536


def _plain(status: int, message: str) -> Response:
    g.error_message = message
    return Response(message + "\n", status=status, content_type="text/plain; charset=utf-8")


def target_length(environ: dict[str, Any]) -> int:
    """Length of the request target (path and query string) as the client sent it."""
    raw = environ.get("RAW_URI") or environ.get("REQUEST_URI")
    if raw:
        return len(raw)
    path = environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", "")
    query = environ.get("QUERY_STRING", "")
    return len(path.encode("latin-1", "replace")) + (len(query) + 1 if query else 0)


def read_body(environ: dict[str, Any], limit: int) -> bytes | Response:
    """The whole body, or the error response: at most ``limit`` bytes are accepted,
    and a body shorter than its Content-Length is refused."""
    header = environ.get("CONTENT_LENGTH", "").strip()
    try:
        declared = int(header) if header else None
    except ValueError:
        return _plain(400, f"the Content-Length header {header[:40]!r} is not a number")
    if declared is not None and declared < 0:
        return _plain(400, "the Content-Length header is negative")
    if declared is not None and declared > limit:
        return too_large(limit)
    chunked = "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower()
    if declared is None and not chunked:
        return b""  # no body
    stream = environ["wsgi.input"]
    want = declared if declared is not None else limit + 1
    data = bytearray()
    try:
        while len(data) < want:
            chunk = stream.read(min(CHUNK, want - len(data)))
            if not chunk:
                break
            data += chunk
    except (OSError, ValueError) as exc:  # the client went away mid-body
        return _plain(400, f"the request body could not be read to its end ({exc})")
    if len(data) > limit:
        return too_large(limit)
    if declared is not None and len(data) < declared:
        return _plain(400, f"the request body ended after {len(data)} of the {declared} bytes "
                           "its Content-Length announced; nothing was done with it")
    return bytes(data)


def too_large(limit: int) -> Response:
    """413 naming the limit."""
    return _plain(413, f"the request body is larger than the request-size limit of {limit} "
                       "bytes (IACML_MAX_REQUEST_BYTES)")


def check_request() -> Response | None:
    """before_request: 414 for a long URL; read the body within its limit."""
    config = current_app.config
    environ = request.environ
    url_limit = config["IACML_MAX_URL_BYTES"]
    if target_length(environ) > url_limit:
        return _plain(414, f"the URL is longer than the limit of {url_limit} bytes "
                           "(IACML_MAX_URL_BYTES): send a long query in a POST body")
    body = read_body(environ, config["IACML_MAX_REQUEST_BYTES"])
    if isinstance(body, Response):
        return body
    environ["wsgi.input"] = io.BytesIO(body)
    environ["CONTENT_LENGTH"] = str(len(body))
    environ.pop("HTTP_TRANSFER_ENCODING", None)
    environ["wsgi.input_terminated"] = True
    return None
