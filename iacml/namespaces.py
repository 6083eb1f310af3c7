"""Namespaces of the project and of the vocabularies it reuses (see model.md)."""

from rdflib import Namespace, URIRef
from rdflib.namespace import (
    DCTERMS,
    OWL,
    PROV,
    RDF,
    RDFS,
    SKOS,
    TIME,
    XSD,
    DefinedNamespace,
)

IACML = Namespace("https://w3id.org/iacml/ontology#")
ID = Namespace("https://w3id.org/iacml/id/")
GRAPH = Namespace("https://w3id.org/iacml/graph/")
SHAPES = Namespace("https://w3id.org/iacml/shapes#")
ONTOLOGY_IRI = "https://w3id.org/iacml/ontology"

ORG = Namespace("http://www.w3.org/ns/org#")
SCHEMA = Namespace("https://schema.org/")
ELI = Namespace("http://data.europa.eu/eli/ontology#")
OA = Namespace("http://www.w3.org/ns/oa#")
SH = Namespace("http://www.w3.org/ns/shacl#")
VOID = Namespace("http://rdfs.org/ns/void#")
DCAT = Namespace("http://www.w3.org/ns/dcat#")
WIKIDATA = Namespace("http://www.wikidata.org/entity/")

#: A namespace: an open one, or one of rdflib's closed vocabularies.
VocabularyNamespace = Namespace | type[DefinedNamespace]

PREFIXES: dict[str, VocabularyNamespace] = {
    "iacml": IACML,
    "id": ID,
    "graph": GRAPH,
    "rdf": RDF,
    "rdfs": RDFS,
    "xsd": XSD,
    "owl": OWL,
    "skos": SKOS,
    "dcterms": DCTERMS,
    "schema": SCHEMA,
    "org": ORG,
    "eli": ELI,
    "prov": PROV,
    "oa": OA,
    "time": TIME,
    "sh": SH,
    "void": VOID,
    "dcat": DCAT,
}

# Named graphs of the dataset.
G_REFERENCE = GRAPH["reference"]
G_ONTOLOGY = GRAPH["ontology"]
G_INFERRED = GRAPH["inferred"]
G_LINKS = GRAPH["links"]
G_CURATION = GRAPH["curation"]
#: Derived by the build: one answer per question (iacml/pipeline/preferred.py).
G_PREFERRED = GRAPH["preferred"]


def source_graph(key: str) -> URIRef:
    """The named graph holding what source ``key`` (e.g. ``"003"``) says."""
    return GRAPH[f"source/{key}"]


def sparql_prefixes() -> str:
    """The project's prefixes as a SPARQL prologue."""
    return "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items())


def prefix_map() -> dict[str, str]:
    """The project's prefixes for pyoxigraph's ``prefixes=``: a query may use them
    undeclared, and its error positions stay those of the text as written."""
    return {p: str(ns) for p, ns in PREFIXES.items()}
