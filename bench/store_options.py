"""``python -m bench.store_options``: where the query workers should keep the data.

Issue 18 asks for memory that does not multiply with the web workers and a server ready
within 3 s at every scale. This measures, per scale and in a fresh process each (so the
memory figures are that option's alone), the two ways pyoxigraph can hold the dump:

- ``memory``: ``Store()`` + ``bulk_load`` of the N-Quads dump (what the workers do today:
  each zygote and each web process's lookup copy loads it);
- ``disk``: a RocksDB folder written once (as the build would), then opened with
  ``Store.read_only`` (what every process would do at start).

For each: seconds to have a store that answers, the process's RSS and PSS after it,
the p50 of the query mix and of random lookups in process (query + pyoxigraph's JSON),
and for ``disk`` the folder's size and the time to write it. Nothing is asserted; the
figures are printed and written to build/bench/store_options.json.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _pss_mib() -> tuple[float, float]:
    values = {}
    for line in Path("/proc/self/smaps_rollup").read_text().splitlines()[1:]:
        parts = line.split()
        if parts and parts[-1] == "kB":
            values[parts[0].rstrip(":")] = int(parts[1]) / 1024
    return values.get("Rss", 0.0), values.get("Pss", 0.0)


def _p50(times: list[float]) -> float:
    ordered = sorted(times)
    return ordered[len(ordered) // 2] if ordered else float("nan")


def measure_one(option: str, dataset: Path, folder: Path, reps: int) -> dict:
    """Run in a child process: open/load the store one way, then time the queries."""
    import pyoxigraph as ox

    from bench.mix import lookup_query, query_mix, subjects

    before = _pss_mib()
    start = time.perf_counter()
    if option == "memory":
        store = ox.Store()
        store.bulk_load(path=str(dataset), format=ox.RdfFormat.N_QUADS)
    else:
        store = ox.Store.read_only(str(folder))
    ready = time.perf_counter() - start
    after_open = _pss_mib()
    mix = query_mix()
    per_query = {}
    for query in mix:
        times = []
        for _ in range(reps):
            t0 = time.perf_counter()
            result = store.query(query.text)
            if isinstance(result, ox.QueryTriples):
                result.serialize(format=ox.RdfFormat.TURTLE)
            else:
                result.serialize(format=ox.QueryResultsFormat.JSON)  # type: ignore[union-attr]
            times.append((time.perf_counter() - t0) * 1000)
        per_query[query.name] = _p50(times[1:])
    lookups = [lookup_query(iri) for iri in subjects(dataset, 500)]
    times = []
    for text in lookups * 2:
        t0 = time.perf_counter()
        store.query(text).serialize(format=ox.QueryResultsFormat.JSON)  # type: ignore[union-attr]
        times.append((time.perf_counter() - t0) * 1000)
    after = _pss_mib()
    return {"option": option, "ready_s": round(ready, 3),
            "rss_open_mib": round(after_open[0] - before[0], 1),
            "pss_open_mib": round(after_open[1] - before[1], 1),
            "rss_after_mib": round(after[0] - before[0], 1),
            "pss_after_mib": round(after[1] - before[1], 1),
            "mix_p50_ms": per_query, "lookup_p50_ms": round(_p50(times), 4)}


def main(argv: list[str] | None = None) -> int:
    """Measure both options at each scale; print a table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scales", default="1,10")
    parser.add_argument("--reps", type=int, default=7)
    parser.add_argument("--child", nargs=3, metavar=("OPTION", "DATASET", "FOLDER"))
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "bench" /
                        "store_options.json")
    args = parser.parse_args(argv)
    if args.child:
        option, dataset, folder = args.child
        print(json.dumps(measure_one(option, Path(dataset), Path(folder), args.reps)))
        return 0
    import pyoxigraph as ox

    from bench.measure import median
    from bench.scale import make_scale

    rows = []
    work = Path(tempfile.mkdtemp(prefix="iacml-store-options-"))
    try:
        for factor in [int(s) for s in args.scales.split(",") if s]:
            dataset = work / f"sf{factor}.nq"
            make_scale(ROOT / "build" / "iacml.nq", factor, dataset)
            folder = work / f"sf{factor}.rocksdb"
            start = time.perf_counter()
            store = ox.Store(str(folder))
            store.bulk_load(path=str(dataset), format=ox.RdfFormat.N_QUADS)
            store.optimize()
            del store
            written = time.perf_counter() - start
            size = sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())
            for option in ("memory", "disk"):
                out = subprocess.run([sys.executable, "-m", "bench.store_options", "--reps",
                                      str(args.reps), "--child", option, str(dataset),
                                      str(folder)], cwd=ROOT, capture_output=True, text=True,
                                     check=True)
                row = json.loads(out.stdout.splitlines()[-1])
                row.update({"factor": factor, "mix_median_p50_ms":
                            round(median(list(row["mix_p50_ms"].values())), 4)})
                if option == "disk":
                    row.update({"write_s": round(written, 2), "folder_mib":
                                round(size / 1048576, 1)})
                rows.append(row)
                print(f"SF {factor} {option:6s} ready {row['ready_s']:7.3f} s  "
                      f"PSS +{row['pss_open_mib']:.0f} MiB at open, +{row['pss_after_mib']:.0f}"
                      f" after the queries  mix median p50 {row['mix_median_p50_ms']:.3f} ms  "
                      f"lookup p50 {row['lookup_p50_ms']:.3f} ms"
                      + (f"  (folder {row['folder_mib']} MiB written in {row['write_s']} s)"
                         if option == "disk" else ""), flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(rows, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
