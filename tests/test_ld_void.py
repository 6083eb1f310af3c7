"""The dataset description (VoID/DCAT) and the dumps (issue 8).

The description must conform to tests/fixtures/ld/void-shapes.ttl and every
count it states must equal the count computed here by SPARQL on the dump;
each dump file, downloaded and parsed, must hold exactly the store's quads.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import json
from collections import Counter
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from flask.testing import FlaskClient
from pyshacl import validate

ROOT = Path(__file__).resolve().parent.parent
SHAPES = ROOT / "tests" / "fixtures" / "ld" / "void-shapes.ttl"
VOID = rdflib.Namespace("http://rdfs.org/ns/void#")
DCAT = rdflib.Namespace("http://www.w3.org/ns/dcat#")
SD = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")


def shapes() -> rdflib.Graph:
    """The VoID shapes."""
    return rdflib.Graph().parse(SHAPES, format="turtle")
DATASET = rdflib.URIRef("https://w3id.org/iacml/dataset")




@pytest.fixture(scope="module")
def void(client: FlaskClient) -> rdflib.Graph:
    """The description served at /.well-known/void, parsed."""
    resp = client.get("/.well-known/void", headers={"Accept": "text/turtle"})
    assert resp.status_code == 200
    return rdflib.Graph().parse(data=resp.data, format="turtle")


def count(store: ox.Store, query: str) -> int:
    """The single integer a COUNT query answers."""
    return int(next(iter(store.query(query)))[0].value)


def stated(graph: rdflib.Graph, node: rdflib.term.Node, prop: rdflib.URIRef) -> int:
    """The one integer ``node`` states for ``prop``."""
    values = list(graph.objects(node, prop))
    assert len(values) == 1, (node, prop, values)
    return int(values[0])


def test_void_conforms_to_its_shapes(void: rdflib.Graph) -> None:
    conforms, _graph, text = validate(void, shacl_graph=shapes(), inference="none")
    assert conforms, text


def test_shapes_reject_an_incomplete_description(void: rdflib.Graph) -> None:
    """The shapes can fail: without its Spanish title and a linkset's count they do."""
    broken = rdflib.Graph()
    for triple in void:
        s, p, o = triple
        if (p == rdflib.DCTERMS.title and s == DATASET and getattr(o, "language", "") == "es") \
                or (p == VOID.triples and "links-wikidata" in str(s)):
            continue
        broken.add(triple)
    conforms, _graph, text = validate(broken, shacl_graph=shapes(), inference="none")
    assert not conforms
    assert "title" in text and "triples" in text


def test_void_counts_equal_sparql_counts(void: rdflib.Graph, store: ox.Store) -> None:
    assert stated(void, DATASET, VOID.triples) == len(
        {(q.subject, q.predicate, q.object) for q in store.quads_for_pattern(None, None, None)
         if isinstance(q.graph_name, ox.NamedNode)})
    assert stated(void, DATASET, VOID.entities) == count(store, """
        SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s WHERE { GRAPH ?g { ?s ?p ?o }
        FILTER(REGEX(STR(?s), "^https://w3id[.]org/iacml/id/")) } }""")
    partitions = list(void.objects(DATASET, VOID.classPartition))
    assert partitions
    for part in partitions:
        cls = next(void.objects(part, VOID["class"]))
        expected = count(store, f"SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ ?s a <{cls}> }}")
        assert stated(void, part, VOID.entities) == expected, cls
    props = list(void.objects(DATASET, VOID.propertyPartition))
    assert props
    for part in props:
        prop = next(void.objects(part, VOID.property))
        expected = len({(q.subject, q.object) for q in
                        store.quads_for_pattern(None, ox.NamedNode(str(prop)), None)
                        if isinstance(q.graph_name, ox.NamedNode)})
        assert stated(void, part, VOID.triples) == expected, prop
    graphs = {g.value: n for g, n in ((g, count(store, f"SELECT (COUNT(*) AS ?n) WHERE "
                                                      f"{{ GRAPH <{g.value}> {{ ?s ?p ?o }} }}"))
                                     for g in store.named_graphs())}
    subsets = {str(next(void.objects(s, SD.name))): stated(void, s, VOID.triples)
               for s in void.objects(DATASET, VOID.subset) if (s, SD.name, None) in void}
    assert subsets == graphs


@pytest.mark.parametrize(("key", "namespace"), [
    ("wikidata", "http://www.wikidata.org/entity/"),
    ("geonames", "https://sws.geonames.org/"),
    ("dbpedia", "http://dbpedia.org/resource/"),
])
def test_linkset_counts(void: rdflib.Graph, store: ox.Store, key: str, namespace: str) -> None:
    linkset = rdflib.URIRef(f"{DATASET}#links-{key}")
    assert (linkset, rdflib.RDF.type, VOID.Linkset) in void
    expected = count(store, f"""SELECT (COUNT(*) AS ?n) WHERE {{
        GRAPH <https://w3id.org/iacml/graph/links> {{
            ?s <http://www.w3.org/2002/07/owl#sameAs> ?o }}
        FILTER(STRSTARTS(STR(?o), "{namespace}")) }}""")
    assert expected > 0
    assert stated(void, linkset, VOID.triples) == expected
    # the only link predicate is owl:sameAs (the axiom annotations are not links)
    assert set(void.objects(linkset, VOID.linkPredicate)) == {rdflib.OWL.sameAs}


def test_dataset_iri_serves_the_same_description(client: FlaskClient,
                                                 void: rdflib.Graph) -> None:
    data = client.get("/dataset", headers={"Accept": "application/ld+json"}).data
    other = {(t.subject.value, t.predicate.value, t.object.value)
             for t in ox.parse(data, format=ox.RdfFormat.JSON_LD)}
    turtle = client.get("/.well-known/void", headers={"Accept": "text/turtle"}).data
    assert other == {(t.subject.value, t.predicate.value, t.object.value)
                     for t in ox.parse(turtle, format=ox.RdfFormat.TURTLE)}
    assert len(other) == len(void)
    assert client.get("/dataset", headers={"Accept": "text/html"}).status_code == 200


def _parsed(data: bytes, rdf_format: ox.RdfFormat, graph: str | None) -> Counter[tuple]:
    out: Counter[tuple] = Counter()
    for item in ox.parse(gzip.decompress(data), format=rdf_format):
        name = graph if graph is not None else item.graph_name.value  # type: ignore[union-attr]
        out[_key(item.subject, item.predicate, item.object, name)] += 1
    return out


def _key(s: object, p: object, o: object, g: str) -> tuple:
    # blank node labels differ between files: compare them as one wildcard
    return tuple("_:b" if isinstance(t, ox.BlankNode) else str(t) for t in (s, p, o)) + (g,)


def test_dumps_hold_exactly_the_store(client: FlaskClient, store: ox.Store) -> None:
    """Each file, downloaded and parsed, gives the store's quads (or one graph's triples);
    its size and sha256 are the listed ones."""
    listing = client.get("/download/", headers={"Accept": "application/json"}).get_json()
    files = listing["files"]
    assert {"iacml.trig.gz", "iacml.nq.gz", "iacml.jsonld.gz"} <= {f["file"] for f in files}
    expected: Counter[tuple] = Counter(
        _key(q.subject, q.predicate, q.object, q.graph_name.value)  # type: ignore[union-attr]
        for q in store.quads_for_pattern(None, None, None)
        if isinstance(q.graph_name, ox.NamedNode))
    formats = {"iacml.trig.gz": ox.RdfFormat.TRIG, "iacml.nq.gz": ox.RdfFormat.N_QUADS,
               "iacml.jsonld.gz": ox.RdfFormat.JSON_LD}
    seen_graphs = set()
    for entry in files:
        path = "/" + entry["url"].split("://", 1)[1].split("/", 1)[1]
        with client.get(path) as resp:
            assert resp.status_code == 200, entry["file"]
            data = resp.data
        assert len(data) == entry["size"]
        assert hashlib.sha256(data).hexdigest() == entry["sha256"]
        if entry["media_type"] in ("text/csv", "application/json"):
            continue  # the linkset table: tests/test_reconcile.py
        if entry["graph"] is None:
            assert _parsed(data, formats[entry["file"]], None) == expected, entry["file"]
        else:
            seen_graphs.add(entry["graph"])
            wanted = Counter({k: n for k, n in expected.items() if k[3] == entry["graph"]})
            assert _parsed(data, ox.RdfFormat.TURTLE, entry["graph"]) == wanted, entry["file"]
    assert seen_graphs == {g.value for g in store.named_graphs()}
    page = client.get("/download/", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert all(f["sha256"] in page for f in files)


def test_linkset_table_downloads(client: FlaskClient) -> None:
    """/download/ lists the linkset as CSV and JSON (issue 16, docs/linking.md); the DCAT
    description names both as distributions; every country row has the identifiers of its
    row of data/reference/countries.csv."""
    listing = client.get("/download/", headers={"Accept": "application/json"}).get_json()
    files = {f["file"]: f for f in listing["files"]}
    assert files["linkset.csv.gz"]["media_type"] == "text/csv"
    assert files["linkset.json.gz"]["media_type"] == "application/json"
    void = client.get("/.well-known/void", headers={"Accept": "application/n-triples"})
    triples = {(t.subject.value, t.predicate.value, t.object.value)
               for t in ox.parse(void.data, format=ox.RdfFormat.N_TRIPLES)}
    downloads = {o for _, p, o in triples if p == "http://www.w3.org/ns/dcat#downloadURL"}
    dumps = {o for _, p, o in triples if p == "http://rdfs.org/ns/void#dataDump"}
    assert files["iacml.nq.gz"]["url"] in dumps  # so the check below can fail
    for name in ("linkset.csv.gz", "linkset.json.gz"):
        assert files[name]["url"] in downloads and files[name]["url"] not in dumps
    with client.get("/download/linkset.json.gz") as response:
        table = json.loads(gzip.decompress(response.data))
    with client.get("/download/linkset.csv.gz") as response:
        lines = list(csv.DictReader(gzip.decompress(response.data).decode("utf-8").splitlines()))
    assert [r["id"] for r in lines] == [r["id"] for r in table]
    by_id = {r["id"]: r for r in table}
    with (ROOT / "data" / "reference" / "countries.csv").open(encoding="utf-8") as handle:
        countries = list(csv.DictReader(handle))
    for row in countries:
        got = by_id[f"country/{row['iso_alpha3']}"]
        assert got["wikidata"] == [row["wikidata_qid"]] and got["geonames"] == [row["geonames_id"]]
        assert got["iso_alpha2"] == [row["iso_alpha2"]] and got["label_es"] == [row["name_es"]]
        assert "Country" in got["types"]
    csv_row = next(r for r in lines if r["id"] == "country/TTO")
    assert (csv_row["wikidata"], csv_row["label_en"]) == ("Q754", "Trinidad and Tobago")

