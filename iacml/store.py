"""The pyoxigraph store: loading the dump, moving graphs in, running queries."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph, URIRef

from .defaultgraph import has_merge


def load_dump(path: Path) -> ox.Store:
    """An in-memory store holding the N-Quads dump written by the build."""
    store = ox.Store()
    store.bulk_load(path=str(path), format=ox.RdfFormat.N_QUADS)
    return store


def add_graph(store: ox.Store, graph: Graph, name: URIRef) -> None:
    """Copy an rdflib graph into the named graph ``name`` of the store."""
    data = graph.serialize(format="nt", encoding="utf-8")
    store.load(data, format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(str(name)))


def add_graphs(store: ox.Store, graphs: dict[URIRef, Graph]) -> None:
    """Copy rdflib graphs into the store, each into its named graph, in one document:
    a blank node that two graphs share (a source graph and graph/preferred, which copies
    it) stays one node, where a load per graph would give each its own."""
    lines = []
    for name, graph in graphs.items():
        suffix = f" <{name}> .\n"
        for line in graph.serialize(format="nt", encoding="utf-8").decode().splitlines():
            if line.strip():
                lines.append(line.rstrip().removesuffix(".").rstrip() + suffix)
    store.load("".join(lines).encode(), format=ox.RdfFormat.N_QUADS)


def term_text(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple | None) -> str | None:
    """The lexical form of a literal, the IRI of a named node, ``_:id`` of a blank node."""
    if term is None:
        return None
    if isinstance(term, ox.Literal):
        return term.value
    if isinstance(term, ox.NamedNode):
        return term.value
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    return str(term)  # an RDF-star triple term


def select_rows(store: ox.Store, query: str, union: bool = True) -> list[dict[str, str | None]]:
    """Run a SELECT query; each row as a dict of variable name to text.

    ``union``: the default graph holds every graph's triples. A store loaded from the
    build's dump already has that as its own default graph (the merge, a set:
    iacml/defaultgraph.py); a store of named graphs only gets Oxigraph's union."""
    result = store.query(query, use_default_graph_as_union=union and not has_merge(store))
    if not isinstance(result, ox.QuerySolutions):
        raise TypeError(f"not a SELECT query: {query[:80]}")
    names = [v.value for v in result.variables]
    return [{n: term_text(row[n]) for n in names} for row in result]
