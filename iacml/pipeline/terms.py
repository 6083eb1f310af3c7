"""The terms stage: IRIs of known vocabularies that are no term of them, impossible values.

Two mistakes pass every parser and most shapes unnoticed, so they are checked
right after parsing:

* a term of a known vocabulary (the prefixes of :mod:`iacml.namespaces`) that
  the vocabulary does not define, e.g. ``skos:altLable``: a warning naming the
  closest term. A term is known when the ontology declares it (model.md:
  declare what you use), when rdflib's copy of the vocabulary lists it, or when
  the checked graph declares it itself;
* a literal whose text is not a value of its datatype (RDF calls it
  ill-typed), e.g. ``"2019-02-30"^^xsd:date``: a violation that says why (a
  day that month does not have), instead of the shape's "must be an xsd:date".
"""

from __future__ import annotations

import calendar
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from difflib import get_close_matches
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import (
    DCAT,
    DCTERMS,
    ORG,
    OWL,
    PROV,
    RDF,
    RDFS,
    SDO,
    SH,
    SKOS,
    TIME,
    VOID,
    XSD,
    DefinedNamespace,
)

from ..namespaces import PREFIXES, SHAPES
from .places import place
from .report import ValidationResult

#: rdflib's closed copies of the vocabularies (their membership test knows the terms
#: that are Python keywords, such as sh:class, which dir() leaves out).
_CLOSED: dict[str, type[DefinedNamespace]] = {
    str(ns): ns for ns in (RDF, RDFS, OWL, XSD, SKOS, DCTERMS, PROV, ORG, TIME, SH, VOID, DCAT,
                           SDO)}
#: Namespaces of resources, not of terms.
_NOT_VOCABULARIES = {"id", "graph"}
_CONTAINER_MEMBER = re.compile(re.escape(str(RDF)) + r"_\d+$")
_DATE = re.compile(r"^-?(\d{4,})-(\d\d)-(\d\d)")


class _ReportedHere(logging.Filter):
    """rdflib logs a traceback for every ill-typed literal it parses; this stage
    reports each with its place and reason, so rdflib's record is dropped."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith("Failed to convert Literal lexical form")


logging.getLogger("rdflib.term").addFilter(_ReportedHere())


@dataclass
class TermProblem:
    """A term or a literal found wrong, with where it is written."""

    where: str
    subject: str
    predicate: str
    value: str
    message: str
    severity: str  # "Violation" or "Warning"

    def __str__(self) -> str:
        """One line: where, what, and what to do."""
        return f"{self.where}: {self.severity.lower()}: {self.message}"

    def result(self) -> ValidationResult:
        """The problem as a report row."""
        shape = "LiteralCheck" if self.severity == "Violation" else "VocabularyCheck"
        name = "Literal check" if self.severity == "Violation" else "Vocabulary check"
        return ValidationResult(focus=self.subject, path=self.predicate, value=self.value,
                                message=f"{self.where}: {self.message}" if ":" in self.where
                                else self.message, severity=self.severity,
                                source_shape=str(SHAPES[shape]), shape_name=name)


class Vocabulary:
    """The terms of the known vocabularies: the ontology's and rdflib's."""

    def __init__(self, ontology: Graph) -> None:
        """Index the terms ``ontology`` declares (any IRI it describes)."""
        self.prefixes = {str(ns): prefix for prefix, ns in PREFIXES.items()
                         if prefix not in _NOT_VOCABULARIES}
        declared = {str(s) for s in ontology.subjects() if isinstance(s, URIRef)}
        self.terms: dict[str, set[str]] = {}
        for namespace in self.prefixes:
            own = {t for t in declared if t.startswith(namespace)}
            closed = _CLOSED.get(namespace)
            self.terms[namespace] = own | ({str(t) for t in dir(closed)} if closed else set())

    def namespace_of(self, term: URIRef) -> str | None:
        """The known namespace ``term`` is in (the longest that matches), if any."""
        matches = [ns for ns in self.prefixes if term.startswith(ns)]
        return max(matches, key=len) if matches else None

    def problem(self, term: URIRef, declared: set[URIRef]) -> str | None:
        """Why ``term`` is unknown and what was probably meant; None when it is known."""
        namespace = self.namespace_of(term)
        if namespace is None or term in declared or _CONTAINER_MEMBER.match(term):
            return None
        known = self.terms[namespace]
        closed = _CLOSED.get(namespace)
        if str(term) in known or (closed is not None and term in closed):
            return None
        prefix = self.prefixes[namespace]
        local = term[len(namespace):]
        close = get_close_matches(local, [t[len(namespace):] for t in known], n=1, cutoff=0.75)
        meant = f"; did you mean {prefix}:{close[0]}?" if close else ""
        return f"{prefix}:{local} is not a term of {prefix}: (neither the ontology nor the " \
               f"vocabulary defines it){meant}"


def literal_problem(value: Literal) -> str | None:
    """Why ``value``'s text is not a value of its datatype; None when it is one."""
    if value.ill_typed is not True or value.datatype is None:
        return None
    datatype = value.datatype
    name = next((f"{p}:{datatype[len(str(ns)):]}" for p, ns in PREFIXES.items()
                 if datatype.startswith(str(ns))), f"<{datatype}>")
    m = _DATE.match(str(value)) if datatype in (XSD.date, XSD.dateTime) else None
    if m:
        year, month, day = (int(g) for g in m.groups())
        if not 1 <= month <= 12:
            return f"\"{value}\"^^{name} is an impossible date: there is no month {month}"
        days = calendar.monthrange(year, month)[1]
        if not 1 <= day <= days:
            return (f"\"{value}\"^^{name} is an impossible date: "
                    f"{calendar.month_name[month]} {year} has {days} days")
    return f"\"{value}\" is not a valid {name}"


def _declared(graph: Graph) -> set[URIRef]:
    """The IRIs ``graph`` itself declares as classes or properties."""
    found: set[URIRef] = set()
    for s, p, o in graph:
        if isinstance(s, URIRef) and (p in (RDFS.subClassOf, RDFS.subPropertyOf, RDFS.domain,
                                            RDFS.range) or (p == RDF.type and o in (
                                                OWL.Class, RDFS.Class, RDF.Property,
                                                OWL.ObjectProperty, OWL.DatatypeProperty,
                                                OWL.AnnotationProperty))):
            found.add(s)
    return found


def check_terms(graph: Graph, vocabulary: Vocabulary,
                files: Sequence[Path] = ()) -> list[TermProblem]:
    """Unknown terms of known vocabularies (warnings) and ill-typed literals
    (violations) of ``graph``, each once, placed in ``files`` when given."""
    declared = _declared(graph)
    problems: dict[tuple[str, str], TermProblem] = {}
    seen: set[URIRef] = set()
    for s, p, o in graph:
        for term in (s, p, o):
            if isinstance(term, URIRef) and term not in seen:
                seen.add(term)
                message = vocabulary.problem(term, declared)
                if message:
                    where = place(files, message.split(" ", 1)[0], f"<{term}>")
                    value = "" if term == p else str(term)
                    problems["term", term] = TermProblem(where, str(s), str(p), value,
                                                         message, "Warning")
        if isinstance(o, Literal) and ("literal", f"{s} {p} {o}") not in problems:
            message = literal_problem(o)
            if message:
                where = place(files, f'"{o}"', str(o))
                problems["literal", f"{s} {p} {o}"] = TermProblem(where, str(s), str(p), str(o),
                                                                  message, "Violation")
    return sorted(problems.values(), key=lambda t: (t.severity != "Violation", t.where))


def shadowed(results: list[ValidationResult],
             problems: list[TermProblem]) -> list[ValidationResult]:
    """``results`` without the shape rows about a literal a problem already explains
    (a datatype constraint's "must be an xsd:date" for an impossible date)."""
    explained = {(t.subject, t.predicate, t.value) for t in problems if t.severity == "Violation"}
    return [r for r in results if (r.focus, r.path, r.value) not in explained]
