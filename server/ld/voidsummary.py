"""What the dataset description (VoID/DCAT, :mod:`server.ld.dataset`) says, as plain
Python for pages: counts per class, the named graphs with their sizes, the linksets, the
licence, the publisher and the downloads.

The landing page's figures and the readable ``/dataset`` both read this, so a number
shown to a person is the one the machine-readable description publishes.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

import pyoxigraph as ox

VOID = "http://rdfs.org/ns/void#"
DCAT = "http://www.w3.org/ns/dcat#"
DCTERMS = "http://purl.org/dc/terms/"
FOAF = "http://xmlns.com/foaf/0.1/"
SD = "http://www.w3.org/ns/sparql-service-description#"
SPDX = "http://spdx.org/rdf/terms#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
Term = ox.NamedNode | ox.BlankNode | ox.Literal


@dataclass
class Graph:
    """A named graph of the dataset: its IRI, size and dump."""

    iri: str
    triples: int
    dump: str | None


@dataclass
class Linkset:
    """The links into another dataset (Wikidata, GeoNames, DBpedia)."""

    title: str
    target: str
    triples: int


@dataclass
class Download:
    """One file of the dataset: its URL, media type, size in bytes and checksum."""

    url: str
    media_type: str
    size: int
    sha256: str


@dataclass
class Summary:
    """The description of the dataset, read from its VoID/DCAT triples."""

    dataset: str
    titles: dict[str, str] = field(default_factory=dict)  # language -> text
    descriptions: dict[str, str] = field(default_factory=dict)
    triples: int = 0
    entities: int = 0
    classes: dict[str, int] = field(default_factory=dict)  # class IRI -> entities
    properties: int = 0
    graphs: list[Graph] = field(default_factory=list)
    linksets: list[Linkset] = field(default_factory=list)
    downloads: list[Download] = field(default_factory=list)
    license: str = ""
    publisher: str = ""
    version: str = ""
    modified: str = ""
    endpoint: str = ""

    def count(self, cls: str) -> int:
        """How many resources the class ``cls`` has (0: none, or not a class here)."""
        return self.classes.get(cls, 0)


def _int(term: Term | None) -> int:
    return int(term.value) if isinstance(term, ox.Literal) else 0


class _Triples:
    """The description's triples by subject and predicate."""

    def __init__(self, triples: list[ox.Triple]) -> None:
        self.about: dict[str, dict[str, list[Term]]] = defaultdict(
            lambda: defaultdict(list))
        for t in triples:
            if isinstance(t.subject, (ox.NamedNode, ox.BlankNode)) and \
                    not isinstance(t.object, ox.Triple):  # VoID states nothing of a triple
                self.about[t.subject.value][t.predicate.value].append(t.object)

    def all(self, subject: str, predicate: str) -> list[Term]:
        return self.about.get(subject, {}).get(predicate, [])

    def one(self, subject: str, predicate: str) -> Term | None:
        values = self.all(subject, predicate)
        return values[0] if values else None

    def text(self, subject: str, predicate: str) -> str:
        value = self.one(subject, predicate)
        return value.value if value is not None else ""

    def texts(self, subject: str, predicate: str) -> dict[str, str]:
        return {v.language or "": v.value for v in self.all(subject, predicate)
                if isinstance(v, ox.Literal)}


def summarise(triples: list[ox.Triple], dataset: str) -> Summary:
    """The :class:`Summary` of the description ``triples`` of ``dataset``."""
    d = _Triples(triples)
    summary = Summary(dataset=dataset, titles=d.texts(dataset, DCTERMS + "title"),
                      descriptions=d.texts(dataset, DCTERMS + "description"),
                      triples=_int(d.one(dataset, VOID + "triples")),
                      entities=_int(d.one(dataset, VOID + "entities")),
                      properties=_int(d.one(dataset, VOID + "properties")),
                      license=d.text(dataset, DCTERMS + "license"),
                      version=d.text(dataset, DCAT + "version"),
                      modified=d.text(dataset, DCTERMS + "modified"),
                      endpoint=d.text(dataset, VOID + "sparqlEndpoint"))
    for part in d.all(dataset, VOID + "classPartition"):
        cls = d.one(part.value, VOID + "class")
        if cls is not None:
            summary.classes[cls.value] = _int(d.one(part.value, VOID + "entities"))
    publisher = d.text(dataset, DCTERMS + "publisher")
    summary.publisher = d.text(publisher, FOAF + "name") or publisher
    _subsets(d, summary)
    summary.downloads = [_download(d, dist.value)
                         for dist in d.all(dataset, DCAT + "distribution")]
    return summary


def _subsets(d: _Triples, summary: Summary) -> None:
    """The named graphs and the linksets, among the dataset's subsets."""
    for subset in d.all(summary.dataset, VOID + "subset"):
        node = subset.value
        if VOID + "Linkset" in {t.value for t in d.all(node, RDF_TYPE)}:
            target = d.text(node, VOID + "objectsTarget")
            title = next(iter(d.texts(node, DCTERMS + "title").values()), target)
            summary.linksets.append(Linkset(title, target, _int(d.one(node, VOID + "triples"))))
        elif name := d.text(node, SD + "name"):
            summary.graphs.append(Graph(name, _int(d.one(node, VOID + "triples")),
                                        d.text(node, VOID + "dataDump") or None))
    summary.graphs.sort(key=lambda g: g.iri)


def _download(d: _Triples, node: str) -> Download:
    checksum = d.text(node, SPDX + "checksum")
    return Download(d.text(node, DCAT + "downloadURL"), d.text(node, DCAT + "mediaType"),
                    _int(d.one(node, DCAT + "byteSize")),
                    d.text(checksum, SPDX + "checksumValue") if checksum else "")


SOURCE_REPORTS = """PREFIX iacml: <{base}ontology#>
PREFIX eli: <http://data.europa.eu/eli/ontology#>
SELECT DISTINCT ?graph ?report WHERE {{
  GRAPH ?graph {{ ?section a iacml:ReportSection ; eli:is_part_of ?report }}
  ?report a iacml:Report .
  FILTER(STRSTARTS(STR(?graph), "{base}graph/source/"))
}} ORDER BY ?graph ?report"""


def source_reports(select: Callable[[str], list[dict[str, Term]]], root: str
                   ) -> dict[str, str]:
    """Named graph of a source -> the report transcribed into it (the report whose
    sections that graph states)."""
    found: dict[str, str] = {}
    for row in select(SOURCE_REPORTS.format(base=root)):
        found.setdefault(row["graph"].value, row["report"].value)
    return found
