"""Result cells a person can read: an IRI shown by its label and linked to its local page,
a literal by its value (numbers and dates written in the page's language), with the IRI or
the datatype on hover. Used by ``/sparql?format=html`` (templates/results.html) and, through
``/labels``, by the query editor's result table (static/query.js)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from flask_babel import format_date, format_datetime, format_decimal

from server.ld import labels
from server.ld.datasource import QueryFailed
from server.ld.urls import curie, href

XSD = "http://www.w3.org/2001/XMLSchema#"
NUMBERS = {XSD + name for name in (
    "integer", "decimal", "double", "float", "int", "long", "short", "byte",
    "nonNegativeInteger", "positiveInteger", "negativeInteger", "nonPositiveInteger",
    "unsignedInt", "unsignedLong", "unsignedShort", "unsignedByte")}


@dataclass(frozen=True)
class Cell:
    """What a result cell shows: its text, where it links, what its hover says, the
    language of its text (a language-tagged literal)."""

    text: str
    href: str | None = None
    title: str | None = None
    lang: str | None = None


def iri_names(iris: list[str]) -> dict[str, dict[str, str | None]]:
    """``{iri: {"label", "href"}}``: each IRI's label in the page's languages (a CURIE or
    the IRI where the data has none) and the link a page shows for it."""
    try:
        index: labels.LabelIndex | None = labels.index()
    except QueryFailed:  # a remote backend that is down: CURIEs, still linked
        index = None
    langs = labels.preferred_languages()
    return {iri: {"label": index.label(iri, langs) if index else curie(iri),
                  "href": href(iri)} for iri in iris}


def _number(value: str) -> str | None:
    try:
        number = Decimal(value)
    except InvalidOperation:
        return None
    return str(format_decimal(number)) if number.is_finite() else None


def _date(value: str, datatype: str) -> str | None:
    try:
        if datatype == XSD + "date":
            return str(format_date(dt.date.fromisoformat(value[:10]), format="long"))
        if datatype == XSD + "dateTime":
            return str(format_datetime(dt.datetime.fromisoformat(value), format="medium"))
        if datatype == XSD + "gYearMonth":
            return str(format_date(dt.date.fromisoformat(value[:7] + "-01"), format="MMMM y"))
    except ValueError:
        return None
    return None


def literal_text(value: str, datatype: str | None) -> str:
    """A literal's value as a person reads it: numbers and dates in the page's language,
    anything else (or a value not valid for its datatype) as written."""
    if datatype in NUMBERS:
        return _number(value) or value
    if datatype:
        return _date(value, datatype) or value
    return value


def readable(term: dict[str, object] | None,
             names: dict[str, dict[str, str | None]]) -> Cell | None:
    """The cell of one SPARQL JSON term (``names``: :func:`iri_names` of the table's IRIs)."""
    if term is None:
        return None
    value = str(term.get("value", ""))
    if term.get("type") == "uri":
        name = names.get(value) or {"label": curie(value), "href": href(value)}
        if not name["href"]:  # an IRI no page may link to (javascript:, data:): as it is
            return Cell(value)
        return Cell(str(name["label"]), name["href"], value)
    if term.get("type") == "bnode":
        return Cell("_:" + value)
    if term.get("xml:lang"):
        return Cell(value, lang=str(term["xml:lang"]), title="@" + str(term["xml:lang"]))
    datatype = str(term["datatype"]) if term.get("datatype") else None
    return Cell(literal_text(value, datatype), title=curie(datatype) if datatype else None)


def table(rows: list[list[dict[str, object] | None]]) -> list[list[Cell | None]]:
    """Every row of a result table as cells, the labels of all its IRIs read at once."""
    iris = sorted({str(t["value"]) for row in rows for t in row
                   if t is not None and t.get("type") == "uri"})
    names = iri_names(iris)
    return [[readable(term, names) for term in row] for row in rows]
