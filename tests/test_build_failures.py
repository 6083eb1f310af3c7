"""The build refuses bad input, naming the file and the resource.

Each test builds a small copy of the project (the real ontology, shapes, QC
queries, sources and reference tables, plus one data file) in a temporary
folder, so the real data is never touched.
"""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest

from iacml.build import build
from iacml.errors import BuildError
from iacml.paths import ProjectPaths

ROOT = Path(__file__).resolve().parent.parent

PREFIXES = """\
@base <https://w3id.org/iacml/id/> .
@prefix iacml: <https://w3id.org/iacml/ontology#> .
@prefix schema: <https://schema.org/> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix oa: <http://www.w3.org/ns/oa#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""

COOPERATION_QUOTE = "On-site visit from Honduras to Colombia on Child Labor"
MEETING_QUOTE = "First Meeting: Quito, Ecuador, December 3 and 4, 2019"


def passage(quote: str) -> str:
    return (f'prov:wasDerivedFrom [ a iacml:Passage ; oa:hasSource <source/003> ; '
            f'oa:hasSelector [ a oa:TextQuoteSelector ; oa:exact "{quote}" ] ]')


def mini_project(tmp_path: Path, name: str, body: str) -> ProjectPaths:
    """A project with the real schema and sources and one data file ``name``."""
    for folder in ("ontology", "shapes", "queries/qc", "data/sources", "data/reference"):
        shutil.copytree(ROOT / folder, tmp_path / folder)
    (tmp_path / "data" / "ttl").mkdir()
    (tmp_path / "data" / "ttl" / name).write_text(PREFIXES + textwrap.dedent(body))
    return ProjectPaths(tmp_path)


def build_error(paths: ProjectPaths) -> str:
    with pytest.raises(BuildError) as info:
        build(paths, echo=lambda _line: None, write=False)
    return str(info.value)


def test_quote_not_in_source(tmp_path: Path) -> None:
    paths = mini_project(tmp_path, "source-003.ttl", f"""
        <activity/20/test-meeting> a iacml:WorkingGroupMeeting ;
            schema:startDate "2019-12-03"^^xsd:date ;
            {passage("First Meeting: Lima, Peru, December 3 and 4, 2019")} .
    """)
    message = build_error(paths)
    assert "quote not found" in message
    assert "source-003.ttl" in message
    assert "activity/20/test-meeting" in message


def test_ambiguous_quote(tmp_path: Path) -> None:
    paths = mini_project(tmp_path, "source-003.ttl", f"""
        <activity/20/test-meeting> a iacml:WorkingGroupMeeting ;
            schema:startDate "2019-12-03"^^xsd:date ;
            {passage("Ministry")} .
    """)
    message = build_error(paths)
    assert "times in source 003" in message and "activity/20/test-meeting" in message


def test_turtle_syntax_error_names_file_and_line(tmp_path: Path) -> None:
    paths = mini_project(tmp_path, "source-003.ttl", """
        <activity/20/a> a iacml:Activity .
        <activity/20/b> a iacml:Activity ;;; oops
    """)
    message = build_error(paths)
    assert "source-003.ttl:10" in message, message
    assert "syntax error" in message


def test_unclosed_iri_is_a_syntax_error(tmp_path: Path) -> None:
    # rdflib reads an unclosed '<' up to the next '>' as one "IRI" with spaces in it
    paths = mini_project(tmp_path, "source-003.ttl", """
        <activity/20/a> a iacml:Activity .
        <activity/20/b a iacml:Activity .
        <activity/20/c> a iacml:Activity .
    """)
    message = build_error(paths)
    assert "source-003.ttl" in message and "is not an IRI" in message, message
    assert "activity/20/b a iacml:Activity" in message, message


def test_provider_is_recipient(tmp_path: Path) -> None:
    paths = mini_project(tmp_path, "source-003.ttl", f"""
        <cooperation/20/col-hnd-test> a iacml:BilateralCooperation ;
            iacml:party <ministry/COL> ;
            iacml:provider <ministry/COL> ;
            iacml:recipient <ministry/COL> ;
            iacml:status iacml:Completed ;
            iacml:modality iacml:OnSiteVisit ;
            schema:startDate "2018-08-27"^^xsd:date ;
            {passage(COOPERATION_QUOTE)} .
    """)
    message = build_error(paths)
    assert "violation" in message.lower()
    assert "source-003.ttl" in message and "cooperation/20/col-hnd-test" in message
    assert "recipient" in message


def test_end_before_start(tmp_path: Path) -> None:
    paths = mini_project(tmp_path, "source-003.ttl", f"""
        <activity/20/test-meeting> a iacml:WorkingGroupMeeting ;
            schema:startDate "2019-12-04"^^xsd:date ;
            schema:endDate "2019-12-03"^^xsd:date ;
            {passage(MEETING_QUOTE)} .
    """)
    message = build_error(paths)
    assert "violation" in message.lower()
    assert "source-003.ttl" in message and "activity/20/test-meeting" in message
    assert "endDate" in message


def test_fact_without_provenance(tmp_path: Path) -> None:
    paths = mini_project(tmp_path, "source-003.ttl", """
        <activity/20/test-meeting> a iacml:WorkingGroupMeeting ;
            schema:startDate "2019-12-03"^^xsd:date .
    """)
    message = build_error(paths)
    assert "source-003.ttl" in message and "activity/20/test-meeting" in message
    assert "provenance" in message.lower() or "wasDerivedFrom" in message


def test_file_name_must_name_its_graph(tmp_path: Path) -> None:
    paths = mini_project(tmp_path, "notes.ttl", "<a> a iacml:Activity .\n")
    assert "notes.ttl" in build_error(paths)


def test_inconsistency_found_by_reasoning(tmp_path: Path) -> None:
    """A Country used as a Ministry (model.md pitfall 2): the ontology's disjointness
    axioms make the OWL RL closure inconsistent, and the build says so."""
    paths = mini_project(tmp_path, "source-003.ttl", f"""
        <cooperation/20/col-hnd-test> a iacml:BilateralCooperation ;
            iacml:provider <ministry/COL> ;
            iacml:recipient <country/HND> ;
            iacml:status iacml:Completed ;
            iacml:modality iacml:OnSiteVisit ;
            schema:startDate "2018-08-27"^^xsd:date ;
            {passage(COOPERATION_QUOTE)} .
    """)
    message = build_error(paths)
    assert "source-003.ttl" in message
    assert "country/HND" in message


# ---- places and hints (issue 20) ----

NOTEWORTHY = ("Especially noteworthy is their participation in the preparatory process "
              "leading up to the XXI IACML")


def test_syntax_error_has_column(tmp_path: Path) -> None:
    paths = mini_project(tmp_path, "source-003.ttl", """
        <activity/20/a> a iacml:Activity .
        <activity/20/b> a iacml:Activity <activity/20/c> .
    """)
    # line 10 (7 prefix lines, a blank one, the first statement): after the object
    # iacml:Activity, at column 34, the parser expected the statement to end
    message = build_error(paths)
    assert message.endswith("source-003.ttl:10:34: Turtle syntax error: expected '.' or '}' "
                            "or ']' at end of statement"), message


def test_impossible_date_is_named_with_its_place(tmp_path: Path) -> None:
    paths = mini_project(tmp_path, "source-003.ttl", f"""
        <activity/20/test-meeting> a iacml:WorkingGroupMeeting ;
            schema:startDate "2019-02-30"^^xsd:date ;
            {passage(MEETING_QUOTE)} .
    """)
    message = build_error(paths)
    # the literal starts at line 10, column 22 (after 7 prefix lines and a blank one)
    assert "source-003.ttl:10:22: violation: \"2019-02-30\"^^xsd:date is an " \
           "impossible date: February 2019 has 28 days" in message, message


def test_quote_mismatch_shows_the_closest_passage(tmp_path: Path) -> None:
    # source 003 prints "Preparatory Meetings of the XXI IACML - First Preparatory
    # Meeting: Quito, Ecuador, December 5, 2019": the quote below says Lima
    paths = mini_project(tmp_path, "source-003.ttl", f"""
        <activity/20/test-meeting> a iacml:PreparatoryMeeting ;
            {passage("First Preparatory Meeting: Lima, Ecuador, December 5, 2019")} .
    """)
    message = build_error(paths)
    assert ("source-003.ttl:10:125: passage of <https://w3id.org/iacml/id/activity/20/"
            "test-meeting>: quote not found in source 003") in message, message
    assert 'closest passage (source 003, line ' in message
    assert '"First Preparatory Meeting: Quito, Ecuador, December 5, 2019"' in message
    assert 'the quote has "Lima" where the source has "Quito"' in message


def test_unknown_term_and_duplicate_claim_are_warned(tmp_path: Path) -> None:
    # the shapes' own conforming example (tests/shapes/ParticipationShape/valid.ttl) with
    # its participation copied under a second IRI, and a misspelt skos:altLabel
    webinars = "Webinars co-organized by ILO, PAHO and OAS on mental health at work"
    paths = mini_project(tmp_path, "source-003.ttl", f"""
        <activity/20/test-webinars> a iacml:Webinar ;
            schema:startDate "2018-04"^^xsd:gYearMonth ;
            iacml:participation <activity/20/test-webinars/participation/ilo> ,
                <activity/20/test-webinars/participation/ilo-2> ;
            {passage(webinars)} .
        <activity/20/test-webinars/participation/ilo> a iacml:Participation ;
            iacml:participant <org/ilo> ;
            iacml:participantRole iacml:CoOrganizer ;
            {passage(webinars)} .
        <activity/20/test-webinars/participation/ilo-2> a iacml:Participation ;
            iacml:participant <org/ilo> ;
            iacml:participantRole iacml:CoOrganizer ;
            {passage(webinars)} .
        <activity/20/test-webinars> skos:altLable "Webinars"@en .
    """)
    lines: list[str] = []
    report = build(paths, echo=lines.append, write=False)
    warnings = [line for line in lines if line.startswith("warning: ")]
    assert any("source-003.ttl:22:29: warning: skos:altLable is not a term of skos:" in line
               and line.endswith("did you mean skos:altLabel?") for line in warnings), lines
    assert any("source-003.ttl:18:1: <https://w3id.org/iacml/id/activity/20/test-webinars/"
               "participation/ilo-2> and <https://w3id.org/iacml/id/activity/20/test-webinars/"
               "participation/ilo> (https://w3id.org/iacml/graph/source/003) claim the same "
               "passage" in line for line in warnings), lines
    assert report.warnings >= 2
