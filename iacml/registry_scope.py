"""Which registry entries and labels come from the reference tables alone (issue 14).

The build generates countries, their Ministries of Labor, cities and organizations
from ``data/reference/*.csv``, whether or not a report names them. This step says so
in ``graph/reference``, computed afresh at every build (a new report that names an
entry changes its mark; no entry is ever removed, since other graphs may link to it):

- every generated entry: ``iacml:referenceTable`` (the table it comes from) and
  ``iacml:namedInSources`` true or false. An entry is named when some source graph uses
  it, or (for a country, city or organization) when a source text prints one of its
  labels; a Ministry is named only through use, since "Ministry of Labor of X" is a
  label the build composes.
- every generated label that no source text prints ("Ford Motor Company", where the
  source says "Ford"): an OWL axiom annotation of that label with the table it comes
  from (``owl:Axiom`` + ``iacml:referenceTable``), as links carry theirs.
"""

from __future__ import annotations

import re
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, SKOS

from .namespaces import G_REFERENCE, GRAPH, IACML, ID
from .pipeline.parse import LoadedData
from .reference import REFERENCE_TABLES, add_cities, add_countries, add_organizations

_LABELS = (SKOS.prefLabel, SKOS.altLabel)


def generated_by_table(reference_dir: Path) -> dict[str, Graph]:
    """The registry triples each reference table generates, by table name."""
    keys = reference_dir / "keys.csv"
    tables = {name: Graph() for name in ("countries", "cities", "organizations")}
    add_countries(reference_dir / "countries.csv", tables["countries"], Graph())
    add_cities(reference_dir / "cities.csv", keys, tables["cities"], Graph())
    add_organizations(reference_dir / "organizations.csv", keys, tables["organizations"],
                      Graph())
    return tables


class _Printed:
    """Whether a label is printed, as a whole word sequence, in some source text."""

    def __init__(self, sources: dict[str, Path]):
        self.text = "\n".join(" ".join(p.read_text(encoding="utf-8").split())
                              for p in sources.values())
        self.seen: dict[str, bool] = {}

    def __call__(self, label: str) -> bool:
        label = " ".join(label.split())
        if label not in self.seen:
            pattern = r"(?<!\w)" + re.escape(label) + r"(?!\w)"
            self.seen[label] = label in self.text and re.search(pattern, self.text) is not None
        return self.seen[label]


def _used_in_sources(data: LoadedData) -> set[URIRef]:
    used: set[URIRef] = set()
    for name, graph in data.graphs.items():
        if str(name).startswith(str(GRAPH["source/"])):
            for s, _, o in graph:
                used.update(t for t in (s, o) if isinstance(t, URIRef))
    return used


def mark_registry_scope(reference_dir: Path, sources: dict[str, Path],
                        data: LoadedData) -> str:
    """Add the marks to ``graph/reference``; return a one-line summary."""
    registry = data.graph(G_REFERENCE)
    printed, used = _Printed(sources), _used_in_sources(data)
    tables: dict[URIRef, set[URIRef]] = {}
    labels: dict[URIRef, list[tuple[URIRef, Literal, URIRef]]] = {}
    for table, generated in generated_by_table(reference_dir).items():
        source = URIRef(REFERENCE_TABLES + table)
        for entry in {s for s in generated.subjects() if isinstance(s, URIRef)}:
            tables.setdefault(entry, set()).add(source)
            labels.setdefault(entry, []).extend(
                (p, o, source) for p in _LABELS for o in generated.objects(entry, p)
                if isinstance(o, Literal))
    only_tables = unprinted = 0
    for entry, sources_of_entry in tables.items():
        composed = str(entry).startswith(str(ID["ministry/"]))  # "Ministry of Labor of X"
        named = entry in used or (not composed and any(printed(str(label))
                                                       for _, label, _ in labels[entry]))
        for source in sources_of_entry:
            registry.add((entry, IACML.referenceTable, source))
        registry.add((entry, IACML.namedInSources, Literal(named)))
        only_tables += not named
        for prop, label, source in labels[entry]:
            if not printed(str(label)):
                _annotate(registry, entry, prop, label, source)
                unprinted += 1
    return (f"{only_tables} registry entries from the reference tables only, "
            f"{unprinted} labels no source prints")


def _annotate(registry: Graph, entry: URIRef, prop: URIRef, label: Literal,
              source: URIRef) -> None:
    axiom = BNode()
    registry.add((axiom, RDF.type, OWL.Axiom))
    registry.add((axiom, OWL.annotatedSource, entry))
    registry.add((axiom, OWL.annotatedProperty, prop))
    registry.add((axiom, OWL.annotatedTarget, label))
    registry.add((axiom, IACML.referenceTable, source))
