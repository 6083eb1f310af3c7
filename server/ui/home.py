"""The landing page at /, the query editor at /query, and the safety of every HTML answer.

The editor lived at / until issue 15: links shared from it are sent on to ``/query``
with their parameters unchanged, here when they are in the query string (``/?query=...``),
by static/home.js when in the fragment (``/#query=...``, YASGUI's share button).
"""

from __future__ import annotations

from flask import Blueprint, redirect, request, url_for
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers.response import Response as BaseResponse

from server.ui import editor, errorpages, landing
from server.ui.htmlsafety import safe_headers, safe_href

bp = Blueprint("ui", __name__)
# Every page of the app, not only this blueprint's: links only to http(s)/mailto in
# templates, CSP and the other safety headers on every response.
bp.add_app_template_filter(safe_href, "safe_href")
bp.after_app_request(safe_headers)
bp.app_errorhandler(HTTPException)(errorpages.render)
bp.add_url_rule("/query", "query", editor.page)
bp.add_url_rule("/labels", "iri_labels", editor.iri_labels, methods=["POST"])

# The parameters YASGUI writes into a share link (and reads back from one).
EDITOR_PARAMETERS = frozenset((
    "query", "endpoint", "requestMethod", "tabTitle", "headers", "contentTypeConstruct",
    "contentTypeSelect", "namedGraph", "defaultGraph", "outputFormat", "outputSettings"))


@bp.route("/favicon.ico")
def favicon() -> BaseResponse:
    """Where browsers look for the icon of a page that names none (a JSON or Turtle
    answer): the site's SVG icon."""
    return redirect(url_for("static", filename="favicon.svg"), code=301)


@bp.route("/")
def index() -> str | BaseResponse:
    """The landing page; an old share link of the editor goes on to /query."""
    if EDITOR_PARAMETERS.intersection(request.args):
        query_string = request.query_string.decode("latin-1")
        return redirect(url_for("ui.query") + "?" + query_string, code=301)
    return landing.page()
