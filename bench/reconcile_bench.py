"""Benchmark of ``/reconcile`` (issue 16): batches of names through the Flask app.

Run from the project root after ``iacml build``::

    .venv/bin/python bench/reconcile_bench.py [-n 20]

Prints the time of the first request (reading the names and facts from the graph and
indexing them), then the median and worst of ``-n`` warm batches of 10 names (OpenRefine's
default batch) and of 50 (IACML_RECONCILE_MAX_BATCH), per batch and per name, and the same
names one by one through ``/search?q=`` (the label search of the pages) as the baseline:
the ratio says what a reconciliation name costs against a search.
"""

from __future__ import annotations

import argparse
import csv
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from server.app import create_app  # noqa: E402


def _names() -> list[str]:
    """Country names, codes and organization names of the reference tables."""
    names: list[str] = []
    with (ROOT / "data" / "reference" / "countries.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            names += [row["name_en"], row["name_es"], row["iso_alpha3"]]
    with (ROOT / "data" / "reference" / "organizations.csv").open(encoding="utf-8") as handle:
        names += [row["name_en"] for row in csv.DictReader(handle)]
    return names


def _timed(run: object, repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()  # type: ignore[operator]
        times.append(time.perf_counter() - start)
    return times


def main() -> None:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("-n", type=int, default=20, help="warm repetitions")
    args = parser.parse_args()
    app = create_app({"IACML_DATASET": str(ROOT / "build" / "iacml.nq"), "IACML_RATE_LIMIT": 0,
                      "IACML_QUERY_WORKERS": 1})
    client = app.test_client()
    names = _names()
    start = time.perf_counter()
    assert client.get("/reconcile?query=Peru").status_code == 200
    print(f"first request (names and facts read and indexed): {time.perf_counter() - start:.2f} s")
    client.get("/search?q=Peru&format=json")  # the label index is shared: warm it too
    for size in (10, 50):
        batch = json.dumps({f"q{i}": {"query": n} for i, n in enumerate(names[:size])})

        def reconcile(body: str = batch) -> None:
            assert client.post("/reconcile", data={"queries": body}).status_code == 200

        def search(size: int = size) -> None:
            for name in names[:size]:
                assert client.get("/search", query_string={"q": name,
                                                           "format": "json"}).status_code == 200

        ours, base = _timed(reconcile, args.n), _timed(search, args.n)
        print(f"batch of {size}: median {statistics.median(ours) * 1000:.1f} ms "
              f"({statistics.median(ours) * 1000 / size:.2f} ms per name), "
              f"worst {max(ours) * 1000:.1f} ms; /search one by one: median "
              f"{statistics.median(base) * 1000:.1f} ms; ratio reconcile / search "
              f"{statistics.median(ours) / statistics.median(base):.2f}")
    # the costliest batch the bounds allow: 50 names of 200 characters, many words each
    worst = json.dumps({f"q{i}": {"query": ("labor ministry of the americas " * 7)[:200],
                                  "limit": 25} for i in range(50)})
    times = _timed(lambda: client.post("/reconcile", data={"queries": worst}), args.n)
    print(f"largest batch the bounds allow (50 x 200 characters): median "
          f"{statistics.median(times) * 1000:.1f} ms, worst {max(times) * 1000:.1f} ms")
    app.extensions["iacml.backend"].close()


if __name__ == "__main__":
    main()
