"""Dates a query can compare: the earliest and latest day of every date value.

The sources print dates at several precisions, and the graph keeps each as printed
(``xsd:date``, ``xsd:gYearMonth``, ``xsd:gYear``, ``xsd:gMonthDay`` when no year is
printed). SPARQL cannot compare those datatypes with one another: a FILTER comparing a
``"2021"^^xsd:gYear`` with an ``xsd:date`` is an error and silently drops the row. So
the build gives every such value, next to it in the same named graph, the earliest and
the latest ``xsd:date`` it can stand for:

- ``"2021-09-13"^^xsd:date``: that day, twice;
- ``"2021-09"^^xsd:gYearMonth``: 2021-09-01 and 2021-09-30;
- ``"2021"^^xsd:gYear``: 2021-01-01 and 2021-12-31;
- ``"--05-16"^^xsd:gMonthDay``: that day in the first and in the last year of the
  period the source's report covers (its ``schema:temporalCoverage``, e.g.
  "2021/2024" gives 2021-05-16 and 2024-05-16), the only years the source attests.

The printed value is never changed; the bounds are derived, so a curator edits the
printed value only.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from datetime import date

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, XSD

from ..errors import BuildError
from ..namespaces import ELI, G_ONTOLOGY, GRAPH, IACML, SCHEMA

#: Each date property and the pair of properties giving its earliest and latest day.
BOUNDS: dict[URIRef, tuple[URIRef, URIRef]] = {
    SCHEMA.startDate: (IACML.earliestStartDate, IACML.latestStartDate),
    SCHEMA.endDate: (IACML.earliestEndDate, IACML.latestEndDate),
    ELI.date_document: (IACML.earliestDocumentDate, IACML.latestDocumentDate),
    SCHEMA.foundingDate: (IACML.earliestFoundingDate, IACML.latestFoundingDate),
    IACML.sessionDate: (IACML.earliestSessionDate, IACML.latestSessionDate),
    IACML.asOf: (IACML.earliestAsOf, IACML.latestAsOf),
    DCTERMS.date: (IACML.earliestDate, IACML.latestDate),
}

DATE_TYPES = (XSD.date, XSD.gYearMonth, XSD.gYear, XSD.gMonthDay)

_TIMEZONE = r"(?:Z|[+-]\d{2}:\d{2})?"
_DAY = re.compile(rf"^(\d{{4}})-(\d{{2}})-(\d{{2}}){_TIMEZONE}$")
_MONTH = re.compile(rf"^(\d{{4}})-(\d{{2}}){_TIMEZONE}$")
_YEAR = re.compile(rf"^(\d{{4}}){_TIMEZONE}$")
_MONTH_DAY = re.compile(rf"^--(\d{{2}})-(\d{{2}}){_TIMEZONE}$")
# schema:temporalCoverage of a report: "2021/2024", "2017-12/2021-09".
_PERIOD_END = re.compile(r"^(\d{4})(?:-(\d{2}))?$")

Period = tuple[date, date]


def bounds(value: Literal, period: Period | None = None) -> tuple[date, date]:
    """The earliest and latest day a date literal stands for.

    ``period`` (first and last day the source attests) is needed for a value printed
    without its year (``xsd:gMonthDay``); ValueError when it is missing, when the value
    is not a valid lexical form of its datatype, or when the day falls in no year of it.
    """
    text = str(value)
    if value.datatype == XSD.date and (m := _DAY.match(text)):
        day = date(int(m[1]), int(m[2]), int(m[3]))
        return day, day
    if value.datatype == XSD.gYearMonth and (m := _MONTH.match(text)):
        year, month = int(m[1]), int(m[2])
        return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])
    if value.datatype == XSD.gYear and (m := _YEAR.match(text)):
        return date(int(m[1]), 1, 1), date(int(m[1]), 12, 31)
    if value.datatype == XSD.gMonthDay and (m := _MONTH_DAY.match(text)):
        if period is None:
            raise ValueError(f"{text}: no year is printed and the source's report gives "
                             "no period (schema:temporalCoverage)")
        days = []
        for year in range(period[0].year, period[1].year + 1):
            try:
                day = date(year, int(m[1]), int(m[2]))
            except ValueError:  # --02-29 in a common year
                continue
            if period[0] <= day <= period[1]:
                days.append(day)
        if not days:
            raise ValueError(f"{text}: falls in no year of the period {period}")
        return days[0], days[-1]
    raise ValueError(f"{text!r} is not a valid {value.datatype}")


def parse_period(coverage: str) -> Period:
    """``"2017-12/2021-09"`` → (2017-12-01, 2021-09-30); ``"2021/2024"`` → whole years."""
    start, _, end = coverage.partition("/")
    m_start, m_end = _PERIOD_END.match(start), _PERIOD_END.match(end)
    if not (m_start and m_end):
        raise ValueError(f"{coverage!r} is not a period YYYY[-MM]/YYYY[-MM]")
    first = date(int(m_start[1]), int(m_start[2] or 1), 1)
    year, month = int(m_end[1]), int(m_end[2] or 12)
    return first, date(year, month, calendar.monthrange(year, month)[1])


def report_period(graph: Graph, ontology: Graph) -> Period | None:
    """The period covered by the report a source graph transcribes: the
    ``schema:temporalCoverage`` of the one Report described there that has one."""
    reports = {IACML.Report} | set(ontology.transitive_subjects(RDFS.subClassOf, IACML.Report))
    periods = {str(cov) for cls in reports for report in graph.subjects(RDF.type, cls)
               for cov in graph.objects(report, SCHEMA.temporalCoverage)}
    if len(periods) != 1:
        return None
    return parse_period(periods.pop())


def add_bounds(graph: Graph, ontology: Graph, where: str = "") -> int:
    """Add the bounds of every date value of ``graph`` to it; return how many values.

    BuildError lists every value that has no bounds (an invalid date, or a day without
    its year in a graph whose report states no period).
    """
    period = report_period(graph, ontology)
    added, problems = [], []
    for prop, (earliest_prop, latest_prop) in BOUNDS.items():
        for s, value in graph.subject_objects(prop):
            if not (isinstance(value, Literal) and value.datatype in DATE_TYPES):
                continue
            try:
                earliest, latest = bounds(value, period)
            except ValueError as exc:
                problems.append(f"{where}: <{s}> {prop.n3()}: {exc}")
                continue
            added.append((s, earliest_prop, Literal(earliest, datatype=XSD.date)))
            added.append((s, latest_prop, Literal(latest, datatype=XSD.date)))
    if problems:
        raise BuildError(f"{len(problems)} dates without bounds:\n" + "\n".join(problems))
    for triple in added:
        graph.add(triple)
    return len(added) // 2


def add_date_bounds(graphs: dict[URIRef, Graph],
                    file_of: Callable[[URIRef], str] = str) -> str:
    """Build step: bounds for the date values of every graph but the ontology and the
    submission graphs (those stay exactly as the write API accepted and serves them;
    their dates get bounds once a curator moves them into a source file)."""
    ontology = graphs[G_ONTOLOGY]
    submissions = str(GRAPH["submissions/"])
    count = sum(add_bounds(graph, ontology, file_of(name))
                for name, graph in graphs.items()
                if name != G_ONTOLOGY and not str(name).startswith(submissions))
    return f"{count} date values given their earliest and latest day"
