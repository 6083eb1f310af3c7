"""The SPARQL text of a browse list: its rows, and the facet values of its resources.

Every query counts or selects DISTINCT resources: the default graph is the merge of
the named graphs, and one resource is described in several of them. Filters are
``FILTER EXISTS`` over the facet's own pattern with its variables renamed, so a filter
neither multiplies the rows nor captures a variable of the query around it. Values
put into a query are the terms the data itself gave for the facet (the request's key
is looked up among them first: :mod:`server.browse.listing`), written by pyoxigraph.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

import pyoxigraph as ox

from server.browse.kinds import Facet, Kind
from server.ld.urls import project_prefixes

#: The prefixes the patterns of :mod:`server.browse.kinds` use, declared in every query.
USED = ("iacml", "id", "graph", "rdfs", "skos", "dcterms", "schema", "prov", "oa", "eli")
LABELS = "skos:prefLabel|rdfs:label|dcterms:title|schema:name"
_VARIABLE = re.compile(r"\?([A-Za-z_]\w*)")

Term = ox.NamedNode | ox.Literal


def prologue() -> str:
    """PREFIX lines for the namespaces the patterns use."""
    prefixes = project_prefixes()
    return "".join(f"PREFIX {name}: <{prefixes[name]}>\n" for name in USED)


def renamed(pattern: str, suffix: str) -> str:
    """``pattern`` with every variable but ``?item`` renamed ``?name_suffix``."""
    return _VARIABLE.sub(
        lambda m: m.group(0) if m.group(1) == "item" else f"?{m.group(1)}_{suffix}", pattern)


def filters(chosen: Sequence[tuple[Facet, Term]]) -> str:
    """One ``FILTER EXISTS`` per chosen facet value."""
    out = []
    for number, (facet, term) in enumerate(chosen):
        pattern = renamed(facet.pattern, f"f{number}")
        out.append(f"  FILTER EXISTS {{ {pattern} FILTER(?value_f{number} = {term}) }}\n")
    return "".join(out)


def _branches(facets: Iterable[Facet]) -> str:
    """The facets' patterns as one UNION binding ``?facet`` (its name) and ``?value``."""
    parts = []
    for number, facet in enumerate(facets):
        pattern = renamed(facet.pattern, f"b{number}").replace(f"?value_b{number}", "?value")
        parts.append(f'{{ {{ {pattern} }} BIND("{facet.name}" AS ?facet) }}')
    return "  " + "\n  UNION ".join(parts) + "\n"


def rows(kind: Kind, chosen: Sequence[tuple[Facet, Term]]) -> str:
    """The list: every matching resource once, with a label and its date (if dated)."""
    date = ""
    select = "?item (SAMPLE(?name) AS ?label)"
    if kind.date:
        select += " (MIN(STR(?start)) AS ?date)"
        date = f"  OPTIONAL {{ GRAPH graph:preferred {{ ?item {kind.date} ?start }} }}\n"
    order = "?date ?item" if kind.date else "?label ?item"
    return (prologue() + f"SELECT {select} WHERE {{\n  ?item a {kind.cls} .\n"
            + filters(chosen)
            + f"  OPTIONAL {{ ?item {LABELS} ?name }}\n" + date
            + f"}}\nGROUP BY ?item\nORDER BY {order}\n")


def table(kind: Kind) -> str:
    """Every facet value of every resource of the list (read once per data version)."""
    return (prologue() + "SELECT DISTINCT ?item ?facet ?value WHERE {\n"
            f"  ?item a {kind.cls} .\n" + _branches(kind.facets) + "}\n")


def sizes(kinds: Sequence[Kind]) -> str:
    """How many resources each list holds (the browse index)."""
    classes = " ".join(k.cls for k in kinds)
    return (prologue() + "SELECT ?class (COUNT(DISTINCT ?item) AS ?count) WHERE {\n"
            f"  VALUES ?class {{ {classes} }}\n  ?item a ?class .\n}}\nGROUP BY ?class\n")
