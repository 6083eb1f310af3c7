"""Benchmark of ``POST /validate`` (issue 9): a typical entry on the real graph.

Run from the project root after ``iacml build``::

    .venv/bin/python bench/validate_bench.py [ENTRY.ttl] [-n 20]

Prints the time of the first request (loading the cached base data), the median
and worst of ``-n`` warm requests through the Flask app, the time of each stage of
the entry checker, and, for comparison, a full validation of the same entry
(``iacml.pipeline.validate_entry``: owlrl over entry ∪ registry ∪ ontology).
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

from iacml.entries import parse_entry  # noqa: E402
from iacml.paths import ProjectPaths  # noqa: E402
from iacml.pipeline import checker_for, validate_entry  # noqa: E402
from iacml.pipeline.base import load_context  # noqa: E402

DEFAULT_ENTRY = ROOT / "tests" / "fixtures" / "entries" / "valid-cooperation.ttl"


def _timed(func, *args):
    start = time.perf_counter()
    value = func(*args)
    return value, time.perf_counter() - start


def bench_service(entry: Path, runs: int) -> tuple[float, list[float]]:
    """(first request, warm requests) in seconds, through the Flask test client."""
    from server.app import create_app

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


def bench_steps(entry: Path, paths: ProjectPaths, runs: int = 5) -> dict[str, float]:
    """Median time of each stage of the entry checker (warm caches)."""
    checker = checker_for(paths)
    timings: dict[str, list[float]] = {}
    for _ in range(runs):
        outcome = checker.check(parse_entry(entry))
        for stage, seconds in outcome.timings.items():
            timings.setdefault(stage, []).append(seconds)
    return {stage: statistics.median(values) for stage, values in timings.items()}


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
    for name, seconds in bench_steps(args.entry, paths).items():
        print(f"  {name:<28} {seconds * 1000:8.1f} ms")
    if not args.no_full:
        context = load_context(paths)
        outcome, t = _timed(validate_entry, parse_entry(args.entry), paths, context)
        print(f"full validation (owlrl over entry ∪ context, no QC): {t:.3f} s, "
              f"conforms={outcome.conforms}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
