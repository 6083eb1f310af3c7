"""The build per step and per scale, with peak memory (``python -m bench.buildscale 1 10``).

SF N of the build is a copy of the project's inputs in a temporary folder
whose ``data/ttl/*.ttl`` files are written N times: copy k > 0 of a file is
``{name}-x{k}.ttl`` (same named graph, by the file-name rule) with every
``id/`` IRI renamed to ``id/x{k}/...`` except the registry entries the build
generates from ``data/reference/*.csv`` (countries, ministries, cities,
organizations, sources), which stay shared as in the real data.  The real
``iacml.build.build`` then runs on that folder in a child process; a sampling
thread records the peak resident memory of each step.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from rdflib import RDF, BNode, Graph, URIRef

ROOT = Path(__file__).resolve().parent.parent
ID_BASE = "https://w3id.org/iacml/id/"
INPUT_DIRS = ("ontology", "shapes", "data/sources", "data/reference", "queries/qc")


def _rss_kib() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def _ttl_typed(ttl_dir: Path) -> set[str]:
    subjects: set[str] = set()
    for path in ttl_dir.glob("*.ttl"):
        g = Graph()
        g.parse(path, format="turtle")
        subjects.update(str(s) for s in g.subjects(RDF.type) if isinstance(s, URIRef))
    return subjects


def generated_iris(dataset: Path, ttl_dir: Path) -> set[str]:
    """id/ IRIs that are subjects in the built dump but typed in no data file (the
    registry entries the build generates from the reference tables)."""
    import pyoxigraph as ox

    declared = _ttl_typed(ttl_dir)
    found = set()
    for quad in ox.parse(path=str(dataset), format=ox.RdfFormat.N_QUADS):
        s = quad.subject
        if isinstance(s, ox.NamedNode) and s.value.startswith(ID_BASE) \
                and s.value not in declared:
            found.add(s.value)
    return found


def prepare_root(factor: int, target: Path, keep: set[str]) -> Path:
    """Write the SF ``factor`` project inputs into ``target``; return it."""
    for rel in INPUT_DIRS:
        shutil.copytree(ROOT / rel, target / rel, dirs_exist_ok=True)
    ttl_out = target / "data" / "ttl"
    ttl_out.mkdir(parents=True, exist_ok=True)
    for path in sorted((ROOT / "data" / "ttl").glob("*.ttl")):
        shutil.copyfile(path, ttl_out / path.name)
        if factor == 1:
            continue
        original = Graph()
        original.parse(path, format="turtle")
        for k in range(1, factor):
            def rename(term, k=k):
                if isinstance(term, URIRef) and term.startswith(ID_BASE) \
                        and str(term) not in keep:
                    return URIRef(f"{ID_BASE}x{k}/{term[len(ID_BASE):]}")
                if isinstance(term, BNode):
                    return BNode(f"{term}x{k}")
                return term
            clone = Graph()
            for s, p, o in original:
                clone.add((rename(s), p, rename(o)))
            clone.serialize(ttl_out / f"{path.stem}-x{k}.ttl", format="turtle")
    return target


def run_build_child(root: Path) -> dict:
    """In this process: run the build on ``root``; per-step seconds and peak RSS (MiB)."""
    sys.path.insert(0, str(ROOT))
    from iacml.build import build
    from iacml.paths import ProjectPaths

    peak = [_rss_kib()]
    done = threading.Event()

    def sample() -> None:
        while not done.wait(0.02):
            peak[0] = max(peak[0], _rss_kib())

    steps: list[dict] = []

    def echo(line: str) -> None:
        peak[0] = max(peak[0], _rss_kib())
        parts = line.split()
        steps.append({"step": parts[0], "seconds": float(parts[1]),
                      "peak_mib": round(peak[0] / 1024, 1), "detail": " ".join(parts[3:])})
        peak[0] = _rss_kib()

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    start = time.perf_counter()
    error = None
    try:
        build(ProjectPaths(root), echo=echo)
    except Exception as exc:  # a build error at scale is a result to report
        error = f"{type(exc).__name__}: {str(exc)[:300]}"
    done.set()
    return {"total_s": round(time.perf_counter() - start, 2), "steps": steps, "error": error}


def measure(factor: int, timeout: float = 900.0) -> dict:
    """Prepare SF ``factor`` and run the build in a child process (bounded by ``timeout``)."""
    keep = generated_iris(ROOT / "build" / "iacml.nq", ROOT / "data" / "ttl")
    with tempfile.TemporaryDirectory(prefix=f"iacml-bench-build-sf{factor}-") as tmp:
        start = time.perf_counter()
        root = prepare_root(factor, Path(tmp), keep)
        prepare = time.perf_counter() - start
        try:
            proc = subprocess.run([sys.executable, "-m", "bench.buildscale", "--child", str(root)],
                                  cwd=ROOT, capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            return {"factor": factor, "error": f"build still running after {timeout:.0f} s "
                                               "(stopped)", "steps": [], "total_s": None}
        try:
            result = json.loads(proc.stdout.strip().splitlines()[-1])
        except (ValueError, IndexError):
            result = {"steps": [], "total_s": None,
                      "error": f"child failed: {proc.stderr[-500:]}"}
    result.update(factor=factor, prepare_s=round(prepare, 2))
    return result


def main(argv: list[str] | None = None) -> int:
    """Print the per-step build figures of each scale as JSON lines."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("factors", nargs="*", type=int, default=[1])
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--timeout", type=float, default=900.0)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(run_build_child(args.child)))
        return 0
    for factor in args.factors:
        print(json.dumps(measure(factor, args.timeout)), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
