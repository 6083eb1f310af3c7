"""The benchmark code cannot rot: ``python -m bench.run --quick`` runs end to end (CI).

SF 1, two runs per query and engine, 1 s load runs, no build timing, no rdflib-endpoint.  The
figures are printed, never asserted; what is checked is that the run completes,
that every engine answered every query of the mix, and that the report lists
every target with a mark.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bench.mix import query_mix

ROOT = Path(__file__).resolve().parent.parent
# issue 18's targets, then issue 10's
TARGETS = ["random lookups, 8 clients, SF 1: ours ≥ 0.20× the Oxigraph server's",
           "random lookups, 8 clients, SF 1: ours ≥ 0.6× a constant answer through Flask",
           "mix, 1 client, SF 1, result cache off", "repeated query (cache on), SF 1",
           "memory, SF 1: PSS", "memory, SF 100: PSS", "ready ≤ 3 s after start, SF 1",
           "(issue 10) mix, 1 client, SF 1", "≥ 20× faster than rdflib-endpoint",
           "throughput, 8 clients", "overhead over in-process pyoxigraph",
           "build SF 1", "build SF 10", "server ready", "soak", "guarded write",
           "POST /validate"]


def test_quick_benchmark_runs_end_to_end(tmp_path: Path, dataset_path: Path) -> None:
    """The quick benchmark writes a report with every target and figures from every engine."""
    proc = subprocess.run([sys.executable, "-m", "bench.run", "--quick", "--out", str(tmp_path)],
                          cwd=ROOT, capture_output=True, text=True, timeout=240)
    print(proc.stdout[-6000:])
    assert proc.returncode == 0, proc.stderr[-3000:]
    report = (tmp_path / "report.md").read_text()
    marks = [line for line in report.splitlines() if line.startswith("| ") and
             line.rstrip().endswith(("| met |", "| **missed** |", "| not measured |",
                                     "| reference |"))]
    for target in TARGETS:
        assert any(target in line for line in marks), f"no target row for {target!r}"
    results = json.loads((tmp_path / "results.json").read_text())
    engines = results["scales"][0]["engines"]
    assert set(engines) == {"ours", "ours-nocache", "oxigraph-mem", "flask-constant"}
    assert "Baseline of every ratio: the Oxigraph server" in report
    for name, figures in engines.items():
        if name == "flask-constant":  # the floor answers a constant: lookups only
            continue
        assert "queries" in figures, f"{name} did not run: {figures}"
        failed = {q: f["errors"] for q, f in figures["queries"].items() if f["errors"]}
        assert not failed, f"{name} failed queries: {failed}"
        assert len(figures["queries"]) == len(query_mix())
    sizes = {q: f["size"] for q, f in engines["ours"]["queries"].items()}
    assert sizes == {q: f["size"] for q, f in engines["oxigraph-mem"]["queries"].items()}, \
        "ours and the Oxigraph server disagree on a result size"
    assert sizes == {q: f["size"] for q, f in engines["ours-nocache"]["queries"].items()}, \
        "ours answers differently with and without its result cache"
    if shutil.which("wrk"):
        for name in ("ours", "oxigraph-mem", "flask-constant"):
            assert engines[name]["load_lookup"]["requests"] > 0, engines[name]["load_lookup"]
        # protections at their defaults, 8 client addresses: no lookup refused
        assert engines["ours"]["load_lookup"]["errors"] == 0, engines["ours"]["load_lookup"]


@pytest.mark.skipif(shutil.which("wrk") is None, reason="wrk is not installed")
def test_ceiling_benchmark_runs(tmp_path: Path) -> None:
    """The floors bench.run does not start (ours, the Oxigraph server and Flask's constant
    answer are loaded by the quick run above)."""
    out = tmp_path / "ceiling.json"
    proc = subprocess.run([sys.executable, "-m", "bench.ceiling", "--seconds", "1",
                           "--servers", "hello_wsgi,pyoxigraph_minimal", "--out", str(out)],
                          cwd=ROOT, capture_output=True, text=True, timeout=180)
    print(proc.stdout[-3000:])
    assert proc.returncode == 0, proc.stderr[-3000:]
    rows = {row["server"]: row for row in json.loads(out.read_text())["rows"]}
    assert set(rows) == {"hello_wsgi", "pyoxigraph_minimal"}
    assert all(row["rps"] > 0 and row["errors"] == 0 for row in rows.values()), rows
