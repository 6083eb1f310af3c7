"""``/download/``: the served data as gzip-compressed dumps, with size and sha256.

The whole dataset as TriG, N-Quads and JSON-LD, and each named graph as Turtle,
written once per data version into the cache folder (``IACML_LD_CACHE_DIR``)
from the quads the query backend serves.
"""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from flask import Blueprint, Response, abort, render_template, request, send_file, url_for

from iacml.release import dumps as dumpfiles
from server.ld import backend, releases
from server.ld.backend import QueryFailed
from server.ld.iris import base, project_prefixes

bp = Blueprint("ld_dumps", __name__)

ALL_QUADS = "SELECT ?g ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } }"
MANIFEST = "manifest.json"
_lock = threading.Lock()


def _generate(folder: Path) -> list[dict[str, Any]]:
    quads = [ox.Quad(row["s"], row["p"], row["o"], row["g"])
             for row in backend.select(ALL_QUADS)]
    return dumpfiles.write_dumps(quads, folder, base() + "graph/", project_prefixes())


def manifest() -> list[dict[str, Any]]:
    """The dump files of the served data version (generated on first use)."""
    folder = backend.cache_dir() / "dumps"
    path = folder / MANIFEST
    with _lock:
        if not path.exists():
            folder.mkdir(parents=True, exist_ok=True)
            files = _generate(folder)
            tmp = folder / f".{MANIFEST}.tmp"
            tmp.write_text(json.dumps(files, indent=1), encoding="utf-8")
            tmp.replace(path)
    return json.loads(path.read_text(encoding="utf-8"))


def with_urls(files: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The manifest entries with their absolute download URLs."""
    return [{**f, "url": url_for("ld.ld_dumps.download", name=f["file"], _external=True)}
            for f in files]


@bp.route("/download/")
def downloads() -> Response:
    """List the dumps (HTML, or JSON with ``format=json`` / ``Accept: application/json``)."""
    try:
        files = with_urls(manifest())
    except QueryFailed as exc:
        return Response(f"dumps unavailable: {exc}\n", status=503,
                        content_type="text/plain; charset=utf-8")
    version = backend.data_version()
    listed = releases.all_releases()[::-1]  # newest first; the first is "latest"
    served = releases.served_release()
    rows = [{"version": r.version, "date": r.date, "iri": r.iri, "latest": i == 0,
             "served": served is not None and r.version == served.version,
             "url": url_for("ld.ld_releases.release_files", version=r.version, _external=True),
             "files": len(r.files), "quads": r.quads} for i, r in enumerate(listed)]
    if request.args.get("format") == "json" or request.accept_mimetypes.best_match(
            ["text/html", "application/json"]) == "application/json":
        return Response(json.dumps({"version": version, "files": files, "releases": rows},
                                   indent=1), content_type="application/json")
    return Response(render_template("ld/downloads.html", files=files, version=version,
                                    base=base(), releases=rows, cite=releases.shown()),
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
    path = backend.cache_dir() / "dumps" / name
    response = send_file(path, mimetype="application/gzip", as_attachment=True,
                         download_name=name, etag=known[name]["sha256"])
    response.headers["X-Content-SHA256"] = known[name]["sha256"]
    # the file at this URL changes with the data version: cache briefly, then revalidate
    # (ETag); a release's files never change (server/ld/releases.py: immutable)
    response.headers["Cache-Control"] = "public, max-age=300"
    return response
