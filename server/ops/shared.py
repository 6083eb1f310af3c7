"""State shared by the web workers of one server: readiness, metrics and per-client budgets.

The server runs one web process per core (server/front/launch.py), and each process
only sees the requests it answered.  A scrape of /metrics or a per-client limit
must see them all, so the launcher creates one folder per server
(``IACML_SHARED_DIR``, removed when it exits) that its workers share:

- **readiness**: a web worker that has loaded the app writes ``ready-<pid>``;
  /health counts the live ones, so a client can wait for all of them whichever
  worker answers it.

- **metrics**: ``prometheus/``, the folder of ``prometheus_client``'s multi-process
  mode (:mod:`server.ops.metrics`).
- **rate limits**: the token buckets live in a memory-mapped file of fixed
  slots (a client's slot is a hash of its address), each updated under a
  byte-range lock, so a client has one budget whichever worker it reaches.

Without ``IACML_SHARED_DIR`` (the Flask test client, one process) nothing here
is used and the in-process :class:`server.ops.metrics.Metrics` and
:class:`server.ops.ratelimit.RateLimiter` count alone.
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
from pathlib import Path

ENV = "IACML_SHARED_DIR"


def shared_dir() -> Path | None:
    """The folder shared by this server's web workers, if started by the launcher."""
    value = os.environ.get(ENV)
    return Path(value) if value and Path(value).is_dir() else None


def process_alive(pid: int) -> bool:
    """Whether process ``pid`` exists (it may belong to another user)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def mark_ready(folder: Path) -> None:
    """Record that this web worker has loaded the app and serves."""
    (folder / f"ready-{os.getpid()}").touch()


def ready_workers(folder: Path) -> int:
    """How many web workers of this server serve now (ready and alive)."""
    return sum(1 for path in folder.glob("ready-*") if process_alive(int(path.name[6:])))


class SharedRateLimiter:
    """Token bucket per client, shared by the web workers through a mapped file.

    Same contract as :class:`server.ops.ratelimit.RateLimiter`: :meth:`hit` returns
    0 if allowed, else the seconds to wait.  Two clients whose addresses hash to
    the same slot (one chance in 65,536) share a budget.
    """

    SLOTS = 65536
    _SLOT = struct.Struct("dd")  # tokens left, time of the last update (monotonic s)

    def __init__(self, per_minute: int, folder: Path) -> None:
        self.per_minute = per_minute
        self.rate = per_minute / 60.0
        size = self.SLOTS * self._SLOT.size
        self._fd = os.open(folder / "ratelimit.bin", os.O_RDWR | os.O_CREAT, 0o600)
        if os.fstat(self._fd).st_size < size:
            os.ftruncate(self._fd, size)  # zero-filled: every bucket starts full
        self._map = mmap.mmap(self._fd, size)
        self._lock = threading.Lock()  # record locks are per process, not per thread

    def hit(self, client: str) -> int:
        """Take one token for ``client``; return 0 if allowed, else Retry-After seconds."""
        if self.per_minute <= 0:
            return 0
        offset = (zlib.crc32(client.encode("utf-8", "replace")) % self.SLOTS) * self._SLOT.size
        now = time.monotonic()
        with self._lock:
            fcntl.lockf(self._fd, fcntl.LOCK_EX, self._SLOT.size, offset)
            try:
                tokens, last = self._SLOT.unpack_from(self._map, offset)
                if last == 0.0:
                    tokens, last = float(self.per_minute), now
                tokens = min(float(self.per_minute), tokens + max(0.0, now - last) * self.rate)
                allowed = tokens >= 1.0
                self._SLOT.pack_into(self._map, offset, tokens - 1.0 if allowed else tokens,
                                     now)
            finally:
                fcntl.lockf(self._fd, fcntl.LOCK_UN, self._SLOT.size, offset)
        return 0 if allowed else max(1, math.ceil((1.0 - tokens) / self.rate))
