"""What every HTML page may link to, and the headers every HTML answer carries.

Data is written by anyone with a token and queried by anyone, so an IRI in an
answer or on a resource page is untrusted text: ``<javascript:alert(1)>`` is a
valid IRI. Only ``http``, ``https`` and ``mailto`` IRIs (and the server's own
relative paths) become links (:func:`safe_href`); any other is shown as text.

Every response says ``X-Content-Type-Options: nosniff`` and a Referrer-Policy;
every HTML response also carries a Content-Security-Policy that runs only this
server's own scripts (no inline script, no eval), loads nothing from elsewhere
and may not be framed (``frame-ancestors 'none'`` and ``X-Frame-Options:
DENY`` for older browsers). Inline styles stay allowed: YASGUI and CodeMirror
position their elements with them, and a style cannot run code.
"""

from __future__ import annotations

import re

from flask import Response

SAFE_SCHEMES = frozenset({"http", "https", "mailto"})
_SCHEME = re.compile(r"^\s*([A-Za-z][A-Za-z0-9+.\-]*):")

CONTENT_SECURITY_POLICY = "; ".join((
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
))
HEADERS = {"X-Content-Type-Options": "nosniff",
           "Referrer-Policy": "strict-origin-when-cross-origin"}
HTML_HEADERS = {"Content-Security-Policy": CONTENT_SECURITY_POLICY, "X-Frame-Options": "DENY"}


def safe_href(iri: str | None) -> str | None:
    """``iri`` if a page may link to it: an http, https or mailto IRI, or a path of this
    server (no scheme, starting with '/', '#' or '?'); None otherwise."""
    if not iri:
        return None
    scheme = _SCHEME.match(iri)
    if scheme is not None:
        return iri if scheme.group(1).lower() in SAFE_SCHEMES else None
    return iri if iri[0] in "/#?" else None


def safe_headers(response: Response) -> Response:
    """Add the safety headers (CSP and friends for HTML) a response does not set itself."""
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    if response.mimetype in ("text/html", "application/xhtml+xml"):
        for name, value in HTML_HEADERS.items():
            response.headers.setdefault(name, value)
    return response
