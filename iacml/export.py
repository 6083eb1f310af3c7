"""``iacml export-submissions``: accepted writes back to the source of truth.

Each submission graph the journal holds is written as one Turtle file
``<out>/submission-<name>.ttl`` (the build reads it into
``graph/submissions/<name>``); a graph the journal dropped has its file
removed. Then, in one atomic step, the journal is renamed to
``journal-<time>.exported`` and a new empty one starts. Once the files are
committed and built, the served graph is the same as before the export.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph

from .journal import Journal, Replayer, read_lines, submission_name
from .namespaces import PREFIXES

HEADER = ("# Accepted through the guarded write API (iacml export-submissions, {time}).\n"
          "# Graph: <{graph}>. Passages are already located (id/passage/...); review,\n"
          "# commit, and rebuild: the build reads this file into the same graph.\n")


def file_for(name: str, out_dir: Path) -> Path:
    """The data file of submission graph ``name``."""
    return out_dir / f"submission-{name}.ttl"


def export_submissions(journal_path: Path, out_dir: Path, rotate: bool = True) -> list[Path]:
    """Write the journal's submission graphs to ``out_dir``; rotate the journal.

    Returns the files written or removed. Runs under the journal's lock, so no
    write is accepted between reading the journal and rotating it.
    """
    journal = Journal(journal_path)
    changed: list[Path] = []
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    with journal.locked():
        records, _ = read_lines(journal.path)
        store = ox.Store()
        Replayer(journal.path).catch_up(store)
        out_dir.mkdir(parents=True, exist_ok=True)
        for graph in sorted({r["graph"] for r in records}):
            name = submission_name(graph)
            if name is None:
                continue
            target = file_for(name, out_dir)
            node = ox.NamedNode(graph)
            if not store.contains_named_graph(node) or not any(
                    store.quads_for_pattern(None, None, None, node)):
                if target.exists():
                    target.unlink()
                    changed.append(target)
                continue
            data = store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=node)
            _write_turtle(Graph().parse(data=data, format="nt"), target, graph, stamp)
            changed.append(target)
        if rotate:
            journal.rotate(stamp)
    return changed


def _write_turtle(graph: Graph, target: Path, iri: str, stamp: str) -> None:
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=True)
    body = graph.serialize(format="turtle")
    tmp = target.with_name(target.name + ".tmp")
    with tmp.open("w", encoding="utf-8") as handle:
        handle.write(HEADER.format(time=stamp, graph=iri) + body)
        handle.flush()
        os.fsync(handle.fileno())
    tmp.replace(target)
