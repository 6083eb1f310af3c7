"""Conformance tests as data: every named SHACL shape of ``shapes/*.ttl`` is
documented and has a conforming and a non-conforming example under
``tests/shapes/<ShapeLocalName>/``.

Each example is validated as the build validates a graph: example ∪ ontology,
their OWL 2 RL closure, then pySHACL with no inference
(``iacml.pipeline.shapes.validate_graph``). ``valid.ttl`` must give no result at all
(neither violation nor warning); ``invalid.ttl``, and any further
``invalid-<aspect>.ttl`` exercising another constraint of the same shape, must
give at least one result from the shape under test (or a blank-node shape it
holds) and none from any other shape; the results of a shape declared
``sh:severity sh:Warning`` must be warnings. Examples are validated once, in two
worker processes (owlrl is slow: about 0.7 s of CPU per example); the ontology
is parsed once per process.
"""

from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor
from functools import cache
from pathlib import Path

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, XSD

from iacml.namespaces import SH, SHAPES
from iacml.pipeline.parse import load_shapes, parse_turtle
from iacml.pipeline.shapes import validate_graph

ROOT = Path(__file__).resolve().parent.parent
SHAPES_DIR = ROOT / "shapes"
EXAMPLES_DIR = ROOT / "tests" / "shapes"
ONTOLOGY_DIR = ROOT / "ontology"
KINDS = ("valid", "invalid")

# Predicates through which a shape holds other (blank-node) shapes.
_SHAPE_LINKS = (SH.property, SH.node, SH["not"], SH.qualifiedValueShape)
_SHAPE_LISTS = (SH["or"], SH["and"], SH.xone)


@cache
def shapes_graph() -> Graph:
    """All shapes of shapes/*.ttl, parsed once per process."""
    return load_shapes(SHAPES_DIR)


@cache
def ontology_graph() -> Graph:
    """The ontology (ontology/*.ttl), parsed once per process."""
    graph = Graph()
    for path in sorted(ONTOLOGY_DIR.glob("*.ttl")):
        parse_turtle(path, graph)
    return graph


def named_shapes(shapes: Graph) -> list[URIRef]:
    """The shapes with an IRI in the iacmlsh: namespace, sorted."""
    found = set()
    for kind in (SH.NodeShape, SH.PropertyShape):
        found.update(s for s in shapes.subjects(RDF.type, kind) if isinstance(s, URIRef))
    return sorted(s for s in found if str(s).startswith(str(SHAPES)))


def held_shapes(shapes: Graph, shape: URIRef) -> set:
    """``shape`` and every blank-node shape reachable from it (sh:property, sh:node,
    sh:not, sh:qualifiedValueShape, members of sh:or / sh:and / sh:xone lists)."""
    seen = {shape}
    todo = [shape]
    while todo:
        node = todo.pop()
        children = [o for p in _SHAPE_LINKS for o in shapes.objects(node, p)]
        for p in _SHAPE_LISTS:
            for head in shapes.objects(node, p):
                children.extend(Collection(shapes, head))
        for child in children:
            if isinstance(child, BNode) and child not in seen:
                seen.add(child)
                todo.append(child)
    return seen


@cache
def shape_owners() -> dict[str, set[str]]:
    """For every shape node (as a string), the local names of the named shapes holding it."""
    shapes = shapes_graph()
    owners: dict[str, set[str]] = {}
    for shape in named_shapes(shapes):
        local = local_name(shape)
        for node in held_shapes(shapes, shape):
            owners.setdefault(str(node), set()).add(local)
    return owners


def local_name(shape: URIRef) -> str:
    """The part of a shape IRI after ``iacmlsh:``."""
    return str(shape)[len(str(SHAPES)):]


def example_path(shape_local: str, kind: str) -> Path:
    """The example ``tests/shapes/<ShapeLocalName>/<kind>.ttl``."""
    return EXAMPLES_DIR / shape_local / f"{kind}.ttl"


def invalid_examples(shape_local: str) -> list[Path]:
    """invalid.ttl and any invalid-<aspect>.ttl of a shape."""
    return sorted((EXAMPLES_DIR / shape_local).glob("invalid*.ttl"))


def validate_example(path: Path) -> list[tuple[str, str, str, str, str]]:
    """Validate one example file; one row (owning shapes, severity, focus, path, message)
    per result, the owning shapes being the named shapes that hold the result's
    sh:sourceShape, comma-separated."""
    shapes = shapes_graph()
    owners = shape_owners()
    try:
        outcome = validate_graph(parse_turtle(path), context=ontology_graph(), shapes=shapes)
    except Exception as exc:  # reported as a result row, so that one bad file fails its own test
        return [("!error", "Error", str(path), "", f"{type(exc).__name__}: {exc}")]
    return [(",".join(sorted(owners.get(r.source_shape, {"?" + r.source_shape}))),
             r.severity, r.focus, r.path, r.message) for r in outcome.results]


SHAPE_NAMES = [local_name(s) for s in named_shapes(shapes_graph())]
EXAMPLE_FILES = [example_path(name, "valid") for name in SHAPE_NAMES] + [
    path for name in SHAPE_NAMES for path in invalid_examples(name)]


@pytest.fixture(scope="module")
def outcomes(request: pytest.FixtureRequest) -> dict[Path, list[tuple[str, str, str, str, str]]]:
    """Validation rows of the example files of the shapes selected in this session
    (all by default; ``-k FooShape`` validates only FooShape's), computed once in
    two processes."""
    selected = {item.callspec.params["name"] for item in request.session.items
                if getattr(item, "originalname", "") in _USES_OUTCOMES
                and hasattr(item, "callspec")}
    files = [p for p in EXAMPLE_FILES if p.exists() and p.parent.name in selected]
    workers = min(2, os.cpu_count() or 1)
    with ProcessPoolExecutor(max_workers=workers) as pool:
        return dict(zip(files, pool.map(validate_example, files, chunksize=4), strict=True))


_USES_OUTCOMES = ("test_valid_example_conforms", "test_invalid_examples_fail_this_shape_only")


def _show(rows: list[tuple[str, str, str, str, str]]) -> str:
    return "\n".join(f"  [{owner}] {sev}: <{focus}> {path} {msg}" for owner, sev, focus, path, msg
                     in rows)


def test_there_are_shapes() -> None:
    assert len(SHAPE_NAMES) >= 30, SHAPE_NAMES


def test_every_targeting_shape_is_named() -> None:
    """A shape with a target is a named shape, so that it has examples and a test."""
    shapes = shapes_graph()
    targets = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)
    targeting = {s for t in targets for s in shapes.subjects(t, None)}
    unnamed = [s for s in targeting if s not in set(named_shapes(shapes))]
    assert not unnamed, unnamed


def test_no_examples_without_a_shape() -> None:
    """Every folder under tests/shapes/ belongs to an existing shape."""
    stale = sorted(d.name for d in EXAMPLES_DIR.iterdir()
                   if d.is_dir() and d.name not in SHAPE_NAMES and not d.name.startswith("_"))
    assert not stale, stale


def test_month_day_dates_survive_reasoning() -> None:
    """validate_graph leaves rdflib's literal converters as it found them. owlrl
    (improved_datatypes, its default) leaves behind an xsd:gMonthDay converter that
    rejects every valid value: literals created afterwards ("--05-16", a date printed
    without a year) would be ill-typed and DateValueShape would reject them, e.g. in
    a long-running validation service after its first request."""
    validate_graph(Graph(), context=Graph(), shapes=shapes_graph())
    assert Literal("--05-16", datatype=XSD.gMonthDay).ill_typed is not True


@pytest.mark.parametrize("name", SHAPE_NAMES)
def test_shape_is_documented(name: str) -> None:
    shapes = shapes_graph()
    shape = SHAPES[name]
    assert shapes.value(shape, SH.name), f"{name} has no sh:name"
    assert shapes.value(shape, SH.description), f"{name} has no sh:description"


@pytest.mark.parametrize("name", SHAPE_NAMES)
def test_shape_has_examples(name: str) -> None:
    for kind in KINDS:
        assert example_path(name, kind).exists(), f"missing {example_path(name, kind)}"


@pytest.mark.parametrize("name", SHAPE_NAMES)
def test_valid_example_conforms(name: str, outcomes: dict) -> None:
    path = example_path(name, "valid")
    if path not in outcomes:
        pytest.fail(f"missing {path}")
    rows = outcomes[path]
    assert not rows, f"{path} should give no result, got:\n{_show(rows)}"


@pytest.mark.parametrize("name", SHAPE_NAMES)
def test_invalid_examples_fail_this_shape_only(name: str, outcomes: dict) -> None:
    if example_path(name, "invalid") not in outcomes:
        pytest.fail(f"missing {example_path(name, 'invalid')}")
    for path in invalid_examples(name):
        rows = outcomes[path]
        mine = [r for r in rows if name in r[0].split(",")]
        others = [r for r in rows if name not in r[0].split(",")]
        assert mine, f"{path} should give a result from {name}, got:\n{_show(rows)}"
        assert not others, f"{path} gives results from other shapes:\n{_show(others)}"
        if (SHAPES[name], SH.severity, SH.Warning) in shapes_graph():
            assert {r[1] for r in mine} == {"Warning"}, f"{path}: soft rule:\n{_show(mine)}"
