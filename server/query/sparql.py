"""The /sparql blueprint: SPARQL 1.1 Protocol query endpoint (read-only)."""

from __future__ import annotations

import json
from dataclasses import replace

import pyoxigraph as ox
from flask import Blueprint, Response, current_app, g, render_template, request
from werkzeug.wrappers import Response as BaseResponse

from server import formats
from server.query import cells, querytext, servicedesc
from server.query.protocol import UPDATE_REFUSED, ProtocolError, parse
from server.query.resultcache import answer_key
from server.query.results import term_json
from server.untrusted import Limits, Refused, parse_untrusted
from server.workers.backend import current_backend
from server.workers.jobs import QueryAnswer, QueryJob
from server.workers.pool import PoolError, PoolUnavailable, QueryMemoryExceeded, QueryTimeout

bp = Blueprint("sparql", __name__)

FORM_KIND = {"SELECT": "solutions", "ASK": "boolean", "CONSTRUCT": "graph", "DESCRIBE": "graph"}
CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
    "Access-Control-Allow-Headers": "Content-Type, Accept, Authorization",
    "Access-Control-Expose-Headers": "X-IACML-Truncated, X-IACML-Row-Cap, X-IACML-Rows, "
                                     "X-IACML-Cache, ETag, Retry-After, Server-Timing",
    "Access-Control-Max-Age": "86400",
}


def error(status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    """A plain-text error response (the message says what to change)."""
    g.error_message = message
    return Response(message + "\n", status=status, headers=headers,
                    content_type="text/plain; charset=utf-8")


def _client() -> str:
    # behind a trusted proxy (IACML_TRUST_PROXY) ProxyFix has set remote_addr
    return request.remote_addr or "unknown"


@bp.after_request
def _cors(response: Response) -> Response:
    response.headers.update(CORS_HEADERS)
    return response


@bp.route("/sparql", methods=["GET", "POST", "OPTIONS"])
def sparql() -> BaseResponse:
    """Answer a SPARQL query, or describe the service on GET without a query."""
    if request.method == "OPTIONS":
        return Response(status=204)
    config = current_app.config
    wait = current_app.extensions["iacml.ratelimit"].hit(_client())
    if wait:
        return error(429, f"rate limit of {config['IACML_RATE_LIMIT']} requests per minute "
                          f"per client reached (IACML_RATE_LIMIT); retry in {wait} s",
                     {"Retry-After": str(wait)})
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
    """Check, run and serialise one query; map every failure to its status."""
    config = current_app.config
    formats_by_kind = dict(formats.negotiate_all(request.headers.get("Accept"), format_param))
    job = QueryJob(query=query, base_iri=_endpoint_url(),
                   default_graphs=tuple(default_graphs) or None,
                   named_graphs=tuple(named_graphs) or None, formats=formats_by_kind,
                   row_cap=config["IACML_ROW_CAP"],
                   allow=tuple(config["IACML_SERVICE_ALLOWLIST"]))
    backend = current_backend()
    cache = current_app.extensions["iacml.results"]
    # Only a versioned backend (the embedded store) may cache: a remote store may change
    # under the same version.
    key = (answer_key(backend.data_version(), job)
           if cache.max_bytes > 0 and backend.versioned else None)
    # Weak: web workers load the dump separately and draw their own blank-node labels,
    # so two answers under one tag are equivalent, not byte-identical (RFC 9110 8.8.1).
    etag = f'W/"{key}"' if key else None
    # The key is a hash of everything the answer depends on, so a client holding
    # the ETag holds this very answer, and a cached key was answered before: both
    # skip the checks below (lexing the whole text: ~0.25 ms with a long prologue).
    # An ETag the client made up for a text never answered gets a 304 and nothing.
    if etag and request.method == "GET" and etag.removeprefix("W/") in _if_none_match():
        return Response(status=304, headers={"ETag": etag, "Vary": "Accept"})
    cached = cache.get(key) if key else None
    if cached is not None:
        return _answer(cached, query, etag, hit=True)
    checked = _checked(job, format_param)
    if isinstance(checked, Response):
        return checked
    answer = _run(checked, format_param)
    if isinstance(answer, Response):
        return answer
    if key:
        cache.put(key, answer)
    return _answer(answer, checked.query, etag, hit=False)


def _checked(job: QueryJob, format_param: str | None) -> QueryJob | Response:
    """The job with its text through the door for untrusted text (bounds; parsed and run
    in a query worker), or the refusal: an update, a form no accepted format serves."""
    try:
        text = parse_untrusted(job.query, "query", Limits.of(current_app.config))
    except Refused as exc:
        return error(exc.status, exc.message)
    if text != job.query:  # a byte-order mark was stripped
        job = replace(job, query=text)
    facts = querytext.analyse(text)
    if facts.form in querytext.UPDATE_WORDS:
        return error(403, UPDATE_REFUSED)
    kind = FORM_KIND.get(facts.form or "")
    if kind and job.formats[kind] is None:
        return _not_acceptable(kind, format_param)
    return job


def _run(job: QueryJob, format_param: str | None) -> QueryAnswer | Response:
    """The answer of a checked job, within the client's fair share of the workers."""
    backend = current_backend()
    limit = current_app.config["IACML_QUERY_TIMEOUT"]
    metrics = current_app.extensions["iacml.metrics"]
    admission = current_app.extensions["iacml.admission"]
    ticket = None
    if not backend.answers_in_process(job):  # a worker is needed: the client's fair share
        ticket, refusal = admission.admit(_client())
        if refusal is not None:
            metrics.count_refused(refusal.reason)
            return error(429, refusal.message, {"Retry-After": str(refusal.retry_after)})
    try:
        answer = backend.run(job, limit)
    except PoolError as exc:
        admission.release(_client(), ticket, exc.run)
        metrics.observe_queue_wait(exc.queue_wait)
        return _pool_error(exc, limit)
    admission.release(_client(), ticket, answer.run)
    if answer.queue_wait is not None:  # run by a worker, not in process
        metrics.observe_queue_wait(answer.queue_wait)
        g.server_timing = (f"queue;dur={answer.queue_wait * 1000:.1f}, "
                           f"run;dur={answer.run * 1000:.1f}")
    if answer.status == 406:
        return _not_acceptable(answer.kind, format_param)
    if not answer.ok:
        return error(answer.status, answer.message or "query failed")
    return answer


def _pool_error(exc: PoolError, limit: float) -> Response:
    """503 for a query the workers could not answer, saying which limit stopped it."""
    if isinstance(exc, QueryTimeout):
        current_app.extensions["iacml.metrics"].count_timeout()
        return error(503, f"Query stopped: {exc} (IACML_QUERY_TIMEOUT = {limit:g} s). "
                          "Narrow the query or add a LIMIT.", {"Retry-After": "1"})
    if isinstance(exc, QueryMemoryExceeded):
        return error(503, f"Query stopped: {exc}. Narrow the query (fewer rows to keep for "
                          "DISTINCT, ORDER BY or GROUP BY) or add a LIMIT.", {"Retry-After": "1"})
    return error(503, f"the query service is unavailable: {exc}", {"Retry-After": "5"})


def _endpoint_url() -> str:
    """This endpoint's URL (the base IRI of queries): request.base_url without
    werkzeug's IRI decoding of the whole query URL, which costs more than a lookup."""
    environ = request.environ
    return f"{environ['wsgi.url_scheme']}://{request.host}{request.script_root}{request.path}"


def _if_none_match() -> set[str]:
    header = request.headers.get("If-None-Match", "")
    return {tag.strip().removeprefix("W/") for tag in header.split(",") if tag.strip()}


def _not_acceptable(kind: str, format_param: str | None) -> Response:
    try:
        formats.negotiate(kind, request.headers.get("Accept"), format_param)
    except formats.NotAcceptable as exc:
        return error(406, str(exc))
    return error(406, f"no acceptable format for {kind} results")


def _answer(answer: QueryAnswer, query: str, etag: str | None = None,
            hit: bool = False) -> Response:
    kind, fmt = answer.kind, answer.format
    cap = current_app.config["IACML_ROW_CAP"]
    headers = {"X-IACML-Row-Cap": str(cap), "X-IACML-Rows": str(answer.rows),
               "Vary": "Accept", "X-IACML-Cache": "hit" if hit else "miss"}
    if etag:
        headers["ETag"] = etag
    if g.get("server_timing"):  # time waiting for a query worker, and running in it (ms)
        headers["Server-Timing"] = g.server_timing
    if answer.truncated:
        headers["X-IACML-Truncated"] = "true"
        current_app.extensions["iacml.metrics"].count_truncated()
    if fmt == "html":
        body = _html(kind, answer, query, cap)
        return Response(body, headers=headers, content_type="text/html; charset=utf-8")
    return Response(answer.body, headers=headers, content_type=formats.content_type(kind, fmt))


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

