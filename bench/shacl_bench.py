"""Benchmark of the two ways the pipeline runs pySHACL on an entry (docs/design.md).

Run from the project root after ``iacml build``::

    .venv/bin/python -m bench.shacl_bench [ENTRY.ttl] [-n 5]

For one entry over the real context (registry ∪ ontology ∪ their closure) it times

* focus: the entry checker's way, :class:`iacml.pipeline.shacl.FocusValidator`
  (pySHACL's exported classes, the shapes read once, only the focus nodes);
* whole: ``pyshacl.validate()`` on the whole graph, its documented entry point,
  the results then kept for the focus nodes only (what the public function can do,
  since its ``focus_nodes`` option loses nested results: tests/test_pipeline_shacl.py);

each on an rdflib ``Graph`` and on :class:`~iacml.pipeline.shacl.PreparedQueryGraph`
(SPARQL texts parsed once, which replaced a monkeypatch of pySHACL), and prints the
medians and the ratios. Both ways must find the same results; the script checks it.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

from rdflib import Graph

from iacml.entries import parse_entry
from iacml.paths import ProjectPaths
from iacml.pipeline import checker_for
from iacml.pipeline.entry import focus_nodes
from iacml.pipeline.entry_reasoning import entry_inferences
from iacml.pipeline.quotes import resolve_passages
from iacml.pipeline.report import parse_report
from iacml.pipeline.shacl import FocusValidator, PreparedQueryGraph, validate_whole

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_ENTRY = ROOT / "tests" / "fixtures" / "entries" / "valid-cooperation.ttl"


def _median(func: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> int:
    """Time both ways on both graph classes and print the figures and ratios."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("entry", nargs="?", type=Path, default=DEFAULT_ENTRY)
    parser.add_argument("-n", "--runs", type=int, default=5)
    args = parser.parse_args()
    base = checker_for(ProjectPaths(ROOT)).base
    entry = parse_entry(args.entry)
    resolve_passages(entry, base.texts)
    inferred = entry_inferences(entry, base.reasoning)
    focus = focus_nodes(entry, inferred, base)
    shapes = base.shapes.shapes
    known = base.reasoning.known
    figures: dict[str, float] = {}
    found: dict[str, set[tuple[str, str, str]]] = {}
    for kind in (Graph, PreparedQueryGraph):
        data = kind()
        for graph in (known, entry, inferred):
            for triple in graph:
                data.add(triple)
        validator = FocusValidator(data, shapes)
        figures[f"focus {kind.__name__}"] = _median(lambda v=validator: v.run(focus), args.runs)
        figures[f"whole {kind.__name__}"] = _median(lambda d=data: validate_whole(d, shapes),
                                                    args.runs)
        strings = {str(n) for n in focus}
        for way, report in (("focus", validator.run(focus)[1]),
                            ("whole", validate_whole(data, shapes)[1])):
            found[f"{way} {kind.__name__}"] = {(r.focus, r.path, r.message)
                                               for r in parse_report(report, shapes)
                                               if r.focus in strings}
    print(f"entry: {args.entry} ({len(entry)} triples), {len(focus)} focus nodes, "
          f"{len(known)} context triples, {args.runs} runs (median)")
    for name, seconds in figures.items():
        print(f"  {name:<28} {seconds * 1000:8.1f} ms")
    for kind in ("Graph", "PreparedQueryGraph"):
        ratio = figures[f"whole {kind}"] / figures[f"focus {kind}"]
        print(f"  whole / focus ({kind}): {ratio:.1f}x")
    for way in ("focus", "whole"):
        ratio = figures[f"{way} Graph"] / figures[f"{way} PreparedQueryGraph"]
        print(f"  {way}: Graph / PreparedQueryGraph: {ratio:.2f}x")
    same = len({frozenset(v) for v in found.values()}) == 1
    print(f"  same results on the focus nodes in all four: {same}")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
