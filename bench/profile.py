"""Where a request's time goes in our stack (``python -m bench.profile``).

For random lookups on a dump, one process measures, per request (p50, ms):

- ``raw``: pyoxigraph in this process, query + JSON serialisation by pyoxigraph;
- ``worker_execute``: :func:`server.workers.worker.execute` in this process (the
  worker's own code: lexical check, query, the app's JSON writer);
- ``pool_run``: the app's pool from the web side (job sent to a forked worker
  over its socket, answer received: the hand-off included);
- ``flask``: the whole request through the Flask test client (no HTTP);

then a cProfile of the Flask requests, top functions by own time.  The
difference of consecutive lines is the cost of each layer.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import random
import sys
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _p50(func, items: list, reps: int) -> float:
    times = []
    for i in range(reps):
        item = items[i % len(items)]
        start = time.perf_counter()
        func(item)
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return times[len(times) // 2]


def main(argv: list[str] | None = None) -> int:
    """Print the per-layer p50 and the profile of the Flask layer."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dataset", type=Path, default=ROOT / "build" / "iacml.nq")
    parser.add_argument("-n", type=int, default=1000)
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    import pyoxigraph as ox

    from bench.mix import lookup_query, subjects
    from server.app import create_app
    from server.workers.jobs import QueryJob
    from server.workers.served import load_store
    from server.workers.worker import execute

    queries = [lookup_query(iri) for iri in subjects(args.dataset, 2000)]
    random.Random(1).shuffle(queries)
    store = load_store(str(args.dataset))
    formats = {"solutions": "json", "boolean": "json", "graph": "turtle"}
    job = QueryJob(query="", base_iri="http://127.0.0.1/sparql", formats=formats, row_cap=10000)
    raw = _p50(lambda q: store.query(q).serialize(
        format=ox.QueryResultsFormat.JSON), queries, args.n)
    worker = _p50(lambda q: execute(store, replace(job, query=q)), queries, args.n)
    os.environ.update({"IACML_DATASET": str(args.dataset), "IACML_RATE_LIMIT": "0"})
    app = create_app()
    backend = app.extensions["iacml.backend"]
    pool = _p50(lambda q: backend.run(replace(job, query=q), 10.0), queries, args.n)
    client = app.test_client()

    def flask(q: str) -> None:
        answer = client.get("/sparql", query_string={"query": q},
                            headers={"Accept": "application/sparql-results+json"})
        assert answer.status_code == 200, answer.data[:200]

    whole = _p50(flask, queries, args.n)
    profiler = cProfile.Profile()
    profiler.enable()
    for q in queries[: args.n]:
        flask(q)
    profiler.disable()
    backend.close()
    print(f"p50 over {args.n} random lookups on {args.dataset.name}:")
    for name, value in (("raw pyoxigraph (query + JSON)", raw),
                        ("worker execute() in process", worker),
                        ("pool.run (hand-off to a worker)", pool),
                        ("Flask request (test client)", whole)):
        print(f"  {name:<34} {value:7.3f} ms")
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(18)
    print(out.getvalue())
    return 0


if __name__ == "__main__":
    sys.exit(main())
