"""The incremental check of entries finds what a full validation finds.

``iacml.pipeline.EntryChecker`` validates only what an entry touches, with its
inferences computed by fast rules (or by owlrl over a slice of the context) and the
QC queries run over a slice of the dataset. Here it is compared with

* a full validation (``iacml.pipeline.validate_entry``: owlrl over entry ∪
  registry ∪ ontology from scratch, every shape on every node), on the entries
  of ``tests/fixtures/entries`` together: at least one per shape of
  ``shapes/*.ttl`` (checked below), the QC cases and a valid cooperation;
* the QC queries over the whole built dataset with the entry added.
"""

from __future__ import annotations

import json
import multiprocessing
import re
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, XSD

from iacml.entries import parse_entry
from iacml.namespaces import SH, SHAPES
from iacml.paths import ProjectPaths
from iacml.pipeline import checker_for, validate_entry
from iacml.pipeline.base import load_context
from iacml.pipeline.entry_reasoning import entry_inferences, needs_full_reasoning
from iacml.pipeline.parse import load_shapes
from iacml.pipeline.qc import (
    G_ENTRY,
    G_ENTRY_INFERRED,
    involved_terms,
    qc_dataset,
    run_qc_rows,
)
from iacml.pipeline.quotes import resolve_passages
from iacml.pipeline.reasoning import reasoning_input
from iacml.store import load_dump

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "entries"
EXAMPLES = Path(__file__).resolve().parent / "shapes"
GRAPH_SOURCE = "https://w3id.org/iacml/graph/source/"
_BNODE = re.compile(r"^N?[0-9a-f]{32}(b\d+)?$|^n[0-9a-f]{32}b\d+$|^_:")

# An entry that declares a class of its own: the fast rules do not apply, owlrl runs
# over the relevant slice of the context.
TBOX_ENTRY = """\
@base <https://w3id.org/iacml/id/> .
@prefix iacml: <https://w3id.org/iacml/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
<https://w3id.org/iacml/ontology#TestWorkshopKind> rdfs:subClassOf iacml:Workshop .
<activity/20/test-kind-instance> a <https://w3id.org/iacml/ontology#TestWorkshopKind> ;
    iacml:cycle <cycle/20> ; schema:location "Somewhere" .
""".replace("schema:location", "<https://schema.org/location>")


def _norm(value: str) -> str:
    return "_:" if _BNODE.match(value) else value


def result_keys(outcome) -> set[tuple[str, ...]]:
    """Results comparable across runs: blank nodes made anonymous, shapes by name."""
    return {(r.severity, r.shape_name, _norm(r.focus), r.path, _norm(r.value), r.message)
            for r in outcome.results}


def copy(graph: Graph) -> Graph:
    """A copy keeping the blank nodes (both validations rename passages in place)."""
    out = Graph()
    for triple in graph:
        out.add(triple)
    return out


def _keys(graph: Graph, context: Graph) -> set:
    """The resources an entry describes or mints: the subjects of its triples that
    the registry does not already state, and every id: IRI it uses that the
    registry does not hold."""
    subjects = {s for s, p, o in graph if (s, p, o) not in context}
    minted = {o for o in graph.objects() if isinstance(o, URIRef)
              and str(o).startswith("https://w3id.org/iacml/id/")
              and (o, None, None) not in context}
    return subjects | minted


@pytest.fixture(scope="module")
def groups(paths: ProjectPaths, dataset_path: Path) -> list[Graph]:
    """The fixture entries merged into a few graphs (a few full validations instead of
    48), no two entries of a group describing or minting the same resource, so that
    one cannot supply what another lacks."""
    context = load_context(paths)
    merged: list[tuple[set, Graph]] = []
    for path in entry_files(paths):
        entry = parse_entry(path)
        keys = _keys(entry, context)
        target = next((g for g in merged if not g[0] & keys), None)
        if target is None:
            target = (set(), Graph())
            merged.append(target)
        target[0].update(keys)
        for triple in entry:
            target[1].add(triple)
    return [g for _, g in merged]


@pytest.fixture(scope="module")
def merged(groups: list[Graph]) -> Graph:
    """Every fixture entry in one graph."""
    graph = Graph()
    for group in groups:
        for triple in group:
            graph.add(triple)
    return graph


@pytest.fixture(scope="module")
def checker(paths: ProjectPaths):
    return checker_for(paths)


def named_shapes(paths: ProjectPaths) -> dict[URIRef, str]:
    shapes = load_shapes(paths.shapes_dir)
    return {s: str(shapes.value(s, SH.name)) for s in shapes.subjects(RDF.type, SH.NodeShape)
            if isinstance(s, URIRef) and str(s).startswith(str(SHAPES))}


def shape_entry(key: str) -> Path:
    """The entry that must violate shape ``key``: ours in tests/fixtures/entries, else
    the shape's own non-conforming example (tests/shapes/<key>/invalid.ttl)."""
    own = FIXTURES / f"invalid-{key}.ttl"
    return own if own.exists() else EXAMPLES / key / "invalid.ttl"


def entry_files(paths: ProjectPaths) -> list[Path]:
    """Every fixture entry and the example of each shape that has no fixture of ours."""
    keys = [str(s)[len(str(SHAPES)):] for s in named_shapes(paths)]
    extra = [shape_entry(k) for k in keys if not (FIXTURES / f"invalid-{k}.ttl").exists()]
    return sorted(FIXTURES.glob("*.ttl")) + [p for p in extra if p.exists()]


def test_fixtures_cover_every_shape(paths: ProjectPaths) -> None:
    missing = [str(s) for s in named_shapes(paths)
               if not shape_entry(str(s)[len(str(SHAPES)):]).exists()]
    assert not missing, f"no entry for {missing}"


def full_validation_keys(entry_nt: bytes, root: str) -> tuple[bool, set, set]:
    """Worker: a full validation of an entry given as N-Triples; (conforms, result
    keys, shape names reported)."""
    paths = ProjectPaths(Path(root))
    entry = Graph().parse(data=entry_nt, format="nt")
    outcome = validate_entry(entry, paths, context=load_context(paths))
    return outcome.conforms, result_keys(outcome), {r.shape_name for r in outcome.results}


def test_incremental_finds_what_full_validation_finds(groups: list[Graph], checker,
                                                      paths: ProjectPaths) -> None:
    # the full validations (owlrl: seconds each) run in two processes
    with ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("spawn")) as pool:
        fulls = list(pool.map(full_validation_keys,
                              [g.serialize(format="nt", encoding="utf-8") for g in groups],
                              [str(paths.root)] * len(groups)))
    reported = set()
    for group, (conforms, keys, names) in zip(groups, fulls, strict=True):
        reasoning = checker.base.reasoning
        assert not needs_full_reasoning(reasoning_input(group, reasoning.entailing),
                                        reasoning.tbox)
        fast = checker.check(copy(group), qc=False)
        assert result_keys(fast) == keys
        assert fast.conforms == conforms
        reported |= names
    # the entries cover every shape: each one reports at least one result
    assert set(named_shapes(paths).values()) <= reported


def test_owlrl_slice_path_agrees_with_full_validation(checker, paths: ProjectPaths) -> None:
    entry = Graph().parse(data=TBOX_ENTRY, format="turtle")
    assert needs_full_reasoning(reasoning_input(entry, checker.base.reasoning.entailing))
    full = validate_entry(copy(entry), paths, context=load_context(paths))
    fast = checker.check(copy(entry), qc=False)
    assert result_keys(fast) == result_keys(full)
    # the subclass entailment was needed: the instance is an Activity with no passage
    assert any(r.shape_name == "Fact nodes have a passage" for r in fast.results)
    # owlrl ran in this process and left rdflib's literal converters as they were
    assert Literal("--05-16", datatype=XSD.gMonthDay).ill_typed is not True


def _full_qc(entry: Graph, checker, dataset_path: Path) -> set[tuple]:
    store = load_dump(dataset_path)
    inferred = entry_inferences(entry, checker.base.reasoning)
    for graph, name in ((entry, G_ENTRY), (inferred, G_ENTRY_INFERRED)):
        store.load(graph.serialize(format="nt", encoding="utf-8"),
                   format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(str(name)))
    involved = involved_terms(entry, checker.base.ontology_terms)
    rows = run_qc_rows(store, checker.paths.qc_dir, involved)
    return {(r.query, tuple(sorted((k, _norm(v or "")) for k, v in r.row.items())))
            for r in rows}


def _sliced_qc(entry: Graph, checker) -> set[tuple]:
    base = checker.base
    inferred = entry_inferences(entry, base.reasoning)
    store = qc_dataset(entry, inferred, base.store, base.ontology_nt, base.qc_links)
    rows = run_qc_rows(store, checker.paths.qc_dir, involved_terms(entry, base.ontology_terms))
    return {(r.query, tuple(sorted((k, _norm(v or "")) for k, v in r.row.items())))
            for r in rows}


@pytest.mark.parametrize("name", ["merged", "qc-conflict", "qc-duplicate-article",
                                  "valid-cooperation"])
def test_qc_on_the_slice_finds_what_qc_on_the_whole_dataset_finds(
        name: str, merged: Graph, checker, dataset_path: Path) -> None:
    entry = copy(merged) if name == "merged" else parse_entry(FIXTURES / f"{name}.ttl")
    resolve_passages(entry, checker.base.texts)
    sliced = _sliced_qc(entry, checker)
    assert sliced == _full_qc(entry, checker, dataset_path)
    if name != "valid-cooperation":
        assert sliced, "the QC queries must find something in this entry"
    else:
        assert not sliced


def _source_files(paths: ProjectPaths) -> dict[str, list[Path]]:
    files: dict[str, list[Path]] = {}
    for path in sorted(paths.ttl_dir.glob("source-*.ttl")):
        files.setdefault(path.name[7:10], []).append(path)
    return files


@pytest.mark.parametrize("key", sorted(_source_files(ProjectPaths.default())))
def test_a_source_graph_as_an_entry_gets_what_the_build_found(key: str, checker,
                                                              paths: ProjectPaths) -> None:
    """The transcription of one source, checked as a new entry (quotes, incremental
    SHACL, QC), gives exactly the results the build's full validation gave its graph."""
    from iacml.build import build_id

    if (paths.build_dir / "build-id").read_text().strip() != build_id(paths):
        pytest.skip("build/ is older than the data: run `make build`")
    summary = json.loads((paths.reports_dir / "summary.json").read_text())
    expected = {(w["severity"], w["shape_name"], w["focus"], w["path"], w["value"],
                 w["message"])
                for w in summary["warnings_by_graph"].get(f"{GRAPH_SOURCE}{key}", [])}
    entry = Graph()
    for path in _source_files(paths)[key]:
        for triple in parse_entry(path):
            entry.add(triple)
    outcome = checker.check(entry, files=_source_files(paths)[key])
    assert outcome.conforms
    assert result_keys(outcome) == expected
