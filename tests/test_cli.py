"""The ``iacml`` command line: query and validate (exit 0 conforms, 1 violations, 2 error)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from iacml.cli import main

ENTRY = """\
@base <https://w3id.org/iacml/id/> .
@prefix iacml: <https://w3id.org/iacml/ontology#> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix oa: <http://www.w3.org/ns/oa#> .

<cycle/20/wg/1/test-chair> a iacml:Membership ;
    org:member <ministry/{code}> ;
    org:organization <cycle/20/wg/1> ;
    org:role iacml:Chair ;
    iacml:cycle <cycle/20> ;
    prov:wasDerivedFrom [ a iacml:Passage ; oa:hasSource <source/003> ;
        oa:hasSelector [ a oa:TextQuoteSelector ;
            oa:exact "Chair: Minister of Labor of Ecuador" ] ] .
"""


@pytest.fixture
def entry(tmp_path: Path, dataset_path: Path):
    def write(code: str) -> Path:
        path = tmp_path / "entry.ttl"
        path.write_text(ENTRY.replace("{code}", code))
        return path
    return write


def test_validate_conforming_entry(entry, capsys) -> None:
    assert main(["validate", str(entry("ECU")), "-f", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["conforms"] is True


def test_validate_unknown_ministry_is_a_violation(entry, capsys) -> None:
    assert main(["validate", str(entry("XYZ")), "-f", "human"]) == 1
    out = capsys.readouterr().out
    assert "ministry/XYZ" in out and "Violation" in out


def test_validate_broken_file_is_an_error(tmp_path: Path, dataset_path: Path, capsys) -> None:
    path = tmp_path / "broken.ttl"
    path.write_text("<a> <b> .\n")
    assert main(["validate", str(path)]) == 2
    assert "broken.ttl" in capsys.readouterr().err


def test_validate_turtle_report(entry, capsys) -> None:
    assert main(["validate", str(entry("XYZ")), "-f", "turtle"]) == 1
    assert "sh:ValidationReport" in capsys.readouterr().out


def test_query_csv(dataset_path: Path, capsys) -> None:
    query = ("SELECT ?label WHERE { <https://w3id.org/iacml/id/country/ECU> "
             "skos:prefLabel ?label FILTER(LANG(?label) = 'en') }")
    assert main(["query", query, "-f", "csv"]) == 0
    assert capsys.readouterr().out.split() == ["label", "Ecuador"]


def test_query_ask(dataset_path: Path, capsys) -> None:
    assert main(["query", "ASK { ?s ?p ?o }"]) == 0
    assert capsys.readouterr().out.strip() == "true"
