"""``python -m bench.ceiling``: how many random lookups per second our HTTP stack (nginx
in front of granian) can serve here at all, next to ours and the Oxigraph server, in one run.

The throughput target of issue 10 (3,000 req/s) is measured against these floors:
a constant answer with no framework, the same through Flask, and the least a
SPARQL endpoint can do in Python (pyoxigraph in process, its own JSON writer).
Each runs under server/front/launch.py with one web worker per core, like ours, and is
loaded by the same wrk run (8 connections, a random lookup per request) on
SF 1; the CPU time of the server's processes per request is read from /proc.
Nothing is asserted: the figures are printed (and written to
build/bench/ceiling.json).
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

from bench import engines, measure
from bench.mix import subjects

ROOT = Path(__file__).resolve().parent.parent
FLOORS = ("hello_wsgi", "hello_flask", "pyoxigraph_minimal")


def _cpu_seconds(pids: list[int]) -> float:
    total = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def _start_floor(app: str, dataset: Path) -> engines.Engine:
    """A floor app served like ours: nginx in front of granian (server/front/launch.py)."""
    port = engines.free_port()
    log = Path("/tmp") / f"iacml-ceiling-{app}-{port}.log"
    env = {**os.environ, "IACML_DATASET": str(dataset)}
    proc = engines.spawn([*engines.launch_argv(port), "--app", f"bench.ceiling_apps:{app}"],
                         log, env)
    engine = engines.Engine(app, f"http://127.0.0.1:{port}/sparql", proc, log)
    url = engine.query_url + "?query=ASK%7B%7D"
    return engines.wait_ready(engine, url, 60, time.monotonic())


def main(argv: list[str] | None = None) -> int:
    """Load each server in turn with the same random lookups; print req/s and CPU."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--servers", default=",".join((*FLOORS, "ours", "oxigraph-mem")),
                        help="comma-separated: the floors, ours, oxigraph-mem")
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "bench" / "ceiling.json")
    args = parser.parse_args(argv)
    dataset = ROOT / "build" / "iacml.nq"
    lookups = measure.lookup_pool(subjects(dataset, limit=2000))
    rows = []
    for name in [n for n in args.servers.split(",") if n]:
        engine = (_start_floor(name, dataset) if name in FLOORS
                  else engines.start(name, dataset))
        try:
            # warm-up: every worker has its connections
            measure.load_run(engine, lookups, min(2.0, args.seconds))
            pids = engines.tree_pids(engine.process.pid)
            before = _cpu_seconds(pids)
            figures = measure.load_run(engine, lookups, args.seconds)
            cpu = _cpu_seconds(pids) - before
        finally:
            engine.stop()
        per = cpu / figures["requests"] * 1000 if figures.get("requests") else float("nan")
        rows.append({"server": name, "rps": figures.get("rps"), "p50_ms": figures.get("p50"),
                     "errors": figures.get("errors"), "server_cpu_ms_per_request": round(per, 3)})
        print(f"{name:20s} {figures.get('rps', 0):8.0f} req/s  p50 {figures.get('p50')} ms  "
              f"server CPU {per:.3f} ms/request  errors {figures.get('errors')}", flush=True)
    ours = next((r["rps"] for r in rows if r["server"] == "ours"), None)
    for row in rows:
        row["ratio_to_ours"] = round(row["rps"] / ours, 2) if ours else None
        print(f"{row['server']:20s} {row['ratio_to_ours']}× ours")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"started": time.strftime("%Y-%m-%d %H:%M UTC",
                                                             time.gmtime()),
                                    "cores": os.cpu_count(), "rows": rows}, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
