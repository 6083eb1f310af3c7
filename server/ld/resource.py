"""Dereferenceable IRIs: ``/id/...`` answers with HTML, Turtle, JSON-LD, N-Triples,
RDF/XML, TriG or N-Quads, chosen by the Accept header or by a file suffix."""

from __future__ import annotations

import hashlib
from urllib.parse import quote

import pyoxigraph as ox
from flask import Blueprint, Response, redirect, render_template, request
from werkzeug.wrappers import Response as BaseResponse

from iacml import citation
from server.formats import (
    Format,
    content_type,
    formats_for,
    split_suffix,
    suffix_of,
)
from server.ld import datasource, labels, releaseindex, retired
from server.ld import describe as desc
from server.ld.datasource import QueryFailed
from server.ld.rdfout import negotiated, serialise
from server.ld.titles import namer
from server.ld.urls import iri_of
from server.ld.views import page_model

bp = Blueprint("ld_resource", __name__)


def _representations() -> list[Format]:
    """Every representation of a page: HTML first, then each RDF format with a suffix."""
    html = [f for f in formats_for("graph") if f.name == "html"]
    return html + [f for f in formats_for("graph") if f.suffix and f.name != "html"]


def alternates(path: str) -> str:
    """Link header naming every representation of the page at ``path``."""
    links = [f'</{path}{fmt.suffix}>; rel="alternate"; type="{fmt.media_type}"'
             for fmt in _representations()]
    return ", ".join(links)


def etag(path: str, fmt: str, language: str) -> str:
    """A validator of one representation: the data version, the page and its variant."""
    text = "|".join((datasource.data_version(), path, fmt, language))
    return '"' + hashlib.sha256(text.encode()).hexdigest()[:32] + '"'


def not_found(iri: str, fmt: str) -> Response:
    """404: an HTML page with a search box, or plain text for machines."""
    if fmt != "html":
        return Response(f"no resource {iri} in the data\n", status=404,
                        content_type="text/plain; charset=utf-8")
    return Response(render_template("ld/notfound.html", iri=iri,
                                    query=iri.rstrip("/").rsplit("/", 1)[-1]),
                    status=404, content_type="text/html; charset=utf-8")


def unavailable(exc: QueryFailed) -> Response:
    """503 when the query backend cannot answer."""
    return Response(f"the data cannot be read right now: {exc}\n", status=503,
                    headers={"Retry-After": "5"}, content_type="text/plain; charset=utf-8")


@bp.route("/graph/<path:name>")
def graph(name: str) -> BaseResponse:
    """A named graph's IRI: see its entry (size, dump) on the downloads page."""
    # quoted: a raw name may hold CR/LF, which must never reach a response header
    return redirect("/download/#" + quote(name, safe="/"), code=303)


@bp.route("/id/<path:key>")
def resource(key: str) -> Response:
    """A resource page or its RDF, by content negotiation or suffix."""
    key, suffix_fmt = split_suffix(key)
    fmt = negotiated(suffix_fmt)
    path = "id/" + key
    iri = iri_of(path)
    try:
        ox.NamedNode(iri)
    except ValueError:  # not an IRI (a space, U+FFF0...): no resource can have it
        return not_found(iri, fmt)
    try:
        found = desc.describe(iri)
        if not found.exists:
            suffix = suffix_of(suffix_fmt) if suffix_fmt else ""
            return retired.answer(iri, fmt, suffix) or not_found(iri, fmt)
        headers = {"Vary": "Accept, Accept-Language", "Link": alternates(path),
                   "Access-Control-Allow-Origin": "*",
                   "ETag": etag(path, fmt, request.headers.get("Accept-Language", ""))}
        if request.if_none_match.contains(headers["ETag"].strip('"')):
            return Response(status=304, headers=headers)
        if suffix_fmt is None:
            headers["Content-Location"] = f"/{path}{suffix_of(fmt)}"
        if fmt != "html":
            body = serialise(found.triples(), found.quads(), fmt)
            return Response(body, headers=headers, content_type=content_type("graph", fmt))
        index = labels.index()
        langs = labels.preferred_languages()
        model = page_model(found, desc.passages(found), index, langs, namer())
    except QueryFailed as exc:
        return unavailable(exc)
    headers["Content-Language"] = langs[0]
    cited = citation.resource(model["label"], iri, releaseindex.shown())
    html = render_template("ld/resource.html", r=model, path=path, lang=langs[0], cite=cited,
                           formats=[(f.name, f.suffix) for f in _representations()
                                    if f.name != "html"])
    return Response(html, headers=headers, content_type="text/html; charset=utf-8")
