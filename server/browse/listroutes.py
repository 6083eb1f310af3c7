"""``/browse`` and ``/browse/<kind>``: lists with facets, as HTML, JSON and CSV.

Datasette is the model: a list per kind of resource, each facet's values with their
counts (for the list as filtered), links that add or remove a filter, sorting, paging,
and the same list as JSON or CSV at the same URL with ``.json`` / ``.csv`` (or by
``Accept`` / ``format=``, negotiated by :mod:`server.formats`). Each page shows the
SPARQL query behind it, with a link that opens it in the query editor.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from flask import Blueprint, Response, jsonify, render_template, request, url_for
from flask_babel import gettext as _

from server import formats
from server.browse import kinds, listing
from server.browse.listargs import BrowseError, ListRequest, parse, sorts
from server.ld.datasource import QueryFailed

bp = Blueprint("browse", __name__)


def _format(suffix: str | None) -> formats.Format:
    """The format a URL suffix names, else the one ``format=`` / Accept negotiate."""
    if suffix is not None:
        found = formats.lookup("listing", suffix)
        if found is None or suffix not in ("json", "csv", "html"):
            raise BrowseError(404, _("Lists are served as HTML, .json and .csv, not "
                                     "“.%(suffix)s”.", suffix=suffix[:20]))
        return found
    try:
        return formats.negotiate("listing", request.headers.get("Accept"),
                                 ",".join(request.args.getlist("format")), default="html")
    except formats.NotAcceptable:
        return formats.get("listing", "html")


def _error(error: BrowseError, fmt: str = "html") -> Response:
    if fmt == "json":
        response = jsonify({"error": error.message, "status": error.status})
    elif fmt == "csv":
        response = Response(error.message + "\n", content_type="text/plain; charset=utf-8")
    else:
        response = Response(render_template("browse/error.html", message=error.message,
                                            status=error.status),
                            content_type="text/html; charset=utf-8")
    response.status_code = error.status
    return response


def _unavailable(exc: QueryFailed) -> Response:
    message = _("The list could not be read from the graph just now (%(reason)s): try "
                "again in a moment.", reason=str(exc)[:200])
    response = _error(BrowseError(503, message))
    response.headers["Retry-After"] = "5"
    return response


@bp.route("/browse")
def index() -> Response:
    """The lists, with how many resources each holds."""
    try:
        sizes = listing.sizes(kinds.KINDS)
    except QueryFailed as exc:
        return _unavailable(exc)
    return Response(render_template("browse/index.html", kinds=kinds.KINDS, sizes=sizes),
                    content_type="text/html; charset=utf-8")


@bp.route("/browse/<name>")
def browse(name: str) -> Response:
    """One list, as HTML, JSON or CSV."""
    stem, dot, suffix = name.rpartition(".")
    kind_name, suffix_or_none = (stem, suffix) if dot else (name, None)
    fmt = "html"
    try:
        chosen_format = _format(suffix_or_none)
        fmt = chosen_format.name
        kind = kinds.find(kind_name)
        if kind is None:
            raise BrowseError(404, _("There is no list “%(name)s”. The lists are: "
                                     "%(lists)s.", name=kind_name[:40],
                                     lists=", ".join(k.name for k in kinds.KINDS)))
        asked = parse(kind, request.args)
        model = listing.page(kind, asked)
    except BrowseError as exc:
        return _error(exc, fmt)
    except QueryFailed as exc:
        return _unavailable(exc)
    links = _links(kind, asked, model)
    if fmt == "json":
        response = jsonify(_json(kind, asked, model, links))
    elif fmt == "csv":
        response = Response(_csv(kind, model), content_type="text/csv; charset=utf-8")
        response.headers["Content-Disposition"] = f'inline; filename="{kind.name}.csv"'
    else:
        response = Response(render_template(
            "browse/list.html", kind=kind, asked=asked, sorts=sorts(kind), links=links,
            sort_names=_sort_names(), **model), content_type="text/html; charset=utf-8")
    response.headers["Vary"] = "Accept"
    return response


def _sort_names() -> dict[str, str]:
    return {"date": _("oldest first"), "-date": _("newest first"),
            "label": _("title A–Z"), "-label": _("title Z–A")}


def _url(kind: kinds.Kind, asked: ListRequest, suffix: str = "",
         changes: dict[str, Any] | None = None) -> str:
    """The URL of this list with ``changes`` to its parameters (None drops one)."""
    args: dict[str, Any] = asked.args(**(changes or {}))
    return url_for("browse.browse", name=kind.name + suffix, **args)


def _links(kind: kinds.Kind, asked: ListRequest, model: dict[str, Any]) -> dict[str, Any]:
    """Every link the page offers: formats, pages, sorts, facet values, the editor."""
    for facet in model["facets"]:
        for value in facet["values"]:
            value["toggle"] = _url(kind, asked, changes={
                "page": None, facet["name"]: None if value["selected"] else value["key"]})
        facet["clear_href"] = _url(kind, asked, changes={"page": None, facet["name"]: None})
    return {
        "json": _url(kind, asked, ".json"), "csv": _url(kind, asked, ".csv"),
        "html": _url(kind, asked),
        "prev": (_url(kind, asked, changes={"page": asked.page - 1})
                 if asked.page > 1 else None),
        "next": (_url(kind, asked, changes={"page": asked.page + 1})
                 if asked.page < model["pages"] else None),
        "sorts": {key: _url(kind, asked, changes={"page": None, "sort": key})
                  for key in sorts(kind)},
        "editor": url_for("ui.query", query=model["query"]),
    }


def _json(kind: kinds.Kind, asked: ListRequest, model: dict[str, Any],
          links: dict[str, Any]) -> dict[str, Any]:
    return {
        "list": kind.name, "title": str(kind.label), "total": model["total"],
        "capped": model["capped"], "page": asked.page, "pages": model["pages"],
        "size": asked.size, "sort": asked.sort, "filters": asked.filters,
        "rows": [{"iri": r["iri"], "label": r["label"], "date": r["date"] or None,
                  "facets": {name: [{k: v[k] for k in ("key", "iri", "label")}
                                    for v in values]
                             for name, values in r["columns"].items()}}
                 for r in model["rows"]],
        "facets": [{"name": f["name"], "label": f["label"], "more": f["more"],
                    "values": [{k: v[k] for k in ("key", "iri", "label", "count", "selected")}
                               for v in f["values"]]} for f in model["facets"]],
        "query": model["query"],
        "links": {k: links[k] for k in ("html", "csv", "prev", "next")},
    }


def _csv(kind: kinds.Kind, model: dict[str, Any]) -> str:
    """The page's rows: IRI, title, date, then each facet's values (labels, "; ")."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    names = [f.name for f in kind.facets]
    writer.writerow(["iri", "label", *(["date"] if kind.date else []), *names])
    for row in model["rows"]:
        writer.writerow([row["iri"], row["label"], *([row["date"]] if kind.date else []),
                         *("; ".join(v["label"] for v in row["columns"][n]) for n in names)])
    return out.getvalue()
