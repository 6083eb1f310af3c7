"""The floor apps of ``python -m bench.ceiling``: what our HTTP stack itself can serve here.

Each is a WSGI callable for ``python -m server.front.launch --app bench.ceiling_apps:NAME``;
none is part of the endpoint.  ``IACML_DATASET`` names the dump the pyoxigraph one loads.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from urllib.parse import parse_qsl

import pyoxigraph as ox
from flask import Flask, Response

StartResponse = Callable[..., object]
BODY = b'{"head":{"vars":["p","o"]},"results":{"bindings":[]}}'
JSON = "application/sparql-results+json"


def hello_wsgi(environ: dict, start_response: StartResponse) -> Iterable[bytes]:
    """A constant answer, no framework: the HTTP stack's own cost per request."""
    start_response("200 OK", [("Content-Type", JSON), ("Content-Length", str(len(BODY)))])
    return [BODY]


hello_flask = Flask(__name__)


@hello_flask.route("/sparql")
def _constant() -> Response:
    """A constant answer through Flask: the HTTP stack + Flask's cost per request."""
    return Response(BODY, content_type=JSON)


_store: ox.Store | None = None


def pyoxigraph_minimal(environ: dict, start_response: StartResponse) -> Iterable[bytes]:
    """The least a SPARQL endpoint can do: read ``query=``, run it in process over the
    union graph, answer pyoxigraph's own JSON. No limits, no negotiation, no log."""
    global _store
    if _store is None:
        _store = ox.Store()
        _store.bulk_load(path=os.environ["IACML_DATASET"], format=ox.RdfFormat.N_QUADS)
    query = dict(parse_qsl(environ.get("QUERY_STRING", ""))).get("query", "ASK {}")
    body = _store.query(query).serialize(
        format=ox.QueryResultsFormat.JSON)
    start_response("200 OK", [("Content-Type", JSON), ("Content-Length", str(len(body)))])
    return [body]
