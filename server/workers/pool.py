"""A small pool of killable query worker processes.

pyoxigraph cannot cancel a query from Python and a thread cannot be stopped,
so every query runs in a worker process (see :mod:`server.workers.worker`).  A request
borrows an idle worker, sends it the job and waits up to the time limit; past
it the worker is killed with SIGKILL (its CPU is freed at once), a replacement
is forked in the background and the caller gets :class:`QueryTimeout`.

Workers are forked by a zygote process (:mod:`server.workers.zygote`) that loaded the
dataset once, never by forking the threaded web process.
"""

from __future__ import annotations

import logging
import os
import queue
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, cast

from server.settings import PROJECT_ROOT
from server.workers.jobs import AnswerT, Job

log = logging.getLogger("iacml.pool")


class PoolError(Exception):
    """A query the pool could not answer; ``queue_wait`` and ``run`` are the seconds
    it waited for a worker and ran in one."""

    queue_wait = 0.0
    run = 0.0


class QueryTimeout(PoolError):
    """The query passed the time limit; its worker was killed."""


class PoolUnavailable(PoolError):
    """No worker could take the query (dataset not loaded, or a worker died)."""


class QueryMemoryExceeded(PoolError):
    """The query grew its worker past the memory cap; the worker was killed."""



#: How often a waiting request checks its worker's memory (it wakes at once on the answer).
MEMORY_POLL_S = 0.02


_PAGE_MIB = os.sysconf("SC_PAGE_SIZE") / 1048576


def resident_mib(pid: int) -> float:
    """Resident memory of ``pid`` in MiB (/proc/<pid>/statm: a read of a few µs).

    A forked worker starts with the zygote's resident pages mapped (the dataset,
    shared copy-on-write), so what a query adds is the growth from the figure
    taken when the query was sent; copying a shared page on write does not change
    it."""
    try:
        return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * _PAGE_MIB
    except (OSError, IndexError, ValueError):
        return 0.0


@dataclass
class Worker:
    """One worker process (a child of the zygote) and the parent's end of its socket."""

    pid: int
    conn: Connection
    jobs: int = 0
    forked_mib: float = 0.0  # resident memory before its first job

    def kill(self) -> None:
        """Stop the process at once (SIGKILL); the zygote reaps it."""
        try:
            os.kill(self.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.conn.close()


class QueryPool:
    """Pool of ``size`` workers forked from a zygote holding the dataset at ``dataset``."""

    def __init__(self, dataset: str | None, size: int = 2, journal: str | None = None,
                 memory_mib: float = 0.0, zygote_args: tuple[str, ...] = (),
                 store: str | None = None) -> None:
        self.dataset = dataset
        self.store = store  # the dataset's on-disk store folder, opened read-only
        self.memory_mib = memory_mib  # cap on what one query adds to its worker; 0: none
        self.journal = journal
        self.zygote_args = zygote_args  # the workers' network (server.workers.sandbox.zygote_args)
        self.size = max(1, size)
        self._idle: queue.Queue[Worker] = queue.Queue()
        self._fork_lock = threading.Lock()
        self._closed = False
        self._starter: threading.Thread | None = None
        self._zygote: subprocess.Popen[bytes] | None = None
        self._ctrl: socket.socket | None = None
        self._ctrl_file: Any = None
        self.error: str | None = None
        self.triples: int | None = None
        self.timeouts = 0
        self.restarts = 0
        self.memory_kills = 0

    # ---------------- life cycle ----------------

    def start(self, wait: bool = True, timeout: float = 600.0) -> None:
        """Start the zygote, load the dataset, fork the workers.

        With ``wait`` this returns once the dataset is loaded (or failed);
        otherwise loading goes on in a background thread.
        """
        self._starter = threading.Thread(target=self._start, args=(timeout,), daemon=True,
                                         name="iacml-zygote-start")
        self._starter.start()
        if wait:
            self.wait_started(timeout)

    def wait_started(self, timeout: float = 600.0) -> None:
        """Wait until a :meth:`start` without ``wait`` has loaded the dataset (or failed)."""
        if self._starter is not None:
            self._starter.join(timeout)

    def _start(self, timeout: float) -> None:
        ours, theirs = socket.socketpair()
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(
            [str(PROJECT_ROOT)] + ([env["PYTHONPATH"]] if env.get("PYTHONPATH") else []))
        self._zygote = subprocess.Popen(
            [sys.executable, "-m", "server.workers.zygote", self.dataset or "",
             "--fd", str(theirs.fileno())]
            + (["--journal", self.journal] if self.journal else [])
            + (["--store", self.store] if self.store else []) + list(self.zygote_args),
            pass_fds=[theirs.fileno()], env=env, cwd=str(PROJECT_ROOT))
        theirs.close()
        self._ctrl = ours
        self._ctrl_file = ours.makefile("rb")
        ours.settimeout(timeout)
        line = self._ctrl_file.readline().decode().strip()
        ours.settimeout(None)
        if not line.startswith("ready"):
            self.error = line.removeprefix("error ").strip() or "the query worker zygote died"
            log.error("query workers unavailable: %s", self.error)
            return
        self.triples = int(line.split()[1])
        for _ in range(self.size):
            self._add_worker()

    def _add_worker(self) -> None:
        """Fork one worker from the zygote and put it in the idle queue."""
        if self._closed or self._ctrl is None:
            return
        ours, theirs = socket.socketpair()
        try:
            with self._fork_lock:
                socket.send_fds(self._ctrl, [b"fork"], [theirs.fileno()])
                pid = int(self._ctrl_file.readline().decode().strip())
        except (OSError, ValueError) as exc:
            self.error = f"cannot fork a query worker: {exc}"
            log.error(self.error)
            ours.close()
            return
        finally:
            theirs.close()
        self._idle.put(Worker(pid, Connection(ours.detach())))

    def _replace(self) -> None:
        threading.Thread(target=self._add_worker, daemon=True, name="iacml-worker-fork").start()

    def close(self) -> None:
        """Kill the idle workers and stop the zygote."""
        self._closed = True
        while True:
            try:
                self._idle.get_nowait().kill()
            except queue.Empty:
                break
        if self._ctrl is not None:
            self._ctrl.close()
        if self._zygote is not None:
            self._zygote.kill()
            self._zygote.wait(timeout=5)

    # ---------------- state ----------------

    @property
    def ready(self) -> int:
        """Number of idle, loaded workers."""
        return self._idle.qsize()

    @property
    def loaded(self) -> bool:
        """True while the dataset is loaded and the zygote can fork workers."""
        zygote_alive = self._zygote is not None and self._zygote.poll() is None
        return self.triples is not None and zygote_alive

    # ---------------- running jobs ----------------

    def run(self, job: Job[AnswerT], time_limit: float) -> AnswerT:
        """Run ``job`` in a worker within ``time_limit`` seconds and return its answer,
        with ``queue_wait`` and ``run`` (seconds) added."""
        started = time.monotonic()
        deadline = started + time_limit
        if self.triples is None and self.error:
            raise PoolUnavailable(self.error)
        try:
            current = self._idle.get(timeout=time_limit)
        except queue.Empty:
            if self.error:
                raise PoolUnavailable(self.error) from None
            self.timeouts += 1
            raise self._timed(QueryTimeout(
                f"no query worker became free within the {time_limit:g} s query time "
                "limit"), started, time.monotonic()) from None
        got = time.monotonic()
        try:
            current.conn.send(job)
            answer = self._await(current, job, deadline, time_limit)
        except (EOFError, OSError) as exc:
            self._retire(current)
            raise self._timed(PoolUnavailable(f"query worker died: {exc}"),
                              started, got) from exc
        except PoolError as exc:
            self._retire(current)
            raise self._timed(exc, started, got) from None
        current.jobs += 1
        if self.memory_mib and resident_mib(current.pid) - current.forked_mib > self.memory_mib:
            self._retire(current)  # grown over the queries it ran: start a fresh one
        else:
            self._idle.put(current)
        answer.queue_wait, answer.run = got - started, time.monotonic() - got
        return answer

    def _await(self, current: Worker, job: Job[AnswerT], deadline: float,
               time_limit: float) -> AnswerT:
        """The worker's answer; watches its memory meanwhile (raises on either limit)."""
        base = resident_mib(current.pid) if self.memory_mib else 0.0
        if not current.forked_mib:
            current.forked_mib = base
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                self.timeouts += 1
                raise QueryTimeout(f"the query ran past the {time_limit:g} s query time limit "
                                   "and was stopped")
            if current.conn.poll(min(left, MEMORY_POLL_S) if self.memory_mib else left):
                answer = current.conn.recv()
                if not isinstance(answer, job.answer_type):
                    raise PoolUnavailable(f"a query worker answered {job.__class__.__name__} "
                                          f"with {answer.__class__.__name__}")
                return cast(AnswerT, answer)
            if self.memory_mib:
                added = resident_mib(current.pid) - base
                if added > self.memory_mib:
                    self.memory_kills += 1
                    raise QueryMemoryExceeded(
                        f"the query used more than {self.memory_mib:g} MiB of memory "
                        f"(IACML_QUERY_MEMORY_MB) and was stopped")

    def _retire(self, worker: Worker) -> None:
        """Kill ``worker`` and fork its replacement in the background."""
        worker.kill()
        self.restarts += 1
        self._replace()

    @staticmethod
    def _timed(exc: PoolError, started: float, got: float) -> PoolError:
        exc.queue_wait, exc.run = got - started, time.monotonic() - got
        return exc
