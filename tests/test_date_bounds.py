"""Dates a query can compare (issue 14, item 5).

Each expected date is computed here from a verbatim passage of a source text (the test
first checks the passage is in the file), never read from the graph: a printed month or
year stands for its first to its last day, a day printed without its year for that day in
the first to the last year of the period its report states.
"""

from __future__ import annotations

import calendar
import re
from datetime import date
from pathlib import Path

import pyoxigraph as ox
import pytest

from iacml.paths import ProjectPaths

ID = "https://w3id.org/iacml/id/"
GRAPH = "https://w3id.org/iacml/graph/"
IACML = "https://w3id.org/iacml/ontology#"
ROOT = Path(__file__).resolve().parent.parent
MONTHS = {name: i for i, name in enumerate(calendar.month_name) if name}
BOUND_NAMES = {  # the date property and the name of its pair of bounds
    "https://schema.org/startDate": "StartDate",
    "https://schema.org/endDate": "EndDate",
    "https://schema.org/foundingDate": "FoundingDate",
    "http://data.europa.eu/eli/ontology#date_document": "DocumentDate",
}


def source_text(key: str) -> str:
    return next((ROOT / "data" / "sources").glob(f"{key}_*.txt")).read_text(encoding="utf-8")


def printed(key: str, passage: str) -> str:
    """The passage, after checking it is verbatim in source ``key``."""
    assert passage in source_text(key), f"not in source {key}: {passage!r}"
    return passage


def span(expression: str) -> tuple[date, date]:
    """First and last day of a printed English date: "13 September 2021", "March, 2022",
    "December of 2017", "in 2021"."""
    if m := re.search(r"(\d{1,2}) (\w+) (\d{4})", expression):
        day = date(int(m[3]), MONTHS[m[2]], int(m[1]))
        return day, day
    if m := re.search(r"(\w+),? (?:of )?(\d{4})", expression):
        if m[1] in MONTHS:
            year, month = int(m[2]), MONTHS[m[1]]
            return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])
    if m := re.search(r"\bin (\d{4})\b", expression):
        return date(int(m[1]), 1, 1), date(int(m[1]), 12, 31)
    raise ValueError(expression)


def bounds_in(store: ox.Store, graph: str, subject: str, prop: str) -> set[tuple[str, str]]:
    """(earliest, latest) as the build wrote them next to ``prop`` in ``graph``."""
    name = BOUND_NAMES[prop]
    rows = store.query(f"""SELECT ?e ?l WHERE {{ GRAPH <{GRAPH}{graph}> {{
        <{ID}{subject}> <{prop}> ?v ; <{IACML}earliest{name}> ?e ; <{IACML}latest{name}> ?l
        }} }}""")
    return {(r["e"].value, r["l"].value) for r in rows}  # type: ignore[union-attr]


def iso(pair: tuple[date, date]) -> set[tuple[str, str]]:
    return {(pair[0].isoformat(), pair[1].isoformat())}


# (source, passage holding the printed date, graph, subject, property)
PRINTED = [
    ("004", "through which the RIAL/GENDER was created (March, 2022)",
     "source/004", "org/rial-gender", "https://schema.org/foundingDate"),
    ("004", "paid domestic work with rights (March, 2023)",
     "source/004", "activity/21/gender-dialogue-3", "https://schema.org/startDate"),
    ("004", "paid domestic work with rights (March, 2023)",
     "source/004", "activity/21/gender-dialogue-3", "https://schema.org/endDate"),
    ("000", "The Plan of Action of Bridgetown, approved by the XX IACML in December of 2017",
     "source/000", "conference/20/plan-of-action",
     "http://data.europa.eu/eli/ontology#date_document"),
    ("003", "the Course “Gender Violence at work” in 2021.",
     "source/003", "activity/20/course-gender-violence-at-work", "https://schema.org/startDate"),
    ("003", "13 September 2021", "source/003", "report/oea-ser-k-xii-21-1",
     "http://data.europa.eu/eli/ontology#date_document"),
]


@pytest.mark.parametrize(("key", "passage", "graph", "subject", "prop"), PRINTED)
def test_printed_date_gets_its_first_and_last_day(store: ox.Store, key: str, passage: str,
                                                  graph: str, subject: str, prop: str) -> None:
    assert bounds_in(store, graph, subject, prop) == iso(span(printed(key, passage)))


def test_a_day_without_its_year_spans_the_period_of_its_report(store: ox.Store) -> None:
    """004: "held from May 16 to 17" (no year), in a report whose activities run "From 2021
    to 2024"; 003: "launching on April 1", in a report covering "December 2017 to
    September 2021"."""
    printed("004", "held from May 16 to 17 in San José")
    first, last = (int(y) for y in re.findall(r"\d{4}", printed("004", "From 2021 to 2024")))
    workshop = "activity/21/future-of-work-workshop-san-jose"
    start_bounds = bounds_in(store, "source/004", workshop, "https://schema.org/startDate")
    end_bounds = bounds_in(store, "source/004", workshop, "https://schema.org/endDate")
    assert start_bounds == iso((date(first, 5, 16), date(last, 5, 16)))
    assert end_bounds == iso((date(first, 5, 17), date(last, 5, 17)))

    printed("003", "launching on April 1")
    period = printed("003", "The Report covers the period from December 2017 to September 2021")
    begin = span(period.split(" to ")[0].split("from ")[1])[0]  # 2017-12-01
    end = span(period.split(" to ")[1])[1]  # 2021-09-30
    april_firsts = [date(y, 4, 1) for y in range(begin.year, end.year + 1)
                    if begin <= date(y, 4, 1) <= end]
    assert bounds_in(store, "source/003", "activity/20/covid-19-portfolio-launch",
                     "https://schema.org/startDate") == iso((april_firsts[0], april_firsts[-1]))


ONGOING = re.compile(r"Virtual cooperation between [^(\n]*\(\*on-going, \w+ sessions? "
                     r"undertaken on ([^*]+)\*\)")


def session_days(text: str) -> list[date]:
    """The days of "July 14 and August 27, 2021" or "July 16th and August 23rd, 2021"."""
    year = int(re.search(r"(\d{4})", text)[1])  # type: ignore[index]
    return [date(year, MONTHS[m], int(d))
            for m, d in re.findall(r"([A-Z][a-z]+) (\d{1,2})(?:st|nd|rd|th)?", text)]


def test_an_ongoing_cooperation_starts_on_its_first_session(store: ox.Store) -> None:
    """003's annex: "(*on-going, two sessions undertaken on July 14 and August 27, 2021*)"."""
    lines = list(ONGOING.finditer(source_text("003")))
    assert len(lines) == 5  # the five ongoing virtual cooperations of the annex
    for line in lines:
        first = min(session_days(line[1]))
        rows = list(store.query(f"""
            PREFIX iacml: <{IACML}> PREFIX schema: <https://schema.org/>
            PREFIX oa: <http://www.w3.org/ns/oa#> PREFIX prov: <http://www.w3.org/ns/prov#>
            SELECT ?coop ?start ?earliest WHERE {{ GRAPH <{GRAPH}source/003> {{
              ?coop a iacml:BilateralCooperation ; schema:startDate ?start ;
                    iacml:earliestStartDate ?earliest ;
                    prov:wasDerivedFrom/oa:hasSelector/oa:exact ?quote .
              FILTER(CONTAINS(?quote, {_sparql_string(line[0][:60])}))
            }} }}"""))
        assert len(rows) == 1, line[0]
        assert rows[0]["start"] == ox.Literal(  # type: ignore[index]
            first.isoformat(), datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#date"))
        assert rows[0]["earliest"].value == first.isoformat()  # type: ignore[index]


def _sparql_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def test_one_date_range_query_finds_every_activity_of_2023(store: ox.Store) -> None:
    """The example query of the period 2023 finds the activities 004 dates in it.

    queries/examples/08-activities-in-a-period.rq against 004:

    - "From 2021 to 2024 ... in the following activities" (the activities of 2021-2024);
    - "held from May 16 to 17 in San José" (no year: some year of 2021-2024);
    - "paid domestic work with rights (March, 2023)" (the third dialogue on gender);
    - "from May 4 to 5, 2023 in Buenos Aires" (the education and labor workshop);
    - "mainstreaming gender in training ... (July, 2023)" (the fourth dialogue);
    - "held in Washington, D.C. on September 21 and 22, 2023" (the Working Groups).
    No other source reports anything after September 2021.
    """
    for passage in ("From 2021 to 2024", "held from May 16 to 17 in San José",
                    "paid domestic work with rights (March, 2023)",
                    "from May 4 to 5, 2023 in Buenos Aires",
                    "occupational gaps (July, 2023)",
                    "held in Washington, D.C. on September 21 and 22, 2023"):
        printed("004", passage)
    query = (ROOT / "queries" / "examples" / "08-activities-in-a-period.rq").read_text()
    found = [r["activity"].value.removeprefix(ID)  # type: ignore[union-attr]
             for r in store.query(query)]
    assert len(found) == len(set(found))
    assert set(found) == {
        "activity/21/activities-2021-2024", "activity/21/future-of-work-workshop-san-jose",
        "activity/21/gender-dialogue-3", "activity/21/education-labor-workshop-buenos-aires",
        "activity/21/gender-dialogue-4", "activity/21/wg-meetings-washington"}


def test_a_filter_on_the_printed_dates_would_miss_them(store: ox.Store) -> None:
    """Why the bounds exist: comparing an xsd:gYearMonth with an xsd:date is a type error
    in SPARQL, so this FILTER silently drops the dialogue of March 2023."""
    naive = store.query("""PREFIX schema: <https://schema.org/>
        PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
        ASK { <https://w3id.org/iacml/id/activity/21/gender-dialogue-3> schema:startDate ?d
              FILTER(?d >= "2023-01-01"^^xsd:date) }""")
    assert bool(naive) is False


def test_build_refuses_a_yearless_day_where_no_period_is_stated(paths: ProjectPaths) -> None:
    from rdflib import Graph, Literal, URIRef
    from rdflib.namespace import XSD

    from iacml.errors import BuildError
    from iacml.pipeline.datebounds import add_bounds
    from iacml.pipeline.parse import parse_turtle
    graph = Graph()
    graph.add((URIRef(ID + "activity/x"), URIRef("https://schema.org/startDate"),
               Literal("--04-01", datatype=XSD.gMonthDay)))
    ontology = parse_turtle(paths.ontology_dir / "iacml.ttl")
    with pytest.raises(BuildError, match="no year is printed"):
        add_bounds(graph, ontology, "test.ttl")
