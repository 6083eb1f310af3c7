"""Linked data (issue 8): every IRI of the graph dereferences in HTML, Turtle and
JSON-LD; pages show passages; suffixes, 404s, languages, the ontology, search.

The loop over every resource uses the Flask test client against an app whose
query workers load the built dump; expected triples come from the ``store``
fixture (the same dump, loaded in the test process), never from the server.
"""

from __future__ import annotations

import html
import json
from concurrent.futures import ThreadPoolExecutor

import pyoxigraph as ox
import pytest
import rdflib
from flask.testing import FlaskClient
from markupsafe import escape

from tests.pagecheck import link_problems, title_problem

ID = "https://w3id.org/iacml/id/"
SKOS = "http://www.w3.org/2004/02/skos/core#"
PROV = "http://www.w3.org/ns/prov#"
OA = "http://www.w3.org/ns/oa#"




def select(store: ox.Store, query: str) -> list[dict[str, object]]:
    """Rows of a SELECT over the default graph (the merge of all graphs)."""
    solutions = store.query(query)
    names = [v.value for v in solutions.variables]  # type: ignore[union-attr]
    return [{n: s[n] for n in names} for s in solutions]


def resources(store: ox.Store) -> list[str]:
    """Every IRI of the id: namespace that is the subject of a statement."""
    rows = select(store, f'SELECT DISTINCT ?s WHERE {{ GRAPH ?g {{ ?s ?p ?o }} '
                         f'FILTER(STRSTARTS(STR(?s), "{ID}")) }}')
    return sorted(r["s"].value for r in rows)  # type: ignore[union-attr]


def outgoing(store: ox.Store, iri: str) -> set[tuple[str, str]]:
    """(predicate, object) pairs of the resource whose object is not a blank node."""
    rows = select(store, f"SELECT DISTINCT ?p ?o WHERE {{ GRAPH ?g {{ <{iri}> ?p ?o }} "
                         "FILTER(!isBlank(?o)) }")
    return {(r["p"].value, str(r["o"])) for r in rows}  # type: ignore[union-attr]


def test_every_resource_dereferences(client: FlaskClient, store: ox.Store) -> None:
    """All resources, in one loop: HTML, Turtle and JSON-LD answer 200; the Turtle and
    JSON-LD parse and hold every outgoing statement the store has about the resource;
    the HTML's <h1> is a human title and every project IRI in it links to its page."""
    iris = resources(store)
    assert len(iris) > 1000
    expected_all: dict[str, set[tuple[str, str]]] = {}
    blank_objects: dict[str, int] = {}
    for row in select(store, f'SELECT DISTINCT ?s ?p ?o WHERE {{ GRAPH ?g {{ ?s ?p ?o }} '
                             f'FILTER(STRSTARTS(STR(?s), "{ID}")) }}'):
        subject = row["s"].value  # type: ignore[union-attr]
        if isinstance(row["o"], ox.BlankNode):
            blank_objects[subject] = blank_objects.get(subject, 0) + 1
        else:
            expected_all.setdefault(subject, set()).add(
                (row["p"].value, str(row["o"])))  # type: ignore[union-attr]

    def check(iri: str) -> list[str]:
        failures = []
        path = "/" + iri[len("https://w3id.org/iacml/"):]
        page = client.get(path, headers={"Accept": "text/html"})
        if page.status_code != 200 or b"<h1" not in page.data:
            failures.append(f"{path} html {page.status_code}")
        else:  # issue 15 item 3: a human <h1>, every project IRI linked to its page
            text = page.get_data(as_text=True)
            failures += [f"{path}: {p}" for p in
                         [title_problem(iri, text), *link_problems(text)] if p]
        expected = expected_all.get(iri, set())
        for accept, rdf_format in (("text/turtle", ox.RdfFormat.TURTLE),
                                   ("application/ld+json", ox.RdfFormat.JSON_LD)):
            resp = client.get(path, headers={"Accept": accept})
            if resp.status_code != 200 or not resp.content_type.startswith(accept):
                failures.append(f"{path} {accept} {resp.status_code}")
                continue
            own = [t for t in ox.parse(resp.data, format=rdf_format, base_iri=iri)
                   if isinstance(t.subject, ox.NamedNode) and t.subject.value == iri]
            got = {(t.predicate.value, str(t.object)) for t in own
                   if not isinstance(t.object, ox.BlankNode)}
            if not expected <= got:
                failures.append(f"{path} {accept} misses {sorted(expected - got)[:2]}")
            # distinct: a statement held by two graphs (a source and graph/preferred)
            # is written once per graph in the dataset formats
            blanks = len({t.object for t in own if isinstance(t.object, ox.BlankNode)})
            if blanks != blank_objects.get(iri, 0):
                failures.append(f"{path} {accept}: {blanks} blank-node objects, expected "
                                f"{blank_objects.get(iri, 0)}")
        return failures

    with ThreadPoolExecutor(max_workers=3) as pool:  # the app has 2 query workers
        failures = [f for found in pool.map(check, iris) for f in found]
    assert not failures, f"{len(failures)} failures: {failures[:10]}"


def test_page_shows_its_passages(client: FlaskClient, store: ox.Store) -> None:
    """The page of a cooperation quotes the passages it was read from, with the source."""
    rows = select(store, f"""SELECT ?s ?exact ?srclabel WHERE {{
        ?s a <https://w3id.org/iacml/ontology#BilateralCooperation> ;
           <{PROV}wasDerivedFrom> ?passage .
        ?passage <{OA}hasSelector> ?sel ; <{OA}hasSource> ?src . ?sel <{OA}exact> ?exact .
        ?src <{SKOS}prefLabel> ?srclabel }} ORDER BY ?s LIMIT 5""")
    assert rows
    for row in rows:
        iri = row["s"].value  # type: ignore[union-attr]
        page = client.get("/" + iri[len("https://w3id.org/iacml/"):],
                          headers={"Accept": "text/html"}).get_data(as_text=True)
        assert "Passages" in page
        # escaped as the templates escape (an apostrophe becomes &#39;)
        assert str(escape(row["exact"].value)) in page  # type: ignore[union-attr]
        assert str(escape(row["srclabel"].value)) in page  # type: ignore[union-attr]


def test_suffixes_and_formats(client: FlaskClient) -> None:
    """Suffixes pick the format whatever the Accept header says; all formats parse."""
    base = "/id/country/ECU"
    iri = ID + "country/ECU"
    checks = {".ttl": ("text/turtle", ox.RdfFormat.TURTLE),
              ".jsonld": ("application/ld+json", ox.RdfFormat.JSON_LD),
              ".nt": ("application/n-triples", ox.RdfFormat.N_TRIPLES),
              ".rdf": ("application/rdf+xml", ox.RdfFormat.RDF_XML),
              ".trig": ("application/trig", ox.RdfFormat.TRIG),
              ".nq": ("application/n-quads", ox.RdfFormat.N_QUADS)}
    for suffix, (media, rdf_format) in checks.items():
        resp = client.get(base + suffix, headers={"Accept": "text/html"})
        assert resp.status_code == 200 and resp.content_type.startswith(media), suffix
        subjects = {q.subject for q in ox.parse(resp.data, format=rdf_format)}
        assert ox.NamedNode(iri) in subjects, suffix
    page = client.get(base + ".html", headers={"Accept": "text/turtle"})
    assert page.status_code == 200 and page.content_type.startswith("text/html")
    conneg = client.get(base, headers={"Accept": "application/rdf+xml"})
    assert conneg.content_type.startswith("application/rdf+xml")
    assert conneg.headers["Content-Location"] == base + ".rdf"
    assert "Accept" in conneg.headers["Vary"]
    assert client.get(base, headers={"Accept": "image/png"}).status_code == 406


def test_trig_keeps_named_graphs(client: FlaskClient, store: ox.Store) -> None:
    """The TriG of a resource puts each statement in the graph the store has it in."""
    iri = ID + "country/ECU"
    expected = {(q.predicate.value, str(q.object), q.graph_name.value)
                for q in store.quads_for_pattern(ox.NamedNode(iri), None, None)
                if isinstance(q.graph_name, ox.NamedNode)}
    resp = client.get("/id/country/ECU.trig")
    got = {(q.predicate.value, str(q.object), q.graph_name.value)  # type: ignore[union-attr]
           for q in ox.parse(resp.data, format=ox.RdfFormat.TRIG)
           if q.subject == ox.NamedNode(iri)}
    assert expected and expected == got


def test_unknown_iri_is_404_with_search_box(client: FlaskClient) -> None:
    resp = client.get("/id/country/XYZ-not-a-country", headers={"Accept": "text/html"})
    assert resp.status_code == 404
    assert b'name="q"' in resp.data and b"/search" in resp.data
    assert client.get("/id/country/XYZ-not-a-country.ttl").status_code == 404


def test_accept_language_picks_the_label(client: FlaskClient, store: ox.Store) -> None:
    """A resource with English and Spanish labels is titled in the first language asked."""
    rows = select(store, f"""SELECT ?s ?en ?es WHERE {{
        GRAPH <https://w3id.org/iacml/graph/reference> {{ ?s <{SKOS}prefLabel> ?en , ?es }}
        FILTER(LANG(?en) = "en" && LANG(?es) = "es" && STR(?en) != STR(?es))
        FILTER(STRSTARTS(STR(?s), "{ID}country/")) }} ORDER BY ?s LIMIT 1""")
    assert rows, "no resource with distinct English and Spanish labels"
    iri = rows[0]["s"].value  # type: ignore[union-attr]
    path = "/" + iri[len("https://w3id.org/iacml/"):]
    for header, label in (("es-ES,es;q=0.9,en;q=0.5", rows[0]["es"]),
                          ("en-GB,en;q=0.9", rows[0]["en"]), ("fr", rows[0]["en"])):
        # the first visit of a Spanish reader lands on /es/... (server/i18n/)
        page = client.get(path, headers={"Accept": "text/html", "Accept-Language": header},
                          follow_redirects=True)
        title = html.escape(label.value, quote=False)  # type: ignore[union-attr]
        assert f'<h1 id="label">{title}</h1>' in page.get_data(as_text=True), header


def test_country_page_links_out_and_shows_graphs(client: FlaskClient, store: ox.Store) -> None:
    """A Country page links to its Wikidata entity and names the graphs of its statements."""
    rows = select(store, """SELECT ?wd WHERE { GRAPH <https://w3id.org/iacml/graph/links> {
        <https://w3id.org/iacml/id/country/ECU> <http://www.w3.org/2002/07/owl#sameAs> ?wd }
        FILTER(STRSTARTS(STR(?wd), "http://www.wikidata.org/entity/")) }""")
    assert len(rows) == 1
    page = client.get("/id/country/ECU", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert f'href="{rows[0]["wd"].value}"' in page  # type: ignore[union-attr]
    assert "links" in page and "reference" in page


def test_ontology_documents_every_term(client: FlaskClient, store: ox.Store) -> None:
    """/ontology has an anchor for every class and property of the iacml: namespace, and
    its Turtle holds the ontology graph."""
    owl = "http://www.w3.org/2002/07/owl#"
    rows = select(store, f"""SELECT DISTINCT ?t WHERE {{
        GRAPH <https://w3id.org/iacml/graph/ontology> {{ ?t a ?k }}
        VALUES ?k {{ <{owl}Class> <{owl}ObjectProperty> <{owl}DatatypeProperty> }}
        FILTER(STRSTARTS(STR(?t), "https://w3id.org/iacml/ontology#")) }}""")
    page = client.get("/ontology", headers={"Accept": "text/html"}).get_data(as_text=True)
    missing = [r["t"].value for r in rows  # type: ignore[union-attr]
               if f'id="{r["t"].value.split("#")[1]}"' not in page]  # type: ignore[union-attr]
    assert len(rows) > 50 and not missing
    ttl = client.get("/ontology", headers={"Accept": "text/turtle"})
    graph = rdflib.Graph().parse(data=ttl.data, format="turtle")
    size = len(list(store.quads_for_pattern(None, None, None,
                                            ox.NamedNode("https://w3id.org/iacml/graph/ontology"))))
    assert len(graph) == size


@pytest.mark.parametrize(("query", "expected"), [
    ("bogota", "city/bogota"),       # accents ignored: keys.csv "Bogotá"
    ("BOGOTÁ", "city/bogota"),       # case ignored
    ("quito", "city/quito"),
    ("Organización Internacional del Trabajo", "org/ilo"),  # Spanish label (organizations.csv)
])
def test_search_finds_by_label(client: FlaskClient, query: str, expected: str) -> None:
    resp = client.get("/search", query_string={"q": query, "format": "json"})
    results = resp.get_json()["results"]
    assert results and results[0]["iri"] == ID + expected, results[:3]
    page = client.get("/search", query_string={"q": query}, headers={"Accept": "text/html"})
    assert f'href="/id/{expected}"' in page.get_data(as_text=True)


def test_search_ranks_exact_before_partial(client: FlaskClient) -> None:
    results = client.get("/search", query_string={"q": "argentina"},
                         headers={"Accept": "application/json"}).get_json()["results"]
    assert results[0]["iri"] == ID + "country/ARG"
    assert json.dumps(results)  # serialisable
    assert not client.get("/search?q=zzzqqqxxx&format=json").get_json()["results"]


def test_conditional_get_and_cors(client: FlaskClient) -> None:
    """A representation carries an ETag (per data version and variant) that answers 304,
    a Link header to its alternates, and CORS for scripts."""
    first = client.get("/id/country/ECU", headers={"Accept": "text/turtle"})
    tag = first.headers["ETag"]
    assert first.headers["Access-Control-Allow-Origin"] == "*"
    assert "</id/country/ECU.jsonld>" in first.headers["Link"]
    again = client.get("/id/country/ECU", headers={"Accept": "text/turtle",
                                                   "If-None-Match": tag})
    assert again.status_code == 304
    other = client.get("/id/country/ECU", headers={"Accept": "application/ld+json",
                                                   "If-None-Match": tag})
    assert other.status_code == 200 and other.headers["ETag"] != tag


def test_graph_iri_leads_to_its_dump(client: FlaskClient) -> None:
    resp = client.get("/graph/source/003")
    assert resp.status_code == 303 and resp.headers["Location"].endswith("/download/#source/003")
