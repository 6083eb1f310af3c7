"""``/download/``: the served data as gzip-compressed dumps, with size and sha256.

The whole dataset as TriG, N-Quads and JSON-LD, and each named graph as Turtle,
written once per data version into the cache folder (``IACML_LD_CACHE_DIR``)
from the quads the query backend serves.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import threading
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from flask import Blueprint, Response, abort, render_template, request, send_file, url_for

from server.ld import backend
from server.ld.backend import QueryFailed
from server.ld.iris import base, project_prefixes

bp = Blueprint("ld_dumps", __name__)

ALL_QUADS = "SELECT ?g ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } }"
WHOLE = {  # file name -> (pyoxigraph format, media type, title)
    "iacml.trig.gz": (ox.RdfFormat.TRIG, "application/trig", "TriG"),
    "iacml.nq.gz": (ox.RdfFormat.N_QUADS, "application/n-quads", "N-Quads"),
    "iacml.jsonld.gz": (ox.RdfFormat.JSON_LD, "application/ld+json", "JSON-LD"),
}
MANIFEST = "manifest.json"
_lock = threading.Lock()


def graph_file(graph: str) -> str:
    """File name of the Turtle dump of one named graph."""
    name = graph.removeprefix(base() + "graph/")
    safe = "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in name)
    return f"graph-{safe}.ttl.gz"


def _write(folder: Path, name: str, data: bytes) -> dict[str, Any]:
    packed = gzip.compress(data, compresslevel=6, mtime=0)
    tmp = folder / f".{name}.{os.getpid()}.tmp"
    tmp.write_bytes(packed)
    tmp.replace(folder / name)
    return {"file": name, "size": len(packed), "sha256": hashlib.sha256(packed).hexdigest(),
            "uncompressed": len(data)}


def _generate(folder: Path) -> list[dict[str, Any]]:
    quads: list[ox.Quad] = []
    for row in backend.select(ALL_QUADS):
        quads.append(ox.Quad(row["s"], row["p"], row["o"], row["g"]))
    prefixes = project_prefixes()
    files = []
    for name, (rdf_format, media, title) in WHOLE.items():
        data = ox.serialize(quads, format=rdf_format,
                            prefixes=prefixes if rdf_format == ox.RdfFormat.TRIG else None)
        entry = _write(folder, name, data or b"")
        entry.update({"media_type": media, "title": f"Whole dataset ({title})", "graph": None,
                      "quads": len(quads)})
        files.append(entry)
    by_graph: dict[str, list[ox.Triple]] = {}
    for quad in quads:
        by_graph.setdefault(quad.graph_name.value, []).append(quad.triple)  # type: ignore[union-attr]
    for graph in sorted(by_graph):
        data = ox.serialize(by_graph[graph], format=ox.RdfFormat.TURTLE, prefixes=prefixes)
        entry = _write(folder, graph_file(graph), data or b"")
        entry.update({"media_type": "text/turtle", "graph": graph,
                      "title": f"Named graph {graph.removeprefix(base() + 'graph/')} (Turtle)",
                      "quads": len(by_graph[graph])})
        files.append(entry)
    return files


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
    if request.args.get("format") == "json" or request.accept_mimetypes.best_match(
            ["text/html", "application/json"]) == "application/json":
        return Response(json.dumps({"version": version, "files": files}, indent=1),
                        content_type="application/json")
    return Response(render_template("ld/downloads.html", files=files, version=version,
                                    base=base()),
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
    return response
