"""Serialise a linked-data page's triples (or quads) with the project's prefixes, and
the RDF format a request for a page asks for."""

from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph as ox
from flask import Response, abort, request

from server.formats import NotAcceptable, negotiate, write_rdf
from server.ld.urls import project_prefixes


def serialise(triples: Iterable[ox.Triple], quads: Iterable[ox.Quad] | None, fmt: str) -> bytes:
    """``triples`` (or ``quads``, for the dataset formats TriG and N-Quads) in graph
    format ``fmt`` of :mod:`server.formats`."""
    return write_rdf(triples, fmt, quads, project_prefixes())


def negotiated(fmt: str | None) -> str:
    """The format asked for: the suffix's, else by Accept (406 when none fits)."""
    if fmt:
        return fmt
    try:
        return negotiate("graph", request.headers.get("Accept"),
                         ",".join(request.args.getlist("format"))).name
    except NotAcceptable as exc:
        abort(Response(str(exc) + "\n", status=406, content_type="text/plain; charset=utf-8"))
    raise AssertionError("unreachable")
