"""Error pages: every 4xx and 5xx the app raises (an unknown path, a method a route does
not take, an unhandled exception) as a page with the site's navigation and a sentence a
person can act on when a browser asks, as plain text or JSON otherwise.

Routes that answer their own errors (the SPARQL protocol's plain-text messages, the
browse lists' 400 pages) are left as they are: only what reaches Flask's error handling
comes here.
"""

from __future__ import annotations

import logging

from flask import Response, jsonify, render_template, request
from flask_babel import lazy_gettext
from werkzeug.exceptions import HTTPException, InternalServerError

#: status -> (title, what a person can do), for the statuses the app raises
MESSAGES = {
    400: (lazy_gettext("Bad request"),
          lazy_gettext("The request could not be understood. Check the address and its "
                       "parameters, or start again from the home page.")),
    403: (lazy_gettext("Forbidden"),
          lazy_gettext("This address is not open to your request.")),
    404: (lazy_gettext("Page not found"),
          lazy_gettext("There is no page at this address. It may have been mistyped; "
                       "search for what you were looking for, or start from the home "
                       "page.")),
    405: (lazy_gettext("Method not allowed"),
          lazy_gettext("This address does not take a %(method)s request.")),
    406: (lazy_gettext("Not acceptable"),
          lazy_gettext("This address cannot answer in the format asked for.")),
    410: (lazy_gettext("Gone"), lazy_gettext("What was at this address has been removed.")),
    414: (lazy_gettext("Address too long"),
          lazy_gettext("The address is longer than this server accepts.")),
    429: (lazy_gettext("Too many requests"),
          lazy_gettext("Your address sent more requests than the server answers at once. "
                       "Wait a moment and try again.")),
    500: (lazy_gettext("Server error"),
          lazy_gettext("Something went wrong on the server while answering. The error "
                       "was logged; try again in a moment.")),
    503: (lazy_gettext("Unavailable"),
          lazy_gettext("The server cannot answer just now. Try again in a moment.")),
}
log = logging.getLogger("iacml.errors")


def _client_wants() -> str:
    """What the client reads: ``html`` (a browser), ``json`` if asked first, else ``text``."""
    best = request.accept_mimetypes.best_match(["text/plain", "application/json",
                                                "text/html"])
    return {"text/html": "html", "application/json": "json"}.get(best or "", "text")


def _detail(exc: HTTPException) -> str | None:
    """The exception's own description when a route gave one (werkzeug's stock texts
    are replaced by :data:`MESSAGES`)."""
    stock = type(exc).description
    return exc.description if exc.description and exc.description != stock else None


def render(exc: HTTPException) -> Response | HTTPException:
    """The answer to an HTTP error raised while handling a request."""
    code = exc.code or 500
    if code < 400:  # redirects and other non-errors go out as they are
        return exc
    if isinstance(exc, InternalServerError):
        log.error("unhandled error on %s %s", request.method, request.path,
                  exc_info=exc.original_exception)
    headers = [(k, v) for k, v in exc.get_headers() if k.lower() != "content-type"]
    title, advice_text = MESSAGES.get(code, (exc.name, ""))
    advice = str(advice_text) % {"method": request.method[:20]}
    detail = _detail(exc)
    kind = _client_wants()
    if kind == "json":
        response = jsonify({"status": code, "error": str(title),
                            "message": detail or advice})
    elif kind == "text":
        response = Response(f"{code} {exc.name}: {detail or exc.description}\n",
                            content_type="text/plain; charset=utf-8")
    else:
        try:
            html = render_template("error.html", status=code, title=title, detail=detail,
                                   advice=advice)
        except Exception:  # noqa: BLE001 - a broken page must not hide the error itself
            log.exception("the error page failed")
            html = f"<!doctype html><title>{code}</title><p>{code} {exc.name}</p>"
        response = Response(html, content_type="text/html; charset=utf-8")
    response.status_code = code
    response.headers.extend(headers)
    return response
