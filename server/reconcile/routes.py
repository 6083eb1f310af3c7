"""``/reconcile``: the Reconciliation Service API 0.2 (OpenRefine and its kin).

- ``GET /reconcile`` without a query: the service manifest (JSON), or the page for
  people when a browser asks for HTML;
- ``queries=`` (GET or POST form): a batch of named queries; ``query=``: one query
  (a JSON object or a bare name); ``extend=``: data extension;
- ``/reconcile/suggest/entity|type|property?prefix=``, ``/reconcile/properties?type=``,
  ``/reconcile/preview?id=``.

CORS is open (browser clients call from their own origin); JSONP is not offered: a
``callback`` parameter is refused with 400, as a JSONP answer is script another site runs.
Each request counts once against the per-client rate limit of ``/sparql``, and the time
spent matching against the client's share of query time (its fair share).
"""

from __future__ import annotations

import time
from typing import Any

from flask import Blueprint, Response, current_app, jsonify, render_template, request

from iacml.reconcile.folding import fold
from server.ld.datasource import QueryFailed
from server.ld.urls import base
from server.reconcile import answers, params
from server.reconcile.graphdata import Facts, facts
from server.reconcile.params import BadInput, Query

bp = Blueprint("reconcile", __name__)

CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
    "Access-Control-Allow-Headers": "Content-Type, Accept",
    "Access-Control-Expose-Headers": "Retry-After",
    "Access-Control-Max-Age": "86400",
}
# The preview is a card OpenRefine shows in a frame of its own page: it may be framed
# (it has no script, form or link that acts), and loads nothing but the site's stylesheet.
PREVIEW_CSP = ("default-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
               "base-uri 'none'; form-action 'none'; frame-ancestors *")


def _error(status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    response = jsonify({"status": status, "message": message})
    response.status_code = status
    response.headers.update(headers or {})
    return response


@bp.after_request
def _cors(response: Response) -> Response:
    response.headers.update(CORS_HEADERS)
    return response


@bp.before_request
def _guard() -> Response | None:
    """Refuse JSONP, then count the request against the client's rate limit."""
    if request.method == "OPTIONS":
        return Response(status=204)
    if "callback" in request.args or "callback" in request.form:
        return _error(400, "JSONP (a callback parameter) is not offered: call the service "
                           "with CORS, which it allows from any origin")
    wait = current_app.extensions["iacml.ratelimit"].hit(request.remote_addr or "unknown")
    if wait:
        return _error(429, f"rate limit of {current_app.config['IACML_RATE_LIMIT']} requests "
                           f"per minute per client reached (IACML_RATE_LIMIT); retry in "
                           f"{wait} s", {"Retry-After": str(wait)})
    return None


def _resolvers(known: Facts) -> dict[str, Any]:
    """How a query's property values become what the graph holds: a country by its id,
    name or code (only an exact name); a year by its first four digits."""
    def country(value: str) -> set[str]:
        if "/" in value:
            return {answers.entity_iri(value)}
        found = known.matcher.match(value, {"Country"}, limit=5)
        return {c.entity.iri for c in found if c.certain}

    def year(value: str) -> set[str]:
        return {value[:4]} if value[:4].isdigit() else set()

    return {"country": country, "year": year}


def _answer(query: Query, known: Facts) -> dict[str, Any]:
    properties = {k: v for k, v in query.properties.items() if k in answers.MATCHABLE}
    found = known.matcher.match(query.text, query.types, properties, _resolvers(known),
                                query.limit)
    return {"result": [answers.candidate(c, known) for c in found]}


@bp.route("/reconcile", methods=["GET", "POST", "OPTIONS"])
def reconcile() -> Response | str:
    """Manifest, people's page, queries or data extension (see the module docstring)."""
    if not {"extend", "queries", "query"} & set(request.values):
        try:
            known = facts()
        except QueryFailed as exc:
            return _error(503, f"the graph cannot be read now ({exc}); retry later")
        wants_html = request.accept_mimetypes.best_match(
            ["application/json", "text/html"]) == "text/html"
        return _page(known) if wants_html else jsonify(answers.manifest(known))
    # Matching a batch costs the web process up to half a second: it is charged to the
    # client's share of query time, as a SPARQL query is (IACML_CLIENT_QUERIES and
    # IACML_CLIENT_QUERY_SECONDS).
    client = request.remote_addr or "unknown"
    admission = current_app.extensions["iacml.admission"]
    ticket, refusal = admission.admit(client)
    if refusal is not None:
        current_app.extensions["iacml.metrics"].count_refused(refusal.reason)
        return _error(429, refusal.message, {"Retry-After": str(refusal.retry_after)})
    started = time.perf_counter()
    try:
        return _work()
    finally:
        admission.release(client, ticket, time.perf_counter() - started)


def _work() -> Response:
    """Answer ``extend=``, ``queries=`` or ``query=``."""
    config = current_app.config
    schema_space = base() + "ontology#"
    try:
        known = facts()
        if "extend" in request.values:
            ids, pids = params.extension(request.values["extend"], config)
            return jsonify(answers.extension(ids, pids, known))
        if "queries" in request.values:
            batch = params.batch(request.values["queries"], config, schema_space)
            return jsonify({key: _answer(q, known) for key, q in batch.items()})
        raw = request.values["query"]  # reconcile() sends only extend, queries or query
        single: Any = params.parse_json(raw, "query") if raw.lstrip().startswith("{") else raw
        return jsonify(_answer(params.query(single, config, schema_space), known))
    except BadInput as exc:
        return _error(400, str(exc))
    except QueryFailed as exc:
        return _error(503, f"the graph cannot be read now ({exc}); retry later")


def _page(known: Facts) -> str:
    """The page for people: how to add the service to OpenRefine, and a form to try."""
    name = request.args.get("name", "")[:current_app.config["IACML_RECONCILE_MAX_CHARS"]]
    type_id = request.args.get("type", "") or None
    results: list[dict[str, Any]] = []
    if name.strip():
        query = Query(name.strip(), {type_id} if type_id else None, 10)
        results = _answer(query, known)["result"]
    return render_template("reconcile/page.html", service=request.base_url, name=name,
                           type_id=type_id or "", types=answers.default_types(known),
                           results=results)


def _limit() -> int:
    most = int(current_app.config["IACML_RECONCILE_MAX_LIMIT"])
    try:
        return max(1, min(int(request.args.get("limit", most)), most))
    except ValueError:
        return most


def _prefix() -> str:
    prefix = request.args.get("prefix", "")
    most = current_app.config["IACML_RECONCILE_MAX_CHARS"]
    if len(prefix) > most:
        raise BadInput(f"prefix is longer than {most} characters (IACML_RECONCILE_MAX_CHARS)")
    return prefix


@bp.route("/reconcile/suggest/<kind>", methods=["GET", "OPTIONS"])
def suggest(kind: str) -> Response:
    """Autocomplete entities, types or properties by prefix."""
    try:
        prefix = _prefix()
        known = facts()
    except BadInput as exc:
        return _error(400, str(exc))
    except QueryFailed as exc:
        return _error(503, f"the graph cannot be read now ({exc}); retry later")
    limit = _limit()
    wanted = fold(prefix)
    if kind == "entity":
        type_id = request.args.get("type") or None
        found = known.matcher.suggest(prefix, {type_id} if type_id else None, limit)
        return jsonify({"result": [{"id": answers.entity_id(e.iri), "name": e.name,
                                    "notable": [{"id": t, "name": known.type_names.get(t, t)}
                                                for t in e.types]} for e in found]})
    if kind == "type":
        return jsonify({"result": [t for t in answers.default_types(known)
                                   + _subtypes(known)
                                   if wanted in fold(t["name"])][:limit]})
    if kind == "property":
        return jsonify({"result": [{"id": pid, "name": name, "description": text}
                                   for pid, (name, text) in answers.PROPERTIES.items()
                                   if wanted in fold(name) or wanted in pid][:limit]})
    return _error(404, f"no suggest service {kind!r}: entity, type or property")


def _subtypes(known: Facts) -> list[dict[str, str]]:
    top = {t["id"] for t in answers.default_types(known)}
    return [{"id": k, "name": v} for k, v in sorted(known.type_names.items()) if k not in top]


@bp.route("/reconcile/properties", methods=["GET", "OPTIONS"])
def properties() -> Response:
    """Data extension: the properties to propose for a type."""
    try:
        known = facts()
    except QueryFailed as exc:
        return _error(503, f"the graph cannot be read now ({exc}); retry later")
    type_id = (request.args.get("type") or "").removeprefix(base() + "ontology#") or None
    return jsonify(answers.proposal(type_id, known, _limit()))


@bp.route("/reconcile/preview", methods=["GET", "OPTIONS"])
def preview() -> Response:
    """A small HTML card of one resource (OpenRefine shows it on hover)."""
    identifier = request.args.get("id", "")[:400]
    try:
        known = facts()
    except QueryFailed as exc:
        return _error(503, f"the graph cannot be read now ({exc}); retry later")
    entity = known.matcher.entities.get(answers.entity_iri(identifier)) if identifier else None
    if entity is None:
        return Response(render_template("reconcile/preview.html", entity=None,
                                        identifier=identifier), status=404,
                        headers={"Content-Security-Policy": PREVIEW_CSP},
                        content_type="text/html; charset=utf-8")
    rows = answers.extension([identifier], ["label_es", "country", "start_date", "wikidata"],
                             known)["rows"][identifier]
    return Response(render_template("reconcile/preview.html", entity=entity,
                                    identifier=answers.entity_id(entity.iri),
                                    types=[known.type_names.get(t, t) for t in entity.types],
                                    rows=rows, names=answers.PROPERTIES),
                    headers={"Content-Security-Policy": PREVIEW_CSP},
                    content_type="text/html; charset=utf-8")
