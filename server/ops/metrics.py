"""Request counters, latency histograms and store gauges, kept by ``prometheus_client``.

The launcher runs several web worker processes and each sees only the requests it
answered. ``prometheus_client``'s multi-process mode adds them up: the launcher sets
``PROMETHEUS_MULTIPROC_DIR`` (a folder of the server's shared folder, new for each
server) before the workers start; every counter, histogram and gauge of a worker then
lives in a memory-mapped file there, written as it changes, and a scrape reads the
files of every worker, those of exited workers too (counters never go down). Without
it (one process: the Flask test client, a single-process server) the values are this
process's.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    disable_created_metrics,
    generate_latest,
)
from prometheus_client import multiprocess as prometheus_multiprocess

from server.ops.shared import process_alive

# The multi-process mode shows no ``*_created`` series; one process shows none either.
disable_created_metrics()

#: The variable ``prometheus_client`` reads when it is imported (so the launcher sets it
#: in the workers' environment, never this process at run time).
MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
#: Buckets of the wait for a free query worker (seconds).
WAIT_BUCKETS = (0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1.0, 2.5, 5.0, 10.0)
#: How often a busy worker refreshes its store gauges (they are read from the backend).
GAUGE_REFRESH_S = 1.0

#: name -> (help, value, how the workers' values combine: "sum" or "max")
Gauges = dict[str, tuple[str, float, str]]


def multiprocess_dir() -> Path | None:
    """The folder of the multi-process mode, when this process was started in it."""
    value = os.environ.get(MULTIPROC_ENV)
    return Path(value) if value and Path(value).is_dir() else None


class Metrics:
    """The metrics of one app: each web worker counts into its own file (multi-process
    mode) or this process's registry; :meth:`render` shows every worker's, added up."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        registry = self.registry
        self.requests = Counter("iacml_http_requests", "HTTP requests by endpoint, method "
                                "and status.", ["endpoint", "method", "status"],
                                registry=registry)
        self.errors = Counter("iacml_http_errors", "HTTP error responses by status.",
                              ["status"], registry=registry)
        self.latency = Histogram("iacml_query_duration_seconds", "Time to answer SPARQL "
                                 "queries.", buckets=BUCKETS, registry=registry)
        self.timeouts = Counter("iacml_query_timeouts", "Queries stopped at the time limit.",
                                registry=registry)
        self.truncated = Counter("iacml_query_truncated", "Results cut at the row cap.",
                                 registry=registry)
        self.refused = Counter("iacml_query_refused", "Queries refused by the per-client "
                               "fair share.", ["reason"], registry=registry)
        for reason in ("concurrency", "budget"):  # shown at 0 before the first refusal
            self.refused.labels(reason)
        self.queue_wait = Histogram("iacml_query_queue_wait_seconds", "Time queries waited "
                                    "for a free query worker.", buckets=WAIT_BUCKETS,
                                    registry=registry)
        # livesum: the files of exited workers are dropped at the next scrape
        self.web_workers = Gauge("iacml_web_workers", "Web worker processes serving.",
                                 registry=registry, multiprocess_mode="livesum")
        self.web_workers.set(1)
        self.gauges: Callable[[], Gauges] = dict
        self._gauges: dict[str, Gauge] = {}
        self._gauges_lock = threading.Lock()
        self._refreshed = 0.0
        self._request_counters: dict[tuple[str, str, int], Any] = {}

    def observe(self, endpoint: str, method: str, status: int, seconds: float,
                is_query: bool) -> None:
        """Count one request; queries also feed the latency histogram."""
        labels = (endpoint, method, status)
        counter = self._request_counters.get(labels)
        if counter is None:  # a few dozen series: their children kept, not looked up again
            counter = self.requests.labels(endpoint, method, str(status))
            if len(self._request_counters) < 1000:  # bounded whatever methods clients send
                self._request_counters[labels] = counter
        counter.inc()
        if status >= 400:
            self.errors.labels(str(status)).inc()
        if is_query:
            self.latency.observe(seconds)
        if time.monotonic() - self._refreshed > GAUGE_REFRESH_S:
            self.refresh_gauges()

    def count_timeout(self) -> None:
        """Count a query stopped at the time limit."""
        self.timeouts.inc()

    def count_truncated(self) -> None:
        """Count a result cut at the row cap."""
        self.truncated.inc()

    def count_refused(self, reason: str) -> None:
        """Count a query refused by the fair share (reason: concurrency or budget)."""
        self.refused.labels(reason).inc()

    def observe_queue_wait(self, seconds: float) -> None:
        """Count the time a query waited for a free query worker."""
        self.queue_wait.observe(seconds)

    def refresh_gauges(self) -> None:
        """Set this worker's gauges from :attr:`gauges` (the backend's state). A busy
        worker does so at most every second, the worker answering a scrape at once;
        another worker's gauges are as of its last refresh."""
        self._refreshed = time.monotonic()
        with self._gauges_lock:
            for name, (help_text, value, how) in self.gauges().items():
                gauge = self._gauges.get(name)
                if gauge is None:
                    gauge = self._gauges[name] = Gauge(
                        name, help_text, registry=self.registry,
                        multiprocess_mode="max" if how == "max" else "sum")
                gauge.set(value)

    def render(self) -> bytes:
        """Prometheus text exposition of every metric, all web workers added up."""
        self.refresh_gauges()
        folder = multiprocess_dir()
        if folder is None:
            return generate_latest(self.registry)
        for path in folder.glob("gauge_live*_*.db"):
            # granian restarts a worker without telling the app: a live gauge's file of a
            # process that is gone is dropped here (prometheus_client's child-exit step)
            pid = path.stem.rsplit("_", 1)[1]
            if pid.isdigit() and not process_alive(int(pid)):
                prometheus_multiprocess.mark_process_dead(int(pid), str(folder))
        registry = CollectorRegistry()
        prometheus_multiprocess.MultiProcessCollector(registry, str(folder))
        return generate_latest(registry)
