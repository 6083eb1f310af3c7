"""``graph/preferred``: one answer per question, like Wikidata's "truthy" statements.

The source graphs keep every value each report gives, and ``graph/curation`` records
where they disagree (an ``iacml:Discrepancy`` on one property of one resource, with its
claims and the preferred one). This build step writes the view a reader who wants one
answer queries: every asserted fact of the registry and the source graphs, except that
for each (resource, property) under a Discrepancy it keeps only the preferred value.

The rule, in order:

1. A Discrepancy names ``iacml:concerns`` R, ``iacml:property`` P and its
   ``iacml:preferredClaim`` C; the preferred value is C's ``iacml:claimedValue``.
2. Of the values of P on R in the source graphs, the view keeps those equal (same RDF
   term) to the preferred value, with the derived date bounds of the graphs that give
   it (iacml/pipeline/datebounds.py).
3. No rule decides, and the view has no value of P on R (both stay in the source
   graphs), when the Discrepancy names no preferred claim, when two Discrepancies on
   R and P prefer different values, or when the preferred value is none of the values
   the source graphs give (a claim that paraphrases, or a count computed by curators:
   the view never states what no source graph states).

The view holds asserted facts only: no ``graph/inferred`` (the OWL RL closure is per
source), no ``graph/links``, no Discrepancies themselves.
"""

from __future__ import annotations

from collections import defaultdict

from rdflib import Graph, URIRef
from rdflib.term import Node

from ..namespaces import G_CURATION, G_PREFERRED, G_REFERENCE, GRAPH
from .datebounds import BOUNDS

_CONTESTED = """
PREFIX iacml: <https://w3id.org/iacml/ontology#>
SELECT ?discrepancy ?resource ?property ?preferred WHERE {
  ?discrepancy a iacml:Discrepancy ; iacml:concerns ?resource ; iacml:property ?property .
  OPTIONAL { ?discrepancy iacml:preferredClaim/iacml:claimedValue ?preferred }
}"""

Key = tuple[Node, Node]


def preferred_values(curation: Graph) -> dict[Key, set[Node]]:
    """(resource, property) under a Discrepancy → the preferred value, or an empty set
    where no rule decides (no preferred claim, or Discrepancies preferring different
    values)."""
    found: dict[Key, set[Node]] = defaultdict(set)
    undecided: set[Key] = set()
    for row in curation.query(_CONTESTED):
        key = (row.resource, row.property)  # type: ignore[union-attr]
        found.setdefault(key, set())
        if row.preferred is None:  # type: ignore[union-attr]
            undecided.add(key)
        else:
            found[key].add(row.preferred)  # type: ignore[union-attr]
    return {key: (set() if key in undecided or len(values) != 1 else values)
            for key, values in found.items()}


def _bound_of() -> dict[URIRef, URIRef]:
    """Each derived bound property → the date property it bounds."""
    return {bound: prop for prop, pair in BOUNDS.items() for bound in pair}


def preferred_graph(graphs: dict[URIRef, Graph]) -> Graph:
    """The view: registry and source graphs, contested properties reduced to the
    preferred value (see the module docstring)."""
    preferred = preferred_values(graphs.get(G_CURATION, Graph()))
    bound_of = _bound_of()
    view = Graph()
    sources = [name for name in graphs if name == G_REFERENCE
               or str(name).startswith((str(GRAPH["source/"]), str(GRAPH["submissions/"])))]
    for name in sources:
        graph = graphs[name]
        for s, p, o in graph:
            contested = preferred.get((s, p))
            if contested is not None and o not in contested:
                continue
            dated = bound_of.get(p)  # type: ignore[call-overload]
            if dated is not None and (s, dated) in preferred and not any(
                    (s, dated, v) in graph for v in preferred[(s, dated)]):
                continue  # a bound of a date value this view leaves out
            view.add((s, p, o))
    return view


def add_preferred_view(graphs: dict[URIRef, Graph]) -> str:
    """Build step: write ``graph/preferred`` into ``graphs``."""
    view = preferred_graph(graphs)
    target = graphs.setdefault(G_PREFERRED, Graph())
    for triple in view:
        target.add(triple)
    contested = preferred_values(graphs.get(G_CURATION, Graph()))
    undecided = sum(1 for s, p in contested if (s, p, None) not in view)
    return (f"{len(view)} triples; {len(contested) - undecided} contested properties "
            f"with a preferred value, {undecided} without")
