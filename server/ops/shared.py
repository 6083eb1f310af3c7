"""State shared by the web workers of one server: readiness, metrics and per-client budgets.

The server runs one web process per core (server/front/launch.py), and each process
only sees the requests it answered.  A scrape of /metrics or a per-client limit
must see them all, so the launcher creates one folder per server
(``IACML_SHARED_DIR``, removed when it exits) that its workers share:

- **readiness**: a web worker that has loaded the app writes ``ready-<pid>``;
  /health counts the live ones, so a client can wait for all of them whichever
  worker answers it.

- **metrics**: each worker publishes a snapshot of its counters as
  ``metrics-<pid>.json`` (written atomically) about once a second while it is
  busy, and at once when asked.  The worker answering a scrape writes a flush
  stamp, waits (up to half a second) until every live worker has published
  after it, and adds the snapshots up.  Snapshots of workers that exited stay,
  so counters never go down.
- **rate limits**: the token buckets live in a memory-mapped file of fixed
  slots (a client's slot is a hash of its address), each updated under a
  byte-range lock, so a client has one budget whichever worker it reaches.

Without ``IACML_SHARED_DIR`` (the Flask test client, one process) nothing here
is used and the in-process :class:`server.ops.metrics.Metrics` and
:class:`server.ops.ratelimit.RateLimiter` count alone.
"""

from __future__ import annotations

import fcntl
import json
import math
import mmap
import os
import struct
import threading
import time
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

ENV = "IACML_SHARED_DIR"

#: How long a scrape waits for the other workers' fresh snapshots.
FLUSH_WAIT_S = 0.5
#: A busy worker publishes at least this often without being asked.
PUBLISH_EVERY_S = 1.0
#: How often an idle worker looks for a flush request (a small file read).
_POLL_S = 0.05


def shared_dir() -> Path | None:
    """The folder shared by this server's web workers, if started by the launcher."""
    value = os.environ.get(ENV)
    return Path(value) if value and Path(value).is_dir() else None


def _alive(pid: int) -> bool:
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
    return sum(1 for path in folder.glob("ready-*") if _alive(int(path.name[6:])))


class SnapshotPublisher:
    """Publishes this worker's metrics snapshot into the shared folder.

    ``snapshot`` returns the state to publish (a JSON-able dict); ``mark_dirty``
    is called on every change.  A daemon thread polls every 50 ms for a flush
    stamp newer than the last publication and, while dirty, publishes at least
    every second.
    """

    def __init__(self, folder: Path, snapshot: Callable[[], dict[str, Any]]) -> None:
        self.folder = folder
        self.snapshot = snapshot
        self.pid = os.getpid()
        self.path = folder / f"metrics-{self.pid}.json"
        self.stamp = folder / "flush-stamp"
        self._dirty = True
        self._published = 0
        self._lock = threading.Lock()
        threading.Thread(target=self._loop, daemon=True, name="iacml-metrics-publish").start()

    def mark_dirty(self) -> None:
        """Note that the counters changed (published within a second)."""
        self._dirty = True

    def publish(self) -> int:
        """Write the snapshot now (atomically); return its time (monotonic ns)."""
        with self._lock:
            now = time.monotonic_ns()
            self._dirty = False
            state = {"pid": self.pid, "published": now, **self.snapshot()}
            tmp = self.path.with_suffix(".tmp")
            tmp.write_text(json.dumps(state), encoding="utf-8")
            os.replace(tmp, self.path)
            self._published = now
            return now

    def _asked_since(self) -> int:
        try:
            return int(self.stamp.read_text(encoding="utf-8") or 0)
        except (OSError, ValueError):
            return 0

    def _loop(self) -> None:
        while True:
            time.sleep(_POLL_S)
            try:
                if self._asked_since() > self._published or (
                        self._dirty and time.monotonic_ns() - self._published
                        > PUBLISH_EVERY_S * 1e9):
                    self.publish()
            except OSError:  # the folder is gone: the server is stopping
                return

    def gather(self) -> list[dict[str, Any]]:
        """Every worker's snapshot, fresh: ask for a flush, wait for the live ones."""
        asked = time.monotonic_ns()
        tmp = self.stamp.with_suffix(f".{self.pid}.tmp")
        tmp.write_text(str(asked), encoding="utf-8")
        os.replace(tmp, self.stamp)
        self.publish()
        deadline = time.monotonic() + FLUSH_WAIT_S
        while True:
            states = self._read_all()
            stale = [s for s in states if s["published"] < asked and _alive(s["pid"])]
            if not stale or time.monotonic() > deadline:
                return states
            time.sleep(_POLL_S)

    def _read_all(self) -> list[dict[str, Any]]:
        states = []
        for path in self.folder.glob("metrics-*.json"):
            try:
                states.append(json.loads(path.read_text(encoding="utf-8")))
            except (OSError, ValueError):
                continue  # replaced while read: the next scrape has it
        return states


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
