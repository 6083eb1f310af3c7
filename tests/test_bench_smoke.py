"""The benchmark code cannot rot: ``python -m bench.run --quick`` runs end to end (CI).

SF 1, two runs per query and engine, 1 s load runs, no build timing.  The
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
TARGETS = ["SF 1: median p50 ratio ours / oxigraph", "≥ 20× faster than rdflib-endpoint",
           "repeated query", "throughput, 8 clients", "overhead over in-process pyoxigraph",
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
             line.rstrip().endswith(("| met |", "| **missed** |", "| not measured |"))]
    for target in TARGETS:
        assert any(target in line for line in marks), f"no target row for {target!r}"
    results = json.loads((tmp_path / "results.json").read_text())
    engines = results["scales"][0]["engines"]
    assert set(engines) == {"ours", "ours-nocache", "oxigraph-mem", "oxigraph-ro",
                            "rdflib-endpoint"}
    for name, figures in engines.items():
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
        for name in ("ours", "oxigraph-mem", "rdflib-endpoint"):
            assert engines[name]["load_lookup"]["requests"] > 0, engines[name]["load_lookup"]


@pytest.mark.skipif(shutil.which("wrk") is None, reason="wrk is not installed")
def test_ceiling_benchmark_runs(tmp_path: Path) -> None:
    out = tmp_path / "ceiling.json"
    proc = subprocess.run([sys.executable, "-m", "bench.ceiling", "--seconds", "1",
                           "--out", str(out)], cwd=ROOT, capture_output=True, text=True,
                          timeout=180)
    print(proc.stdout[-3000:])
    assert proc.returncode == 0, proc.stderr[-3000:]
    rows = {row["server"]: row for row in json.loads(out.read_text())["rows"]}
    assert set(rows) == {"hello_wsgi", "hello_flask", "pyoxigraph_minimal", "ours",
                         "oxigraph-mem"}
    assert all(row["rps"] > 0 and row["errors"] == 0 for row in rows.values()), rows
