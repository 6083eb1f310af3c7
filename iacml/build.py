"""``iacml build``: the repository turned into the dataset the server loads.

parse → check quotes → derive shortcuts and reason (per source graph) → QC
queries → SHACL (per source graph) → write ``build/``. Any failure raises
BuildError listing every problem with the file and the resource concerned.
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
from .pipeline.parse import LoadedData, load_data_files, load_ontology, load_shapes
from .pipeline.qc import run_qc
from .pipeline.quotes import load_source_texts, resolve_passages
from .pipeline.reasoning import reason_per_graph
from .pipeline.shapes import ValidationOutcome, validate_graph
from .reference import build_reference
from .store import add_graph


@dataclass
class BuildReport:
    """What a build did: per-step times and counts, and the validation outcomes."""

    steps: list[tuple[str, float, str]] = field(default_factory=list)
    outcomes: dict[str, ValidationOutcome] = field(default_factory=dict)
    build_id: str = ""

    @property
    def violations(self) -> int:
        return sum(len(o.violations) for o in self.outcomes.values())

    @property
    def warnings(self) -> int:
        return sum(len(o.warnings) for o in self.outcomes.values())


class _Steps:
    """Times each step and prints one line per step."""

    def __init__(self, report: BuildReport, echo: Callable[[str], None]):
        self.report, self.echo = report, echo

    def run(self, name: str, func: Callable[[], str]) -> None:
        start = time.perf_counter()
        detail = func()
        elapsed = time.perf_counter() - start
        self.report.steps.append((name, elapsed, detail))
        self.echo(f"{name:<12} {elapsed:6.2f} s  {detail}")


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


def build(paths: ProjectPaths | None = None, echo: Callable[[str], None] = print,
          write: bool = True) -> BuildReport:
    """Run the whole build; write ``build/`` unless ``write`` is False."""
    paths = paths or ProjectPaths.default()
    report = BuildReport(build_id=build_id(paths))
    steps = _Steps(report, echo)
    data = LoadedData()
    state: dict = {}

    def parse() -> str:
        load_ontology(paths.ontology_dir, data)
        load_data_files(paths.ttl_dir, data)
        state["sources"] = build_reference(paths.reference_dir, paths.sources_dir,
                                           data.graph(G_REFERENCE), data.graph(G_LINKS))
        data.graph(G_CURATION)
        state["shapes"] = load_shapes(paths.shapes_dir)
        total = sum(len(g) for g in data.graphs.values())
        return f"{len(data.graphs)} graphs, {total} triples, {len(state['shapes'])} shape triples"

    def quotes() -> str:
        texts = load_source_texts(state["sources"])
        problems, count = [], 0
        for name, graph in data.graphs.items():
            n, found = resolve_passages(graph, texts, data.file_of(name))
            count += n
            problems += found
        if problems:
            raise BuildError(f"{len(problems)} quote mismatches:\n"
                             + "\n".join(str(p) for p in problems))
        return f"{count} passages located, 0 quote mismatches"

    def reason() -> str:
        context = Graph()
        for triple in data.graphs[G_REFERENCE]:
            context.add(triple)
        for triple in data.graph(G_ONTOLOGY):
            context.add(triple)
        state["context"] = context
        names = fact_graph_names(data)
        per_graph = reason_per_graph({n: data.graph(n) for n in names}, context,
                                     data.graph(G_ONTOLOGY))
        inferred_all = data.graph(G_INFERRED)
        for inferred in per_graph.values():
            for triple in inferred:
                inferred_all.add(triple)
        state["inferred"] = per_graph
        return f"{len(inferred_all)} inferred triples in graph/inferred"

    def load_store() -> str:
        store = ox.Store()
        for name, graph in data.graphs.items():
            add_graph(store, graph, name)
        state["store"] = store
        return f"{len(store)} quads"

    def qc() -> str:
        count, findings = run_qc(state["store"], paths.qc_dir)
        if findings:
            text = "\n".join(str(f) for f in findings)
            legend = [f"  {name} is read from {data.file_of(name)}"
                      for name in data.graphs if str(name) in text]
            raise BuildError(f"{sum(len(f.rows) for f in findings)} QC rows:\n{text}\n"
                             + "\n".join(legend))
        return f"{count} QC queries, 0 rows"

    def validate() -> str:
        for name in fact_graph_names(data):
            report.outcomes[str(name)] = validate_graph(
                data.graph(name), state["context"], state["shapes"], state["inferred"][name])
        if report.violations:
            lines = [f"{report.violations} SHACL violations:"]
            for name, outcome in report.outcomes.items():
                for r in outcome.violations:
                    lines.append(f"{data.file_of(URIRef(name))}: <{r.focus}> {r.path} "
                                 f"{r.value} — {r.message} [{r.shape_name or r.source_shape}]")
            raise BuildError("\n".join(lines))
        return f"0 violations, {report.warnings} warnings"

    steps.run("parse", parse)
    steps.run("quotes", quotes)
    steps.run("reason", reason)
    steps.run("store", load_store)
    steps.run("qc", qc)
    steps.run("validate", validate)
    if write:
        steps.run("write", lambda: _write(paths, state["store"], report))
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
    return f"{paths.dataset_nq.relative_to(paths.root)}, {paths.dataset_trig.name}, reports/"


def _summary_markdown(report: BuildReport) -> str:
    lines = [f"# Build {report.build_id}", "", "| step | seconds | detail |", "|---|---|---|"]
    lines += [f"| {s} | {t:.2f} | {d} |" for s, t, d in report.steps]
    lines += ["", f"Violations: {report.violations}. Warnings: {report.warnings}.", ""]
    for graph, outcome in report.outcomes.items():
        for r in outcome.warnings:
            lines.append(f"- {graph}: <{r.focus}> {r.path} — {r.message} ({r.shape_name})")
    return "\n".join(lines) + "\n"
