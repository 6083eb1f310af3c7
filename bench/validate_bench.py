"""Benchmark of ``POST /validate`` (issue 9): a typical entry on the real graph.

Run from the project root after ``iacml build``::

    .venv/bin/python bench/validate_bench.py [ENTRY.ttl] [-n 20]

Prints the time of the first request (loading the cached base data), the median
and worst of ``-n`` warm requests through the Flask app, the time of each step of
the incremental check, and, for comparison, a full validation of the same entry
(``iacml.entries.validate_entry``: owlrl over entry ∪ registry ∪ ontology).
The target is ≤ 1 s per warm request.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from iacml.entries import load_context, parse_entry, validate_entry  # noqa: E402
from iacml.paths import ProjectPaths  # noqa: E402
from iacml.pipeline import entry as inc  # noqa: E402

DEFAULT_ENTRY = ROOT / "tests" / "fixtures" / "entries" / "valid-cooperation.ttl"


def _timed(func, *args):
    start = time.perf_counter()
    value = func(*args)
    return value, time.perf_counter() - start


def bench_service(entry: Path, runs: int) -> tuple[float, list[float]]:
    """(first request, warm requests) in seconds, through the Flask test client."""
    from server import create_app

    app = create_app({"IACML_BACKEND_URL": "http://127.0.0.1:9/sparql", "IACML_RATE_LIMIT": 0})
    client = app.test_client()
    body = entry.read_bytes()

    def post() -> None:
        response = client.post("/validate", data=body, content_type="text/turtle",
                               headers={"Accept": "application/json"})
        assert response.status_code == 200, response.get_data(as_text=True)

    _, first = _timed(post)
    warm = [_timed(post)[1] for _ in range(runs)]
    return first, warm


def bench_steps(entry: Path, paths: ProjectPaths) -> list[tuple[str, float]]:
    """Time of each step of one incremental check (warm caches)."""
    base = inc.checker_for(paths).base
    graph = parse_entry(entry)
    steps = []
    _, t = _timed(inc.resolve_passages, graph, base.texts, "entry")
    steps.append(("quotes", t))
    inferred, t = _timed(inc.entry_inferences, graph, base)
    steps.append(("inferences", t))
    focus, t = _timed(inc.focus_nodes, graph, inferred, base)
    steps.append((f"focus nodes ({len(focus)})", t))
    _, t = _timed(inc.validate_shapes, graph, inferred, base, focus)
    steps.append(("SHACL", t))
    store, t = _timed(inc.qc_dataset, graph, inferred, base)
    steps.append((f"QC store ({len(store)} quads)", t))
    _, t = _timed(inc.run_qc_rows, store, paths.qc_dir,
                  inc.involved_terms(graph, base.ontology_terms))
    steps.append(("QC queries", t))
    return steps


def main() -> int:
    """Run the benchmark and print the measurements."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("entry", nargs="?", type=Path, default=DEFAULT_ENTRY)
    parser.add_argument("-n", "--runs", type=int, default=20)
    parser.add_argument("--no-full", action="store_true", help="skip the full validation")
    args = parser.parse_args()
    paths = ProjectPaths(ROOT)
    print(f"entry: {args.entry} ({len(parse_entry(args.entry))} triples)")
    first, warm = bench_service(args.entry, args.runs)
    print(f"POST /validate first request (loads base data): {first:.3f} s")
    print(f"POST /validate warm, {args.runs} runs: median {statistics.median(warm):.3f} s, "
          f"max {max(warm):.3f} s  (target <= 1 s)")
    for name, seconds in bench_steps(args.entry, paths):
        print(f"  {name:<28} {seconds * 1000:8.1f} ms")
    if not args.no_full:
        context = load_context(paths)
        outcome, t = _timed(validate_entry, parse_entry(args.entry), paths, context)
        print(f"full validation (owlrl over entry ∪ context, no QC): {t:.3f} s, "
              f"conforms={outcome.conforms}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
