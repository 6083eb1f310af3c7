"""The QC stage: ``queries/qc/*.rq``, each a SPARQL query that must return no rows.

One runner (:func:`run_qc_rows`) for both uses: the build runs the queries over
the store of the whole dataset (:func:`run_qc`); the entry checker over a small
store holding the entry and the quads of the dataset it can meet
(:func:`qc_dataset`), keeping only the rows that involve the entry.
``tests/test_validate_incremental.py`` shows the slice finds what the whole
dataset finds.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF
from rdflib.term import Node

from ..namespaces import G_ONTOLOGY, GRAPH, PREFIXES, SHAPES, prefix_map
from ..store import term_text
from .report import ValidationResult

#: The named graph an entry takes for the QC queries: a source graph of its own.
G_ENTRY = GRAPH["source/submission"]
#: The named graph of the entry's inferences for the QC queries.
G_ENTRY_INFERRED = GRAPH["submission-inferred"]
_ENTRY_GRAPHS = {str(G_ENTRY), str(G_ENTRY_INFERRED)}

Row = dict[str, str | None]


@dataclass
class QcRow:
    """One row a QC query returned."""

    query: str  # the file's stem
    description: str
    row: Row


@dataclass
class QcFinding:
    """The rows one QC query returned over the whole dataset."""

    query: str
    description: str
    rows: list[Row]

    def __str__(self) -> str:
        """The query, what it finds, and its first 50 rows."""
        lines = [f"QC queries/qc/{self.query}.rq: {self.description} ({len(self.rows)} rows)"]
        for row in self.rows[:50]:
            lines.append("  " + ", ".join(f"{k}={v}" for k, v in row.items() if v is not None))
        if len(self.rows) > 50:
            lines.append(f"  ... and {len(self.rows) - 50} more")
        return "\n".join(lines)


def _description(text: str) -> str:
    """The first comment line of a query file says what it finds."""
    return next((line.lstrip("# ").strip() for line in text.splitlines()
                 if line.startswith("#")), "")


def run_qc_rows(store: ox.Store, qc_dir: Path, involved: set[str] | None = None) -> list[QcRow]:
    """Rows of every ``queries/qc/*.rq`` query over ``store`` (default graph: the union);
    with ``involved``, only the rows that mention one of its values."""
    found = []
    for path in sorted(qc_dir.glob("*.rq")):
        text = path.read_text(encoding="utf-8")
        result = store.query(text, prefixes=prefix_map(), use_default_graph_as_union=True)
        assert isinstance(result, ox.QuerySolutions), f"{path} is not a SELECT query"
        names = [v.value for v in result.variables]
        for solution in result:
            row = {n: term_text(solution[n]) for n in names}
            if involved is None or any(v in involved for v in row.values() if v is not None):
                found.append(QcRow(path.stem, _description(text), row))
    return found


def run_qc(store: ox.Store, qc_dir: Path) -> tuple[int, list[QcFinding]]:
    """Run every QC query over the whole dataset; (number of queries, findings)."""
    findings: dict[str, QcFinding] = {}
    for r in run_qc_rows(store, qc_dir):
        findings.setdefault(r.query, QcFinding(r.query, r.description, [])).rows.append(r.row)
    return len(list(qc_dir.glob("*.rq"))), list(findings.values())


def qc_predicates(qc_dir: Path) -> set[str]:
    """The properties the QC queries name (prefixed names and IRIs in their text),
    but rdf:type: the links along which rows can reach an entry from other data."""
    found: set[str] = set()
    for path in qc_dir.glob("*.rq"):
        text = re.sub(r"#[^\n]*", "", path.read_text(encoding="utf-8"))
        text = re.sub(r'"[^"]*"', "", text)
        for prefix, local in re.findall(r"\b([a-z]+):([A-Za-z_][\w-]*)", text):
            if prefix in PREFIXES:
                found.add(str(PREFIXES[prefix]) + local)
        found.update(re.findall(r"<([^>\s]+)>", text))
    found.discard(str(RDF.type))
    return found


def _ox(term: Node) -> ox.NamedNode | ox.BlankNode:
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    return ox.BlankNode(str(term))


def _load_graph(store: ox.Store, graph: Graph, name: URIRef) -> None:
    data = graph.serialize(format="nt", encoding="utf-8")
    store.load(data, format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(str(name)))


class _Sources:
    """The stores the slice is drawn from: the dataset and maybe more graphs."""

    def __init__(self, *stores: ox.Store | None) -> None:
        self.stores = [s for s in stores if s is not None]

    def about(self, node: ox.NamedNode | ox.BlankNode) -> Iterator[ox.Quad]:
        """Quads whose subject is ``node``."""
        for store in self.stores:
            yield from store.quads_for_pattern(node, None, None, None)

    def pointing(self, link: ox.NamedNode, node: ox.NamedNode | ox.BlankNode
                 ) -> Iterator[ox.Quad]:
        """Quads pointing at ``node`` by ``link``."""
        for store in self.stores:
            yield from store.quads_for_pattern(None, link, node, None)


Resource = ox.NamedNode | ox.BlankNode


def _around(sources: _Sources, nodes: set[Resource], links: set[ox.NamedNode],
            quads: set[ox.Quad]) -> set[Resource]:
    """Add to ``quads`` those about ``nodes`` and pointing at them by ``links``; return
    the resources these quads reach."""
    reached: set[Resource] = set()
    for node in nodes:
        for q in sources.about(node):
            quads.add(q)
            if isinstance(q.object, ox.NamedNode | ox.BlankNode):
                reached.add(q.object)
        for link in links:
            for q in sources.pointing(link, node):
                quads.add(q)
                if isinstance(q.subject, ox.NamedNode | ox.BlankNode):
                    reached.add(q.subject)
    return reached


def _slice(sources: _Sources, nodes: set[Resource], links: set[ox.NamedNode]) -> set[ox.Quad]:
    """Quads about ``nodes``, pointing at them by ``links``, and about what those reach."""
    quads: set[ox.Quad] = set()
    second = _around(sources, nodes, links, quads)
    third: set[Resource] = set()
    for node in second - nodes:
        for q in sources.about(node):
            quads.add(q)
            if q.predicate in links and isinstance(q.object, ox.NamedNode | ox.BlankNode):
                third.add(q.object)
    for node in third - second - nodes:  # e.g. the passages of those nodes
        quads.update(sources.about(node))
    return quads


def qc_dataset(entry: Graph, inferred: Graph, dataset: ox.Store, ontology_nt: bytes,
               links: set[str], extra: ox.Store | None = None) -> ox.Store:
    """A store for the QC queries: the ontology (``ontology_nt``); the entry as the
    source graph ``G_ENTRY`` (its inferences in ``G_ENTRY_INFERRED``); and, from the
    other graphs of ``dataset`` (registry, curation, source graphs, graph/inferred),
    every quad about a node of the entry, every quad pointing at one by a property of
    ``links`` (those the QC queries use), and every quad about the nodes those quads
    reach (passages, types, the other parts of a parent, the Discrepancies about a
    resource). ``extra`` holds more graphs to draw from the same way (the other
    submission graphs of the write journal)."""
    store = ox.Store()
    store.load(ontology_nt, format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(str(G_ONTOLOGY)))
    _load_graph(store, entry, G_ENTRY)
    _load_graph(store, inferred, G_ENTRY_INFERRED)
    nodes = {_ox(t) for triple in entry for t in triple if not isinstance(t, Literal)}
    quads = _slice(_Sources(dataset, extra), nodes, {ox.NamedNode(p) for p in links})
    ontology = str(G_ONTOLOGY)
    # Named graphs only: the dump's default graph is their merge (iacml/defaultgraph.py),
    # which the QC queries' union default graph would see a second time.
    store.extend(q for q in quads
                 if isinstance(q.graph_name, ox.NamedNode) and q.graph_name.value != ontology)
    return store


def involved_terms(entry: Graph, ontology_terms: set[Node] | frozenset[Node] = frozenset()
                   ) -> set[str]:
    """What a QC row must mention to involve the entry: the entry's graph names and
    the IRIs it uses (any position) but the ontology's declared terms."""
    terms = {str(t) for triple in entry for t in triple
             if isinstance(t, URIRef) and t not in ontology_terms}
    return terms | _ENTRY_GRAPHS


def qc_results(rows: Iterable[QcRow], entry: Graph) -> list[ValidationResult]:
    """QC rows as report rows: the focus is the first value the entry describes."""
    subjects = {str(s) for s in entry.subjects()}
    used = involved_terms(entry)
    results = []
    for r in rows:
        values = [v for v in r.row.values() if v is not None]
        focus = next((v for v in values if v in subjects),
                     next((v for v in values if v in used and v not in _ENTRY_GRAPHS),
                          values[0] if values else ""))
        path = r.row.get("property") or ""
        value = ", ".join(f"{k}={v}" for k, v in r.row.items()
                          if v is not None and v not in (focus, path))
        results.append(ValidationResult(
            focus=focus, path=path, value=value, message=r.description, severity="Violation",
            source_shape=str(SHAPES[f"qc-{r.query}"]), shape_name=f"QC {r.query}"))
    return results
