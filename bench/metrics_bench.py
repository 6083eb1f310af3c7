"""The metrics across web workers before and after prometheus_client's multi-process mode.

Before: each web worker kept its counters in memory and published a JSON snapshot into
the shared folder (server/ops/shared.py's SnapshotPublisher, read from git: the parent of
the commit that removed it); a scrape asked every worker for a fresh one and waited.
After: each worker writes its values into prometheus_client's memory-mapped files as
they change, and a scrape reads them (server/ops/metrics.py).

Measured here, for each: the cost of counting one request (``observe``, the per-request
path) and of one scrape (``render``) with a sibling web worker that has counted 1000
requests. Run: ``python -m bench.metrics_bench``.
"""

from __future__ import annotations

import importlib.util
import multiprocessing
import os
import re
import subprocess
import sys
import tempfile
import time
import types
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
N_OBSERVE = 20000
N_RENDER = 20


def _baseline_modules() -> types.ModuleType:
    """server/ops/metrics.py as it was before the switch, with its server/ops/shared.py."""
    removed = subprocess.run(["git", "log", "-1", "--format=%H", "-S", "class SnapshotPublisher",
                              "--", "server/ops/shared.py"], cwd=ROOT, capture_output=True,
                             text=True, check=True).stdout.strip()
    folder = Path(tempfile.mkdtemp(prefix="iacml-metrics-baseline-"))
    for name in ("metrics", "shared"):
        text = subprocess.run(["git", "show", f"{removed}^:server/ops/{name}.py"], cwd=ROOT,
                              capture_output=True, text=True, check=True).stdout
        (folder / f"{name}.py").write_text(text, encoding="utf-8")
    shared_spec = importlib.util.spec_from_file_location("server.ops.shared",
                                                         folder / "shared.py")
    assert shared_spec and shared_spec.loader
    shared = importlib.util.module_from_spec(shared_spec)
    sys.modules["server.ops.shared"] = shared  # the old metrics module imports it so
    shared_spec.loader.exec_module(shared)
    spec = importlib.util.spec_from_file_location("baseline_metrics", folder / "metrics.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _old_sibling(folder: str, ready, done) -> None:  # type: ignore[no-untyped-def]
    metrics = _baseline_modules().Metrics(Path(folder))
    for _ in range(1000):
        metrics.observe("/sparql", "GET", 200, 0.01, True)
    ready.set()
    done.wait(120)


def before() -> tuple[float, float]:
    """(µs per observe, ms per scrape) of the snapshot exchange."""
    fork = multiprocessing.get_context("fork")
    folder = tempfile.mkdtemp(prefix="iacml-metrics-before-")
    ready, done = fork.Event(), fork.Event()
    sibling = fork.Process(target=_old_sibling, args=(folder, ready, done))
    sibling.start()
    ready.wait(60)
    metrics = _baseline_modules().Metrics(Path(folder))
    try:
        return _time(metrics)
    finally:
        done.set()
        sibling.join(30)


def _time(metrics) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    for _ in range(N_OBSERVE):
        metrics.observe("/sparql", "GET", 200, 0.01, True)
    observe_us = (time.perf_counter() - start) / N_OBSERVE * 1e6
    metrics.render()
    start = time.perf_counter()
    for _ in range(N_RENDER):
        text = metrics.render()
    render_ms = (time.perf_counter() - start) / N_RENDER * 1e3
    text = text.decode() if isinstance(text, bytes) else text
    counted = re.search(r'^iacml_http_requests_total\{endpoint="/sparql",method="GET",'
                        r'status="200"\} (\d+)', text, re.M)
    assert counted and int(counted.group(1)) == 1000 + N_OBSERVE, "a worker's counts missing"
    return observe_us, render_ms


_AFTER = """
import sys, time
from server.ops.metrics import Metrics
role = sys.argv[1]
metrics = Metrics()
if role == "sibling":
    for _ in range(1000):
        metrics.observe("/sparql", "GET", 200, 0.01, True)
    print("ready", flush=True)
    sys.stdin.read()
else:
    from bench.metrics_bench import _time
    print(*_time(metrics))
"""


def after() -> tuple[float, float]:
    """(µs per observe, ms per scrape) of prometheus_client's multi-process mode, in
    processes started with PROMETHEUS_MULTIPROC_DIR as the launcher starts web workers."""
    folder = tempfile.mkdtemp(prefix="iacml-metrics-after-")
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": folder}
    sibling = subprocess.Popen([sys.executable, "-c", _AFTER, "sibling"], cwd=ROOT, env=env,
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert sibling.stdout is not None and sibling.stdout.readline() == "ready\n"
    try:
        out = subprocess.run([sys.executable, "-c", _AFTER, "scrape"], cwd=ROOT, env=env,
                             capture_output=True, text=True, check=True).stdout.split()
    finally:
        sibling.communicate("", timeout=30)
    return float(out[0]), float(out[1])


def main() -> None:
    """Print both and the ratios."""
    old_observe, old_render = before()
    new_observe, new_render = after()
    print(f"observe one request: before {old_observe:.2f} µs, after {new_observe:.2f} µs "
          f"(after/before {new_observe / old_observe:.2f})")
    print(f"one scrape, 2 web workers: before {old_render:.2f} ms, after {new_render:.2f} ms "
          f"(after/before {new_render / old_render:.2f})")


if __name__ == "__main__":
    main()
