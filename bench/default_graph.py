"""How to make the SPARQL default graph a set (issue 14, item 12), measured.

SPARQL's default graph is the RDF merge of the dataset's graphs: a triple held by three
named graphs is one triple. Oxigraph's union default graph (``use_default_graph_as_union``)
and its multi-graph ``default_graph=[...]`` are bags: the triple is matched three times.
The options measured, each in a fresh process over the same dump (SF N from bench.scale):

- ``union`` (the baseline): the union default graph, a bag (wrong counts);
- ``merged-at-load``: the loader copies every distinct triple of the named graphs into
  the store's default graph after loading the dump, queries use the default graph;
- ``merged-in-dump``: the build writes those triples into the dump's default graph, the
  loader only loads.

For each: load seconds, resident memory after loading, dump size, the time of the query
mix (p50 of 3 runs per query, summed), and whether ``COUNT(*)`` equals the distinct
triples. ``python -m bench.default_graph --scales 1,10,100``; prints a table with each
figure's ratio to ``union`` in the same run.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

import pyoxigraph as ox

from bench.mix import query_mix
from bench.scale import make_scale

ROOT = Path(__file__).resolve().parent.parent
OPTIONS = ("union", "merged-at-load", "merged-in-dump")
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
DISTINCT = ("SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE "
            "{ GRAPH ?g { ?s ?p ?o } } }")


def rss_mib() -> float:
    """Resident memory of this process (MiB)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def merge_into_default_graph(store: ox.Store) -> None:
    """Copy every triple of the named graphs into the default graph (a set)."""
    store.update("INSERT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }")


def child(option: str, dump: Path) -> dict:
    """Measure one option in this (fresh) process."""
    start = time.perf_counter()
    store = ox.Store()
    store.bulk_load(path=str(dump), format=ox.RdfFormat.N_QUADS)
    if option == "merged-at-load":
        merge_into_default_graph(store)
    load_s = time.perf_counter() - start
    memory = rss_mib()
    kwargs = {"use_default_graph_as_union": True} if option == "union" else {}
    times = []
    for query in query_mix():
        runs = []
        for _ in range(3):
            t = time.perf_counter()
            answer = store.query(query.text, **kwargs)
            for _ in answer:  # type: ignore[union-attr]
                pass
            runs.append(time.perf_counter() - t)
        times.append(statistics.median(runs))
    count = int(next(iter(store.query(COUNT, **kwargs)))[0].value)  # type: ignore[index]
    distinct = int(next(iter(store.query(DISTINCT)))[0].value)  # type: ignore[index]
    return {"load_s": load_s, "rss_mib": memory, "mix_s": sum(times),
            "count": count, "distinct": distinct}


def merged_dump(dump: Path) -> tuple[Path, float]:
    """The dump with the merged default graph written into it, and the seconds that took."""
    target = dump.with_name(dump.stem + "-merged.nq")
    start = time.perf_counter()
    store = ox.Store()
    store.bulk_load(path=str(dump), format=ox.RdfFormat.N_QUADS)
    merge_into_default_graph(store)
    store.dump(str(target), format=ox.RdfFormat.N_QUADS)
    return target, time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    """Measure every option at each scale (or, with --child, one option here)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", default="1,10")
    parser.add_argument("--child", nargs=2, metavar=("OPTION", "DUMP"))
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(child(args.child[0], Path(args.child[1]))))
        return 0
    source = ROOT / "build" / "iacml.nq"
    print(f"{'SF':>4} {'option':<15} {'load s':>8} {'RSS MiB':>8} {'dump MiB':>9} "
          f"{'mix s':>7} {'COUNT(*)':>9} {'distinct':>9}  ratios to union (load/RSS/mix)")
    for factor in (int(x) for x in args.scales.split(",")):
        dump = ROOT / "build" / "bench" / f"sf{factor}.nq"
        make_scale(source, factor, dump)
        dumps = {"union": dump, "merged-at-load": dump}
        dumps["merged-in-dump"], build_s = merged_dump(dump)
        base: dict = {}
        for option in OPTIONS:
            out = subprocess.run([sys.executable, "-m", "bench.default_graph", "--child",
                                  option, str(dumps[option])], cwd=ROOT, check=True,
                                 capture_output=True, text=True).stdout
            fig = json.loads(out)
            base = base or fig
            size = dumps[option].stat().st_size / 2**20
            print(f"{factor:>4} {option:<15} {fig['load_s']:8.2f} {fig['rss_mib']:8.0f} "
                  f"{size:9.1f} {fig['mix_s']:7.3f} {fig['count']:9d} {fig['distinct']:9d}  "
                  f"{fig['load_s'] / base['load_s']:.2f} / {fig['rss_mib'] / base['rss_mib']:.2f}"
                  f" / {fig['mix_s'] / base['mix_s']:.2f}")
        print(f"{factor:>4} (writing the merged dump took {build_s:.2f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
