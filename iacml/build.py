"""``iacml build``: the repository turned into the dataset the server loads.

The stages of :mod:`iacml.pipeline` over whole graphs, in order: parse → terms →
quotes → dates (bounds of every date value) → reasoning (per fact graph) →
preferred (graph/preferred) → QC (over the store of the whole dataset) → shapes
(per fact graph) → merge (the default graph as the RDF merge) → report
(``build/``) → store (the dump as an on-disk store, ``build/iacml.oxigraph``) → owl-dl
(``build/iacml-dl.owl``). A stage that finds a problem
raises BuildError listing every problem with the file and the resource
concerned; warnings are printed and kept in ``build/reports/``.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph, URIRef

from .bundle import write_bundle
from .defaultgraph import merge_default_graph
from .diskstore import write_store
from .errors import BuildError
from .namespaces import (
    G_CURATION,
    G_INFERRED,
    G_LINKS,
    G_ONTOLOGY,
    G_REFERENCE,
    GRAPH,
    PREFIXES,
)
from .paths import ProjectPaths
from .pipeline.claims import duplicate_claims
from .pipeline.datebounds import add_date_bounds
from .pipeline.dlexport import write_dl_artefact
from .pipeline.parse import LoadedData, load_data_files, load_ontology, load_shapes
from .pipeline.preferred import add_preferred_view
from .pipeline.qc import run_qc
from .pipeline.quotes import load_source_texts, resolve_passages
from .pipeline.reasoning import reason_per_graph
from .pipeline.report import ValidationOutcome, ValidationResult
from .pipeline.shapes import validate_graph
from .pipeline.terms import Vocabulary, check_terms
from .reference import build_reference
from .registry_scope import mark_registry_scope
from .store import add_graphs


@dataclass
class BuildReport:
    """What a build did: per-stage times and counts, and the validation outcomes."""

    steps: list[tuple[str, float, str]] = field(default_factory=list)
    outcomes: dict[str, ValidationOutcome] = field(default_factory=dict)
    build_id: str = ""

    @property
    def violations(self) -> int:
        """Violations over every graph (0 after a build that succeeded)."""
        return sum(len(o.violations) for o in self.outcomes.values())

    @property
    def warnings(self) -> int:
        """Warnings over every graph."""
        return sum(len(o.warnings) for o in self.outcomes.values())


def _input_files(paths: ProjectPaths) -> list[Path]:
    dirs = [paths.ontology_dir, paths.shapes_dir, paths.ttl_dir, paths.sources_dir,
            paths.reference_dir, paths.qc_dir]
    return sorted(p for d in dirs if d.exists() for p in d.rglob("*") if p.is_file())


def build_id(paths: ProjectPaths) -> str:
    """A short hash of every input file: the data version of the base build."""
    digest = hashlib.sha256()
    for path in _input_files(paths):
        digest.update(str(path.relative_to(paths.root)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def fact_graph_names(data: LoadedData) -> list[URIRef]:
    """Graphs validated one by one: every source graph, the registry and the curation."""
    names = sorted(n for n in data.graphs if str(n).startswith(str(GRAPH["source/"])))
    names += sorted(n for n in data.graphs if str(n).startswith(str(GRAPH["submissions/"])))
    return names + [G_REFERENCE, G_CURATION]


class _Build:
    """The stages of one build over the graphs of the repository; each returns the
    line the build prints about it."""

    def __init__(self, paths: ProjectPaths, report: BuildReport,
                 echo: Callable[[str], None]) -> None:
        self.paths, self.report, self.echo = paths, report, echo
        self.data = LoadedData()
        self.sources: dict[str, Path] = {}
        self.shapes_graph = Graph()
        self.context = Graph()
        self.inferred: dict[URIRef, Graph] = {}
        self.store = ox.Store()
        #: Warnings of the stages that are not SHACL, by graph, for the report.
        self.warnings: dict[URIRef, list[ValidationResult]] = {}

    def _warn(self, name: URIRef, result: ValidationResult, line: str) -> None:
        self.warnings.setdefault(name, []).append(result)
        self.echo(f"warning: {line}")

    def parse(self) -> str:
        """Every input file into its named graph; the registry from the tables."""
        data = self.data
        load_ontology(self.paths.ontology_dir, data)
        load_data_files(self.paths.ttl_dir, data)
        self.sources = build_reference(self.paths.reference_dir, self.paths.sources_dir,
                                       data.graph(G_REFERENCE), data.graph(G_LINKS))
        scope = mark_registry_scope(self.paths.reference_dir, self.sources, data)
        data.graph(G_CURATION)
        self.shapes_graph = load_shapes(self.paths.shapes_dir)
        total = sum(len(g) for g in data.graphs.values())
        return (f"{len(data.graphs)} graphs, {total} triples, {len(self.shapes_graph)} shape "
                f"triples; {scope}")

    def terms(self) -> str:
        """Impossible values fail the build; unknown terms are warned about."""
        vocabulary = Vocabulary(self.data.graph(G_ONTOLOGY))
        errors, warned = [], 0
        for name in fact_graph_names(self.data):
            for problem in check_terms(self.data.graph(name), vocabulary, self.data.files[name]):
                if problem.severity == "Violation":
                    errors.append(str(problem))
                else:
                    warned += 1
                    self._warn(name, problem.result(), str(problem))
        if errors:
            raise BuildError(f"{len(errors)} impossible values:\n" + "\n".join(errors))
        return f"0 impossible values, {warned} unknown terms"

    def quotes(self) -> str:
        """Every quote located once in its source; duplicate claims are warned about."""
        texts = load_source_texts(self.sources)
        problems, count = [], 0
        for name, graph in self.data.graphs.items():
            n, found = resolve_passages(graph, texts, self.data.files.get(name, []))
            count += n
            problems += found
        if problems:
            raise BuildError(f"{len(problems)} quote mismatches:\n"
                             + "\n".join(str(p) for p in problems))
        duplicates = 0
        for name in fact_graph_names(self.data):
            for pair in duplicate_claims(self.data.graph(name), str(name), self.data.files[name]):
                duplicates += 1
                self._warn(name, pair.result(), str(pair))
        return f"{count} passages located, 0 quote mismatches, {duplicates} duplicate claims"

    def reasoning(self) -> str:
        """The OWL RL closure of each fact graph with the registry and ontology."""
        self.context = self.data.graphs[G_REFERENCE] + self.data.graph(G_ONTOLOGY)
        names = fact_graph_names(self.data)
        self.inferred = reason_per_graph({n: self.data.graph(n) for n in names}, self.context,
                                         self.data.graph(G_ONTOLOGY))
        inferred_all = self.data.graph(G_INFERRED)
        for inferred in self.inferred.values():
            for triple in inferred:
                inferred_all.add(triple)
        return f"{len(inferred_all)} inferred triples in graph/inferred"

    def qc(self) -> str:
        """The dataset in a store; every QC query over it returns no row."""
        add_graphs(self.store, self.data.graphs)
        count, findings = run_qc(self.store, self.paths.qc_dir)
        if findings:
            text = "\n".join(str(f) for f in findings)
            legend = [f"  {name} is read from {self.data.file_of(name)}"
                      for name in self.data.graphs if str(name) in text]
            raise BuildError(f"{sum(len(f.rows) for f in findings)} QC rows:\n{text}\n"
                             + "\n".join(legend))
        return f"{len(self.store)} quads, {count} QC queries, 0 rows"

    def shapes(self) -> str:
        """SHACL over each fact graph with its context and closure: no violation."""
        outcomes = self.report.outcomes
        for name in fact_graph_names(self.data):
            outcome = validate_graph(self.data.graph(name), self.context, self.shapes_graph,
                                     self.inferred[name])
            outcome.add(self.warnings.get(name, []))
            outcomes[str(name)] = outcome
        if self.report.violations:
            lines = [f"{self.report.violations} SHACL violations:"]
            for graph, outcome in outcomes.items():
                lines += [f"{self.data.file_of(URIRef(graph))}: <{r.focus}> {r.path} {r.value} "
                          f"— {r.message} [{r.shape_name or r.source_shape}]"
                          for r in outcome.violations]
            raise BuildError("\n".join(lines))
        return f"0 violations, {self.report.warnings} warnings"


def build(paths: ProjectPaths | None = None, echo: Callable[[str], None] = print,
          write: bool = True) -> BuildReport:
    """Run the whole build; write ``build/`` unless ``write`` is False."""
    paths = paths or ProjectPaths.default()
    report = BuildReport(build_id=build_id(paths))
    stages = _Build(paths, report, echo)

    def run(name: str, func: Callable[[], str]) -> None:
        start = time.perf_counter()
        detail = func()
        elapsed = time.perf_counter() - start
        report.steps.append((name, elapsed, detail))
        echo(f"{name:<12} {elapsed:6.2f} s  {detail}")

    data = stages.data
    run("parse", stages.parse)
    run("terms", stages.terms)
    run("quotes", stages.quotes)
    run("dates", lambda: add_date_bounds(data.graphs, data.file_of))
    run("reasoning", stages.reasoning)
    run("preferred", lambda: add_preferred_view(data.graphs))
    run("qc", stages.qc)
    run("shapes", stages.shapes)
    run("merge", lambda: f"{merge_default_graph(stages.store)} distinct triples in the "
                         "default graph (the merge of the named graphs)")
    if write:
        run("report", lambda: _write(paths, stages.store, report))
        run("store", lambda: _write_disk_store(paths))
        run("owl-dl", lambda: write_dl_artefact(data.graphs, paths.dataset_owl_dl,
                                                report.build_id))
    return report


_DUMP_PREFIXES = {prefix: str(ns) for prefix, ns in PREFIXES.items()}


def _write(paths: ProjectPaths, store: ox.Store, report: BuildReport) -> str:
    """Write the dumps and reports atomically (temporary file, then rename)."""
    paths.reports_dir.mkdir(parents=True, exist_ok=True)
    for target, fmt in ((paths.dataset_trig, ox.RdfFormat.TRIG),
                        (paths.dataset_nq, ox.RdfFormat.N_QUADS)):
        tmp = target.with_suffix(target.suffix + ".tmp")
        store.dump(str(tmp), format=fmt, prefixes=_DUMP_PREFIXES)
        tmp.replace(target)
    validation = Graph()
    for outcome in report.outcomes.values():
        for triple in outcome.report_graph:
            validation.add(triple)
    validation.serialize(paths.reports_dir / "validation.ttl", format="turtle")
    summary = {
        "build_id": report.build_id,
        "steps": [{"step": s, "seconds": round(t, 3), "detail": d} for s, t, d in report.steps],
        "violations": report.violations,
        "warnings": report.warnings,
        "warnings_by_graph": {g: [r.as_dict() for r in o.warnings]
                              for g, o in report.outcomes.items() if o.warnings},
    }
    (paths.reports_dir / "summary.json").write_text(json.dumps(summary, indent=2))
    (paths.reports_dir / "summary.md").write_text(_summary_markdown(report))
    (paths.build_dir / "build-id").write_text(report.build_id + "\n")
    bundled = write_bundle(paths, report.build_id)
    return (f"{paths.dataset_nq.relative_to(paths.root)}, {paths.dataset_trig.name}, reports/, "
            f"served/ ({bundled} files)")


def _write_disk_store(paths: ProjectPaths) -> str:
    """The dump as the on-disk store every server process opens read-only."""
    disk = write_store(paths.dataset_nq)
    size = sum(p.stat().st_size for p in disk.folder.iterdir() if p.is_file())
    return (f"{disk.folder.relative_to(paths.root)}/ ({disk.quads} quads, "
            f"{size / 1048576:.1f} MiB), opened read-only by the server")


def _summary_markdown(report: BuildReport) -> str:
    lines = [f"# Build {report.build_id}", "", "| step | seconds | detail |", "|---|---|---|"]
    lines += [f"| {s} | {t:.2f} | {d} |" for s, t, d in report.steps]
    lines += ["", f"Violations: {report.violations}. Warnings: {report.warnings}.", ""]
    for graph, outcome in report.outcomes.items():
        for r in outcome.warnings:
            lines.append(f"- {graph}: <{r.focus}> {r.path} — {r.message} ({r.shape_name})")
    return "\n".join(lines) + "\n"
