"""Request counters and a latency histogram in the Prometheus text format."""

from __future__ import annotations

import threading
from collections import Counter

BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)


class Metrics:
    """Thread-safe counters of one web process (run gunicorn with one worker)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.requests: Counter[tuple[str, str, int]] = Counter()
        self.errors: Counter[int] = Counter()
        self.buckets = [0] * len(BUCKETS)
        self.latency_sum = 0.0
        self.latency_count = 0
        self.timeouts = 0
        self.truncated = 0

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

    def count_timeout(self) -> None:
        """Count a query stopped at the time limit."""
        with self._lock:
            self.timeouts += 1

    def count_truncated(self) -> None:
        """Count a result cut at the row cap."""
        with self._lock:
            self.truncated += 1

    def render(self, gauges: dict[str, tuple[str, float]]) -> str:
        """Prometheus text exposition (version 0.0.4) of every metric."""
        out = ["# HELP iacml_http_requests_total HTTP requests by endpoint, method and status.",
               "# TYPE iacml_http_requests_total counter"]
        with self._lock:
            for (endpoint, method, status), n in sorted(self.requests.items()):
                out.append(f'iacml_http_requests_total{{endpoint="{endpoint}",'
                           f'method="{method}",status="{status}"}} {n}')
            out += ["# HELP iacml_http_errors_total HTTP error responses by status.",
                    "# TYPE iacml_http_errors_total counter"]
            out += [f'iacml_http_errors_total{{status="{s}"}} {n}'
                    for s, n in sorted(self.errors.items())]
            out += ["# HELP iacml_query_duration_seconds Time to answer SPARQL queries.",
                    "# TYPE iacml_query_duration_seconds histogram"]
            for bound, n in zip(BUCKETS, self.buckets, strict=True):
                out.append(f'iacml_query_duration_seconds_bucket{{le="{bound}"}} {n}')
            out.append(f'iacml_query_duration_seconds_bucket{{le="+Inf"}} {self.latency_count}')
            out.append(f"iacml_query_duration_seconds_sum {self.latency_sum:.6f}")
            out.append(f"iacml_query_duration_seconds_count {self.latency_count}")
            out += ["# HELP iacml_query_timeouts_total Queries stopped at the time limit.",
                    "# TYPE iacml_query_timeouts_total counter",
                    f"iacml_query_timeouts_total {self.timeouts}",
                    "# HELP iacml_query_truncated_total Results cut at the row cap.",
                    "# TYPE iacml_query_truncated_total counter",
                    f"iacml_query_truncated_total {self.truncated}"]
        for name, (help_text, value) in sorted(gauges.items()):
            out += [f"# HELP {name} {help_text}", f"# TYPE {name} gauge", f"{name} {value:g}"]
        return "\n".join(out) + "\n"
