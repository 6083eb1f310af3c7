"""``/download/``: the served data as gzip-compressed dumps (:mod:`server.ld.dumpcache`
writes them), and the releases this server holds."""

from __future__ import annotations

import json

from flask import Blueprint, Response, abort, render_template, request, send_file, url_for

from server.ld import datasource, releaseindex
from server.ld.datasource import QueryFailed
from server.ld.dumpcache import manifest, with_urls
from server.ld.urls import base

bp = Blueprint("ld_dumps", __name__)

@bp.route("/download/")
def downloads() -> Response:
    """List the dumps (HTML, or JSON with ``format=json`` / ``Accept: application/json``)."""
    try:
        files = with_urls(manifest())
    except QueryFailed as exc:
        return Response(f"dumps unavailable: {exc}\n", status=503,
                        content_type="text/plain; charset=utf-8")
    version = datasource.data_version()
    listed = releaseindex.all_releases()[::-1]  # newest first; the first is "latest"
    served = releaseindex.served_release()
    rows = [{"version": r.version, "date": r.date, "iri": r.iri, "latest": i == 0,
             "served": served is not None and r.version == served.version,
             "url": url_for("ld.ld_releases.release_files", version=r.version, _external=True),
             "files": len(r.files), "quads": r.quads} for i, r in enumerate(listed)]
    if request.args.get("format") == "json" or request.accept_mimetypes.best_match(
            ["text/html", "application/json"]) == "application/json":
        return Response(json.dumps({"version": version, "files": files, "releases": rows},
                                   indent=1), content_type="application/json")
    return Response(render_template("ld/downloads.html", files=files, version=version,
                                    base=base(), releases=rows, cite=releaseindex.shown()),
                    content_type="text/html; charset=utf-8")


@bp.route("/download/<name>")
def download(name: str) -> Response:
    """One gzip-compressed dump file of the served data version."""
    try:
        known = {f["file"]: f for f in manifest()}
    except QueryFailed as exc:
        return Response(f"dumps unavailable: {exc}\n", status=503,
                        content_type="text/plain; charset=utf-8")
    if name not in known:
        abort(404)
    path = datasource.cache_dir() / "dumps" / name
    response = send_file(path, mimetype="application/gzip", as_attachment=True,
                         download_name=name, etag=known[name]["sha256"])
    response.headers["X-Content-SHA256"] = known[name]["sha256"]
    # the file at this URL changes with the data version: cache briefly, then revalidate
    # (ETag); a release's files never change (server/ld/releases.py: immutable)
    response.headers["Cache-Control"] = "public, max-age=300"
    return response
