"""Incremental validation of a new entry: what the change touches, fast enough to serve.

A full validation of an entry (``iacml.entries.validate_entry``) computes the
OWL RL closure of entry ∪ registry ∪ ontology from scratch (owlrl: seconds) and
runs every shape on every node. Here the work that does not depend on the
entry is done once per data version (the built dump ``build/iacml.nq``) and
cached (:class:`BaseData`: the context, its OWL RL closure, also on disk in
``build/cache/``, the ontology as look-up tables, the parsed shapes, the
source texts, the dump in a store), and per entry:

1. its quotes are located as the build does;
2. its inferences are computed by the OWL 2 RL rules the ontology needs
   (:func:`fast_inferences`: subclass, subproperty, inverse, domain, range,
   and owlrl's error nodes for disjoint classes and ill-typed literals) over
   the closed ontology; an entry that declares classes or properties, or an
   ontology with axioms those rules do not cover, gets owlrl over the entry
   and only the context triples it can depend on (:func:`relevant_slice`);
3. pySHACL evaluates the shapes on the nodes the entry can affect
   (:func:`focus_nodes`: the entry's nodes, those of its inferences, and the
   context nodes pointing at them) over entry ∪ inferences ∪ registry ∪
   ontology ∪ the cached closure, in place (nothing is copied or kept);
4. the QC queries (``queries/qc``) run over a small store: the ontology, the
   entry as a source graph of its own, and the quads of the dataset about the
   entry's resources and what they reach (:func:`qc_dataset`); only rows that
   involve the entry are reported.

``tests/test_validate_incremental.py`` shows that steps 2-3 find the same
results as a full validation, on entries covering every shape, and that step 4
finds the same rows as the QC queries over the whole dataset with the entry.
"""

from __future__ import annotations

import hashlib
import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from owlrl.DatatypeHandling import AltXSDToPYTHON
from owlrl.Namespaces import ERRNS
from owlrl.OWLRL import OWL_RL_Datatypes
from pyshacl import Validator
from pyshacl.graph_abstraction import DataGraph
from pyshacl.shapes_graph import ShapesGraph
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, PROV, RDF, RDFS, XSD

from ..namespaces import (
    G_ONTOLOGY,
    G_REFERENCE,
    GRAPH,
    IACML,
    PREFIXES,
    SH,
    SHAPES,
    sparql_prefixes,
)
from ..paths import ProjectPaths
from ..store import term_text
from . import shapes as _shapes  # noqa: F401  (applies the prepared-SPARQL patch)
from .parse import load_shapes
from .quotes import QuoteProblem, SourceText, load_source_texts, resolve_passages
from .reasoning import derive_shortcuts, entailing_properties, is_informative, reasoning_input
from .shapes import ValidationOutcome, ValidationResult, closure, parse_report

#: The named graph an entry takes for the QC queries: a source graph of its own.
G_ENTRY = GRAPH["source/submission"]
#: The named graph of the entry's inferences for the QC queries.
G_ENTRY_INFERRED = GRAPH["submission-inferred"]
_ENTRY_GRAPHS = {str(G_ENTRY), str(G_ENTRY_INFERRED)}

_BUILTIN = (str(RDF), str(RDFS), str(OWL), str(XSD), str(SH))
# Ontology structures reached backwards: a list that holds a term, an axiom that
# names it as the other side (inverse, disjoint, equivalent), a restriction on it.
_BACKWARD = {RDF.first, RDF.rest, OWL.members, OWL.unionOf, OWL.intersectionOf,
             OWL.propertyChainAxiom, OWL.inverseOf, OWL.disjointWith, OWL.equivalentClass,
             OWL.equivalentProperty, OWL.onProperty, OWL.someValuesFrom, OWL.allValuesFrom,
             OWL.hasValue, OWL.propertyDisjointWith, OWL.complementOf, OWL.oneOf,
             OWL.hasKey, OWL.onClass, OWL.distinctMembers}


def _is_builtin(term) -> bool:
    return isinstance(term, URIRef) and str(term).startswith(_BUILTIN)


_VERSIONS: dict[tuple[str, int, int], str] = {}


def data_version(dataset_nq: Path) -> str:
    """A short hash of the built dump: the data version the caches belong to
    (hashed again only when the file's size or modification time changed)."""
    stat = dataset_nq.stat()
    key = (str(dataset_nq), stat.st_size, stat.st_mtime_ns)
    if key not in _VERSIONS:
        _VERSIONS[key] = _hash_file(dataset_nq)
    return _VERSIONS[key]


def _hash_file(dataset_nq: Path) -> str:
    digest = hashlib.sha256()
    with dataset_nq.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()[:16]


def _graph_of(store: ox.Store, name: URIRef) -> Graph:
    data = store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(str(name)))
    return Graph().parse(data=data, format="nt")


def _index(graph: Graph) -> tuple[dict, dict]:
    """Triples of ``graph`` by subject and by object."""
    by_s: dict = {}
    by_o: dict = {}
    for s, p, o in graph:
        by_s.setdefault(s, []).append((s, p, o))
        if not isinstance(o, Literal):
            by_o.setdefault(o, []).append((s, p, o))
    return by_s, by_o


_UNSUPPORTED = (OWL.propertyChainAxiom, OWL.equivalentClass, OWL.equivalentProperty,
                OWL.unionOf, OWL.intersectionOf, OWL.someValuesFrom, OWL.allValuesFrom,
                OWL.hasValue, OWL.maxCardinality, OWL.maxQualifiedCardinality, OWL.hasKey,
                OWL.oneOf, OWL.complementOf, OWL.propertyDisjointWith, OWL.sameAs,
                OWL.differentFrom, OWL.sourceIndividual)
_UNSUPPORTED_TYPES = (OWL.FunctionalProperty, OWL.InverseFunctionalProperty,
                      OWL.TransitiveProperty, OWL.SymmetricProperty, OWL.AsymmetricProperty,
                      OWL.IrreflexiveProperty, OWL.AllDifferent, OWL.AllDisjointProperties,
                      OWL.Nothing)


@dataclass
class TBox:
    """The ontology's axioms as look-up tables, from the closed context (so the
    subclass and subproperty hierarchies and inherited domains/ranges are complete)."""

    superclasses: dict = field(default_factory=dict)
    superproperties: dict = field(default_factory=dict)
    domains: dict = field(default_factory=dict)
    ranges: dict = field(default_factory=dict)
    inverses: dict = field(default_factory=dict)
    disjoint: list = field(default_factory=list)  # (c1, c2) in owlrl's reporting order
    #: False when the ontology uses an axiom the fast rules do not implement
    #: (chains, functional/transitive/symmetric properties, class expressions,
    #: equality): then every entry is reasoned over by owlrl.
    complete: bool = True

    @classmethod
    def of(cls, graph: Graph) -> TBox:
        """The tables of the (closed) context ``graph``."""
        box = cls()

        def put(table: dict, key, value) -> None:
            if key != value or table is box.inverses:
                table.setdefault(key, set()).add(value)

        for s, o in graph.subject_objects(RDFS.subClassOf):
            put(box.superclasses, s, o)
        for s, o in graph.subject_objects(RDFS.subPropertyOf):
            put(box.superproperties, s, o)
        for s, o in graph.subject_objects(RDFS.domain):
            put(box.domains, s, o)
        for s, o in graph.subject_objects(RDFS.range):
            put(box.ranges, s, o)
        for s, o in graph.subject_objects(OWL.inverseOf):
            put(box.inverses, s, o)
            put(box.inverses, o, s)
        for s, o in graph.subject_objects(OWL.disjointWith):
            box.disjoint.append((s, o))
        box.complete = not any((None, p, None) in graph for p in _UNSUPPORTED) and not any(
            (None, RDF.type, t) in graph for t in _UNSUPPORTED_TYPES)
        for axiom in graph.subjects(RDF.type, OWL.AllDisjointClasses):
            for head in graph.objects(axiom, OWL.members):
                classes = list(Collection(graph, head))
                for i, c1 in enumerate(classes):
                    box.disjoint.extend((c1, c2) for c2 in classes[i + 1:])
        return box


@dataclass
class BaseData:
    """Everything that depends only on the data version, computed once and cached."""

    version: str
    paths: ProjectPaths
    store: ox.Store  # the whole built dataset
    context: Graph  # graph/reference ∪ graph/ontology
    context_closure: Graph  # new triples of the OWL RL closure of the context
    shacl_base: Graph  # context ∪ its closure: what every entry is validated with
    shapes: Graph
    shapes_graph: ShapesGraph
    texts: dict[str, SourceText]
    entailing: set
    reasoning_by_s: dict = field(default_factory=dict)
    reasoning_by_o: dict = field(default_factory=dict)
    base_by_o: dict = field(default_factory=dict)
    static_graphs: list = field(default_factory=list)  # (name, N-Triples) of the
    # graphs every QC store holds whole: the ontology
    ontology_terms: set = field(default_factory=set)
    tbox: TBox = field(default_factory=TBox)
    qc_links: set = field(default_factory=set)  # properties the QC queries use
    #: Held while an entry is reasoned over and validated: the shapes run on the
    #: shared data graph, and rdflib's SPARQL parser is not thread-safe.
    lock: threading.RLock = field(default_factory=threading.RLock)
    shacl_data: Graph = field(default_factory=Graph)  # shacl_base + the entry during a run
    shacl_datagraph: DataGraph | None = None

    @classmethod
    def load(cls, paths: ProjectPaths, dataset: Path | None = None) -> BaseData:
        """Load the dump (``dataset``, by default the build's N-Quads), the shapes and
        the source texts; compute (or read) the closure."""
        dataset = dataset or paths.dataset_nq
        version = data_version(dataset)
        store = ox.Store()
        fmt = ox.RdfFormat.TRIG if dataset.suffix == ".trig" else ox.RdfFormat.N_QUADS
        store.bulk_load(path=str(dataset), format=fmt)
        ontology = _graph_of(store, G_ONTOLOGY)
        context = _graph_of(store, G_REFERENCE)
        for triple in ontology:
            context.add(triple)
        entailing = entailing_properties(context)
        lean = reasoning_input(context, entailing)
        context_closure = _cached_closure(paths, version, lean)
        shacl_base = Graph()
        for g in (context, context_closure):
            for triple in g:
                shacl_base.add(triple)
        for triple in derive_shortcuts(context):
            shacl_base.add(triple)
        shacl_data = Graph()
        for triple in shacl_base:
            shacl_data.add(triple)
        shapes = load_shapes(paths.shapes_dir)
        files = {p.name[:3]: p for p in sorted(paths.sources_dir.glob("*.txt"))}
        reasoning = Graph()
        for g in (lean, context_closure):
            for triple in g:
                reasoning.add(triple)
        r_by_s, r_by_o = _index(reasoning)
        _, b_by_o = _index(shacl_base)
        static = [(G_ONTOLOGY, store.dump(format=ox.RdfFormat.N_TRIPLES,
                                          from_graph=ox.NamedNode(str(G_ONTOLOGY))))]
        terms = {s for s in ontology.subjects() if isinstance(s, URIRef)}
        return cls(version=version, paths=paths, store=store, context=context,
                   context_closure=context_closure, shacl_base=shacl_base, shapes=shapes,
                   shapes_graph=ShapesGraph(shapes), texts=load_source_texts(files),
                   entailing=entailing, reasoning_by_s=r_by_s, reasoning_by_o=r_by_o,
                   base_by_o=b_by_o, static_graphs=static, ontology_terms=terms,
                   tbox=TBox.of(shacl_base), qc_links=qc_predicates(paths.qc_dir),
                   shacl_data=shacl_data,
                   shacl_datagraph=DataGraph.from_rdflib(shacl_data))


def _cached_closure(paths: ProjectPaths, version: str, lean: Graph) -> Graph:
    """The closure of the context, read from ``build/cache`` or computed and written there."""
    cache = paths.build_dir / "cache" / f"context-closure-{version}.nt"
    if cache.exists():
        return Graph().parse(cache, format="nt")
    inferred = closure(lean)
    cache.parent.mkdir(parents=True, exist_ok=True)
    tmp = cache.with_suffix(".tmp")
    inferred.serialize(tmp, format="nt", encoding="utf-8")
    tmp.replace(cache)
    return inferred


def relevant_slice(entry_lean: Graph, base: BaseData) -> Graph:
    """The context triples (lean registry + ontology, with their closure) that the
    entry's inferences can depend on: everything reachable forwards from the terms
    and resources the entry uses, and the ontology structures (lists, restrictions,
    inverse/disjoint/equivalent axioms) that name something reached."""
    todo = [t for triple in entry_lean for t in triple if not isinstance(t, Literal)]
    seen: set = set()
    out = Graph()
    while todo:
        node = todo.pop()
        if node in seen or _is_builtin(node):
            continue
        seen.add(node)
        for s, p, o in base.reasoning_by_s.get(node, ()):
            out.add((s, p, o))
            if not isinstance(o, Literal):
                todo.append(o)
            if p == RDF.type:
                todo.append(o)
        for s, p, o in base.reasoning_by_o.get(node, ()):
            if p in _BACKWARD:
                out.add((s, p, o))
                todo.append(s)
    return out


def needs_full_reasoning(entry_lean: Graph, box: TBox | None = None) -> bool:
    """True when the fast rules do not apply and owlrl runs over the relevant slice:
    the entry says something about classes or properties themselves (OWL/RDFS
    vocabulary other than rdf:type to a non-OWL class), or the ontology uses an
    axiom the fast rules do not implement."""
    if box is not None and not box.complete:
        return True
    for _, p, o in entry_lean:
        if p == RDF.type:
            if _is_builtin(o):
                return True
        elif _is_builtin(p):
            return True
    return False


def fast_inferences(entry_lean: Graph, base: BaseData) -> Graph:
    """The OWL 2 RL entailments of entry ∪ context that the ontology's axioms allow
    (cax-sco, prp-spo1, prp-inv, prp-dom, prp-rng; cax-dw, cax-adc and dt-not-type
    as owlrl's error-message nodes), minus what the context already holds."""
    box = base.tbox
    known = base.shacl_base
    facts: set = set()
    todo = list(entry_lean)
    while todo:
        triple = todo.pop()
        if triple in facts:
            continue
        facts.add(triple)
        s, p, o = triple
        new = []
        if p == RDF.type:
            new += [(s, RDF.type, c) for c in box.superclasses.get(o, ())]
        else:
            new += [(s, q, o) for q in box.superproperties.get(p, ())]
            if not isinstance(o, Literal):
                new += [(o, q, s) for q in box.inverses.get(p, ())]
                new += [(o, RDF.type, c) for c in box.ranges.get(p, ())]
            new += [(s, RDF.type, c) for c in box.domains.get(p, ())]
        todo += [t for t in new if t not in facts]
    out = Graph()
    for triple in facts:
        if triple not in known and is_informative(triple) and triple not in entry_lean:
            out.add(triple)
    errors = []
    types: dict = {}
    for s, p, o in facts:
        if p == RDF.type:
            types.setdefault(s, set()).add(o)
    for z, own in types.items():
        every = own | set(known.objects(z, RDF.type))
        errors += [f"Disjoint classes {c1} and {c2} have a common individual {z}"
                   for c1, c2 in box.disjoint if c1 in every and c2 in every]
    for lt in {o for _, _, o in entry_lean if isinstance(o, Literal)}:
        if lt.datatype in OWL_RL_Datatypes:
            try:
                AltXSDToPYTHON.get(lt.datatype, str)(str(lt))
            except ValueError:
                errors.append(f"Lexical value of the literal '{lt}' does not match its datatype "
                              f"({lt.datatype})")
    for message in dict.fromkeys(errors):
        node = BNode()
        out.add((node, RDF.type, ERRNS.ErrorMessage))
        out.add((node, ERRNS.error, Literal(message)))
    return out


def entry_inferences(entry: Graph, base: BaseData) -> Graph:
    """New informative triples the entry entails with the context (OWL RL + shortcuts):
    by the fast rules, or by owlrl over the relevant slice when the entry needs it."""
    lean = reasoning_input(entry, base.entailing)
    shortcuts = derive_shortcuts(entry) if _has_memberships(entry) else Graph()
    if needs_full_reasoning(lean, base.tbox):
        inferred = closure(lean, relevant_slice(lean, base), shortcuts)
    else:
        inferred = fast_inferences(lean + shortcuts, base)
    for triple in shortcuts:
        inferred.add(triple)
    return inferred


def _has_memberships(entry: Graph) -> bool:
    return (None, RDF.type, IACML.Membership) in entry


def focus_nodes(entry: Graph, inferred: Graph, base: BaseData) -> set:
    """The nodes whose validation the entry can change: every node of the entry
    and of its inferences, and the context nodes pointing at them (by any property
    but rdf:type), minus the ontology's own terms."""
    nodes = {t for g in (entry, inferred) for s, _, o in g for t in (s, o)
             if not isinstance(t, Literal) and not _is_builtin(t)}
    nodes -= {n for n in nodes if n in base.ontology_terms}
    neighbours = {s for n in nodes for s, p, _ in base.base_by_o.get(n, ())
                  if p != RDF.type and s not in base.ontology_terms and not _is_builtin(s)}
    return nodes | neighbours


def validate_shapes(entry: Graph, inferred: Graph, base: BaseData,
                    focus: set) -> ValidationOutcome:
    """Run the shapes that target ``focus`` nodes over entry ∪ inferred ∪ context ∪ closure.

    The entry's triples are added to the cached data graph for the run and removed
    afterwards (under a lock), so the context is never copied.
    """
    with base.lock:
        data = base.shacl_data
        added = [t for g in (entry, inferred) for t in g if t not in data]
        for triple in added:
            data.add(triple)
        try:
            return _run_shapes(base, focus)
        finally:
            for triple in added:
                data.remove(triple)


def _run_shapes(base: BaseData, focus: set) -> ValidationOutcome:
    dg = base.shacl_datagraph
    validator = Validator(dg, shacl_graph=base.shapes, options={
        "inference": "none", "advanced": False, "inplace": True, "allow_warnings": True})
    validator.shacl_graph = base.shapes_graph
    validator._target_graph = dg
    executor = validator.make_executor()
    reports = []
    conforms = True
    for shape in base.shapes_graph.shapes:
        targets = [n for n in shape.focus_nodes(dg) if n in focus]
        if not targets:
            continue
        ok, found = shape.validate(executor, dg, focus=targets)
        conforms = conforms and ok
        reports.extend(found)
    report, _ = Validator.create_validation_report(base.shapes_graph, conforms, reports)
    name_shapes(report, base.shapes)
    return ValidationOutcome(conforms, parse_report(report, base.shapes), report)


def name_shapes(report: Graph, shapes: Graph) -> None:
    """Make the report say which named shape each result comes from: a result of a
    blank-node property shape gets ``<named shape> sh:property <it>`` and every
    source shape its ``sh:name``, from the shapes graph."""
    for shape in set(report.objects(None, SH.sourceShape)):
        named = shape
        if isinstance(shape, BNode):
            parent = shapes.value(None, SH.property, shape)
            if parent is None:
                continue
            report.add((parent, SH.property, shape))
            named = parent
        name = shapes.value(named, SH.name)
        if name is not None:
            report.add((named, SH.name, name))


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


def qc_dataset(entry: Graph, inferred: Graph, base: BaseData,
               extra: ox.Store | None = None) -> ox.Store:
    """A store for the QC queries: the ontology; the entry as the source graph
    ``G_ENTRY`` (its inferences in ``G_ENTRY_INFERRED``); and, from the other graphs
    (registry, curation, source graphs, graph/inferred), every quad about a node of
    the entry, every quad pointing at one by a property the QC queries use, and every
    quad about the nodes those quads reach (passages, types, the other parts of a
    parent, the Discrepancies about a resource). ``extra`` holds more graphs to
    draw from the same way (the other submission graphs of the write journal)."""
    sources = [base.store] if extra is None else [base.store, extra]

    def pattern(s, p, o):
        for src in sources:
            yield from src.quads_for_pattern(s, p, o, None)

    store = ox.Store()
    for name, data in base.static_graphs:
        store.load(data, format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(str(name)))
    _load_graph(store, entry, G_ENTRY)
    _load_graph(store, inferred, G_ENTRY_INFERRED)
    nodes = {_ox(t) for triple in entry for t in triple if not isinstance(t, Literal)}
    links = {ox.NamedNode(p) for p in base.qc_links}
    quads = set()
    second = set()
    for node in nodes:
        for q in pattern(node, None, None):
            quads.add(q)
            if not isinstance(q.object, ox.Literal):
                second.add(q.object)
        for link in links:
            for q in pattern(None, link, node):
                quads.add(q)
                second.add(q.subject)
    third = set()
    for node in second - nodes:
        for q in pattern(node, None, None):
            quads.add(q)
            if q.predicate in links and not isinstance(q.object, ox.Literal):
                third.add(q.object)
    for node in third - second - nodes:  # e.g. the passages of those nodes
        quads.update(pattern(node, None, None))
    ontology = str(G_ONTOLOGY)
    store.extend(q for q in quads if q.graph_name.value != ontology)
    return store


def _ox(term):
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    return ox.BlankNode(str(term))


def _load_graph(store: ox.Store, graph: Graph, name: URIRef) -> None:
    data = graph.serialize(format="nt", encoding="utf-8")
    store.load(data, format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(str(name)))


@dataclass
class QcRow:
    """One row of a QC query that involves the entry."""

    query: str
    description: str
    row: dict[str, str | None]


def run_qc_rows(store: ox.Store, qc_dir: Path, involved: set[str]) -> list[QcRow]:
    """Rows of every ``queries/qc/*.rq`` query that mention one of ``involved``."""
    found = []
    for path in sorted(qc_dir.glob("*.rq")):
        text = path.read_text(encoding="utf-8")
        description = next((line.lstrip("# ").strip() for line in text.splitlines()
                            if line.startswith("#")), "")
        result = store.query(sparql_prefixes() + text, use_default_graph_as_union=True)
        names = [v.value for v in result.variables]
        for solution in result:
            row = {n: term_text(solution[n]) for n in names}
            if any(v in involved for v in row.values() if v is not None):
                found.append(QcRow(path.stem, description, row))
    return found


def involved_terms(entry: Graph, ontology_terms: set | frozenset = frozenset()) -> set[str]:
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


def add_to_report(report: Graph, results: list[ValidationResult], conforms: bool) -> None:
    """Add ``results`` (quote and QC problems) to a SHACL report graph as results."""
    root = report.value(None, RDF.type, SH.ValidationReport)
    if root is None:
        root = BNode()
        report.add((root, RDF.type, SH.ValidationReport))
    report.set((root, SH.conforms, Literal(conforms)))
    for r in results:
        node = BNode()
        report.add((root, SH.result, node))
        report.add((node, RDF.type, SH.ValidationResult))
        report.add((node, SH.resultSeverity, SH[r.severity]))
        report.add((node, SH.resultMessage, Literal(r.message)))
        if r.focus:
            report.add((node, SH.focusNode, URIRef(r.focus)))
        if r.path:
            report.add((node, SH.resultPath, URIRef(r.path) if ":" in r.path and " " not in r.path
                        else Literal(r.path)))
        if r.value:
            report.add((node, SH.value, Literal(r.value)))
        if r.source_shape:
            report.add((node, SH.sourceShape, URIRef(r.source_shape)))


def quote_results(problems: list[QuoteProblem]) -> list[ValidationResult]:
    """Quotes that could not be located exactly once, as report rows."""
    return [ValidationResult(focus=p.resource, path=str(PROV.wasDerivedFrom),
                             value=p.exact, message=str(p), severity="Violation",
                             source_shape=str(SHAPES["QuoteCheck"]), shape_name="Quote check")
            for p in problems]


class EntryChecker:
    """Validates entries incrementally against one data version (thread-safe)."""

    def __init__(self, paths: ProjectPaths | None = None, dataset: Path | None = None) -> None:
        self.paths = paths or ProjectPaths.default()
        self.dataset = dataset or self.paths.dataset_nq
        self._base: BaseData | None = None
        self._lock = threading.Lock()

    @property
    def base(self) -> BaseData:
        """The cached base data, reloaded when the built dump changed."""
        with self._lock:
            if self._base is None or self._base.version != data_version(self.dataset):
                self._base = BaseData.load(self.paths, self.dataset)
            return self._base

    def check(self, entry: Graph, qc: bool = True,
              others: ox.Store | None = None) -> ValidationOutcome:
        """Quotes, incremental SHACL and (unless ``qc`` is False) QC rows of ``entry``.

        ``entry`` is modified in place: its passages are located and named.
        ``others``: more named graphs the QC queries see beside the built dataset
        (a guarded write passes the other submission graphs).
        """
        base = self.base
        _, problems = resolve_passages(entry, base.texts, "entry")
        with base.lock:
            inferred = entry_inferences(entry, base)
            outcome = validate_shapes(entry, inferred, base, focus_nodes(entry, inferred, base))
        extra = quote_results(problems)
        if qc:
            store = qc_dataset(entry, inferred, base, others)
            involved = involved_terms(entry, base.ontology_terms)
            extra += qc_results(run_qc_rows(store, self.paths.qc_dir, involved), entry)
        if extra:
            outcome.results = extra + outcome.results
            outcome.conforms = False
            add_to_report(outcome.report_graph, extra, False)
        return outcome


_CHECKERS: dict[tuple[Path, Path], EntryChecker] = {}
_CHECKERS_LOCK = threading.Lock()


def checker_for(paths: ProjectPaths | None = None, dataset: Path | None = None) -> EntryChecker:
    """The process-wide checker of a project checkout and dump (one cache each)."""
    paths = paths or ProjectPaths.default()
    key = (paths.root, dataset or paths.dataset_nq)
    with _CHECKERS_LOCK:
        if key not in _CHECKERS:
            _CHECKERS[key] = EntryChecker(paths, key[1])
        return _CHECKERS[key]


def check_entry(entry: Graph, paths: ProjectPaths | None = None) -> ValidationOutcome:
    """The one validation of new entries behind ``iacml validate`` and ``POST /validate``."""
    return checker_for(paths).check(entry)


def render_outcome(outcome: ValidationOutcome, fmt: str) -> str:
    """The outcome as text: ``json`` (compact summary), ``turtle`` or ``json-ld``
    (the SHACL report graph), ``human``. One rendering for the CLI and the service."""
    if fmt == "json":
        return outcome.to_json()
    if fmt in ("turtle", "json-ld"):
        return outcome.report_graph.serialize(format=fmt)
    return outcome.to_human()
