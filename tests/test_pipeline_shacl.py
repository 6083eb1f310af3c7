"""pySHACL behind one door (``iacml/pipeline/shacl.py``), and why focus nodes are
validated there with pySHACL's exported classes rather than ``validate(focus_nodes=)``.

The first test pins what pySHACL 0.40.1's ``focus_nodes`` option does: it loses
the violations of ``sh:or`` and ``sh:node`` (their value nodes are filtered like
focus nodes) and cannot name a blank node. If an upgrade fixes both, it fails, and
the adapter can use ``validate()`` alone.
"""

from __future__ import annotations

import re
from pathlib import Path

import pyshacl
from rdflib import BNode, Graph, URIRef

from iacml.pipeline.shacl import FocusValidator, PreparedQueryGraph, _prepared, validate_whole

ROOT = Path(__file__).resolve().parent.parent

SHAPES = """
@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://ex/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
ex:S a sh:NodeShape ; sh:targetClass ex:C ;
  sh:property [ sh:path ex:p ; sh:or ( [ sh:datatype xsd:date ] [ sh:datatype xsd:gYear ] ) ] ;
  sh:property [ sh:path ex:q ; sh:node ex:T ] .
ex:T a sh:NodeShape ; sh:property [ sh:path ex:r ; sh:minCount 1 ] .
ex:I a sh:NodeShape ; sh:targetClass ex:C ; sh:nodeKind sh:IRI .
ex:U a sh:NodeShape ; sh:targetClass ex:C ; sh:sparql [ sh:select
  "SELECT $this WHERE { $this <http://ex/twin> ?x }" ; sh:message "has a twin" ] .
"""
DATA = """
@prefix ex: <http://ex/> .
ex:a a ex:C ; ex:p "not a date" ; ex:q ex:b ; ex:twin ex:a .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
_:blank a ex:C ; ex:p "2020"^^xsd:gYear .
"""


def _graphs() -> tuple[Graph, Graph]:
    shapes = Graph().parse(data=SHAPES, format="turtle")
    data = PreparedQueryGraph()
    data.parse(data=DATA, format="turtle")
    return data, shapes


def _results(report: Graph) -> set[tuple[str, str]]:
    """(focus node, constraint component) of the report's top-level results."""
    sh = "http://www.w3.org/ns/shacl#"
    return {(str(report.value(r, URIRef(sh + "focusNode"))),
             str(report.value(r, URIRef(sh + "sourceConstraintComponent"))).rsplit("#")[-1])
            for r in report.objects(None, URIRef(sh + "result"))}


def _blank(data: Graph) -> BNode:
    return next(s for s in data.subjects() if isinstance(s, BNode))


def test_pyshacl_focus_nodes_option_loses_nested_results_and_blank_nodes() -> None:
    data, shapes = _graphs()
    _, report, _ = pyshacl.validate(data, shacl_graph=shapes, inference="none",
                                    focus_nodes=["http://ex/a", str(_blank(data))])
    found = _results(report)
    # ex:a violates sh:or (its ex:p is no date) and sh:node (ex:b has no ex:r) ...
    assert ("http://ex/a", "OrConstraintComponent") not in found
    assert ("http://ex/a", "NodeConstraintComponent") not in found
    # ... and the blank node violates sh:nodeKind sh:IRI: all three are lost
    assert not any(focus == str(_blank(data)) for focus, _ in found)


def test_focus_validator_finds_what_whole_validation_finds() -> None:
    data, shapes = _graphs()
    _, whole = validate_whole(data, shapes)
    expected = {("http://ex/a", "OrConstraintComponent"),
                ("http://ex/a", "NodeConstraintComponent"),
                ("http://ex/a", "SPARQLConstraintComponent"),
                (str(_blank(data)), "NodeKindConstraintComponent")}
    assert _results(whole) == expected
    conforms, focused = FocusValidator(data, shapes).run({URIRef("http://ex/a"), _blank(data)})
    assert not conforms and _results(focused) == expected
    # a node outside the focus is not validated
    _, only_a = FocusValidator(data, shapes).run({URIRef("http://ex/a")})
    assert _results(only_a) == expected - {(str(_blank(data)), "NodeKindConstraintComponent")}


def test_sparql_constraint_texts_are_parsed_once() -> None:
    data, shapes = _graphs()
    for i in range(20):  # twenty more focus nodes (22 in all) for the SPARQL constraint
        data.parse(data=f"<http://ex/n{i}> a <http://ex/C> ; <http://ex/twin> <http://ex/a> .",
                   format="turtle")
    _prepared.cache_clear()
    _, report = validate_whole(data, shapes)
    assert len([f for f, c in _results(report) if c == "SPARQLConstraintComponent"]) == 21
    info = _prepared.cache_info()
    assert info.misses == 1 and info.hits == 21


def test_pyshacl_is_imported_only_by_the_adapter() -> None:
    importers = []
    for path in sorted((ROOT / "iacml").rglob("*.py")) + sorted((ROOT / "server").rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        if re.search(r"^\s*(from|import) pyshacl\b", text, re.M):
            importers.append(path.relative_to(ROOT).as_posix())
        assert not re.search(r"from pyshacl[\w.]* import [^\n]*\b_\w", text), path
    assert importers == ["iacml/pipeline/shacl.py"]
