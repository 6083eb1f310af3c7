"""Every return format of the real SPARQL clients, on every query form, against the live server.

SPARQLWrapper offers JSON, XML, CSV, TSV, N3, TURTLE, JSONLD, RDF and RDFXML and sends
each its own way (``format=``, ``output=`` and ``results=`` with its name, for some also
a list of media types, and an Accept header that depends on the query form; ``*/*``
where it has no media type for the pair). rdflib's SPARQLStore sends only the Accept of
its result parser (``returnFormat`` json, xml, csv or tsv) whatever the query form.
Each pair must get data the client reads, never a 406; where the asked-for format does
not apply to the query form the answer is that form's default (the rules of
server/formats.py). Expected values are read from the dump file itself (triples per
graph, the triples of one ministry), never from another answer of the server.
"""

from __future__ import annotations

import csv
import io
import json
import warnings
from functools import cache
from typing import Any
from xml.dom.minidom import Document

import pyoxigraph as ox
import pytest
import rdflib
import requests
from rdflib.compare import isomorphic
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from sparql_live import LiveServer, dataset, graph_sizes, live_server
from SPARQLWrapper import CSV, JSON, JSONLD, N3, RDF, RDFXML, TSV, TURTLE, XML, SPARQLWrapper

SRJ, SRX = "application/sparql-results+json", "application/sparql-results+xml"
TTL, RDFXML_TYPE, JSONLD_TYPE = "text/turtle", "application/rdf+xml", "application/ld+json"
COUNT = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
MINISTRY = "https://w3id.org/iacml/id/ministry/PRY"  # Paraguay's ministry, reference table


@pytest.fixture(scope="module")
def server() -> LiveServer:
    """The default server."""
    return live_server()


@cache
def subject() -> str:
    """The ministry of Paraguay when the dump is the build's, else the fixture's first IRI."""
    for quad in ox.parse(path=str(dataset()), format=ox.RdfFormat.N_QUADS):
        if isinstance(quad.subject, ox.NamedNode) and (
                quad.subject.value == MINISTRY or dataset().name != "iacml.nq"):
            return quad.subject.value
    raise AssertionError("the dump holds no IRI subject")


@cache
def about(iri: str) -> frozenset[tuple[str, str]]:
    """(predicate, object) of the triples about ``iri`` in any graph, read from the dump,
    as N-Triples terms (none of the ministry's objects is a blank node)."""
    return frozenset((str(q.predicate), str(q.object))
                     for q in ox.parse(path=str(dataset()), format=ox.RdfFormat.N_QUADS)
                     if isinstance(q.subject, ox.NamedNode) and q.subject.value == iri)


def queries() -> dict[str, str]:
    """One query per form, each with an answer known from the dump."""
    first = max(graph_sizes(dataset()).items(), key=lambda item: item[1])[0]
    return {"SELECT": COUNT, "ASK": f"ASK {{ GRAPH <{first}> {{ ?s ?p ?o }} }}",
            "CONSTRUCT": f"CONSTRUCT WHERE {{ <{subject()}> ?p ?o }}",
            "DESCRIBE": f"DESCRIBE <{subject()}>"}


def expected(form: str) -> object:
    """The answer of ``form`` as :func:`canonical` writes it, from the dump."""
    if form == "SELECT":
        return graph_sizes(dataset())
    if form == "ASK":
        return True
    return about(subject())


def _pairs(graph: rdflib.Graph) -> frozenset[tuple[str, str]]:
    iri = rdflib.URIRef(subject())
    assert set(graph.subjects()) == {iri}, "a triple about another subject"
    return frozenset((p.n3(), o.n3()) for _s, p, o in graph)


def _as_graph(data: bytes, media: str) -> rdflib.Graph:
    return rdflib.Graph().parse(data=data, format={TTL: "turtle", RDFXML_TYPE: "xml",
                                                   JSONLD_TYPE: "json-ld"}[media])


def canonical(form: str, media: str, value: Any) -> object:
    """What SPARQLWrapper's ``convert()`` gave for a ``media`` answer, as plain values:
    counts per graph, a boolean, or (predicate, object) pairs."""
    if form == "SELECT":
        if media == SRJ:
            return {b["g"]["value"]: int(b["n"]["value"]) for b in value["results"]["bindings"]}
        if media == SRX:
            assert isinstance(value, Document)
            found = {}
            for result in value.getElementsByTagName("result"):
                cells = {b.getAttribute("name"): b.firstChild.firstChild.nodeValue
                         for b in result.getElementsByTagName("binding")}
                found[cells["g"]] = int(cells["n"])
            return found
        if media == "text/csv":
            return {row["g"]: int(row["n"]) for row in csv.DictReader(io.StringIO(value.decode()))}
        if media == "text/tab-separated-values":
            lines = value.decode().splitlines()
            assert lines[0] == "?g\t?n"
            cells = [line.split("\t") for line in lines[1:]]
            return {g.strip("<>"): int(ox.parse(f"<urn:x:s> <urn:x:p> {n} .".encode(),
                                                format=ox.RdfFormat.N_TRIPLES).__next__()
                                       .object.value) for g, n in cells}
    elif form == "ASK":
        if media == SRJ:
            return value["boolean"]
        if media == SRX:
            return value.getElementsByTagName("boolean")[0].firstChild.nodeValue == "true"
    else:
        graph = value if isinstance(value, rdflib.Graph) else _as_graph(value, media)
        return _pairs(graph)
    raise AssertionError(f"{form} answered as {media}")


# What each SPARQLWrapper format gets per query form: the format itself where it applies,
# else the form's default (JSON for SELECT and ASK, Turtle for CONSTRUCT and DESCRIBE).
RESULTS = {JSON: SRJ, XML: SRX, CSV: "text/csv", TSV: "text/tab-separated-values",
           N3: SRJ, TURTLE: SRJ, JSONLD: SRJ, RDF: SRJ, RDFXML: SRJ}
GRAPHS = {JSON: JSONLD_TYPE, XML: RDFXML_TYPE, CSV: TTL, TSV: TTL, N3: TTL, TURTLE: TTL,
          JSONLD: JSONLD_TYPE, RDF: RDFXML_TYPE, RDFXML: RDFXML_TYPE}
SENT = {"SELECT": RESULTS, "ASK": {**RESULTS, CSV: SRJ, TSV: SRJ},
        "CONSTRUCT": GRAPHS, "DESCRIBE": GRAPHS}


@pytest.mark.parametrize("form", list(SENT))
@pytest.mark.parametrize("return_format", [JSON, XML, CSV, TSV, N3, TURTLE, JSONLD, RDF, RDFXML])
def test_sparqlwrapper(server: LiveServer, form: str, return_format: str) -> None:
    client = SPARQLWrapper(server.endpoint)
    client.setQuery(queries()[form])
    client.setReturnFormat(return_format)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # SPARQLWrapper's, on Accept: */*
        # SPARQLWrapper's RDF/XML reader uses rdflib's deprecated ConjunctiveGraph
        warnings.simplefilter("ignore", DeprecationWarning)
        result = client.query()
        media = result.info()["content-type"].split(";")[0]
        value = result.convert()
    assert media == SENT[form][return_format]
    assert canonical(form, media, value) == expected(form)


@pytest.mark.parametrize("form", list(SENT))
@pytest.mark.parametrize("return_format", ["json", "xml", "csv", "tsv"])
def test_rdflib_sparqlstore(server: LiveServer, form: str, return_format: str) -> None:
    store = SPARQLStore(server.endpoint, returnFormat=return_format)
    try:
        result = rdflib.Graph(store=store).query(queries()[form])
        if form == "SELECT":
            found = {str(row.g): int(row.n) for row in result}
        elif form == "ASK":
            found = result.askAnswer
        else:
            assert result.graph is not None
            found = _pairs(result.graph)
    finally:
        store.close()
    assert found == expected(form)


# rdflib's own JSON-LD parser still builds a deprecated ConjunctiveGraph
@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_resource_jsonld_holds_the_turtle_triples(server: LiveServer) -> None:
    """Rdflib reads a resource's JSON-LD as the triples its Turtle holds (no named graphs),
    and those are the triples about it in the dump."""
    path = server.base + "/id/" + subject().split("/id/", 1)[1]
    as_jsonld = rdflib.Graph().parse(path + ".jsonld", format="json-ld")
    as_turtle = rdflib.Graph().parse(path + ".ttl", format="turtle")
    assert len(as_jsonld) == len(as_turtle) > 0
    assert isomorphic(as_jsonld, as_turtle)  # equal up to blank-node labels (axioms)
    assert {(p.n3(), o.n3()) for s, p, o in as_turtle if s == rdflib.URIRef(subject())} \
        == about(subject())


def test_format_names_and_wildcards(server: LiveServer) -> None:
    """``text/*`` picks CSV for a SELECT; an unknown ``format=`` falls back to Accept;
    a list of ``format=`` values uses the first that applies; Accept of nothing served: 406."""
    def get(query: str, accept: str | None, *formats: str) -> tuple[int, str]:
        params = [("query", query)] + [("format", f) for f in formats]
        resp = requests.get(server.endpoint, params=params, timeout=30,
                            headers={"Accept": accept} if accept else {})
        return resp.status_code, resp.headers.get("Content-Type", "").split(";")[0]

    select, construct = queries()["SELECT"], queries()["CONSTRUCT"]
    assert get(select, "text/*") == (200, "text/csv")
    assert get(select, "application/sparql-results+xml", "yaml") == (200, SRX)
    assert get(select, None, "yaml") == (200, SRJ)
    assert get(construct, "application/n-triples", "json-ld",
               "application/ld+json,application/x-json+ld") == (200, JSONLD_TYPE)
    assert get(construct, None, "csv", "text/csv") == (200, TTL)
    assert get(select, "image/png")[0] == 406
    body = json.loads(requests.get(
        server.endpoint, params={"query": select, "format": "srj"}, timeout=30).text)
    assert {b["g"]["value"] for b in body["results"]["bindings"]} == set(expected("SELECT"))
