"""The served data as gzip-compressed dumps: the whole dataset as TriG, N-Quads and
JSON-LD, each named graph as Turtle, and the linkset table as CSV and JSON, written once
per data version into the cache folder (``IACML_CACHE_DIR``, bounded by
``IACML_CACHE_MAX_BYTES``) from the quads the query backend serves, with a manifest of
their sizes and sha256."""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from flask import url_for

from iacml.reconcile.linkset import write_linkset
from iacml.release import dumps as dumpwriter
from server.ld import datasource
from server.ld.urls import base, project_prefixes
from server.reconcile.answers import linkset_rows
from server.reconcile.graphdata import facts

ALL_QUADS = "SELECT ?g ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } }"
MANIFEST = "manifest.json"
_lock = threading.Lock()


def _generate(folder: Path) -> list[dict[str, Any]]:
    quads = [ox.Quad(row["s"], row["p"], row["o"], row["g"])
             for row in datasource.select(ALL_QUADS)]
    files = dumpwriter.write_dumps(quads, folder, base() + "graph/", project_prefixes())
    # the linkset as a table (docs/linking.md), listed and described like the dumps
    return files + write_linkset(linkset_rows(facts()), folder)


def manifest() -> list[dict[str, Any]]:
    """The dump files of the served data version (generated on first use)."""
    folder = datasource.cache_dir() / "dumps"
    path = folder / MANIFEST
    with _lock:
        if not path.exists():
            folder.mkdir(parents=True, exist_ok=True)
            files = _generate(folder)
            tmp = folder / f".{MANIFEST}.tmp"
            tmp.write_text(json.dumps(files, indent=1), encoding="utf-8")
            tmp.replace(path)
            datasource.prune_cache(keep=folder)  # a new version's dumps: drop old ones
    listed: list[dict[str, Any]] = json.loads(path.read_text(encoding="utf-8"))
    return listed


def with_urls(files: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The manifest entries with their absolute download URLs."""
    return [{**f, "url": url_for("ld.ld_dumps.download", name=f["file"], _external=True)}
            for f in files]
