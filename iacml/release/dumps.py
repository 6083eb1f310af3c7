"""The dump files of a dataset: TriG, N-Quads and JSON-LD of the whole, Turtle per
named graph, each gzip-compressed with its size and sha256.

One writer for both places that publish dumps: a release (``iacml release``,
from canonical quads, so the bytes are reproducible) and the server's
``/download/`` (the data being served, written once per data version).
"""

from __future__ import annotations

import gzip
import hashlib
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pyoxigraph as ox

WHOLE = {  # file name -> (pyoxigraph format, media type, title)
    "iacml.trig.gz": (ox.RdfFormat.TRIG, "application/trig", "TriG"),
    "iacml.nq.gz": (ox.RdfFormat.N_QUADS, "application/n-quads", "N-Quads"),
    "iacml.jsonld.gz": (ox.RdfFormat.JSON_LD, "application/ld+json", "JSON-LD"),
}


def graph_file(graph: str, graph_root: str) -> str:
    """File name of the Turtle dump of one named graph (``graph-source-003.ttl.gz``)."""
    name = graph.removeprefix(graph_root)
    safe = "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in name)
    return f"graph-{safe}.ttl.gz"


def sha256_file(path: Path) -> str:
    """The sha256 of a file, in hex."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _write(folder: Path, name: str, data: bytes) -> dict[str, Any]:
    """Write ``data`` gzipped (no timestamp: the same data, the same bytes), atomically."""
    packed = gzip.compress(data, compresslevel=6, mtime=0)
    tmp = folder / f".{name}.{os.getpid()}.tmp"
    tmp.write_bytes(packed)
    tmp.replace(folder / name)
    return {"file": name, "size": len(packed), "sha256": hashlib.sha256(packed).hexdigest(),
            "uncompressed": len(data)}


def write_dumps(quads: list[ox.Quad], folder: Path, graph_root: str,
                prefixes: Mapping[str, str]) -> list[dict[str, Any]]:
    """Write the dump files of ``quads`` into ``folder``; return one entry per file
    (file, size, sha256, uncompressed, media_type, title, graph, quads).

    ``graph_root`` is the IRI the named graphs' names start with (``{base}graph/``);
    ``prefixes`` are used by the TriG and Turtle files."""
    folder.mkdir(parents=True, exist_ok=True)
    # the default graph holds the merge of the named graphs (iacml/defaultgraph.py), a
    # copy any store rebuilds: the dumps give each statement in the graphs that state it
    quads = [q for q in quads if not isinstance(q.graph_name, ox.DefaultGraph)]
    files = []
    for name, (rdf_format, media, title) in WHOLE.items():
        data = ox.serialize(quads, format=rdf_format,
                            prefixes=dict(prefixes) if rdf_format == ox.RdfFormat.TRIG else None)
        entry = _write(folder, name, data or b"")
        entry.update({"media_type": media, "title": f"Whole dataset ({title})", "graph": None,
                      "quads": len(quads)})
        files.append(entry)
    by_graph: dict[str, list[ox.Triple]] = {}
    for quad in quads:
        if isinstance(quad.graph_name, ox.NamedNode):
            by_graph.setdefault(quad.graph_name.value, []).append(quad.triple)
    for graph in sorted(by_graph):
        data = ox.serialize(by_graph[graph], format=ox.RdfFormat.TURTLE, prefixes=dict(prefixes))
        entry = _write(folder, graph_file(graph, graph_root), data or b"")
        entry.update({"media_type": "text/turtle", "graph": graph,
                      "title": f"Named graph {graph.removeprefix(graph_root)} (Turtle)",
                      "quads": len(by_graph[graph])})
        files.append(entry)
    return files
