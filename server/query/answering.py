"""Answering one SPARQL query request, written once for both ways a query comes in.

A query reaches the endpoint either through the Flask route (:mod:`server.query.sparql`:
POST, answers as HTML pages, the service description, OPTIONS) or through the fast path
in front of Flask (:mod:`server.query.fastpath`: GET and HEAD queries answered in a data
format). Both call the functions here, which need no request context: the cache key and
weak ETag, ``304 Not Modified``, the result cache, the door for untrusted text, the
client's fair share of the query workers, the run, the failures and the headers of the
answer. What they need of the HTTP request is an :class:`Asked`; what they give back is
a :class:`Reply` (an error, a 304, a serialised answer) or, where the caller writes the
body itself (an HTML page), the :class:`Answered` answer.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from werkzeug.wsgi import get_host

from server import formats
from server.query import querytext
from server.query.protocol import UPDATE_REFUSED
from server.query.resultcache import answer_key
from server.untrusted import Limits, Refused, parse_untrusted
from server.workers.jobs import QueryAnswer, QueryJob
from server.workers.pool import PoolError, QueryMemoryExceeded, QueryTimeout

FORM_KIND = {"SELECT": "solutions", "ASK": "boolean", "CONSTRUCT": "graph", "DESCRIBE": "graph"}
#: On every answer of /sparql (browsers' cross-origin reads: YASGUI elsewhere, notebooks).
CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Expose-Headers": "X-IACML-Truncated, X-IACML-Row-Cap, X-IACML-Rows, "
                                     "X-IACML-Cache, ETag, Retry-After, Server-Timing",
}
#: On the answer to a CORS preflight (OPTIONS) only: browsers read them nowhere else
#: (Fetch standard, CORS protocol), and every header costs each client its parsing.
PREFLIGHT_HEADERS = {
    "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
    "Access-Control-Allow-Headers": "Content-Type, Accept, Authorization",
    "Access-Control-Max-Age": "86400",
}
PLAIN_TEXT = "text/plain; charset=utf-8"


@dataclass(frozen=True)
class Asked:
    """What a query's answer depends on in the HTTP request, besides the protocol's
    parameters: the method, the client's address (its fair share and rate limit), the
    Accept and If-None-Match headers, and the endpoint's URL (the query's base IRI)."""

    method: str
    client: str
    accept: str | None
    if_none_match: str
    endpoint: str


@dataclass
class Reply:
    """A response ready to send: status, body, Content-Type (None: none, a 304),
    further headers and, for an error, its message (for the access log)."""

    status: int
    body: bytes = b""
    content_type: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    error: str | None = None


@dataclass(frozen=True)
class Answered:
    """A query's answer with what its response says of it: its ETag, whether the result
    cache gave it, and the time it waited for and ran in a query worker."""

    answer: QueryAnswer
    etag: str | None
    hit: bool
    server_timing: str | None = None


def error_reply(status: int, message: str, headers: dict[str, str] | None = None) -> Reply:
    """A plain-text error (the message says what to change)."""
    return Reply(status, (message + "\n").encode("utf-8"), PLAIN_TEXT, dict(headers or {}),
                 message)


def rate_limited(app: Any, client: str) -> Reply | None:
    """Take one request of ``client``'s rate limit: None if allowed, else the 429."""
    wait = app.extensions["iacml.ratelimit"].hit(client)
    if not wait:
        return None
    return error_reply(429, f"rate limit of {app.config['IACML_RATE_LIMIT']} requests per "
                            "minute per client reached (IACML_RATE_LIMIT); retry in "
                            f"{wait} s", {"Retry-After": str(wait)})


def endpoint_url(environ: dict[str, Any], trusted_hosts: list[str] | None = None) -> str:
    """The endpoint's URL (the base IRI of queries), as werkzeug's ``request.base_url``
    without its IRI decoding of the whole query URL, which costs more than a lookup.
    Raises werkzeug's SecurityError for a Host header it refuses (Flask answers 400)."""
    script = _decoded(environ.get("SCRIPT_NAME") or "").rstrip("/")
    path = "/" + _decoded(environ.get("PATH_INFO") or "").lstrip("/")
    return f"{environ['wsgi.url_scheme']}://{get_host(environ, trusted_hosts)}{script}{path}"


def _decoded(value: str) -> str:
    # WSGI gives paths as latin-1 strings of the raw bytes (werkzeug's own decoding)
    return value.encode("latin-1").decode("utf-8", "replace")


def run_query(app: Any, asked: Asked, query: str, default_graphs: list[str],
              named_graphs: list[str], format_param: str | None) -> Reply | Answered:
    """Check, run (or find in the cache) one query; every failure as its Reply."""
    config = app.config
    formats_by_kind = dict(formats.negotiate_all(asked.accept, format_param))
    job = QueryJob(query=query, base_iri=asked.endpoint,
                   default_graphs=tuple(default_graphs) or None,
                   named_graphs=tuple(named_graphs) or None, formats=formats_by_kind,
                   row_cap=config["IACML_ROW_CAP"],
                   allow=tuple(config["IACML_SERVICE_ALLOWLIST"]))
    backend = app.extensions["iacml.backend"]
    cache = app.extensions["iacml.results"]
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
    if etag and asked.method == "GET" and etag.removeprefix("W/") in _tags(asked):
        return Reply(304, headers={"ETag": etag, "Vary": "Accept"})
    cached = cache.get(key) if key else None
    if cached is not None:
        return Answered(cached, etag, hit=True)
    checked = _checked(app, asked, job, format_param)
    if isinstance(checked, Reply):
        return checked
    answered = _run(app, asked, checked, format_param, etag)
    if key and isinstance(answered, Answered):
        cache.put(key, answered.answer)
    return answered


def _tags(asked: Asked) -> set[str]:
    header = asked.if_none_match
    return {tag.strip().removeprefix("W/") for tag in header.split(",") if tag.strip()}


def _checked(app: Any, asked: Asked, job: QueryJob,
             format_param: str | None) -> QueryJob | Reply:
    """The job with its text through the door for untrusted text (bounds; parsed and run
    in a query worker), or the refusal: an update, a form no accepted format serves."""
    try:
        text = parse_untrusted(job.query, "query", Limits.of(app.config))
    except Refused as exc:
        return error_reply(exc.status, exc.message)
    if text != job.query:  # a byte-order mark was stripped
        job = replace(job, query=text)
    facts = querytext.analyse(text)
    if facts.form in querytext.UPDATE_WORDS:
        return error_reply(403, UPDATE_REFUSED)
    kind = FORM_KIND.get(facts.form or "")
    if kind and job.formats[kind] is None:
        return not_acceptable(kind, asked.accept, format_param)
    return job


def _run(app: Any, asked: Asked, job: QueryJob, format_param: str | None,
         etag: str | None) -> Answered | Reply:
    """The answer of a checked job, within the client's fair share of the workers."""
    backend = app.extensions["iacml.backend"]
    limit = app.config["IACML_QUERY_TIMEOUT"]
    metrics = app.extensions["iacml.metrics"]
    admission = app.extensions["iacml.admission"]
    ticket = None
    if not backend.answers_in_process(job):  # a worker is needed: the client's fair share
        ticket, refusal = admission.admit(asked.client)
        if refusal is not None:
            metrics.count_refused(refusal.reason)
            return error_reply(429, refusal.message, {"Retry-After": str(refusal.retry_after)})
    try:
        answer = backend.run(job, limit)
    except PoolError as exc:
        admission.release(asked.client, ticket, exc.run)
        metrics.observe_queue_wait(exc.queue_wait)
        return _pool_error(app, exc, limit)
    admission.release(asked.client, ticket, answer.run)
    timing = None
    if answer.queue_wait is not None:  # run by a worker, not in process
        metrics.observe_queue_wait(answer.queue_wait)
        timing = f"queue;dur={answer.queue_wait * 1000:.1f}, run;dur={answer.run * 1000:.1f}"
    if answer.status == 406:
        return not_acceptable(answer.kind, asked.accept, format_param)
    if not answer.ok:
        return error_reply(answer.status, answer.message or "query failed")
    return Answered(answer, etag, hit=False, server_timing=timing)


def _pool_error(app: Any, exc: PoolError, limit: float) -> Reply:
    """503 for a query the workers could not answer, saying which limit stopped it."""
    if isinstance(exc, QueryTimeout):
        app.extensions["iacml.metrics"].count_timeout()
        return error_reply(503, f"Query stopped: {exc} (IACML_QUERY_TIMEOUT = {limit:g} s). "
                                "Narrow the query or add a LIMIT.", {"Retry-After": "1"})
    if isinstance(exc, QueryMemoryExceeded):
        return error_reply(503, f"Query stopped: {exc}. Narrow the query (fewer rows to keep "
                                "for DISTINCT, ORDER BY or GROUP BY) or add a LIMIT.",
                           {"Retry-After": "1"})
    return error_reply(503, f"the query service is unavailable: {exc}", {"Retry-After": "5"})


def not_acceptable(kind: str, accept: str | None, format_param: str | None) -> Reply:
    """406 saying which formats of ``kind`` the service writes."""
    try:
        formats.negotiate(kind, accept, format_param)
    except formats.NotAcceptable as exc:
        return error_reply(406, str(exc))
    return error_reply(406, f"no acceptable format for {kind} results")


def answer_headers(app: Any, answered: Answered) -> dict[str, str]:
    """The headers of an answer (row cap, rows, cache, ETag, timing, truncation); a
    truncated answer is counted in the metrics here, once per response."""
    answer = answered.answer
    headers = {"X-IACML-Row-Cap": str(app.config["IACML_ROW_CAP"]),
               "X-IACML-Rows": str(answer.rows), "Vary": "Accept",
               "X-IACML-Cache": "hit" if answered.hit else "miss"}
    if answered.etag:
        headers["ETag"] = answered.etag
    if answered.server_timing:  # time waiting for a query worker, and running in it (ms)
        headers["Server-Timing"] = answered.server_timing
    if answer.truncated:
        headers["X-IACML-Truncated"] = "true"
        app.extensions["iacml.metrics"].count_truncated()
    return headers


def answer_reply(app: Any, answered: Answered) -> Reply:
    """The response of an answer in a data format (an HTML page is written by the route)."""
    answer = answered.answer
    return Reply(200, answer.body, formats.content_type(answer.kind, answer.format),
                 answer_headers(app, answered))
