"""Where queries are answered: the :class:`Backend` protocol, and the embedded backend
(the pool of query worker processes, with lookups answered in process).

Both backends (this one and :class:`server.workers.remote.RemoteBackend`) take the jobs
of :mod:`server.workers.jobs` and give each its answer, so no route cares which one runs.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Protocol, cast

from flask import current_app

from iacml.diskstore import DiskStore
from iacml.journal import file_id
from iacml.snapshots import Snapshots
from server.workers.jobs import AnswerT, CountsAnswer, CountsJob, Job, QueryJob
from server.workers.lookup import LocalLookups, is_lookup
from server.workers.pool import QueryPool


@dataclass(frozen=True)
class WorkerCounts:
    """What /metrics shows of the query workers (all zero for a remote backend)."""

    triples: int = 0
    ready: int = 0
    restarts: int = 0
    memory_stops: int = 0
    lookups_in_process: int = 0


class Backend(Protocol):
    """What answers the jobs of the web process: started in two steps (``begin`` while
    the app imports its routes, ``wait_ready`` after), closed at exit."""

    #: Shown by /health and /-/version: ``embedded`` or ``remote``.
    name: str
    #: True when :meth:`data_version` changes with every change of the data, so answers
    #: may be cached under it; False when the data can change under the same version.
    versioned: bool

    def begin(self) -> None:
        """Start loading, without waiting."""

    def wait_ready(self) -> None:
        """Wait until jobs can run."""

    def start(self) -> None:
        """Begin and wait until ready."""

    def close(self) -> None:
        """Stop whatever processes the backend started."""

    def health(self) -> dict[str, Any]:
        """The backend's state for /health."""

    def data_version(self) -> str:
        """A name of the data served now; the caches of answers and pages are keyed by it."""

    def run(self, job: Job[AnswerT], time_limit: float) -> AnswerT:
        """Run ``job`` within ``time_limit`` seconds (PoolError when it cannot)."""

    def answers_in_process(self, job: Job[Any]) -> bool:
        """True when ``job`` is answered in the web process, without a worker."""

    def counts(self, time_limit: float) -> CountsAnswer:
        """Triples per graph, and in all."""

    def worker_counts(self) -> WorkerCounts:
        """The query workers' state and counters, for /metrics."""


def current_backend() -> Backend:
    """The backend of the current app (create_app starts it)."""
    return cast(Backend, current_app.extensions["iacml.backend"])


class LocalBackend:
    """Queries answered by the embedded pool of pyoxigraph workers."""

    name = "embedded"
    versioned = True

    def __init__(self, dataset: str, workers: int, journal: str | None = None,
                 lookups_in_process: bool = True, memory_mib: float = 0.0,
                 zygote_args: tuple[str, ...] = (), disk: DiskStore | None = None) -> None:
        self.pool = QueryPool(dataset, workers, journal, memory_mib, zygote_args,
                              str(disk.folder) if disk else None)
        self.dataset = Path(dataset)
        self.journal = Path(journal) if journal else None
        self.disk = disk  # the dataset's on-disk store (None: loaded into memory)
        #: the snapshots of accepted writes the workers open (iacml/snapshots.py)
        self.snapshots = Snapshots(disk, journal) if disk and journal else None
        self._covered: tuple[tuple[int, int] | None, int] | None = None
        self.lookups = LocalLookups(dataset, journal, disk) if lookups_in_process else None
        self.lookups_answered = 0
        self._base_version = self._read_base_version()

    def start(self) -> None:
        """Start the workers and wait until the dataset is loaded."""
        self.begin()
        self.wait_ready()

    def begin(self) -> None:
        """Start the zygote loading the dataset, without waiting for it."""
        self.ensure_snapshot(self.journal_size())  # the zygote opens it at once
        self.pool.start(wait=False)

    def wait_ready(self) -> None:
        """Open the in-process store for lookups (the zygote opens its own meanwhile,
        in its own process) and wait until the workers are forked."""
        if self.lookups is not None:
            try:
                self.lookups.load()
            except (OSError, SyntaxError, ValueError):
                self.lookups = None  # the pool reports the broken dataset in /health
        self.pool.wait_started()

    def close(self) -> None:
        """Stop the idle workers."""
        self.pool.close()

    def health(self) -> dict[str, Any]:
        """Store state for /health."""
        return {"backend": self.name, "loaded": self.pool.loaded, "triples": self.pool.triples,
                "store": "disk" if self.disk else "memory",
                "workers_ready": self.pool.ready, "workers": self.pool.size,
                "error": self.pool.error}

    def worker_counts(self) -> WorkerCounts:
        """The pool's state and counters, for /metrics."""
        return WorkerCounts(triples=self.pool.triples or 0, ready=self.pool.ready,
                            restarts=self.pool.restarts, memory_stops=self.pool.memory_kills,
                            lookups_in_process=self.lookups_answered)

    def journal_size(self) -> int:
        """Bytes in the write journal now (0 without one)."""
        try:
            return self.journal.stat().st_size if self.journal else 0
        except OSError:
            return 0

    def data_version(self) -> str:
        """The served data version: the base build the workers loaded (id, dump size and
        time, read once at start) and the journal's length, so caches keyed by it
        change with every accepted write."""
        size = self.journal_size()
        return f"{self._base_version}-j{size}" if size else self._base_version

    def _read_base_version(self) -> str:
        build_id = self.dataset.parent / "build-id"
        parts = [build_id.read_text(encoding="utf-8").strip() if build_id.exists()
                 else "nobuild"]
        if self.dataset.exists():
            stat = self.dataset.stat()
            parts.append(f"{stat.st_size}-{int(stat.st_mtime)}")
        return "-".join(parts)

    def run(self, job: Job[AnswerT], time_limit: float) -> AnswerT:
        """Run ``job`` in a worker within ``time_limit`` seconds; the worker first
        applies the journal up to its current end (the writes accepted so far)."""
        if job.journal_end is None:  # a write names its own
            job = replace(job, journal_end=self.journal_size())
        self.ensure_snapshot(job.journal_end)
        if self.lookups is not None and isinstance(job, QueryJob) \
                and self.answers_in_process(job):
            self.lookups_answered += 1
            return cast(AnswerT, self.lookups.run(job))
        return self.pool.run(job, time_limit)

    def ensure_snapshot(self, end: int | None) -> None:
        """On the on-disk store, make sure a snapshot holds the journal up to byte
        ``end`` before a worker needs it: the workers open snapshots but never make one
        (server/workers/served.py). Normally the write made it already: one stat of
        the journal per job."""
        if self.snapshots is None or end is None:
            return
        identity = file_id(self.snapshots.journal.path)
        covered = self._covered
        if identity is None and end == 0 and covered is None:
            return  # no journal, no write: the base store is current
        if covered is not None and covered[0] == identity and covered[1] >= end:
            return
        snapshot = self.snapshots.covering(end)
        self._covered = (snapshot.journal, snapshot.offset) if snapshot else None

    def answers_in_process(self, job: Job[Any]) -> bool:
        """True for a lookup by IRI answered from the web process's copy (no worker)."""
        return (self.lookups is not None and isinstance(job, QueryJob)
                and not job.check_only and not job.default_graphs and not job.named_graphs
                and is_lookup(job.query))

    def counts(self, time_limit: float) -> CountsAnswer:
        """Triples per graph ('' is the default graph) and in total."""
        return self.run(CountsJob(), time_limit)
