"""The access log: server/ops/accesslog.py's batched handler against the standard library's
QueueHandler and QueueListener.

Both take the writing off the request's thread. The standard library's listener hands
each record to a StreamHandler, which writes and flushes it on its own (one system call
per request line); the batched handler writes what gathered every 0.2 s in one call.
Measured: CPU time of the whole process (request threads and the writer thread share
the GIL) per logged request line, to a file. Run: ``python -m bench.accesslog_bench``.
"""

from __future__ import annotations

import logging
import logging.handlers
import queue
import tempfile
import time
from pathlib import Path

from server.ops.accesslog import BatchedStreamHandler

N = 50000
LINE = ('{"ts":"2026-12-02T02:30:00Z","client":"127.0.0.1","method":"GET",'
        '"path":"/id/ministry/PRY","status":200,"ms":0.84,"bytes":2312,"type":"text/turtle"}')


def _measure(handler: logging.Handler, stop: object) -> float:
    logger = logging.getLogger(f"bench.access.{id(handler)}")
    logger.propagate = False
    logger.setLevel(logging.INFO)
    logger.addHandler(handler)
    start = time.process_time()
    for _ in range(N):
        logger.info(LINE)
    stop()  # type: ignore[operator]
    return (time.process_time() - start) / N * 1e6


def batched(path: Path) -> float:
    """µs of CPU per line with server/ops/accesslog.py."""
    stream = path.open("w", encoding="utf-8")
    handler = BatchedStreamHandler(stream)
    return _measure(handler, handler.flush)


def queued(path: Path) -> float:
    """µs of CPU per line with QueueHandler → QueueListener → StreamHandler."""
    stream = path.open("w", encoding="utf-8")
    lines: queue.SimpleQueue[logging.LogRecord] = queue.SimpleQueue()
    listener = logging.handlers.QueueListener(lines, logging.StreamHandler(stream))
    listener.start()
    return _measure(logging.handlers.QueueHandler(lines), listener.stop)


def main() -> None:
    """Print both and the ratio."""
    folder = Path(tempfile.mkdtemp(prefix="iacml-accesslog-bench-"))
    before = batched(folder / "batched.log")
    after = queued(folder / "queued.log")
    for name in ("batched.log", "queued.log"):
        assert (folder / name).read_text(encoding="utf-8").count("\n") == N, name
    print(f"CPU per access-log line: batched handler {before:.2f} µs, QueueHandler + "
          f"QueueListener {after:.2f} µs (queued/batched {after / before:.2f})")


if __name__ == "__main__":
    main()
