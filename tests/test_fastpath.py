"""The fast path of /sparql (server/query/fastpath.py): GET and HEAD queries answered in a
data format before Flask must answer exactly as the Flask route does (status, body and
every header), be counted in the metrics and the access log, and pass everything else
on to Flask untouched.

Each request is sent twice to the same app: through the fast path, and with the fast
path declining (so the Flask route answers), each time with an empty result cache so
both run the query; what a lookup says is checked against the source texts."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from server.ops.accesslog import BatchedStreamHandler
from server.ops.ratelimit import RateLimiter
from server.query.fastpath import FastQueries
from server.query.resultcache import ResultCache

ID = "https://w3id.org/iacml/id/"
SCHEMA = "https://schema.org/"
XSD = "http://www.w3.org/2001/XMLSchema#"
LOOKUP = f"SELECT ?p ?o WHERE {{ <{ID}conference/21> ?p ?o }}"
START = f"PREFIX schema: <{SCHEMA}> SELECT ?o WHERE {{ <{ID}conference/21> schema:startDate ?o }}"
JSON = "application/sparql-results+json"
SOURCES = Path(__file__).resolve().parent.parent / "data" / "sources"


def _source(prefix: str) -> str:
    return " ".join(next(SOURCES.glob(f"{prefix}_*.txt")).read_text(encoding="utf-8").split())


@pytest.fixture()
def taken(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The requests the fast path answered (by method), recorded as they are sent."""
    seen: list[str] = []
    send = FastQueries._send

    def spy(self: FastQueries, environ: dict, *args: object) -> object:
        seen.append(environ["REQUEST_METHOD"])
        return send(self, environ, *args)

    monkeypatch.setattr(FastQueries, "_send", spy)
    return seen


def _fresh_cache(app: Flask) -> None:
    app.extensions["iacml.results"] = ResultCache(64 << 20)


def _send(app: Flask, method: str, path: str, params: dict[str, str],
          headers: dict[str, str], fast: bool) -> tuple[int, dict[str, str], bytes]:
    with pytest.MonkeyPatch.context() as patch:
        if not fast:  # the fast path declines: the Flask route answers
            patch.setattr(FastQueries, "_take", lambda self, environ: None)
        response = app.test_client().open(path, method=method, query_string=params,
                                           headers=headers)
    # Server-Timing holds this run's own durations; its presence is compared
    found = {name.lower(): ("(ms)" if name.lower() == "server-timing" else value)
             for name, value in response.headers.items()}
    return response.status_code, found, response.data


def _both(app: Flask, taken: list[str], method: str, params: dict[str, str],
          headers: dict[str, str] | None = None, path: str = "/sparql",
          cached: bool = False) -> tuple[int, dict[str, str], bytes]:
    """The answer of the fast path, after checking it equals the Flask route's."""
    answers = []
    for fast in (False, True):
        if not cached:
            _fresh_cache(app)
        before = len(taken)
        answers.append(_send(app, method, path, params, headers or {}, fast))
        assert len(taken) == before + fast, "the request did not take the expected path"
    (status, found, body), (fast_status, fast_found, fast_body) = answers
    assert (fast_status, fast_found) == (status, found), (params, headers)
    assert fast_body == body
    return fast_status, fast_found, fast_body


@pytest.mark.parametrize("accept", [JSON, "application/sparql-results+xml", "text/csv",
                                    "text/tab-separated-values"])
def test_a_lookup_in_every_results_format(app: Flask, taken: list[str], accept: str) -> None:
    year = re.search(r"postpone the XXI IACML to (\d{4})", _source("000"))
    assert year
    status, headers, body = _both(app, taken, "GET", {"query": START}, {"Accept": accept})
    assert status == 200 and headers["content-type"].split(";")[0] == accept
    assert year[1] in body.decode()  # the year source 000 gives the XXI IACML
    assert headers["x-iacml-cache"] == "miss" and headers["etag"].startswith('W/"')
    assert headers["vary"] == "Accept" and headers["access-control-allow-origin"] == "*"
    assert "ETag" in headers["access-control-expose-headers"]
    assert "access-control-allow-methods" not in headers  # a preflight's, sent on OPTIONS
    assert headers["x-content-type-options"] == "nosniff"
    assert int(headers["x-iacml-rows"]) >= 1 and headers["content-length"] == str(len(body))
    # the same again: a cache hit, the same answer and ETag, both ways
    again = _both(app, taken, "GET", {"query": START}, {"Accept": accept}, cached=True)
    assert again[1]["x-iacml-cache"] == "hit" and again[1]["etag"] == headers["etag"]
    assert again[2] == body


def test_lookups_ask_describe_the_format_parameter_and_a_worker_query(
        app: Flask, taken: list[str]) -> None:
    label = re.search(r"the (XXI IACML) to", _source("000"))
    assert label
    _, headers, body = _both(app, taken, "GET", {"query": LOOKUP, "format": "csv"})
    assert headers["content-type"].startswith("text/csv") and label[1] in body.decode()
    _, headers, body = _both(app, taken, "GET", {
        "query": f"DESCRIBE <{ID}conference/21>"}, {"Accept": "application/n-triples"})
    assert headers["content-type"].startswith("application/n-triples")
    assert label[1] in body.decode()
    _, headers, body = _both(app, taken, "GET", {
        "query": f"ASK {{ <{ID}conference/21> a <https://w3id.org/iacml/ontology#Conference> }}"},
        {"Accept": JSON})
    assert json.loads(body) == {"head": {}, "boolean": True}
    # not a lookup: run by a query worker, through the same path
    _, headers, body = _both(app, taken, "GET", {
        "query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"}, {"Accept": JSON})
    assert headers["server-timing"] == "(ms)" and int(
        json.loads(body)["results"]["bindings"][0]["n"]["value"]) > 1000


def test_head_304_406_errors_and_the_language_prefix(app: Flask, taken: list[str]) -> None:
    status, headers, body = _both(app, taken, "HEAD", {"query": LOOKUP}, {"Accept": JSON})
    assert status == 200 and body == b"" and int(headers["content-length"]) > 100
    etag = _both(app, taken, "GET", {"query": LOOKUP}, {"Accept": JSON})[1]["etag"]
    status, headers, body = _both(app, taken, "GET", {"query": LOOKUP},
                                  {"Accept": JSON, "If-None-Match": etag})
    assert status == 304 and body == b"" and headers["etag"] == etag
    assert "content-type" not in headers and headers["vary"] == "Accept"
    status, _, body = _both(app, taken, "GET", {"query": LOOKUP}, {"Accept": "image/png"})
    assert status == 406 and b"application/sparql-results+json" in body
    status, _, body = _both(app, taken, "GET", {"query": "SELECT ?x WHERE {"})
    assert status == 400 and b"syntax" in body.lower()
    _, headers, spanish = _both(app, taken, "GET", {"query": LOOKUP}, {"Accept": JSON},
                                path="/es/sparql")
    english = _send(app, "GET", "/sparql", {"query": LOOKUP}, {"Accept": JSON}, True)[2]
    # the base IRI (the endpoint's URL) differs, so the ETag does; the data does not
    assert json.loads(spanish) == json.loads(english)


def test_the_rate_limit_applies_to_the_fast_path(app: Flask, taken: list[str]) -> None:
    limiter, limit = app.extensions["iacml.ratelimit"], app.config["IACML_RATE_LIMIT"]
    try:
        refusals = []
        for fast in (False, True):
            app.extensions["iacml.ratelimit"] = RateLimiter(2)
            app.config["IACML_RATE_LIMIT"] = 2
            answers = [_send(app, "GET", "/sparql", {"query": LOOKUP}, {}, fast)
                       for _ in range(3)]
            assert [a[0] for a in answers] == [200, 200, 429]
            assert answers[2][1]["retry-after"] and b"IACML_RATE_LIMIT" in answers[2][2]
            refusals.append(answers[2][1:])
        assert refusals[0] == refusals[1]  # the same 429, headers and message, both ways
        assert taken == ["GET"] * 3
    finally:
        app.extensions["iacml.ratelimit"], app.config["IACML_RATE_LIMIT"] = limiter, limit


@pytest.fixture()
def access_lines(app: Flask) -> Iterator[io.StringIO]:
    """The access log's lines, written to a buffer while the test runs."""
    import logging

    handler = logging.getLogger("iacml.access").handlers[0]
    assert isinstance(handler, BatchedStreamHandler)
    handler.flush()
    stream, handler.stream = handler.stream, io.StringIO()
    try:
        yield handler.stream  # type: ignore[misc]
    finally:
        handler.flush()
        handler.stream = stream


def _count(app: Flask, method: str, status: str) -> float:
    text = app.extensions["iacml.metrics"].render().decode()
    series = f'iacml_http_requests_total{{endpoint="/sparql",method="{method}",status="{status}"}}'
    found = re.search(r"^" + re.escape(series) + r" (\S+)$", text, re.M)
    return float(found[1]) if found else 0.0


def test_fast_path_requests_are_counted_and_logged(app: Flask, taken: list[str],
                                                   access_lines: io.StringIO) -> None:
    import logging

    before = {m: _count(app, m, "200") for m in ("GET", "HEAD")}
    client = app.test_client()
    body = client.get("/sparql", query_string={"query": LOOKUP},
                      headers={"Accept": JSON}).data
    client.head("/sparql", query_string={"query": LOOKUP}, headers={"Accept": JSON})
    assert taken == ["GET", "HEAD"]
    assert {m: _count(app, m, "200") - before[m] for m in before} == {"GET": 1, "HEAD": 1}
    logging.getLogger("iacml.access").handlers[0].flush()
    lines = [json.loads(line) for line in access_lines.getvalue().splitlines()]
    assert [(r["method"], r["path"], r["status"], r["type"], r["bytes"], r["truncated"])
            for r in lines] == [("GET", "/sparql", 200, JSON, len(body), False),
                                ("HEAD", "/sparql", 200, JSON, len(body), False)]
    assert all(r["client"] == "127.0.0.1" and r["ms"] >= 0 for r in lines)


@pytest.mark.parametrize(("method", "params", "headers", "data", "status"), [
    ("POST", {}, {"Content-Type": "application/sparql-query"}, LOOKUP, 200),
    ("GET", {"query": LOOKUP}, {"Accept": "text/html"}, None, 200),   # a page
    ("GET", {}, {"Accept": "text/turtle"}, None, 200),                # the description
    ("GET", {"query": LOOKUP, "update": "CLEAR ALL"}, {}, None, 403),
    ("GET", {"query": [LOOKUP, LOOKUP]}, {}, None, 400),              # two queries
    ("GET", {"query": LOOKUP}, {"Content-Type": "text/plain"}, "abc", 200),  # a body
    ("OPTIONS", {}, {}, None, 204),
])
def test_everything_else_goes_to_flask(app: Flask, taken: list[str], method: str,
                                       params: dict, headers: dict, data: str | None,
                                       status: int) -> None:
    response = app.test_client().open("/sparql", method=method, query_string=params,
                                      headers=headers, data=data)
    assert response.status_code == status, response.data
    assert taken == []


def test_a_query_string_that_is_not_utf8_goes_to_flask(app: Flask, taken: list[str]) -> None:
    response = app.test_client().get("/sparql?query=%FF")
    assert response.status_code == 400 and b"UTF-8" in response.data
    assert taken == []


def test_a_url_over_the_limit_goes_to_flask(app: Flask, taken: list[str]) -> None:
    target = "/sparql?query=" + "x" * app.config["IACML_MAX_URL_BYTES"]
    # werkzeug's test client gives RAW_URI without the query string; a server gives it all
    response = app.test_client().get(target, environ_overrides={"RAW_URI": target})
    assert response.status_code == 414 and b"IACML_MAX_URL_BYTES" in response.data
    assert taken == []


def test_access_lines_go_straight_into_the_batch(monkeypatch: pytest.MonkeyPatch) -> None:
    import logging

    from server.ops.accesslog import write_line

    logger = logging.getLogger("iacml.test-fastpath-lines")
    logger.propagate, stream = False, io.StringIO()
    batch = BatchedStreamHandler(stream, interval=3600)
    batch.setFormatter(logging.Formatter("%(message)s"))
    logger.addHandler(batch)
    logger.setLevel(logging.INFO)
    records: list[logging.LogRecord] = []
    monkeypatch.setattr(batch, "emit", records.append)
    try:
        write_line(logger, '{"status": 200}')  # the app's own set-up: no LogRecord
        batch.flush()
        assert stream.getvalue() == '{"status": 200}\n' and records == []
        other = logging.Handler()  # an operator's handler: records for everyone
        monkeypatch.setattr(other, "emit", records.append)
        logger.addHandler(other)
        write_line(logger, '{"status": 404}')
        assert [r.getMessage() for r in records] == ['{"status": 404}'] * 2
        logger.removeHandler(other)
        logger.setLevel(logging.WARNING)  # the access log turned off
        write_line(logger, '{"status": 500}')
        batch.flush()
        assert stream.getvalue() == '{"status": 200}\n' and len(records) == 2
    finally:
        logger.removeHandler(batch)
