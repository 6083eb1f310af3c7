"""``make bench``: the benchmark of issue 10, written to build/bench/report.md.

``python -m bench.run`` (full: SF 1 and 10) or ``python -m bench.run --quick``
(CI: SF 1, a few seconds per engine, no build).  The figures are printed and
written, each target with a met/missed mark; nothing here asserts a figure.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import sys
import time
from pathlib import Path

from bench import engines, measure
from bench.buildscale import measure as measure_build
from bench.mix import query_mix, subjects
from bench.report import render, update_docs
from bench.scale import make_scale
from iacml.diskstore import write_store

ROOT = Path(__file__).resolve().parent.parent


def bench_scale(factor: int, dataset: Path, names: list[str], args: argparse.Namespace,
                first: bool = True) -> dict:
    """Every HTTP figure of one scale, engine after engine (each stopped after use)."""
    mix = query_mix()
    iris = subjects(dataset, limit=2000)
    result: dict = {"factor": factor, "quads": sum(1 for _ in dataset.open("rb")),
                    "engines": {}, "load_average": os.getloadavg()[0]}
    print(f"SF {factor}: {result['quads']} quads; in-process pyoxigraph", flush=True)
    result["in_process"] = measure.in_process(dataset, mix, args.reps, args.budget)
    for name in names:
        if name == "flask-constant" and not first:
            continue  # the floor does not depend on the data: measured at the first scale
        if name == "rdflib-endpoint" and factor > args.rdflib_max_scale:
            result["engines"][name] = {"skipped": f"not run above SF {args.rdflib_max_scale}"}
            continue
        print(f"SF {factor}: {name}: starting", flush=True)
        try:
            engine = engines.start(name, dataset, timeout=args.start_timeout)
        except Exception as exc:  # an engine that cannot start is reported, the run goes on
            result["engines"][name] = {"error": str(exc)[:500]}
            print(f"SF {factor}: {name}: {exc}", flush=True)
            continue
        figures: dict = {"ready_s": round(engine.ready_s, 2)}
        try:
            figures["memory_idle"] = engine.memory()
            if name == "flask-constant":  # a constant answer: only the lookup load run
                figures["load_lookup"] = _load(engine, measure.lookup_pool(iris), args)
                continue
            session = measure.requests.Session()
            figures["queries"] = {q.name: measure.time_query(session, engine, q, args.reps,
                                                             args.budget) for q in mix}
            if name in ("ours", engines.BASELINE):
                lookup = next(q for q in mix if q.name == "shape-lookup")
                figures["repeated"] = measure.repeated(engine, lookup,
                                                       budget_s=max(2.0, args.budget))
            # the concurrent runs: not for the read-only Oxigraph (same engine as in
            # memory) nor for ours without its cache (the random lookups miss it anyway)
            if args.load_seconds > 0 and name not in ("oxigraph-ro", "ours-nocache"):
                figures["load_lookup"] = _load(engine, measure.lookup_pool(iris), args)
                figures["load_mix"] = _load(engine, measure.mix_pool(mix), args)
            figures["memory_after"] = engine.memory()
        finally:
            engine.stop()
            result["engines"][name] = figures
        print(f"SF {factor}: {name}: done", flush=True)
    return result


def _load(engine: engines.Engine, pool: list[tuple[str, bool]], args: argparse.Namespace
          ) -> dict:
    """A short warm-up (every web worker gets its connections), then the measured run."""
    if args.load_seconds <= 0:
        return {}
    measure.load_run(engine, pool, min(2.0, args.load_seconds / 2))
    return measure.load_run(engine, pool, args.load_seconds)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; write build/bench/results.json and report.md."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scales", default="1,10", help="comma-separated scale factors")
    parser.add_argument("--build-scales", default="1,10",
                        help="scales whose build is timed ('' for none)")
    parser.add_argument("--engines", default=",".join(engines.ENGINES))
    parser.add_argument("--reps", type=int, default=20, help="runs per query and engine")
    parser.add_argument("--budget", type=float, default=5.0,
                        help="seconds per query and engine (at least 3 runs)")
    parser.add_argument("--load-seconds", type=float, default=10.0)
    parser.add_argument("--rdflib-max-scale", type=int, default=10)
    parser.add_argument("--start-timeout", type=float, default=900.0)
    parser.add_argument("--build-results", type=Path, nargs="*", default=[],
                        help="JSON lines of `python -m bench.buildscale` to use instead of "
                             "timing those scales' builds again")
    parser.add_argument("--quick", action="store_true",
                        help="CI: SF 1, 2 runs per query, 1 s load runs, no build, "
                             "no rdflib-endpoint")
    parser.add_argument("--skip-writes", action="store_true",
                        help="do not time the guarded writes and POST /validate")
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "bench")
    parser.add_argument("--update-docs", action="store_true",
                        help="also write the target table into docs/performance.md")
    parser.add_argument("--rerender", action="store_true",
                        help="only rewrite report.md (and the docs table) from results.json, "
                             "taking in the latest soak.json")
    parser.add_argument("--add-scales", type=Path, nargs="*", default=[],
                        help="with --rerender: results.json files of other runs whose scales "
                             "are added to the report (e.g. an SF 100 run, which is long)")
    args = parser.parse_args(argv)
    if args.rerender:
        results = json.loads((args.out / "results.json").read_text())
        if (args.out / "soak.json").exists():
            results["soak"] = json.loads((args.out / "soak.json").read_text())
        for other in args.add_scales:
            earlier = json.loads(other.read_text())
            known = {s["factor"] for s in results["scales"]}
            results["scales"] += [{**s, "note": f"from {other} ({earlier['started']})"}
                                  for s in earlier["scales"] if s["factor"] not in known]
        results["scales"].sort(key=lambda s: s["factor"])
        return _write_report(results, args)
    # SIGTERM ends the run through SystemExit, so every started server is stopped (finally).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    if args.quick:
        args.scales, args.build_scales, args.reps, args.budget = "1", "", 2, 0.2
        args.load_seconds = 1.0
        if args.engines == ",".join(engines.ENGINES):  # rdflib-endpoint's target is at SF 10
            args.engines = ",".join(n for n in engines.ENGINES if n != "rdflib-endpoint")
    args.out.mkdir(parents=True, exist_ok=True)
    source = args.out / "source.nq"  # a snapshot: a build running meanwhile cannot change it
    shutil.copyfile(ROOT / "build" / "iacml.nq", source)
    started = time.time()
    results: dict = {"started": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(started)),
                     "quick": args.quick, "scales": [], "build": []}
    names = [n for n in args.engines.split(",") if n]
    results["load_average_start"] = os.getloadavg()
    for i, factor in enumerate(int(s) for s in args.scales.split(",") if s):
        dataset = args.out / f"sf{factor}.nq"
        make_scale(source, factor, dataset)
        # the on-disk store the build writes beside its dump (iacml/diskstore.py), which
        # our server opens read-only; written here for the scaled dump, before any start
        written = time.perf_counter()
        disk = write_store(dataset)
        store_s = time.perf_counter() - written
        print(f"SF {factor}: on-disk store written in {store_s:.1f} s ({disk.quads} quads)",
              flush=True)
        results["scales"].append(bench_scale(factor, dataset, names, args, first=i == 0))
        results["scales"][-1]["store_write_s"] = round(store_s, 2)
    earlier = [json.loads(line) for path in args.build_results
               for line in path.read_text().splitlines() if line.strip()]
    for factor in [int(s) for s in args.build_scales.split(",") if s]:
        found = [b for b in earlier if b.get("factor") == factor]
        if found:
            results["build"].append({**found[-1], "note": "measured earlier (--build-results)"})
            continue
        print(f"build SF {factor}", flush=True)
        results["build"].append(measure_build(factor))
    results["writes"] = _writes(args)
    soak = args.out / "soak.json"
    if soak.exists():
        results["soak"] = json.loads(soak.read_text())
    results["seconds"] = round(time.time() - started, 1)
    results["load_average_end"] = os.getloadavg()
    results["cores"] = os.cpu_count()
    return _write_report(results, args)


def _write_report(results: dict, args: argparse.Namespace) -> int:
    """Write results.json and report.md (and docs/performance.md if asked); print it."""
    (args.out / "results.json").write_text(json.dumps(results, indent=1))
    report = render(results)
    (args.out / "report.md").write_text(report)
    print(report)
    if args.update_docs:
        update_docs(ROOT / "docs" / "performance.md", report)
    return 0


def _writes(args: argparse.Namespace) -> dict[str, float] | None:
    """The guarded writes' figures, unless --skip-writes."""
    if args.skip_writes:
        return None
    print("guarded writes and POST /validate", flush=True)
    return measure_writes(3 if args.quick else 20)


def measure_writes(repeat: int) -> dict[str, float]:
    """Medians (s) of a guarded write of a typical entry, from request to durable 2xx,
    of a refused write, and of POST /validate of the same entry (in-process)."""
    import statistics

    from bench.validate_bench import DEFAULT_ENTRY, bench_service
    from bench.write_bench import measure

    figures = measure(repeat)
    first, warm = bench_service(DEFAULT_ENTRY, repeat)
    return {"put_cold": figures["cold"], "put": statistics.median(figures["put"]),
            "update": statistics.median(figures["update"]),
            "refused": statistics.median(figures["refused"]),
            "validate_first": first, "validate": statistics.median(warm), "repeat": repeat}


if __name__ == "__main__":
    sys.exit(main())
