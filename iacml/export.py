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

from .journal import Journal, Replayer, read_lines, submission_name, submission_quads
from .namespaces import PREFIXES
from .paths import ProjectPaths

HEADER = ("# Accepted through the guarded write API (iacml export-submissions, {time}).\n"
          "# Graph: <{graph}>. Passages are already located (id/passage/...); review,\n"
          "# commit, and rebuild: the build reads this file into the same graph.\n")


def file_for(name: str, out_dir: Path) -> Path:
    """The data file of submission graph ``name``."""
    return out_dir / f"submission-{name}.ttl"


def export_submissions(journal_path: Path, out_dir: Path, rotate: bool = True,
                       dataset: Path | None = None) -> list[Path]:
    """Write the journal's submission graphs to ``out_dir``; rotate the journal.

    The journal's records change the submission graphs of the built ``dataset``
    (default: the project's build/iacml.nq), so those are read first. Returns the
    files written or removed. Runs under the journal's lock, so no write is
    accepted between reading the journal and rotating it.
    """
    journal = Journal(journal_path)
    changed: list[Path] = []
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    with journal.locked():
        records, _ = read_lines(journal.path)
        touched = {r["graph"] for r in records}
        store = ox.Store()
        store.extend(q for q in submission_quads(dataset or ProjectPaths.default().dataset_nq)
                     if isinstance(q.graph_name, ox.NamedNode)
                     and q.graph_name.value in touched)
        Replayer(journal.path).catch_up(store)
        out_dir.mkdir(parents=True, exist_ok=True)
        for graph in sorted(touched):
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
