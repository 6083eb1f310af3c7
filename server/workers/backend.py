"""Where queries are answered: the embedded worker pool, or a remote SPARQL endpoint.

Both backends take the same job dict (see :mod:`server.workers.worker`) and return the
same answer dict, so the blueprint does not care which one runs.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyoxigraph as ox
import requests

from server.query.results import prologue
from server.workers.lookup import LocalLookups, is_lookup
from server.workers.pool import PoolUnavailable, QueryPool, QueryTimeout
from server.workers.worker import serialise

NAMED_COUNTS = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"


class LocalBackend:
    """Queries answered by the embedded pool of pyoxigraph workers."""

    name = "embedded"

    def __init__(self, dataset: str, workers: int, journal: str | None = None,
                 lookups_in_process: bool = True, memory_mib: float = 0.0,
                 zygote_args: tuple[str, ...] = ()) -> None:
        self.pool = QueryPool(dataset, workers, journal, memory_mib, zygote_args)
        self.dataset = Path(dataset)
        self.journal = Path(journal) if journal else None
        self.lookups = LocalLookups(dataset, journal) if lookups_in_process else None
        self.lookups_answered = 0
        self._base_version = self._read_base_version()

    def start(self) -> None:
        """Start the workers and wait until the dataset is loaded."""
        self.begin()
        self.wait_ready()

    def begin(self) -> None:
        """Start the zygote loading the dataset, without waiting for it."""
        self.pool.start(wait=False)

    def wait_ready(self) -> None:
        """Load the in-process copy for lookups (the zygote loads meanwhile, in its
        own process) and wait until the workers are forked."""
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
                "workers_ready": self.pool.ready, "workers": self.pool.size,
                "error": self.pool.error}

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

    def run(self, job: dict[str, Any], time_limit: float) -> dict[str, Any]:
        """Run ``job`` in a worker within ``time_limit`` seconds; the worker first
        applies the journal up to its current end (the writes accepted so far)."""
        job = {"journal_end": self.journal_size(), **job}  # a write names its own
        if self.answers_in_process(job):
            assert self.lookups is not None
            self.lookups_answered += 1
            return self.lookups.run(job)
        return self.pool.run(job, time_limit)

    def answers_in_process(self, job: dict[str, Any]) -> bool:
        """True for a lookup by IRI answered from the web process's copy (no worker)."""
        return (self.lookups is not None and job.get("op") == "query"
                and not job.get("default_graphs") and not job.get("named_graphs")
                and is_lookup(job["query"]))

    def counts(self, time_limit: float) -> dict[str, Any]:
        """Triples per graph ('' is the default graph) and in total."""
        return self.run({"op": "counts"}, time_limit)


class RemoteBackend:
    """Queries forwarded to any SPARQL 1.1 query endpoint (Oxigraph, Fuseki, GraphDB...).

    A local worker over an empty store still checks the syntax and the SERVICE
    allow-list first, and the remote answer is re-serialised here so that the
    row cap and content negotiation behave as with the embedded store.
    """

    name = "remote"

    def __init__(self, url: str, zygote_args: tuple[str, ...] = ()) -> None:
        self.url = url
        self.checker = QueryPool(None, 1, zygote_args=zygote_args)
        self.session = requests.Session()

    def start(self) -> None:
        """Start the local syntax-checking worker."""
        self.begin()
        self.wait_ready()

    def begin(self) -> None:
        """Start the checking worker without waiting for it."""
        self.checker.start(wait=False)

    def wait_ready(self) -> None:
        """Wait until the checking worker is up."""
        self.checker.wait_started()

    def close(self) -> None:
        """Stop the checking worker."""
        self.checker.close()

    def health(self) -> dict[str, Any]:
        """Ask the remote endpoint a trivial question; report for /health."""
        try:
            resp = self.session.get(self.url, params={"query": "ASK {}"}, timeout=5,
                                    headers={"Accept": "application/sparql-results+json"})
            ok = resp.status_code == 200
            error = None if ok else f"remote answered HTTP {resp.status_code}"
        except requests.RequestException as exc:
            ok, error = False, f"remote unreachable: {exc.__class__.__name__}"
        return {"backend": self.name, "url": self.url, "loaded": ok, "triples": None,
                "error": error}

    def _remote(self, job: dict[str, Any], accept: str, time_limit: float) -> bytes:
        params: list[tuple[str, str]] = [("query", prologue() + job["query"])]
        params += [("default-graph-uri", g) for g in job.get("default_graphs") or []]
        params += [("named-graph-uri", g) for g in job.get("named_graphs") or []]
        try:
            resp = self.session.post(self.url, data=params, timeout=time_limit,
                                     headers={"Accept": accept})
        except requests.Timeout as exc:
            raise QueryTimeout(f"the remote endpoint did not answer within the "
                               f"{time_limit:g} s query time limit") from exc
        except requests.RequestException as exc:
            raise PoolUnavailable(f"remote endpoint unreachable: {exc}") from exc
        if resp.status_code != 200:
            raise PoolUnavailable(f"remote endpoint answered HTTP {resp.status_code}: "
                                  f"{resp.text[:300]}")
        return resp.content

    def answers_in_process(self, job: dict[str, Any]) -> bool:
        """Every query goes to the remote endpoint."""
        return False

    def run(self, job: dict[str, Any], time_limit: float) -> dict[str, Any]:
        """Check ``job`` locally, then answer it from the remote endpoint (a job that is
        not a query, such as parsing an entry, runs in the local worker)."""
        if job.get("op", "query") not in ("query", "check"):
            return self.checker.run(job, time_limit)
        check = self.checker.run({**job, "op": "check"}, time_limit)
        if check.get("status") != 200 or job.get("op") == "check":
            return check
        kind = check["kind"]
        if kind == "graph":
            body = self._remote(job, "application/n-triples", time_limit)
            answer: object = (q.triple for q in ox.parse(body, format=ox.RdfFormat.N_TRIPLES))
        else:
            body = self._remote(job, "application/sparql-results+json", time_limit)
            answer = ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)
        return serialise(answer, job["formats"], job["row_cap"])

    def counts(self, time_limit: float) -> dict[str, Any]:
        """Triples per named graph of the remote store."""
        body = self._remote({"query": NAMED_COUNTS}, "application/sparql-results+json",
                            time_limit)
        counts = {}
        for solution in ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON):
            counts[solution["g"].value] = int(solution["n"].value)
        return {"status": 200, "counts": counts, "triples": sum(counts.values())}
