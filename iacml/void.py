"""The dataset description (DCAT + VoID), generated from the data it describes.

:func:`describe` asks a ``select`` function (a SPARQL SELECT over the union of
all graphs: the web app's query backend, or a pyoxigraph store through
:func:`store_select`) for every count it states, so the description always
matches the data being served.  Nothing here is written by hand but the
titles, the licence and the publisher.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox

Row = dict[str, Any]
Select = Callable[[str], list[Row]]

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
XSD = "http://www.w3.org/2001/XMLSchema#"
DCTERMS = "http://purl.org/dc/terms/"
DCAT = "http://www.w3.org/ns/dcat#"
TABLE_MEDIA_TYPES = frozenset({"text/csv", "application/json"})
VOID = "http://rdfs.org/ns/void#"
FOAF = "http://xmlns.com/foaf/0.1/"
OWL = "http://www.w3.org/2002/07/owl#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
SPDX = "http://spdx.org/rdf/terms#"
SD = "http://www.w3.org/ns/sparql-service-description#"
PROV = "http://www.w3.org/ns/prov#"

LICENSE = "https://creativecommons.org/licenses/by/4.0/"
LINK_TARGETS = {  # linkset key -> (namespace of the target's IRIs, target IRI, title)
    "wikidata": ("http://www.wikidata.org/entity/", "http://www.wikidata.org/",
                 "Wikidata"),
    "geonames": ("https://sws.geonames.org/", "https://sws.geonames.org/", "GeoNames"),
    "dbpedia": ("http://dbpedia.org/resource/", "http://dbpedia.org/", "DBpedia"),
}

GRAPH_TRIPLES = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
ALL_TRIPLES = ("SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE "
               "{ GRAPH ?g { ?s ?p ?o } } }")
ENTITIES = ("SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } "
            "FILTER(STRSTARTS(STR(?s), \"%sid/\")) }")
CLASSES = ("SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { GRAPH ?g { ?s a ?c } } "
           "GROUP BY ?c")
PROPERTIES = ("SELECT ?p (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE "
              "{ GRAPH ?g { ?s ?p ?o } } } GROUP BY ?p")
# Links are the triples of graph/links between IRIs; the blank-node axiom annotations that
# say how each was checked (owl:annotatedTarget ...) are not links of their own.
LINKS = ("SELECT ?p (COUNT(*) AS ?n) WHERE { GRAPH <%sgraph/links> { ?s ?p ?o "
         "FILTER(isIRI(?s) && isIRI(?o) && STRSTARTS(STR(?o), \"%s\")) } } GROUP BY ?p")
VERSION = "SELECT ?v WHERE { GRAPH ?g { <%sontology> <%sversionInfo> ?v } } LIMIT 1"
PROCESS_LABELS = ("SELECT ?l WHERE { GRAPH ?g { <%sid/process/iacml> <%sprefLabel> ?l } }")


@dataclass
class Dump:
    """One downloadable file of the dataset."""

    url: str
    media_type: str
    size: int
    sha256: str
    graph: str | None = None  # the named graph it holds (None: the whole dataset)
    format_name: str = ""


@dataclass
class Meta:
    """What the description says that is not counted from the data."""

    base: str = "https://w3id.org/iacml/"
    endpoint: str = "https://w3id.org/iacml/sparql"
    modified: str = "1970-01-01T00:00:00Z"
    build_id: str = ""
    dumps: list[Dump] = field(default_factory=list)
    publisher: str = "IACML open knowledge graph project"
    # Versions (issue 17): a release describes itself under its own IRI (``iri``) as a
    # version of the dataset; the dataset lists its releases.
    iri: str = ""  # the IRI described (default: the dataset's)
    version: str = ""  # dcat:version (default: the ontology's version + the build id)
    version_of: str = ""  # dcat:isVersionOf: the dataset, for a release
    previous: str = ""  # dcat:previousVersion / prov:wasRevisionOf: the release before
    releases: list[str] = field(default_factory=list)  # dcat:hasVersion, oldest first

    @property
    def dataset(self) -> str:
        """The IRI described: the dataset's, or a release's."""
        return self.iri or self.base + "dataset"


def store_select(store: ox.Store) -> Select:
    """A ``select`` function over a pyoxigraph store (its default graph: the merge)."""
    def select(query: str) -> list[Row]:
        solutions = store.query(query)
        if not isinstance(solutions, ox.QuerySolutions):
            raise TypeError(f"not a SELECT query: {query[:80]}")
        names = [v.value for v in solutions.variables]
        return [{n: s[n] for n in names if s[n] is not None} for s in solutions]
    return select


def namespace_of(iri: str) -> str:
    """The vocabulary namespace of a class or property IRI."""
    cut = max(iri.rfind("#"), iri.rfind("/"))
    return iri[: cut + 1]


class _Writer:
    def __init__(self) -> None:
        self.triples: list[ox.Triple] = []

    def add(self, s: ox.NamedNode | ox.BlankNode, p: str,
            o: ox.NamedNode | ox.BlankNode | ox.Literal) -> None:
        self.triples.append(ox.Triple(s, ox.NamedNode(p), o))

    def iri(self, s: ox.NamedNode | ox.BlankNode, p: str, o: str) -> None:
        self.add(s, p, ox.NamedNode(o))

    def int(self, s: ox.NamedNode | ox.BlankNode, p: str, n: int) -> None:
        self.add(s, p, ox.Literal(str(n), datatype=ox.NamedNode(XSD + "integer")))

    def text(self, s: ox.NamedNode | ox.BlankNode, p: str, text: str, lang: str = "") -> None:
        self.add(s, p, ox.Literal(text, language=lang) if lang else ox.Literal(text))


def _n(rows: list[Row]) -> int:
    return int(rows[0]["n"].value) if rows else 0


def describe(select: Select, meta: Meta) -> list[ox.Triple]:
    """The DCAT/VoID description of the data ``select`` reads, as triples."""
    w = _Writer()
    ds = ox.NamedNode(meta.dataset)
    _describe_dataset(w, ds, select, meta)
    _describe_partitions(w, ds, select, meta)
    _describe_graphs(w, ds, select, meta)
    _describe_links(w, ds, select, meta)
    _describe_dumps(w, ds, meta)
    _describe_versions(w, ds, meta)
    return w.triples


def _describe_dataset(w: _Writer, ds: ox.NamedNode, select: Select, meta: Meta) -> None:
    """Titles, licence, publisher, dates, version and access of the dataset."""
    base = meta.base
    for kind in (DCAT + "Dataset", VOID + "Dataset"):
        w.iri(ds, RDF + "type", kind)
    es_name = [r["l"].value for r in select(PROCESS_LABELS % (base, SKOS))
               if getattr(r["l"], "language", "") == "es"]
    w.text(ds, DCTERMS + "title", "IACML open knowledge graph", "en")
    w.text(ds, DCTERMS + "title", "Grafo de conocimiento abierto de la IACML"
           if not es_name else f"Grafo de conocimiento abierto: {es_name[0]}", "es")
    w.text(ds, DCTERMS + "description",
           "Activities, working groups, cooperation, documents and reports of the "
           "Inter-American Conference of Ministers of Labor (IACML) of the OAS, transcribed "
           "from its reports; every fact carries the verbatim passage it was read from.", "en")
    w.text(ds, DCTERMS + "description",
           "Actividades, grupos de trabajo, cooperación, documentos e informes de la "
           "IACML (Inter-American Conference of Ministers of Labor) de la OEA, transcritos "
           "de sus informes; cada hecho lleva el pasaje textual del que se leyó.", "es")
    w.iri(ds, DCTERMS + "license", LICENSE)
    publisher = ox.NamedNode(base + "dataset#publisher")
    w.iri(ds, DCTERMS + "publisher", publisher.value)
    w.iri(publisher, RDF + "type", FOAF + "Organization")
    w.text(publisher, FOAF + "name", meta.publisher, "en")
    stamp = ox.Literal(meta.modified, datatype=ox.NamedNode(XSD + "dateTime"))
    w.add(ds, DCTERMS + "modified", stamp)
    w.add(ds, DCTERMS + "issued", stamp)
    versions = select(VERSION % (base, OWL))
    version = versions[0]["v"].value if versions else "unversioned"
    w.text(ds, DCAT + "version", meta.version or (f"{version}+{meta.build_id}"
                                                  if meta.build_id else version))
    w.text(ds, OWL + "versionInfo", version)
    w.iri(ds, VOID + "sparqlEndpoint", meta.endpoint)
    w.text(ds, VOID + "uriSpace", base + "id/")
    w.iri(ds, VOID + "exampleResource", base + "id/process/iacml")
    w.iri(ds, VOID + "rootResource", base + "id/process/iacml")


def _describe_partitions(w: _Writer, ds: ox.NamedNode, select: Select, meta: Meta) -> None:
    """The counts: triples, entities, a partition per class and per property."""
    w.int(ds, VOID + "triples", _n(select(ALL_TRIPLES)))
    w.int(ds, VOID + "entities", _n(select(ENTITIES % meta.base)))
    classes = {r["c"].value: int(r["n"].value) for r in select(CLASSES)
               if isinstance(r.get("c"), ox.NamedNode)}
    properties = {r["p"].value: int(r["n"].value) for r in select(PROPERTIES)}
    w.int(ds, VOID + "classes", len(classes))
    w.int(ds, VOID + "properties", len(properties))
    for number, (cls, n) in enumerate(sorted(classes.items())):
        part = ox.NamedNode(f"{meta.dataset}#class-{number}")
        w.iri(ds, VOID + "classPartition", part.value)
        w.iri(part, VOID + "class", cls)
        w.int(part, VOID + "entities", n)
    for number, (prop, n) in enumerate(sorted(properties.items())):
        part = ox.NamedNode(f"{meta.dataset}#property-{number}")
        w.iri(ds, VOID + "propertyPartition", part.value)
        w.iri(part, VOID + "property", prop)
        w.int(part, VOID + "triples", n)
    for vocabulary in sorted({namespace_of(i) for i in (*classes, *properties)}):
        w.iri(ds, VOID + "vocabulary", vocabulary)


def _describe_graphs(w: _Writer, ds: ox.NamedNode, select: Select, meta: Meta) -> None:
    """A subset per named graph, with its dump."""
    base = meta.base
    for row in select(GRAPH_TRIPLES):
        graph = row["g"].value
        name = graph.removeprefix(base + "graph/")
        subset = ox.NamedNode(f"{meta.dataset}#graph-{name.replace('/', '-')}")
        w.iri(ds, VOID + "subset", subset.value)
        w.iri(subset, RDF + "type", VOID + "Dataset")
        w.iri(subset, SD + "name", graph)
        w.text(subset, DCTERMS + "title", f"Named graph {name}", "en")
        w.int(subset, VOID + "triples", int(row["n"].value))
        for dump in meta.dumps:
            if dump.graph == graph:
                w.iri(subset, VOID + "dataDump", dump.url)


def _describe_links(w: _Writer, ds: ox.NamedNode, select: Select, meta: Meta) -> None:
    """A linkset per external dataset the links point into."""
    for key, (namespace, target, title) in LINK_TARGETS.items():
        rows = select(LINKS % (meta.base, namespace))
        linkset = ox.NamedNode(f"{meta.dataset}#links-{key}")
        target_node = ox.NamedNode(target)
        w.iri(ds, VOID + "subset", linkset.value)
        w.iri(linkset, RDF + "type", VOID + "Linkset")
        w.text(linkset, DCTERMS + "title", f"Links to {title}", "en")
        w.iri(linkset, VOID + "subjectsTarget", ds.value)
        w.iri(linkset, VOID + "objectsTarget", target)
        w.iri(linkset, VOID + "target", ds.value)
        w.iri(linkset, VOID + "target", target)
        for row in rows:
            w.iri(linkset, VOID + "linkPredicate", row["p"].value)
        w.int(linkset, VOID + "triples", sum(int(row["n"].value) for row in rows))
        w.iri(target_node, RDF + "type", VOID + "Dataset")
        w.text(target_node, DCTERMS + "title", title, "en")


def _describe_dumps(w: _Writer, ds: ox.NamedNode, meta: Meta) -> None:
    """A distribution per dump, with its size and checksum."""
    for dump in meta.dumps:
        # void:dataDump is an RDF dump; the linkset table (CSV, JSON) is a distribution only
        if dump.graph is None and dump.media_type not in TABLE_MEDIA_TYPES:
            w.iri(ds, VOID + "dataDump", dump.url)
        dist = ox.NamedNode(dump.url + "#distribution")
        w.iri(ds, DCAT + "distribution", dist.value)
        w.iri(dist, RDF + "type", DCAT + "Distribution")
        w.iri(dist, DCAT + "downloadURL", dump.url)
        w.text(dist, DCAT + "mediaType", dump.media_type)
        w.text(dist, DCAT + "compressFormat", "application/gzip")
        w.int(dist, DCAT + "byteSize", dump.size)
        checksum = ox.NamedNode(dump.url + "#sha256")
        w.iri(dist, SPDX + "checksum", checksum.value)
        w.iri(checksum, SPDX + "algorithm", SPDX + "checksumAlgorithm_sha256")
        w.text(checksum, SPDX + "checksumValue", dump.sha256)


def _describe_versions(w: _Writer, ds: ox.NamedNode, meta: Meta) -> None:
    """DCAT 3 versioning: a release is a version of the dataset, a revision of the
    release before it; the dataset has every release, the newest as current."""
    if meta.version_of:
        w.iri(ds, DCAT + "isVersionOf", meta.version_of)
    if meta.previous:
        w.iri(ds, DCAT + "previousVersion", meta.previous)
        w.iri(ds, PROV + "wasRevisionOf", meta.previous)
    for release in meta.releases:
        w.iri(ds, DCAT + "hasVersion", release)
    if meta.releases:
        w.iri(ds, DCAT + "hasCurrentVersion", meta.releases[-1])


def write_turtle(store: ox.Store, path: str, meta: Meta | None = None) -> int:
    """Write the description of ``store`` as Turtle to ``path`` (for a build step);
    return the number of triples written."""
    triples = describe(store_select(store), meta or Meta())
    prefixes = {"void": VOID, "dcat": DCAT, "dcterms": DCTERMS, "xsd": XSD, "spdx": SPDX,
                "sd": SD, "foaf": FOAF, "owl": OWL, "prov": PROV}
    with open(path, "wb") as handle:
        ox.serialize(triples, handle, format=ox.RdfFormat.TURTLE, prefixes=prefixes)
    return len(triples)
