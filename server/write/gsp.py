"""``/graph``: SPARQL 1.1 Graph Store HTTP Protocol for submission graphs.

``GET /graph?graph=IRI`` reads a submission graph or the log graph
``graph/submissions`` (Turtle or N-Triples); ``PUT`` replaces a submission
graph with the body, ``POST`` adds the body to it, ``DELETE`` drops it. Writes
are guarded (:mod:`server.write.writes`): bearer token, validation of the graph as it
would be after the change (409 with the report), durable journal.
"""

from __future__ import annotations

import pyoxigraph as ox
from flask import Blueprint, Response, current_app, request
from rdflib import Graph

from iacml.journal import G_SUBMISSIONS_LOG, submission_name
from server.formats import NotAcceptable, entry_format, formats_for, negotiate, write_rdf
from server.query.results import PREFIXES
from server.untrusted import Limits, Refused, parse_untrusted
from server.workers.backend import current_backend
from server.write.responses import accepted, refused
from server.write.writes import WriteRefused, check_writable, writer

bp = Blueprint("gsp", __name__)


def _text(status: int, message: str) -> Response:
    return Response(message + "\n", status, content_type="text/plain; charset=utf-8")


def _graph_param() -> str | None:
    values = request.args.getlist("graph")
    return values[0] if len(values) == 1 else None


@bp.route("/graph", methods=["GET", "HEAD", "PUT", "POST", "DELETE"])
def graph_store() -> Response:
    """One Graph Store Protocol operation on ``?graph=IRI``."""
    graph = _graph_param()
    if graph is None:
        return _text(400, "name exactly one graph: /graph?graph=IRI (the default graph "
                          "is read-only; use /sparql to read it)")
    if request.method in ("GET", "HEAD"):
        return _read(graph)
    try:
        by = check_writable(request)
        if request.method == "DELETE":
            if submission_name(graph) is not None and writer().graph_nt(graph) is None:
                return _text(404, f"<{graph}> does not exist")
            return accepted(writer().commit(graph, lambda _version: None, by))
        body = _body()  # parsed in a query worker, before any lock is taken
        existed = submission_name(graph) is not None and writer().graph_nt(graph) is not None
        replace = request.method == "PUT"
        result = writer().commit(graph, lambda _version: _after(graph, body, replace), by)
        return accepted(result, 200 if existed else 201)
    except WriteRefused as exc:
        return refused(exc, request.headers.get("Accept"))


def _read(graph: str) -> Response:
    if submission_name(graph) is None and graph != G_SUBMISSIONS_LOG:
        return _text(404, f"/graph serves the submission graphs and the log graph "
                          f"<{G_SUBMISSIONS_LOG}>; read <{graph}> with /sparql or /download/")
    data = writer().graph_nt(graph)
    if data is None:
        return _text(404, f"<{graph}> does not exist")
    try:
        fmt = negotiate("graph", request.headers.get("Accept"))
    except NotAcceptable as exc:
        return _text(406, str(exc))
    if fmt.name == "ntriples":
        return Response(data, 200, content_type=fmt.content_type)
    name = "turtle" if fmt.name == "html" else fmt.name  # no page for a submission graph
    parsed = ox.parse(data.encode("utf-8"), format=ox.RdfFormat.N_TRIPLES)
    body = write_rdf(parsed, name, prefixes=PREFIXES)
    return Response(body, 200, content_type=fmt.content_type if name == fmt.name
                    else "text/turtle; charset=utf-8")


def _body() -> Graph:
    """The request body parsed as RDF triples (WriteRefused 400/413/415)."""
    limit = int(current_app.config["IACML_VALIDATE_MAX_BYTES"])
    if request.content_length is not None and request.content_length > limit:
        raise WriteRefused(413, f"the body is larger than the limit of {limit} bytes "
                                "(IACML_VALIDATE_MAX_BYTES)")
    mimetype = (request.mimetype or "").lower()
    fmt = entry_format(mimetype)
    if fmt is None or fmt.datasets or fmt.parser is None:  # a graph holds triples
        types = ", ".join(f.media_type for f in formats_for("entry") if not f.datasets)
        raise WriteRefused(415, f"unsupported Content-Type {mimetype or '(none)'!r}; send "
                                f"one of {types}")
    parser = fmt.parser
    raw = request.get_data(cache=False)
    if len(raw) > limit:
        raise WriteRefused(413, f"the body is larger than the limit of {limit} bytes "
                                "(IACML_VALIDATE_MAX_BYTES)")
    try:
        entry = parse_untrusted(raw, "entry", Limits.of(current_app.config), parser,
                                current_backend())
    except Refused as exc:
        line = f" (line {exc.line})" if exc.line and "line" not in exc.message else ""
        raise WriteRefused(exc.status, f"the body does not parse: {exc.message}{line}") from exc
    return entry


def _after(graph: str, body: Graph, replace: bool) -> Graph:
    """The graph after a PUT (the body) or a POST (what it holds, and the body)."""
    if replace:
        return body
    current = writer().graph_nt(graph)
    merged = Graph().parse(data=current, format="nt") if current else Graph()
    for triple in body:
        merged.add(triple)
    return merged
