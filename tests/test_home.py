"""The site's shell (issue 15): the landing page at / and the query editor's move to
/query (item 1), the readable /dataset (item 6), the error pages (item 9). One app for
the module: each adds its start-up time to the suite."""

from __future__ import annotations

import re

import pytest
from flask import Flask, Response
from flask.testing import FlaskClient
from werkzeug.exceptions import InternalServerError

from server.ui import errorpages


def test_the_landing_page_is_not_the_editor(client: FlaskClient) -> None:
    page = client.get("/")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'id="yasgui"' not in html
    assert 'href="/query"' in html


def test_old_editor_share_links_go_to_query(client: FlaskClient) -> None:
    # a share link of YASGUI from when the editor was at /: every parameter kept, in order
    shared = ("query=SELECT%20*%20WHERE%20%7B%3Fs%20%3Fp%20%3Fo%7D%20LIMIT%201"
              "&endpoint=http%3A%2F%2Fexample.org%2Fsparql&requestMethod=POST"
              "&tabTitle=Query&headers=%7B%7D&contentTypeConstruct=text%2Fturtle"
              "&contentTypeSelect=application%2Fsparql-results%2Bjson&outputFormat=table")
    answer = client.get("/?" + shared)
    assert answer.status_code == 301
    assert answer.headers["Location"] == "/query?" + shared
    assert client.get(answer.headers["Location"]).status_code == 200
    # any one editor parameter is enough; an unrelated one leaves the landing page
    assert client.get("/?outputFormat=table").headers["Location"] == "/query?outputFormat=table"
    assert client.get("/?utm_source=mail").status_code == 200


def _figure(html: str, label: str) -> int:
    """The number shown beside ``label`` in the landing page's figures."""
    found = re.search(r'<span class="figure">([\d,.\s]+)</span>\s*' + re.escape(label) + "<", html)
    assert found, label
    return int(re.sub(r"\D", "", found.group(1)))


def test_the_landing_page_says_what_the_sources_say(client: FlaskClient) -> None:
    html = client.get("/").get_data(as_text=True)
    # 003's Annex 1 lists 25 bilateral cooperation lines; the reports name five Working
    # Groups: WG2 of the XVII IACML (001), WG1 and WG2 of the XX (000, 002, 003), WG1
    # and WG2 established by the Plan of Action of Buenos Aires of the XXI (004)
    assert _figure(html, "Bilateral cooperations") == 25
    assert _figure(html, "Working Groups") == 5
    # the five reports transcribed, one per source text, each linking to its page
    reports = html[html.index("The reports transcribed"):]
    reports = reports[:reports.index("</ul>")]
    assert len(re.findall(r'<li><a href="/id/report/', reports)) == 5
    assert "Report of the General Secretariat of the OAS to the XXI IACML" in reports
    # 003's introduction: the IACML's main tools and who leads the process
    assert "Inter-American Network for Labor Administration</span> (RIAL)" not in html
    assert "the Inter-American Network for Labor Administration (RIAL)" in html
    assert "led by a troika" in html
    # a search box, and the way to the editor, map, timeline and downloads
    assert 'role="search"' in html
    for path in ("/query", "/map", "/timeline", "/download/"):
        assert f'href="{path}"' in html, path


def test_the_spanish_landing_page_keeps_untranslated_names_as_printed(
        client: FlaskClient) -> None:
    html = client.get("/es/").get_data(as_text=True)
    assert '<html lang="es">' in html
    assert "Los datos en cifras" in html
    # no source or reference table gives the Conference's name in Spanish: shown as
    # printed, marked English
    assert '<span lang="en">Inter-American Conference of Ministers of Labor</span>' in html
    assert _figure(html, "Cooperaciones bilaterales") == 25


@pytest.mark.parametrize(("path", "least"), (("/", 7), ("/dataset", 20)))
def test_every_list_a_page_offers_is_served(client: FlaskClient, path: str, least: int
                                             ) -> None:
    html = client.get(path, headers={"Accept": "text/html"}).get_data(as_text=True)
    lists = set(re.findall(r'href="(/browse/[^"]*)"', html))
    # the landing page: conferences, working groups, countries, ministries, ...; /dataset
    # also a subclass's list (/browse/activities?type=Workshop)
    assert len(lists) >= least
    assert path == "/" or "/browse/activities?type=Workshop" in lists
    for href in lists:
        assert client.get(href.replace("&amp;", "&")).status_code == 200, href


def _table_rows(html: str, heading_id: str) -> list[str]:
    """The rows of the table after the heading ``heading_id``, as text."""
    part = html[html.index(f'id="{heading_id}"'):]
    part = part[:part.index("</table>")]
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row)).strip()
            for row in part.split("<tr>")[2:]]


def test_the_dataset_page_reads_as_a_summary(client: FlaskClient) -> None:
    html = client.get("/dataset", headers={"Accept": "text/html"}).get_data(as_text=True)
    classes = _table_rows(html, "classes")
    # 003's Annex 1: 25 bilateral cooperation lines; a list to browse them
    row = next(r for r in classes if r.startswith("Bilateral cooperation iacml:"))
    assert row.split()[-2:] == ["25", "browse"]
    assert 'href="/browse/cooperations"' in html
    graphs = _table_rows(html, "graphs")
    # one graph per source text, each naming the report transcribed into it
    sources = [r for r in graphs if r.startswith("source/")]
    assert len(sources) == 5
    assert any(r.startswith("source/003") and
               "Report of the General Secretariat of the OAS to the XXI IACML" in r
               for r in sources)
    # the licence and the publisher by name (CITATION.cff: CC-BY-4.0), not "4.0"
    assert "Creative Commons Attribution 4.0 International (CC BY 4.0)</a>" in html
    assert "IACML open knowledge graph project" in html
    # the full description stays, collapsed; its sections link within the page
    assert '<details class="all-statements">' in html
    assert 'href="/dataset#class-0"' in html.split('<details class="all-statements">')[1]
    # the machine twin is unchanged: Turtle by negotiation
    turtle = client.get("/dataset", headers={"Accept": "text/turtle"})
    assert turtle.mimetype == "text/turtle" and b"void:classPartition" in turtle.data


def test_the_spanish_dataset_page(client: FlaskClient) -> None:
    html = client.get("/es/dataset", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert '<html lang="es">' in html and "Grafos con nombre" in html
    assert "Grafo de conocimiento abierto" in html  # the description's Spanish title


BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}


def test_an_unknown_path_gets_a_page_with_the_navigation(client: FlaskClient) -> None:
    answer = client.get("/no/such/page", headers=BROWSER)
    assert answer.status_code == 404 and answer.mimetype == "text/html"
    html = answer.get_data(as_text=True)
    assert "<h1>Page not found</h1>" in html and 'class="site-nav"' in html
    assert 'role="search"' in html and "<footer" in html
    spanish = client.get("/es/no/such/page", headers=BROWSER).get_data(as_text=True)
    assert '<html lang="es">' in spanish and "Página no encontrada" in spanish
    # a program gets plain text or JSON, not a page
    plain = client.get("/no/such/page", headers={"Accept": "*/*"})
    assert plain.status_code == 404 and plain.mimetype == "text/plain"
    data = client.get("/no/such/page", headers={"Accept": "application/json"}).get_json()
    assert data["status"] == 404


def test_a_method_a_route_does_not_take_is_named(client: FlaskClient) -> None:
    answer = client.delete("/dataset", headers=BROWSER)
    assert answer.status_code == 405 and "GET" in answer.headers["Allow"]
    html = answer.get_data(as_text=True)
    assert "does not take a DELETE request" in html and 'class="site-nav"' in html


def test_a_server_error_gets_a_page(app: Flask) -> None:
    boom = InternalServerError(original_exception=RuntimeError("boom"))
    with app.test_request_context("/some/page", headers=BROWSER):
        answer = errorpages.render(boom)
    assert isinstance(answer, Response) and answer.status_code == 500
    html = answer.get_data(as_text=True)
    assert "<h1>Server error</h1>" in html and 'class="site-nav"' in html
    assert "boom" not in html  # the exception stays in the log


def test_the_service_description_reads_as_a_page(client: FlaskClient) -> None:
    html = client.get("/sparql", headers=BROWSER).get_data(as_text=True)
    assert "<h1>SPARQL endpoint</h1>" in html and "SPARQL 1.1 Query" in html
    assert "https://w3id.org/iacml/graph/source/003" in html
    turtle = client.get("/sparql", headers={"Accept": "text/turtle"})
    assert turtle.mimetype == "text/turtle" and b"sd:Service" in turtle.data


def test_the_favicon_is_linked_and_served(client: FlaskClient) -> None:
    html = client.get("/").get_data(as_text=True)
    href = re.search(r'<link rel="icon" href="([^"]+)"', html)
    assert href
    assert client.get("/favicon.ico").headers["Location"] == href.group(1)
    icon = client.get(href.group(1))
    assert icon.mimetype == "image/svg+xml" and b"<svg" in icon.data
    icon.close()


def _search(client: FlaskClient, words: str) -> list[dict[str, object]]:
    answer = client.get("/search", query_string={"q": words, "format": "json"})
    return list(answer.get_json()["results"])


def test_search_reads_spanish_words_in_english_labels(client: FlaskClient) -> None:
    # 003: "the troika, currently comprised of the Ministries of Labor of Mexico,
    # Barbados, and Argentina"; no source gives their Spanish names
    found = _search(client, "Ministerio de Trabajo")
    hrefs = [r["href"] for r in found]
    assert {"/id/ministry/MEX", "/id/ministry/BRB", "/id/ministry/ARG"} <= set(hrefs)
    assert all(r["types"] == ["Ministry"] for r in found[:10])
    # 001: the RIAL workshop on child labor; 003's annex: cooperation on child labor
    child = [r["href"] for r in _search(client, "trabajo infantil")]
    assert "/id/topic/child-labor" == child[0]
    assert child == [r["href"] for r in _search(client, "child labor")]
    assert child == [r["href"] for r in _search(client, "child labour")]


def test_search_finds_the_ontology_s_spanish_labels(client: FlaskClient) -> None:
    # the ontology's own terms have Spanish labels (issue 15 item 7)
    found = _search(client, "Cooperación bilateral")
    assert found[0]["href"] == "/ontology#BilateralCooperation"
    assert found[0]["matched"] == "Cooperación bilateral" and found[0]["lang"] == "es"


def test_a_spanish_reader_lands_on_spanish_pages(client: FlaskClient) -> None:
    for path in ("/", "/dataset", "/validate", "/sparql"):
        first = client.get(path, headers={**BROWSER, "Accept-Language": "es-MX,es;q=0.9"})
        assert first.status_code == 303 and first.headers["Location"].endswith("/es" + path)
        page = client.get(first.headers["Location"], headers=BROWSER)
        assert page.status_code == 200, path
        assert '<html lang="es">' in page.get_data(as_text=True), path
