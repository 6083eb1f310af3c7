"""A logging handler that writes access-log lines in batches.

One JSON line per request written and flushed on its own costs a system call and
a lock round per request: measured ~0.2 ms of CPU per request under load, as
much as answering a lookup.  This handler only appends the formatted line to a
buffer; a background thread writes what has gathered every ``interval`` seconds
(and at exit), like nginx's ``access_log ... buffer=`` / ``flush=``.  A process
killed with SIGKILL loses at most that interval of access-log lines, nothing
else.

Kept by hand because no library does this: the standard library's QueueHandler and
QueueListener also take the writing off the request's thread, but the listener gives
each record to a StreamHandler, which writes and flushes it alone (one system call per
line; MemoryHandler batches records, not writes, and flushes on count, never on time).
Measured with ``python -m bench.accesslog_bench``: the queue pair costs 1.5 to 2.5 times
the CPU per line of this handler.
"""

from __future__ import annotations

import atexit
import logging
import sys
import threading
from typing import TextIO


class BatchedStreamHandler(logging.Handler):
    """Formats records at once, writes them to ``stream`` every ``interval`` seconds."""

    def __init__(self, stream: TextIO | None = None, interval: float = 0.2) -> None:
        super().__init__()
        self.stream = stream or sys.stderr
        self.interval = interval
        self._lines: list[str] = []
        self._wake = threading.Event()
        threading.Thread(target=self._run, daemon=True, name="iacml-access-log").start()
        atexit.register(self.flush)

    def emit(self, record: logging.LogRecord) -> None:
        """Buffer one formatted record (list.append is atomic under the GIL)."""
        try:
            self._lines.append(self.format(record))
        except Exception:
            self.handleError(record)

    def add_line(self, line: str) -> None:
        """Buffer one line already formatted (the request log's fast way in)."""
        self._lines.append(line)

    def flush(self) -> None:
        """Write every buffered line now."""
        with self.lock:  # type: ignore[union-attr]
            lines, self._lines = self._lines, []
            if lines:
                try:
                    self.stream.write("\n".join(lines) + "\n")
                    self.stream.flush()
                except (OSError, ValueError):  # the stream is closed: the process is ending
                    pass

    def _run(self) -> None:
        while not self._wake.wait(self.interval):
            self.flush()


def write_line(logger: logging.Logger, line: str) -> None:
    """Log ``line`` at INFO on ``logger``. When the logger's only handler is a
    :class:`BatchedStreamHandler` writing bare messages (how the app sets up
    ``iacml.access``), the line goes straight into its batch: the same text, without
    building a ``LogRecord`` and looking up its caller, which cost more per request
    than writing the line. Any other set-up (a handler or filter of the operator's)
    gets the record as usual."""
    handlers = logger.handlers
    if (len(handlers) == 1 and type(handlers[0]) is BatchedStreamHandler
            and not logger.filters and not handlers[0].filters
            and handlers[0].formatter is not None
            and handlers[0].formatter._fmt == "%(message)s"  # noqa: SLF001
            and logger.isEnabledFor(logging.INFO)):
        handlers[0].add_line(line)
    else:
        logger.info(line)
