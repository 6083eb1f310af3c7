"""What checking an entry needs of one data version, computed once and kept.

The entry checker validates an entry against the built dataset
(``build/iacml.nq``): the registry and ontology with their OWL RL closure (also
kept on disk in ``build/cache/``, owlrl takes seconds), the ontology's axioms as
look-up tables, the shapes read once, the source texts, the dump in a store for
the QC slice. All of it depends only on the dump, whose hash is the data version.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph, URIRef
from rdflib.term import Node

from ..namespaces import G_ONTOLOGY, G_REFERENCE
from ..paths import ProjectPaths
from .entry_reasoning import ReasoningBase, index, reasoning_base
from .parse import load_shapes
from .qc import qc_predicates
from .quotes import SourceText, load_source_texts, source_files
from .reasoning import Triple, closure, derive_shortcuts, entailing_properties, reasoning_input
from .shapes import FocusShapes
from .terms import Vocabulary

_VERSIONS: dict[tuple[str, int, int], str] = {}


def data_version(dataset: Path) -> str:
    """A short hash of the built dump: the data version the caches belong to
    (hashed again only when the file's size or modification time changed)."""
    stat = dataset.stat()
    key = (str(dataset), stat.st_size, stat.st_mtime_ns)
    if key not in _VERSIONS:
        digest = hashlib.sha256()
        with dataset.open("rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                digest.update(chunk)
        _VERSIONS[key] = digest.hexdigest()[:16]
    return _VERSIONS[key]


def graph_of(store: ox.Store, name: URIRef) -> Graph:
    """The named graph ``name`` of ``store`` as an rdflib graph."""
    data = store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(str(name)))
    return Graph().parse(data=data, format="nt")


def load_context(paths: ProjectPaths, dataset: Path | None = None) -> Graph:
    """The built registry and ontology (graph/reference ∪ graph/ontology) as one graph."""
    dataset = dataset or paths.dataset_nq
    store = ox.Store()
    store.bulk_load(path=str(dataset), format=ox.RdfFormat.N_QUADS)
    context = graph_of(store, G_REFERENCE)
    context += graph_of(store, G_ONTOLOGY)
    return context


def _cached_closure(paths: ProjectPaths, version: str, lean: Graph) -> Graph:
    """The closure of the context, read from the cache (``build/cache``; the server's own
    under ``instance/``) or computed and written there."""
    cache = paths.cache_dir / f"context-closure-{version}.nt"
    if cache.exists():
        return Graph().parse(cache, format="nt")
    inferred = closure(lean)
    cache.parent.mkdir(parents=True, exist_ok=True)
    tmp = cache.with_suffix(".tmp")
    inferred.serialize(tmp, format="nt", encoding="utf-8")
    tmp.replace(cache)
    return inferred


@dataclass
class BaseData:
    """Everything that depends only on the data version."""

    version: str
    paths: ProjectPaths
    store: ox.Store  # the whole built dataset
    texts: dict[str, SourceText]
    reasoning: ReasoningBase
    shapes: FocusShapes  # over the context ∪ its closure: what every entry meets
    base_by_o: dict[Node, list[Triple]]  # the same, by object (for the focus nodes)
    ontology_nt: bytes  # the ontology, which every QC store holds whole
    ontology_terms: set[Node]
    vocabulary: Vocabulary
    qc_links: set[str]  # properties the QC queries use

    @classmethod
    def load(cls, paths: ProjectPaths, dataset: Path | None = None) -> BaseData:
        """Load the dump (``dataset``, by default the build's N-Quads), the shapes and
        the source texts; compute (or read) the closure."""
        dataset = dataset or paths.dataset_nq
        version = data_version(dataset)
        store = ox.Store()
        fmt = ox.RdfFormat.TRIG if dataset.suffix == ".trig" else ox.RdfFormat.N_QUADS
        store.bulk_load(path=str(dataset), format=fmt)
        ontology = graph_of(store, G_ONTOLOGY)
        context = graph_of(store, G_REFERENCE) + ontology
        context_closure = _cached_closure(
            paths, version, reasoning_input(context, entailing_properties(context)))
        known = context + context_closure + derive_shortcuts(context)
        _, base_by_o = index(known)
        return cls(version=version, paths=paths, store=store,
                   texts=load_source_texts(source_files(paths.sources_dir)),
                   reasoning=reasoning_base(context, context_closure, known),
                   shapes=FocusShapes(known, load_shapes(paths.shapes_dir)),
                   base_by_o=base_by_o,
                   ontology_nt=store.dump(format=ox.RdfFormat.N_TRIPLES,
                                          from_graph=ox.NamedNode(str(G_ONTOLOGY))) or b"",
                   ontology_terms={s for s in ontology.subjects() if isinstance(s, URIRef)},
                   vocabulary=Vocabulary(ontology), qc_links=qc_predicates(paths.qc_dir))
