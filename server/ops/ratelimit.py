"""Per-client rate limit (token bucket): N requests per minute, 0 = off."""

from __future__ import annotations

import math
import threading
import time


class RateLimiter:
    """Token bucket per client key; :meth:`hit` returns seconds to wait (0: allowed)."""

    def __init__(self, per_minute: int) -> None:
        self.per_minute = per_minute
        self.rate = per_minute / 60.0
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def hit(self, client: str) -> int:
        """Take one token for ``client``; return 0 if allowed, else Retry-After seconds."""
        if self.per_minute <= 0:
            return 0
        now = time.monotonic()
        with self._lock:
            tokens, last = self._buckets.get(client, (float(self.per_minute), now))
            tokens = min(float(self.per_minute), tokens + (now - last) * self.rate)
            if tokens >= 1.0:
                self._buckets[client] = (tokens - 1.0, now)
                return 0
            self._buckets[client] = (tokens, now)
            if len(self._buckets) > 100_000:  # forget idle clients (full buckets)
                self._buckets = {k: v for k, v in self._buckets.items() if v[0] < self.per_minute}
            return max(1, math.ceil((1.0 - tokens) / self.rate))
