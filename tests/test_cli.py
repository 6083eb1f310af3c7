"""The ``iacml`` command line: query and validate (exit 0 conforms, 1 violations, 2 error)."""

from __future__ import annotations

import json
import re
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


# ---- errors a person can act on: one line with the place, exit 2 (issue 20) ----

DATED = """\
@base <https://w3id.org/iacml/id/> .
@prefix iacml: <https://w3id.org/iacml/ontology#> .
@prefix schema: <https://schema.org/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .

<activity/20/test-date> a iacml:Workshop ;
    iacml:cycle <cycle/20> ;
    schema:startDate "2019-02-30"^^xsd:date ;
    skos:altLable "Test"@en .
"""


def test_validate_missing_file_is_one_line_exit_2(tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["validate", "missing.ttl"]) == 2
    err = capsys.readouterr().err
    assert err == "error: missing.ttl: cannot read: No such file or directory\n"


def test_debug_shows_the_traceback(tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["validate", "missing.ttl", "--debug"]) == 2
    err = capsys.readouterr().err
    assert "Traceback (most recent call last)" in err and "FileNotFoundError" in err
    assert err.endswith("error: missing.ttl: cannot read: No such file or directory\n")


def test_validate_syntax_error_has_line_and_column(tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.chdir(tmp_path)
    # the third statement has one term too many: the parser stops at `ex:g`, column 16
    Path("bad.ttl").write_text("@prefix ex: <http://ex/> .\nex:a ex:b ex:c .\n"
                               "ex:d ex:e ex:f ex:g .\n")
    assert main(["validate", "bad.ttl"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: bad.ttl:3:16: cannot parse as turtle: "), err
    assert err.count("\n") == 1 and "b'" not in err and "^" not in err


def test_query_syntax_error_is_placed_in_the_users_text(dataset_path: Path, capsys) -> None:
    assert main(["query", "SELECT * WHERE { ?s ?p }"]) == 2
    err = capsys.readouterr().err
    # the closing brace is at line 1, column 25 of what was typed (the project's
    # prefixes are not prepended to the text, so they cannot shift the position)
    assert err.startswith("error: <query>:1:25: SPARQL syntax error: expected"), err
    assert "Traceback" not in err


def test_query_file_error_names_the_file(dataset_path: Path, tmp_path: Path, capsys) -> None:
    path = tmp_path / "broken.rq"
    path.write_text("SELECT ?s\nWHERE {\n  ?s nope:p ?o\n}\n")
    assert main(["query", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: {path}:3:12: SPARQL syntax error: unknown prefix nope:"), err


def test_query_names_a_missing_file(dataset_path: Path, capsys) -> None:
    assert main(["query", "nonexistent.rq"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: nonexistent.rq: no such file"), err


def test_query_reads_a_file(dataset_path: Path, tmp_path: Path, capsys) -> None:
    path = tmp_path / "ask.rq"
    path.write_text("ASK { <https://w3id.org/iacml/id/country/ECU> a iacml:Country }\n")
    assert main(["query", str(path)]) == 0
    assert capsys.readouterr().out.strip() == "true"


def test_impossible_date_is_named_and_unknown_term_warned(tmp_path: Path, dataset_path: Path,
                                                          capsys, caplog) -> None:
    path = tmp_path / "dated.ttl"
    path.write_text(DATED)
    assert main(["validate", str(path), "-f", "json"]) == 1
    results = json.loads(capsys.readouterr().out)["results"]
    messages = [r["message"] for r in results]
    # 2019 is not a leap year: February has 28 days
    assert any("\"2019-02-30\"^^xsd:date is an impossible date: February 2019 has 28 days" in m
               and m.startswith(f"{path}:9:22: ") for m in messages), messages
    assert not any("must be an xsd:date" in m for m in messages), messages
    warning = next(r for r in results if r["shape_name"] == "Vocabulary check")
    assert warning["severity"] == "Warning"
    assert warning["message"].startswith(f"{path}:10:5: skos:altLable is not a term of skos:")
    assert warning["message"].endswith("did you mean skos:altLabel?")
    # rdflib's own logged traceback for the literal is not shown on top
    assert not any("Failed to convert" in r.getMessage() for r in caplog.records)


QUOTED = ENTRY.replace("Chair: Minister of Labor of Ecuador",
                       "the Ministries of Labor of Barbados - Chair of the XX IACML")


def test_quote_not_found_shows_the_closest_passage(tmp_path: Path, dataset_path: Path,
                                                   capsys) -> None:
    path = tmp_path / "quote.ttl"
    path.write_text(QUOTED.replace("{code}", "ECU"))
    assert main(["validate", str(path), "-f", "json"]) == 1
    results = json.loads(capsys.readouterr().out)["results"]
    message = next(r["message"] for r in results if r["shape_name"] == "Quote check")
    # source 003 line 139 prints "the Ministries of Labor of Barbados – Chair of the XX
    # IACML –, Mexico, ..." with an en dash where the quote has a hyphen
    assert message.startswith(f"{path}:14:23: passage of "), message
    assert ('closest passage (source 003, line 139): "the Ministries of Labor of Barbados – '
            'Chair of the XX IACML"') in message
    assert ("the quote has '-' (U+002D HYPHEN-MINUS) where the source has '–' "
            "(U+2013 EN DASH)") in message


@pytest.mark.parametrize("name, text, expected", [
    # a missing ':' after the key at line 3
    ("bad.jsonld", '{"@context": {"ex": "http://ex/"},\n "@id": "ex:a",\n "ex:p" "x"}\n',
     r"bad\.jsonld:3:\d+: cannot parse as json-ld: \S"),
    # the closing tag of line 4 does not match the open rdf:Description (where the
    # parser says the line, the message starts with it)
    ("bad.rdf", '<?xml version="1.0"?>\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-'
     'rdf-syntax-ns#">\n<rdf:Description rdf:about="http://ex/a">\n</rdf:RDF>\n',
     r"bad\.rdf(:4:\d+)?: cannot parse as xml: \S"),
])
def test_other_formats_errors_are_one_placed_line(name: str, text: str, expected: str,
                                                  tmp_path: Path, monkeypatch,
                                                  capsys) -> None:
    monkeypatch.chdir(tmp_path)
    Path(name).write_text(text)
    assert main(["validate", name]) == 2
    err = capsys.readouterr().err
    assert re.match(f"error: {expected}", err) and err.count("\n") == 1, err


ATTENDED = ("The meetings were attended by officials from at least 20 Ministries of Labor "
            "–the presence of 27 Ministries in the virtual meeting is noteworthy-, "
            "representatives of the Business Technical Advisory Committee on Labor Matters "
            "(CEATAL), the Trade Union Technical Advisory Council (COSATE), and experts from "
            "the following international organizations: the International Labor Organization "
            "(ILO), the Pan American Health Organization (PAHO), the International "
            "Organization for Migration (IOM), the Ibero-American Social Security "
            "Organization (OISS), the Inter-American Development Bank (IDB), the World Bank, "
            "and the OAS.")


def test_entry_repeating_a_fact_of_the_dataset_is_warned(tmp_path: Path, dataset_path: Path,
                                                         capsys) -> None:
    # data/ttl/source-000.ttl has the ILO's participation in the Quito meeting of WG2
    # from this passage of source 000; the entry says it again under a new IRI
    path = tmp_path / "again.ttl"
    path.write_text(f"""\
@base <https://w3id.org/iacml/id/> .
@prefix iacml: <https://w3id.org/iacml/ontology#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix oa: <http://www.w3.org/ns/oa#> .
<activity/20/wg2-meeting-quito> iacml:participation
    <activity/20/wg2-meeting-quito/participation/ilo-again> .
<activity/20/wg2-meeting-quito/participation/ilo-again> a iacml:Participation ;
    iacml:participant <org/ilo> ;
    iacml:participantRole iacml:Participant ;
    prov:wasDerivedFrom [ a iacml:Passage ; oa:hasSource <source/000> ;
        oa:hasSelector [ a oa:TextQuoteSelector ; oa:exact "{ATTENDED}" ] ] .
""")
    main(["validate", str(path), "-f", "json"])
    results = json.loads(capsys.readouterr().out)["results"]
    duplicates = [r for r in results if r["shape_name"] == "Duplicate claim check"]
    assert len(duplicates) == 1, results
    assert duplicates[0]["severity"] == "Warning"
    assert duplicates[0]["message"].startswith(
        f"{path}:7:1: <https://w3id.org/iacml/id/activity/20/wg2-meeting-quito/participation/"
        "ilo-again> and <https://w3id.org/iacml/id/activity/20/wg2-meeting-quito/"
        "participation/ilo> (https://w3id.org/iacml/graph/source/000) claim the same passage")
