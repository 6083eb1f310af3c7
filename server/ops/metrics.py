"""Request counters and a latency histogram in the Prometheus text format.

Each web process counts what it answers; under gunicorn with several web
workers the scrape adds up every worker's snapshot (:mod:`server.ops.shared`).
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
#: Buckets of the wait for a free query worker (seconds).
WAIT_BUCKETS = (0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1.0, 2.5, 5.0, 10.0)

#: name -> (help, value, how the workers' values combine: "sum" or "max")
Gauges = dict[str, tuple[str, float, str]]


class Metrics:
    """Thread-safe counters of one web process, shared with its sibling workers
    through ``share`` (the server's shared folder) when given."""

    def __init__(self, share: Path | None = None) -> None:
        self._lock = threading.Lock()
        self.requests: Counter[tuple[str, str, int]] = Counter()
        self.errors: Counter[int] = Counter()
        self.buckets = [0] * len(BUCKETS)
        self.latency_sum = 0.0
        self.latency_count = 0
        self.timeouts = 0
        self.truncated = 0
        self.refused: Counter[str] = Counter()
        self.wait_buckets = [0] * len(WAIT_BUCKETS)
        self.wait_sum = 0.0
        self.wait_count = 0
        self.gauges: Callable[[], Gauges] = dict
        self._publisher = None
        if share is not None:
            from server.ops.shared import SnapshotPublisher

            self._publisher = SnapshotPublisher(share, self.state)

    def _changed(self) -> None:
        if self._publisher is not None:
            self._publisher.mark_dirty()

    def observe(self, endpoint: str, method: str, status: int, seconds: float,
                is_query: bool) -> None:
        """Count one request; queries also feed the latency histogram."""
        with self._lock:
            self.requests[(endpoint, method, status)] += 1
            if status >= 400:
                self.errors[status] += 1
            if is_query:
                self.latency_sum += seconds
                self.latency_count += 1
                for i, bound in enumerate(BUCKETS):
                    if seconds <= bound:
                        self.buckets[i] += 1
        self._changed()

    def count_timeout(self) -> None:
        """Count a query stopped at the time limit."""
        with self._lock:
            self.timeouts += 1
        self._changed()

    def count_truncated(self) -> None:
        """Count a result cut at the row cap."""
        with self._lock:
            self.truncated += 1
        self._changed()

    def count_refused(self, reason: str) -> None:
        """Count a query refused by the fair share (reason: concurrency or budget)."""
        with self._lock:
            self.refused[reason] += 1
        self._changed()

    def observe_queue_wait(self, seconds: float) -> None:
        """Count the time a query waited for a free query worker."""
        with self._lock:
            self.wait_sum += seconds
            self.wait_count += 1
            for i, bound in enumerate(WAIT_BUCKETS):
                if seconds <= bound:
                    self.wait_buckets[i] += 1
        self._changed()

    def state(self) -> dict[str, Any]:
        """This process's counters and gauges as a JSON-able snapshot."""
        with self._lock:
            return {"requests": [[e, m, s, n] for (e, m, s), n in self.requests.items()],
                    "errors": [[s, n] for s, n in self.errors.items()],
                    "buckets": list(self.buckets), "latency_sum": self.latency_sum,
                    "latency_count": self.latency_count, "timeouts": self.timeouts,
                    "truncated": self.truncated, "refused": dict(self.refused),
                    "wait_buckets": list(self.wait_buckets), "wait_sum": self.wait_sum,
                    "wait_count": self.wait_count,
                    "gauges": {name: list(g) for name, g in self.gauges().items()}}

    def _states(self) -> list[dict[str, Any]]:
        if self._publisher is None:
            return [self.state()]
        return self._publisher.gather()

    def render(self) -> str:
        """Prometheus text exposition (version 0.0.4) of every metric, all workers added."""
        states = self._states()
        requests: Counter[tuple[str, str, int]] = Counter()
        errors: Counter[int] = Counter()
        buckets = [0] * len(BUCKETS)
        totals = {"latency_sum": 0.0, "latency_count": 0, "timeouts": 0, "truncated": 0,
                  "wait_sum": 0.0, "wait_count": 0}
        refused: Counter[str] = Counter()
        wait_buckets = [0] * len(WAIT_BUCKETS)
        gauges: dict[str, tuple[str, float]] = {}
        for state in states:
            for endpoint, method, status, n in state["requests"]:
                requests[(endpoint, method, int(status))] += n
            for status, n in state["errors"]:
                errors[int(status)] += n
            buckets = [a + b for a, b in zip(buckets, state["buckets"], strict=True)]
            for key in totals:
                totals[key] += state.get(key, 0)
            refused.update(state.get("refused", {}))
            wait_buckets = [a + b for a, b in zip(
                wait_buckets, state.get("wait_buckets", [0] * len(WAIT_BUCKETS)), strict=True)]
            for name, (help_text, value, how) in state.get("gauges", {}).items():
                if name in gauges:
                    old = gauges[name][1]
                    value = max(old, value) if how == "max" else old + value
                gauges[name] = (help_text, value)
        out = ["# HELP iacml_http_requests_total HTTP requests by endpoint, method and status.",
               "# TYPE iacml_http_requests_total counter"]
        for (endpoint, method, status), n in sorted(requests.items()):
            out.append(f'iacml_http_requests_total{{endpoint="{endpoint}",'
                       f'method="{method}",status="{status}"}} {n}')
        out += ["# HELP iacml_http_errors_total HTTP error responses by status.",
                "# TYPE iacml_http_errors_total counter"]
        out += [f'iacml_http_errors_total{{status="{s}"}} {n}' for s, n in sorted(errors.items())]
        out += ["# HELP iacml_query_duration_seconds Time to answer SPARQL queries.",
                "# TYPE iacml_query_duration_seconds histogram"]
        for bound, n in zip(BUCKETS, buckets, strict=True):
            out.append(f'iacml_query_duration_seconds_bucket{{le="{bound}"}} {n}')
        out.append(f'iacml_query_duration_seconds_bucket{{le="+Inf"}} {totals["latency_count"]}')
        out.append(f"iacml_query_duration_seconds_sum {totals['latency_sum']:.6f}")
        out.append(f"iacml_query_duration_seconds_count {totals['latency_count']}")
        out += ["# HELP iacml_query_timeouts_total Queries stopped at the time limit.",
                "# TYPE iacml_query_timeouts_total counter",
                f"iacml_query_timeouts_total {totals['timeouts']}",
                "# HELP iacml_query_truncated_total Results cut at the row cap.",
                "# TYPE iacml_query_truncated_total counter",
                f"iacml_query_truncated_total {totals['truncated']}",
                "# HELP iacml_query_refused_total Queries refused by the per-client fair share.",
                "# TYPE iacml_query_refused_total counter"]
        out += [f'iacml_query_refused_total{{reason="{reason}"}} {refused[reason]}'
                for reason in ("concurrency", "budget")]
        out += ["# HELP iacml_query_queue_wait_seconds Time queries waited for a free "
                "query worker.",
                "# TYPE iacml_query_queue_wait_seconds histogram"]
        for bound, n in zip(WAIT_BUCKETS, wait_buckets, strict=True):
            out.append(f'iacml_query_queue_wait_seconds_bucket{{le="{bound}"}} {n}')
        out.append(f'iacml_query_queue_wait_seconds_bucket{{le="+Inf"}} {totals["wait_count"]}')
        out.append(f"iacml_query_queue_wait_seconds_sum {totals['wait_sum']:.6f}")
        out.append(f"iacml_query_queue_wait_seconds_count {totals['wait_count']}")
        out += ["# HELP iacml_web_workers Web worker processes whose counts are included.",
                "# TYPE iacml_web_workers gauge", f"iacml_web_workers {len(states)}"]
        for name, (help_text, value) in sorted(gauges.items()):
            out += [f"# HELP {name} {help_text}", f"# TYPE {name} gauge", f"{name} {value:g}"]
        return "\n".join(out) + "\n"
