"""``/search?q=``: find resources by label, English or Spanish, accent- and
case-insensitive, ranked; HTML or JSON (``Accept: application/json`` or
``format=json``). A query is also read in the other language through the word table of
:mod:`server.ld.searchwords` ("ministerio de trabajo" finds "Ministry of Labor ..."),
a match of the words as typed ranking first."""

from __future__ import annotations

import unicodedata
from typing import Any

from flask import Blueprint, Response, current_app, jsonify, render_template, request

from server.ld import labels, searchwords
from server.ld.datasource import QueryFailed
from server.ld.urls import base, href

bp = Blueprint("ld_search", __name__)

PROPERTY_WEIGHT = {labels.SKOS + "prefLabel": 0, labels.RDFS + "label": 0,
                   labels.SKOS + "altLabel": 1, labels.SCHEMA + "name": 1,
                   labels.DCTERMS + "title": 2}
MAX_RESULTS = 50


def fold(text: str) -> str:
    """Lower case without accents, whitespace collapsed (for matching)."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(bare.casefold().split())


def score(query: str, text: str) -> int | None:
    """Rank of ``text`` for ``query`` (both folded): lower is better; None: no match."""
    if text == query:
        return 0
    if text.startswith(query):
        return 1
    if any(word.startswith(query) for word in text.split()):
        return 2
    if query in text:
        return 3
    words = query.split()
    if len(words) > 1 and all(word in text for word in words):
        return 4
    return None


def find(query: str, limit: int = MAX_RESULTS) -> list[dict[str, Any]]:
    """Resources whose labels match ``query``, best first."""
    wanted = fold(query)
    if not wanted:
        return []
    readings = searchwords.variants(wanted)  # as typed first, then translated
    index = labels.index()
    langs = labels.preferred_languages()
    best: dict[str, tuple[int, int, int, int, str, str]] = {}
    for iri, found in index.labels.items():
        if not iri.startswith(base()):
            continue
        for prop, text, lang in found:
            folded = fold(text)
            ranks = [(rank, n) for n, reading in enumerate(readings)
                     if (rank := score(reading, folded)) is not None]
            if not ranks:
                continue
            rank, translated = min(ranks)
            key = (rank, translated, PROPERTY_WEIGHT.get(prop, 3), len(text), text, lang)
            if iri not in best or key < best[iri]:
                best[iri] = key
    ordered = sorted(best.items(), key=lambda item: (item[1], item[0]))[:limit]
    results = []
    for iri, (rank, _translated, _weight, _length, text, lang) in ordered:
        kind = index.kind(iri, langs)
        results.append({"iri": iri, "href": href(iri), "label": index.label(iri, langs),
                        "matched": text, "lang": lang, "rank": rank,
                        "types": [kind] if kind else []})
    return results


@bp.route("/search")
def search() -> Response:
    """Search page and JSON API."""
    query = request.args.get("q", "").strip()
    most = current_app.config["IACML_SEARCH_MAX_CHARS"]
    if len(query) > most:  # every term is matched against every label: bound the work
        return Response(f"the search terms are longer than {most} characters "
                        "(IACML_SEARCH_MAX_CHARS): search for a shorter phrase\n", status=400,
                        content_type="text/plain; charset=utf-8")
    try:
        results = find(query) if query else []
    except QueryFailed as exc:
        return Response(f"search is unavailable: {exc}\n", status=503,
                        content_type="text/plain; charset=utf-8")
    accept = request.accept_mimetypes
    wants_json = request.args.get("format") == "json" or (
        accept.best_match(["text/html", "application/json"]) == "application/json")
    if wants_json:
        response = jsonify({"query": query, "results": results})
    else:
        response = Response(render_template("ld/search.html", query=query, results=results),
                            content_type="text/html; charset=utf-8")
    response.headers["Vary"] = "Accept, Accept-Language"
    return response
