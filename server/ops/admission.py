"""Fair share of the query workers: per-client concurrency and query-time budget.

A client address may have at most ``IACML_CLIENT_QUERIES`` queries running in
query workers at once, and may use ``IACML_CLIENT_QUERY_SECONDS`` seconds of
worker time per minute (the Wikidata Query Service's rule: a fixed number of
query-seconds per minute per client).  Beyond either it gets 429 with
Retry-After at once, before it takes a worker, so one client's runaways never
make another client wait.  Lookups by IRI answered in the web process and
answers from the result cache take no worker and are not counted.

The counts are shared by the web workers of a server through a memory-mapped
file in the server's shared folder (:mod:`server.ops.shared`), one fixed-size slot
per client address (a hash; two addresses in one slot share a budget), each
updated under a byte-range lock; without a shared folder (one process) an
anonymous map serves the same code.  A slot records the start times of the
client's running queries rather than a count, so a query whose web worker died
stops counting once it is older than the time limit: nothing leaks.
"""

from __future__ import annotations

import fcntl
import math
import mmap
import os
import struct
import threading
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")
#: A change of one slot: (budget left, running start times, now) -> (budget, running, result).
Change = Callable[[float, list[float], float], tuple[float, list[float], T]]

#: Running queries one slot can record (the concurrency setting is capped at it).
MAX_RUNNING = 16
_SLOT = struct.Struct(f"dd{MAX_RUNNING}d")  # budget left (s), last refill, start times
SLOTS = 16384


@dataclass(frozen=True)
class Refusal:
    """Why a query was not admitted, and when to retry (seconds)."""

    reason: str  # "concurrency" or "budget"
    retry_after: int
    message: str


class Admission:
    """Per-client admission to the query workers (see the module docstring)."""

    def __init__(self, concurrency: int, seconds_per_minute: float, time_limit: float,
                 folder: Path | None = None) -> None:
        self.concurrency = min(max(0, concurrency), MAX_RUNNING)
        self.budget = float(seconds_per_minute)
        self.rate = self.budget / 60.0
        self.stale_after = time_limit + 30.0  # no query runs longer than its time limit
        size = SLOTS * _SLOT.size
        self._fd: int | None = None
        if folder is not None:
            self._fd = os.open(folder / "admission.bin", os.O_RDWR | os.O_CREAT, 0o600)
            if os.fstat(self._fd).st_size < size:
                os.ftruncate(self._fd, size)  # zero-filled: every budget starts full
            self._map = mmap.mmap(self._fd, size)
        else:
            self._map = mmap.mmap(-1, size)
        self._lock = threading.Lock()  # record locks are per process, not per thread

    @property
    def enabled(self) -> bool:
        """False when both limits are off (0)."""
        return self.concurrency > 0 or self.budget > 0

    def _offset(self, client: str) -> int:
        return (zlib.crc32(client.encode("utf-8", "replace")) % SLOTS) * _SLOT.size

    def _update(self, client: str, change: Change[T]) -> T:
        """Run ``change`` on the client's slot under its lock; return its result."""
        offset = self._offset(client)
        now = time.monotonic()
        with self._lock:
            if self._fd is not None:
                fcntl.lockf(self._fd, fcntl.LOCK_EX, _SLOT.size, offset)
            try:
                budget, last, *starts = _SLOT.unpack_from(self._map, offset)
                if last == 0.0:
                    budget, last = self.budget, now
                budget = min(self.budget, budget + max(0.0, now - last) * self.rate)
                running = [s for s in starts if s > 0.0 and now - s < self.stale_after]
                budget, running, result = change(budget, running, now)
                running = (running + [0.0] * MAX_RUNNING)[:MAX_RUNNING]
                _SLOT.pack_into(self._map, offset, budget, now, *running)
                return result
            finally:
                if self._fd is not None:
                    fcntl.lockf(self._fd, fcntl.LOCK_UN, _SLOT.size, offset)

    def admit(self, client: str) -> tuple[float | None, Refusal | None]:
        """Admit one query of ``client``: (a ticket for :meth:`release`, None), or
        (None, why not)."""
        if not self.enabled:
            return None, None

        def change(budget: float, running: list[float], now: float
                   ) -> tuple[float, list[float], tuple[float | None, Refusal | None]]:
            if self.concurrency and len(running) >= self.concurrency:
                oldest = min(running)
                wait = max(1, math.ceil(min(self.stale_after - (now - oldest), 5.0)))
                return budget, running, (None, Refusal(
                    "concurrency", wait,
                    f"this client already has {len(running)} queries running, the most one "
                    f"client may run at once (IACML_CLIENT_QUERIES = {self.concurrency}); "
                    f"retry when one has finished"))
            if self.budget > 0 and budget <= 0.0:
                wait = max(1, math.ceil(-budget / self.rate)) if self.rate else 60
                return budget, running, (None, Refusal(
                    "budget", wait,
                    f"this client has used its {self.budget:g} seconds of query time per "
                    f"minute (IACML_CLIENT_QUERY_SECONDS); retry in {wait} s"))
            ticket = now
            return budget, running + [ticket], (ticket, None)

        return self._update(client, change)

    def release(self, client: str, ticket: float | None, seconds: float) -> None:
        """The query admitted with ``ticket`` ended after ``seconds`` of worker time."""
        if ticket is None:
            return

        def change(budget: float, running: list[float], _now: float
                   ) -> tuple[float, list[float], None]:
            if ticket in running:
                running.remove(ticket)
            return (budget - seconds if self.budget > 0 else budget), running, None

        self._update(client, change)
