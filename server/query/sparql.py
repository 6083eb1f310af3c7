"""The /sparql blueprint: SPARQL 1.1 Protocol query endpoint (read-only)."""

from __future__ import annotations

import json

import pyoxigraph as ox
from flask import Blueprint, Response, current_app, g, render_template, request
from werkzeug.wrappers import Response as BaseResponse

from server import formats
from server.query import answering, cells, servicedesc
from server.query.answering import (
    CORS_HEADERS,
    PREFLIGHT_HEADERS,
    Asked,
    Reply,
    answer_headers,
    answer_reply,
    endpoint_url,
    error_reply,
    rate_limited,
)
from server.query.protocol import ProtocolError, parse
from server.query.results import term_json
from server.untrusted import Limits, Refused, parse_untrusted
from server.workers.backend import current_backend
from server.workers.jobs import QueryAnswer
from server.workers.pool import PoolUnavailable, QueryTimeout

bp = Blueprint("sparql", __name__)


def error(status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    """A plain-text error response (the message says what to change)."""
    return respond(error_reply(status, message, headers))


def respond(reply: Reply) -> Response:
    """The Flask response of a :class:`Reply` of :mod:`server.query.answering`."""
    if reply.error:
        g.error_message = reply.error
    response = Response(reply.body, status=reply.status, headers=reply.headers,
                        content_type=reply.content_type)
    if reply.content_type is None:  # a 304 says no type (Flask's default is HTML)
        del response.headers["Content-Type"]
    return response


def _asked() -> Asked:
    # behind a trusted proxy (IACML_TRUST_PROXY) ProxyFix has set remote_addr
    return Asked(request.method, request.remote_addr or "unknown",
                 request.headers.get("Accept"), request.headers.get("If-None-Match", ""),
                 endpoint_url(request.environ, current_app.config["TRUSTED_HOSTS"]))


@bp.after_request
def _cors(response: Response) -> Response:
    response.headers.update(CORS_HEADERS)
    if request.method == "OPTIONS":
        response.headers.update(PREFLIGHT_HEADERS)
    return response


@bp.route("/sparql", methods=["GET", "POST", "OPTIONS"])
def sparql() -> BaseResponse:
    """Answer a SPARQL query, or describe the service on GET without a query.

    GET and HEAD queries answered in a data format are taken before Flask by
    :mod:`server.query.fastpath`, with the same functions."""
    if request.method == "OPTIONS":
        return Response(status=204)
    config = current_app.config
    refusal = rate_limited(current_app, request.remote_addr or "unknown")
    if refusal is not None:
        return respond(refusal)
    try:
        operation = parse(request, config["IACML_MAX_REQUEST_BYTES"])
    except ProtocolError as exc:
        return error(exc.status, exc.message)
    if operation.update is not None:
        return _update(operation.update)
    if operation.query is None:
        return service_description(operation.format)
    g.is_query = True
    return run_query(operation.query, operation.default_graphs, operation.named_graphs,
                     operation.format)


def _update(update: str) -> Response:
    """A SPARQL Update: the guarded write path (server.write.writes)."""
    from server.write.responses import accepted, refused
    from server.write.writes import WriteRefused, check_writable, run_update

    try:
        by = check_writable(request)
        checked = parse_untrusted(update, "update", Limits.of(current_app.config))
        return accepted(run_update(checked, by))
    except Refused as exc:
        return error(exc.status, exc.message)
    except WriteRefused as exc:
        g.error_message = exc.message
        return refused(exc, request.headers.get("Accept"))


def run_query(query: str, default_graphs: list[str], named_graphs: list[str],
              format_param: str | None) -> Response:
    """Check, run and serialise one query (server.query.answering); an HTML answer
    is written as a page here."""
    outcome = answering.run_query(current_app, _asked(), query, default_graphs,
                                  named_graphs, format_param)
    if isinstance(outcome, Reply):
        return respond(outcome)
    answer = outcome.answer
    if answer.format == "html":
        body = _html(answer.kind, answer, query, current_app.config["IACML_ROW_CAP"])
        return Response(body, headers=answer_headers(current_app, outcome),
                        content_type="text/html; charset=utf-8")
    return respond(answer_reply(current_app, outcome))


def _html(kind: str, answer: QueryAnswer, query: str, cap: int) -> str:
    variables: list[str] = []
    rows: list[list[dict[str, object] | None]] = []
    boolean = None
    if kind == "solutions":
        data = json.loads(answer.body)
        variables = data["head"]["vars"]
        rows = [[b.get(v) for v in variables] for b in data["results"]["bindings"]]
    elif kind == "boolean":
        boolean = json.loads(answer.body)["boolean"]
    else:
        variables = ["subject", "predicate", "object"]
        for triple in ox.parse(answer.body, format=ox.RdfFormat.N_TRIPLES):
            rows.append([term_json(t) for t in (triple.subject, triple.predicate,
                                                triple.object)])
    return render_template("results.html", query=query, variables=variables,
                           rows=cells.table(rows), boolean=boolean,
                           truncated=answer.truncated, cap=cap)


def _counts() -> tuple[dict[str, int] | None, int | None]:
    backend = current_backend()
    version = backend.data_version()
    cache = current_app.extensions.setdefault("iacml.counts", {})
    if cache.get("version") != version:  # keyed by the data version (writes change it)
        cache.clear()
        cache["version"] = version
    if "counts" not in cache:
        try:
            answer = backend.counts(
                current_app.config["IACML_QUERY_TIMEOUT"])
        except (QueryTimeout, PoolUnavailable):
            return None, None
        if not answer.ok:
            return None, None
        cache["counts"], cache["total"] = answer.counts, answer.triples
    return cache["counts"], cache["total"]


def service_description(format_param: str | None) -> BaseResponse:
    """The SPARQL service description, in the negotiated RDF format."""
    try:
        fmt = formats.negotiate("graph", request.headers.get("Accept"), format_param).name
    except formats.NotAcceptable as exc:
        return error(406, str(exc))
    counts, total = _counts()
    if fmt == "html":  # a person: the same description as a page (servicedesc.html)
        page = render_template("servicedesc.html", endpoint=request.base_url,
                               **servicedesc.page_model(counts, total, bool(
                                   current_app.config["IACML_SERVICE_ALLOWLIST"])))
        return Response(page, headers={"Vary": "Accept"}, content_type="text/html; charset=utf-8")
    triples = servicedesc.describe(request.base_url, counts, total,
                                   bool(current_app.config["IACML_SERVICE_ALLOWLIST"]))
    return Response(servicedesc.serialise(triples, fmt), headers={"Vary": "Accept"},
                    content_type=formats.content_type("graph", fmt))

