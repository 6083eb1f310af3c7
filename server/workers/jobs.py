"""The contract between the web process and the query workers: one dataclass per kind of
job, and the answer each job gets.

A job crosses the worker's pipe pickled and its answer comes back the same way; the
answers hold only bytes, strings and numbers, never a store or a term. Each job class
names its answer class, so :meth:`Backend.run` returns the answer of the job it ran
(a :class:`QueryJob` gets a :class:`QueryAnswer`) and every caller reads typed fields.
A job that fails in the worker still gets its own kind of answer, with a status other
than 200 and a message a person can act on; the limits the pool enforces (time,
memory, no worker) are raised as :class:`server.workers.pool.PoolError` instead.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar, Generic, TypeVar, cast


@dataclass(kw_only=True)
class Answer:
    """What every answer holds: a status (HTTP's meaning), and for a failure its
    message, the line of the input it concerns and, for a crash, the worker's traceback;
    the pool adds how long the job waited for a worker and ran (seconds)."""

    status: int = 200
    message: str = ""
    line: int | None = None
    trace: str = ""
    queue_wait: float | None = None
    run: float = 0.0

    @property
    def ok(self) -> bool:
        """True when the job was done (status 200)."""
        return self.status == 200


@dataclass(kw_only=True)
class QueryAnswer(Answer):
    """A query's answer, serialised: its kind (``solutions``, ``boolean``, ``graph``),
    the format it is written in, the bytes, the rows (or triples) written and whether
    the row cap cut them."""

    kind: str = ""
    format: str = ""
    body: bytes = b""
    rows: int = 0
    truncated: bool = False
    #: Of a check (``check_only``, the remote backend's): the variables the query binds to
    #: a boolean expression, and whether it names its own dataset (server.workers.dialect).
    boolean_variables: tuple[str, ...] = ()
    names_dataset: bool = False


@dataclass(kw_only=True)
class CountsAnswer(Answer):
    """Triples per graph (``""`` is the default graph) and in the default graph."""

    counts: dict[str, int] = field(default_factory=dict)
    triples: int = 0


@dataclass(kw_only=True)
class PingAnswer(Answer):
    """A worker's size and process id."""

    triples: int = 0
    pid: int = 0


@dataclass(kw_only=True)
class ParseAnswer(Answer):
    """An untrusted entry read in a worker, as N-Triples."""

    ntriples: bytes = b""


@dataclass(kw_only=True)
class UpdateAnswer(Answer):
    """A SPARQL update's plan (the graphs it names) and, unless only planned, the graphs
    it changed with the N-Triples of each after it (None: emptied)."""

    targets: list[str] = field(default_factory=list)
    default_graph: bool = False
    everything: bool = False
    changed: list[str] = field(default_factory=list)
    graphs: dict[str, bytes | None] = field(default_factory=dict)


AnswerT = TypeVar("AnswerT", bound=Answer)


@dataclass(frozen=True, kw_only=True)
class Job(Generic[AnswerT]):
    """A job for a query worker. ``journal_end``: the worker first applies the write
    journal up to this byte (the writes accepted before the job was sent); None lets
    the backend fill in the journal's current end."""

    answer_type: ClassVar[type[Answer]] = Answer
    journal_end: int | None = None

    def failed(self, status: int, message: str, line: int | None = None,
               trace: str = "") -> AnswerT:
        """This job's kind of answer, for a failure."""
        answer = self.answer_type(status=status, message=message, line=line, trace=trace)
        return cast(AnswerT, answer)


@dataclass(frozen=True, kw_only=True)
class QueryJob(Job[QueryAnswer]):
    """A SPARQL query: its text, the format chosen for each kind of answer (None: the
    client accepts none), the row cap, the base IRI, the protocol's dataset
    (default-graph-uri, named-graph-uri: None when not given), the SERVICE allow-list.
    ``check_only``: check syntax and SERVICE and say the kind of answer, run nothing
    (the remote backend's local check)."""

    answer_type: ClassVar[type[Answer]] = QueryAnswer
    query: str
    formats: Mapping[str, str | None]
    row_cap: int
    base_iri: str | None = None
    default_graphs: tuple[str, ...] | None = None
    named_graphs: tuple[str, ...] | None = None
    allow: tuple[str, ...] = ()
    check_only: bool = False

    def cache_fields(self) -> dict[str, Any]:
        """Everything the answer depends on besides the data (the result cache's key)."""
        return {"query": self.query, "base_iri": self.base_iri,
                "default_graphs": self.default_graphs, "named_graphs": self.named_graphs,
                "formats": dict(self.formats), "row_cap": self.row_cap, "allow": self.allow}


@dataclass(frozen=True, kw_only=True)
class CountsJob(Job[CountsAnswer]):
    """Count the triples of every graph."""

    answer_type: ClassVar[type[Answer]] = CountsAnswer


@dataclass(frozen=True, kw_only=True)
class PingJob(Job[PingAnswer]):
    """Say the worker's size and process id (tests and diagnostics)."""

    answer_type: ClassVar[type[Answer]] = PingAnswer


@dataclass(frozen=True, kw_only=True)
class ParseJob(Job[ParseAnswer]):
    """Read an untrusted entry (bytes in an RDF ``format``) into N-Triples."""

    answer_type: ClassVar[type[Answer]] = ParseAnswer
    data: bytes
    format: str


@dataclass(frozen=True, kw_only=True)
class UpdateJob(Job[UpdateAnswer]):
    """A SPARQL update of a guarded write, evaluated on a copy of the submission graphs;
    ``plan_only``: only say which graphs it names."""

    answer_type: ClassVar[type[Answer]] = UpdateAnswer
    update: str
    allow: tuple[str, ...] = ()
    plan_only: bool = False
