"""The remote backend: queries forwarded to another SPARQL 1.1 endpoint
(``IACML_BACKEND_URL``), checked first by a local worker over an empty store."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from typing import Any, cast

import pyoxigraph as ox
import requests

from server.query.results import prologue
from server.workers.backend import WorkerCounts
from server.workers.jobs import AnswerT, CountsAnswer, Job, QueryAnswer, QueryJob
from server.workers.pool import PoolUnavailable, QueryPool, QueryTimeout
from server.workers.worker import serialise

NAMED_COUNTS = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"


class RemoteBackend:
    """Queries forwarded to any SPARQL 1.1 query endpoint (Oxigraph, Fuseki, GraphDB...).

    A local worker over an empty store still checks the syntax and the SERVICE
    allow-list first, and the remote answer is re-serialised here so that the
    row cap and content negotiation behave as with the embedded store.
    """

    name = "remote"
    #: A SPARQL endpoint publishes no version of its data: answers are not cached.
    versioned = False

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

    def worker_counts(self) -> WorkerCounts:
        """Nothing to count: the remote store runs the queries."""
        return WorkerCounts()

    def data_version(self) -> str:
        """The endpoint's name: a remote store publishes no version, so the pages'
        caches keyed by it last as long as the process (:attr:`versioned` is False)."""
        return "remote-" + hashlib.sha256(self.url.encode()).hexdigest()[:16]

    def _remote(self, job: QueryJob, accept: str, time_limit: float) -> bytes:
        params: list[tuple[str, str]] = [("query", prologue() + job.query)]
        params += [("default-graph-uri", g) for g in job.default_graphs or ()]
        params += [("named-graph-uri", g) for g in job.named_graphs or ()]
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

    def answers_in_process(self, job: Job[Any]) -> bool:
        """Every query goes to the remote endpoint."""
        return False

    def run(self, job: Job[AnswerT], time_limit: float) -> AnswerT:
        """Check ``job`` locally, then answer it from the remote endpoint (a job that is
        not a query, such as parsing an entry, runs in the local worker)."""
        if not isinstance(job, QueryJob):
            return self.checker.run(job, time_limit)
        return cast(AnswerT, self._query(job, time_limit))

    def _query(self, job: QueryJob, time_limit: float) -> QueryAnswer:
        check = self.checker.run(replace(job, check_only=True), time_limit)
        if not check.ok or job.check_only:
            return check
        kind = check.kind
        if kind == "graph":
            body = self._remote(job, "application/n-triples", time_limit)
            answer: object = (q.triple for q in ox.parse(body, format=ox.RdfFormat.N_TRIPLES))
        else:
            body = self._remote(job, "application/sparql-results+json", time_limit)
            answer = ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)
            return serialise(answer, job.formats, job.row_cap, again=lambda: (
                ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)))
        return serialise(answer, job.formats, job.row_cap)

    def counts(self, time_limit: float) -> CountsAnswer:
        """Triples per named graph of the remote store."""
        body = self._remote(QueryJob(query=NAMED_COUNTS, formats={}, row_cap=0),
                            "application/sparql-results+json", time_limit)
        counts = {}
        solutions = ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)
        if not isinstance(solutions, ox.QuerySolutions):
            raise PoolUnavailable("the remote endpoint answered a SELECT without solutions")
        for solution in solutions:
            counts[solution["g"].value] = int(solution["n"].value)
        return CountsAnswer(counts=counts, triples=sum(counts.values()))
