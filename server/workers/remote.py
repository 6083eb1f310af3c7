"""The remote backend: queries forwarded to another SPARQL 1.1 endpoint
(``IACML_BACKEND_URL``), checked first by a local worker over an empty store."""

from __future__ import annotations

import hashlib
import time
from dataclasses import replace
from typing import Any, cast

import pyoxigraph as ox
import requests

from server.query.results import prologue
from server.workers import dialect
from server.workers.backend import WorkerCounts
from server.workers.jobs import AnswerT, CountsAnswer, Job, QueryAnswer, QueryJob
from server.workers.pool import PoolUnavailable, QueryPool, QueryTimeout
from server.workers.worker import serialise

#: Also how the graphs are listed: Virtuoso answers it in 0.04 s where SELECT DISTINCT ?g
#: takes 3 s (SF 1), and GRAPH ?g {} finds no graph there.
NAMED_COUNTS = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"


class RemoteBackend:
    """Queries forwarded to any SPARQL 1.1 query endpoint (Oxigraph, Fuseki, Virtuoso...).

    A local worker over an empty store still checks the syntax and the SERVICE
    allow-list first, and the remote answer is re-serialised here so that the
    row cap and content negotiation behave as with the embedded store; what a store
    writes differently is put right first (:mod:`server.workers.dialect`).

    With ``default_graph`` (IACML_BACKEND_DEFAULT_GRAPH), a query that names no dataset
    of its own is sent with that graph as its default graph and the store's graphs under
    ``graph_namespace`` as its named graphs: a store whose default graph is the union of
    everything it holds (Virtuoso's includes its system graphs) then answers over the
    project's data only, as the embedded store does.
    """

    name = "remote"
    #: A SPARQL endpoint publishes no version of its data: answers are not cached.
    versioned = False
    #: How long the list of the store's project graphs is reused (seconds).
    GRAPHS_TTL_S = 60.0

    def __init__(self, url: str, zygote_args: tuple[str, ...] = (), default_graph: str = "",
                 graph_namespace: str = "") -> None:
        self.url = url
        self.default_graph = default_graph
        self.graph_namespace = graph_namespace
        self.checker = QueryPool(None, 1, zygote_args=zygote_args)
        self.session = requests.Session()
        self._graphs: tuple[float, list[str]] = (0.0, [])

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

    def _remote(self, job: QueryJob, accept: str, time_limit: float,
                dataset: list[tuple[str, str]] | None = None) -> requests.Response:
        params: list[tuple[str, str]] = [("query", prologue() + job.query)]
        params += [("default-graph-uri", g) for g in job.default_graphs or ()]
        params += [("named-graph-uri", g) for g in job.named_graphs or ()]
        params += dataset or []
        try:
            resp = self.session.post(self.url, data=params, timeout=time_limit,
                                     headers={"Accept": accept})
        except requests.Timeout as exc:
            raise QueryTimeout(f"the remote endpoint did not answer within the "
                               f"{time_limit:g} s query time limit") from exc
        except requests.RequestException as exc:
            raise PoolUnavailable(f"remote endpoint unreachable: {exc}") from exc
        if resp.status_code != 200:
            reason = dialect.refusal(resp.text)
            if reason is not None:
                raise RemoteRefused(reason)
            raise PoolUnavailable(f"remote endpoint answered HTTP {resp.status_code}: "
                                  f"{resp.text[:300]}")
        return resp

    def _dataset(self, job: QueryJob, check: QueryAnswer, time_limit: float
                 ) -> list[tuple[str, str]]:
        """The project's dataset as protocol parameters, for a query that names none."""
        if not self.default_graph or job.default_graphs or job.named_graphs \
                or check.names_dataset:
            return []
        return [("default-graph-uri", self.default_graph)] + [
            ("named-graph-uri", g) for g in self._project_graphs(time_limit)]

    def _project_graphs(self, time_limit: float) -> list[str]:
        """The store's graphs under the project's graph namespace (cached a minute)."""
        fetched, graphs = self._graphs
        if time.monotonic() - fetched < self.GRAPHS_TTL_S:
            return graphs
        body = self._remote(QueryJob(query=NAMED_COUNTS, formats={}, row_cap=0),
                            "application/sparql-results+json", time_limit).content
        solutions = ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)
        assert isinstance(solutions, ox.QuerySolutions)
        graphs = sorted(g.value for s in solutions if isinstance(g := s["g"], ox.NamedNode)
                        and g.value.startswith(self.graph_namespace)
                        and g.value != self.default_graph)
        self._graphs = (time.monotonic(), graphs)
        return graphs

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
        try:
            dataset = self._dataset(job, check, time_limit)
            if check.kind == "graph":
                resp = self._remote(job, "application/n-triples", time_limit, dataset)
                triples = (q.triple for q in ox.parse(resp.content,
                                                      format=ox.RdfFormat.N_TRIPLES))
                answer = serialise(triples, job.formats, job.row_cap)
            else:
                resp = self._remote(job, "application/sparql-results+json", time_limit,
                                    dataset)
                body = dialect.fix_results(resp.content, check.boolean_variables,
                                           is_ask=check.kind == "boolean")
                answer = serialise(_parse(body), job.formats, job.row_cap,
                                   again=lambda: _parse(body))
        except RemoteRefused as exc:
            return job.failed(400, str(exc))
        if "X-SPARQL-MaxRows" in resp.headers:  # Virtuoso's ResultSetMaxRows cut it
            answer = replace(answer, truncated=True)
        return answer

    def counts(self, time_limit: float) -> CountsAnswer:
        """Triples per named graph of the remote store (the project's graphs only when
        IACML_BACKEND_DEFAULT_GRAPH names the graph holding the default graph)."""
        body = self._remote(QueryJob(query=NAMED_COUNTS, formats={}, row_cap=0),
                            "application/sparql-results+json", time_limit).content
        counts = {}
        solutions = ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)
        if not isinstance(solutions, ox.QuerySolutions):
            raise PoolUnavailable("the remote endpoint answered a SELECT without solutions")
        for solution in solutions:
            counts[solution["g"].value] = int(solution["n"].value)
        if self.default_graph:
            counts = {g: n for g, n in counts.items() if g.startswith(self.graph_namespace)
                      and g != self.default_graph}
        return CountsAnswer(counts=counts, triples=sum(counts.values()))


class RemoteRefused(Exception):
    """The remote store refused to evaluate a query, for a reason in the query."""


def _parse(body: bytes) -> ox.QuerySolutions | ox.QueryBoolean:
    return ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)
