"""The query mix: the competency queries plus one query of each shape.

Every query is sent with the project's prefixes prepended (the other engines
do not pre-declare them; ours accepts the redeclaration).  ``lookup_queries``
gives the per-request random lookups of the concurrency runs.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

ROOT = Path(__file__).resolve().parent.parent
COMPETENCY = ROOT / "queries" / "competency"
ID = "https://w3id.org/iacml/id/"

PROLOGUE = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in (
    ("iacml", "https://w3id.org/iacml/ontology#"), ("id", ID),
    ("graph", "https://w3id.org/iacml/graph/"),
    ("rdf", "http://www.w3.org/1999/02/22-rdf-syntax-ns#"),
    ("rdfs", "http://www.w3.org/2000/01/rdf-schema#"),
    ("xsd", "http://www.w3.org/2001/XMLSchema#"), ("owl", "http://www.w3.org/2002/07/owl#"),
    ("skos", "http://www.w3.org/2004/02/skos/core#"), ("dcterms", "http://purl.org/dc/terms/"),
    ("schema", "https://schema.org/"), ("org", "http://www.w3.org/ns/org#"),
    ("eli", "http://data.europa.eu/eli/ontology#"), ("prov", "http://www.w3.org/ns/prov#"),
    ("oa", "http://www.w3.org/ns/oa#"), ("time", "http://www.w3.org/2006/time#"),
    ("sh", "http://www.w3.org/ns/shacl#"), ("void", "http://rdfs.org/ns/void#"),
    ("dcat", "http://www.w3.org/ns/dcat#")))

# One query of each shape the issue names (real resources of the graph).
SHAPES: dict[str, str] = {
    "shape-lookup": "SELECT ?p ?o WHERE { <https://w3id.org/iacml/id/conference/21> ?p ?o }",
    "shape-label-search": """SELECT DISTINCT ?s ?label WHERE { ?s skos:prefLabel ?label .
  FILTER(CONTAINS(LCASE(STR(?label)), "labor")) } LIMIT 100""",
    "shape-join": """SELECT ?activity ?title ?cycle WHERE {
  ?activity a iacml:Activity ; dcterms:title ?title ; iacml:cycle ?cycle .
  ?cycle a iacml:Cycle } LIMIT 500""",
    "shape-aggregate": """SELECT ?type (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?type }
  GROUP BY ?type ORDER BY DESC(?n)""",
    "shape-optional-filter": """SELECT ?activity ?start ?end WHERE {
  ?activity a iacml:Activity . OPTIONAL { ?activity schema:startDate ?start }
  OPTIONAL { ?activity schema:endDate ?end } FILTER(!BOUND(?end) || ?end != ?start) }
  LIMIT 500""",
    "shape-date-range": """SELECT ?s ?date WHERE { ?s schema:startDate ?date .
  FILTER(STR(?date) >= "2019-01-01" && STR(?date) < "2021-01-01") }""",
    "shape-property-path": """SELECT ?part ?whole WHERE { ?part eli:is_part_of+ ?whole }
  LIMIT 1000""",
    "shape-describe": "DESCRIBE <https://w3id.org/iacml/id/conference/21>",
    "shape-construct": """CONSTRUCT { ?m org:member ?x ; org:organization ?o }
  WHERE { ?m a org:Membership ; org:member ?x ; org:organization ?o }""",
    "shape-analytic": """SELECT ?g ?p (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }
  GROUP BY ?g ?p ORDER BY DESC(?n)""",
}


@dataclass(frozen=True)
class Query:
    """One query of the mix: name, full text, and whether it returns a graph."""

    name: str
    text: str

    @property
    def is_graph(self) -> bool:
        """True for CONSTRUCT and DESCRIBE (answered as Turtle, not SPARQL JSON)."""
        body = re.sub(r"(?im)^\s*(#.*|prefix\s+\S*\s*<[^>]*>|base\s*<[^>]*>)\s*$", "",
                      self.text)
        return bool(re.match(r"\s*(CONSTRUCT|DESCRIBE)\b", body, re.I))

    @property
    def accept(self) -> str:
        """The Accept header the benchmark sends for it."""
        return "text/turtle" if self.is_graph else "application/sparql-results+json"


def competency_queries() -> list[Query]:
    """The competency queries of queries/competency/, prologue prepended."""
    return [Query(p.stem, PROLOGUE + p.read_text(encoding="utf-8"))
            for p in sorted(COMPETENCY.glob("q*.rq"))]


def shape_queries() -> list[Query]:
    """One query of each shape (lookup, search, join, aggregate, ...)."""
    return [Query(name, PROLOGUE + text) for name, text in SHAPES.items()]


def query_mix() -> list[Query]:
    """The whole mix: competency queries, then the shape queries."""
    return competency_queries() + shape_queries()


def subjects(dataset: Path, limit: int = 5000, seed: int = 10) -> list[str]:
    """Up to ``limit`` random subject IRIs of the dump (for random lookups)."""
    found = {q.subject.value for q in ox.parse(path=str(dataset), format=ox.RdfFormat.N_QUADS)
             if isinstance(q.subject, ox.NamedNode)}
    ordered = sorted(found)
    random.Random(seed).shuffle(ordered)
    return ordered[:limit]


def lookup_query(iri: str) -> str:
    """The lookup of one resource by IRI (no prologue: it names full IRIs only)."""
    return f"SELECT ?p ?o WHERE {{ <{iri}> ?p ?o }}"
