"""The pipeline over an entry: what ``iacml validate``, ``POST /validate`` and guarded
writes run.

An entry is validated as a graph of its own with the built registry and ontology
and their closure (model.md, "Validation scope"), by the stages of the build:
terms, quotes, reasoning, QC, shapes, report. :class:`EntryChecker` runs them over
what the entry touches, against one data version kept in memory
(:class:`~iacml.pipeline.base.BaseData`):

1. terms: unknown terms of known vocabularies, impossible values;
2. quotes: located in the source texts as the build does; duplicate claims;
3. reasoning: the entry's OWL RL entailments by the fast rules
   (:mod:`~iacml.pipeline.entry_reasoning`);
4. QC: the queries over the entry and the slice of the dataset it can meet,
   rows that involve the entry;
5. shapes: on the nodes the entry can affect (:func:`focus_nodes`) over entry ∪
   inferences ∪ registry ∪ ontology ∪ the closure.

:func:`validate_entry` runs the same stages over the whole entry graph with owlrl
(seconds): ``tests/test_validate_incremental.py`` shows both find the same.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TypeVar

import pyoxigraph as ox
from rdflib import Graph, Literal
from rdflib.namespace import RDF
from rdflib.term import Node

from ..errors import BuildError
from ..paths import ProjectPaths
from .base import BaseData, data_version, load_context
from .claims import duplicate_claims, duplicate_claims_in
from .entry_reasoning import entry_inferences, is_builtin
from .parse import load_shapes
from .qc import involved_terms, qc_dataset, qc_results, run_qc_rows
from .quotes import load_source_texts, quote_results, resolve_passages, source_files
from .report import ValidationOutcome, ValidationResult
from .shapes import validate_graph
from .terms import Vocabulary, check_terms, shadowed

T = TypeVar("T")


class _Timer:
    """Seconds per stage, in the order the stages ran."""

    def __init__(self) -> None:
        self.timings: dict[str, float] = {}

    def run(self, stage: str, func: Callable[[], T]) -> T:
        start = time.perf_counter()
        try:
            return func()
        finally:
            self.timings[stage] = time.perf_counter() - start


def focus_nodes(entry: Graph, inferred: Graph, base: BaseData) -> set[Node]:
    """The nodes whose validation the entry can change: every node of the entry
    and of its inferences, and the context nodes pointing at them (by any property
    but rdf:type), minus the ontology's own terms."""
    nodes = {t for g in (entry, inferred) for s, _, o in g for t in (s, o)
             if not isinstance(t, Literal) and not is_builtin(t)}
    nodes -= base.ontology_terms
    neighbours = {s for n in nodes for s, p, _ in base.base_by_o.get(n, ())
                  if p != RDF.type and s not in base.ontology_terms and not is_builtin(s)}
    return nodes | neighbours


class EntryChecker:
    """Validates entries incrementally against one data version (thread-safe)."""

    def __init__(self, paths: ProjectPaths | None = None, dataset: Path | None = None) -> None:
        """Check against ``dataset`` (by default the build's dump) of project ``paths``."""
        self.paths = paths or ProjectPaths.default()
        self.dataset = dataset or self.paths.dataset_nq
        self._base: BaseData | None = None
        self._lock = threading.Lock()
        #: rdflib's SPARQL parser is not thread-safe (shortcuts, the shapes).
        self._rdflib = threading.Lock()

    @property
    def base(self) -> BaseData:
        """The cached base data, reloaded when the built dump changed."""
        with self._lock:
            if not self.dataset.exists():
                raise BuildError(f"{self.dataset} is missing: run `iacml build` first")
            if self._base is None or self._base.version != data_version(self.dataset):
                self._base = BaseData.load(self.paths, self.dataset)
            return self._base

    def check(self, entry: Graph, qc: bool = True, others: ox.Store | None = None,
              files: Sequence[Path] = ()) -> ValidationOutcome:
        """Run the pipeline over ``entry``; its outcome, with the time of each stage.

        ``entry`` is modified in place: its passages are located and named.
        ``qc``: run the QC queries. ``others``: more named graphs the QC queries and
        the duplicate check see beside the built dataset (a guarded write passes the
        other submission graphs). ``files``: the files the entry was read from, to
        say where a problem is.
        """
        base, timer = self.base, _Timer()
        terms = timer.run("terms", lambda: check_terms(entry, base.vocabulary, files))
        extra = [t.result() for t in terms]
        problems = timer.run("quotes", lambda: resolve_passages(entry, base.texts, files)[1])
        extra += quote_results(problems)
        extra += [d.result() for d in duplicate_claims(entry, "the entry", files)]
        with self._rdflib:
            inferred = timer.run("reasoning", lambda: entry_inferences(entry, base.reasoning))
            if qc:
                extra += timer.run("qc", lambda: self._qc(entry, inferred, base, others, files))
            outcome = timer.run("shapes", lambda: base.shapes.validate(
                (entry, inferred), focus_nodes(entry, inferred, base)))
        outcome.results = shadowed(outcome.results, terms)
        timer.run("report", lambda: outcome.add(extra))
        outcome.timings = timer.timings
        return outcome

    def _qc(self, entry: Graph, inferred: Graph, base: BaseData, others: ox.Store | None,
            files: Sequence[Path]) -> list[ValidationResult]:
        """The QC queries over the slice, and the entry's claims against the dataset's."""
        store = qc_dataset(entry, inferred, base.store, base.ontology_nt, base.qc_links, others)
        rows = run_qc_rows(store, self.paths.qc_dir, involved_terms(entry, base.ontology_terms))
        stores = [base.store] if others is None else [base.store, others]
        duplicates = duplicate_claims_in(entry, stores, files)
        return qc_results(rows, entry) + [d.result() for d in duplicates]


_CHECKERS: dict[tuple[Path, Path], EntryChecker] = {}
_CHECKERS_LOCK = threading.Lock()


def checker_for(paths: ProjectPaths | None = None, dataset: Path | None = None) -> EntryChecker:
    """The process-wide checker of a project checkout and dump (one cache each)."""
    paths = paths or ProjectPaths.default()
    key = (paths.root, dataset or paths.dataset_nq)
    with _CHECKERS_LOCK:
        if key not in _CHECKERS:
            _CHECKERS[key] = EntryChecker(paths, key[1])
        return _CHECKERS[key]


def check_entry(entry: Graph, paths: ProjectPaths | None = None,
                files: Sequence[Path] = ()) -> ValidationOutcome:
    """The one validation of new entries behind ``iacml validate`` and ``POST /validate``."""
    return checker_for(paths).check(entry, files=files)


def validate_entry(entry: Graph, paths: ProjectPaths | None = None,
                   context: Graph | None = None, shapes: Graph | None = None
                   ) -> ValidationOutcome:
    """The same stages over the whole entry, with owlrl and every shape on every node,
    but no QC: the reference :class:`EntryChecker` is tested against (slow)."""
    paths = paths or ProjectPaths.default()
    if context is None:
        if not paths.dataset_nq.exists():
            raise BuildError(f"{paths.dataset_nq} is missing: run `iacml build` first")
        context = load_context(paths)
    shapes = shapes if shapes is not None else load_shapes(paths.shapes_dir)
    # The registry declares no vocabulary terms (its resources are id: IRIs), so the
    # context knows the same terms as the ontology alone.
    terms = check_terms(entry, Vocabulary(context))
    _, problems = resolve_passages(entry, load_source_texts(source_files(paths.sources_dir)))
    outcome = validate_graph(entry, context, shapes)
    outcome.results = shadowed(outcome.results, terms)
    outcome.add([t.result() for t in terms] + quote_results(problems)
                + [d.result() for d in duplicate_claims(entry, "the entry")])
    return outcome
