"""The interface languages (issue 15 item 7): the language is part of the URL,
Accept-Language only chooses where a first visit lands, and every page says its language
and links the other one. Spanish strings checked here come from the catalogue as written
by hand (``server/i18n/catalogs/core``), never from a page's own output."""

from __future__ import annotations

import re

from flask.testing import FlaskClient

HTML = {"Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8"}  # as a browser sends
SPANISH_FIRST = {**HTML, "Accept-Language": "es-ES,es;q=0.9,en;q=0.5"}
USA = "/id/country/USA"


def _lang(html: str) -> str:
    found = re.search(r'<html lang="([^"]+)"', html)
    assert found, "no <html lang>"
    return found.group(1)


def test_the_spanish_prefix_gives_a_spanish_page(client: FlaskClient) -> None:
    page = client.get("/es" + USA, headers=HTML)
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert _lang(html) == "es"
    assert page.headers["Content-Language"] == "es"
    assert ">Consulta</a>" in html  # the navigation's "Query"
    # the reference table's Spanish name of the country (data/reference/countries.csv)
    assert "Estados Unidos" in html.split("<h1", 1)[1].split("</h1>", 1)[0]
    # links built by the app keep the language
    assert 'href="/es/search' in html


def test_the_english_prefix_never_moves(client: FlaskClient) -> None:
    page = client.get("/en" + USA, headers=SPANISH_FIRST)
    assert page.status_code == 200
    assert _lang(page.get_data(as_text=True)) == "en"
    assert page.headers["Content-Language"] == "en"


def test_a_first_visit_lands_in_the_clients_language(client: FlaskClient) -> None:
    page = client.get("/search?q=trabajo", headers=SPANISH_FIRST)
    assert page.status_code == 303
    assert page.headers["Location"] == "/es/search?q=trabajo"
    assert "Accept-Language" in page.headers["Vary"]
    landed = client.get(page.headers["Location"], headers=SPANISH_FIRST)
    assert landed.status_code == 200
    assert _lang(landed.get_data(as_text=True)) == "es"


def test_accept_language_es_gives_spanish_pages(client: FlaskClient) -> None:
    page = client.get(USA, headers={**HTML, "Accept-Language": "es"}, follow_redirects=True)
    assert page.status_code == 200
    assert _lang(page.get_data(as_text=True)) == "es"


def test_without_a_preference_the_page_is_english(client: FlaskClient) -> None:
    for headers in (HTML, {**HTML, "Accept-Language": "en-GB,en;q=0.8"},
                    {**HTML, "Accept-Language": "fr"}):
        page = client.get(USA, headers=headers)
        assert page.status_code == 200, headers
        assert _lang(page.get_data(as_text=True)) == "en"
        assert "Accept-Language" in page.headers["Vary"]


def test_machine_formats_are_not_moved(client: FlaskClient) -> None:
    page = client.get(USA, headers={**SPANISH_FIRST, "Accept": "text/turtle"})
    assert page.status_code == 200
    assert page.mimetype == "text/turtle"
    answer = client.get("/sparql", query_string={"query": "ASK {}"},
                        headers={**SPANISH_FIRST, "Accept": "application/sparql-results+json"})
    assert answer.status_code == 200
    assert answer.get_json()["boolean"] is True


def test_every_page_names_its_alternates_and_has_a_switch(client: FlaskClient) -> None:
    html = client.get("/en/search?q=labor", headers=HTML).get_data(as_text=True)
    assert '<link rel="alternate" hreflang="en" href="/en/search?q=labor">' in html
    assert '<link rel="alternate" hreflang="es" href="/es/search?q=labor">' in html
    assert '<link rel="alternate" hreflang="x-default" href="/search?q=labor">' in html
    assert re.search(r'<a href="/es/search\?q=labor" hreflang="es" lang="es">Español</a>', html)


def test_an_unknown_language_prefix_is_not_a_language(client: FlaskClient) -> None:
    page = client.get("/fr" + USA, headers=HTML)
    assert page.status_code == 404


def test_a_hostile_path_cannot_reach_the_location_header(client: FlaskClient) -> None:
    page = client.get("/id/country/%0d%0aSet-Cookie:%20x=1", headers=SPANISH_FIRST)
    assert page.status_code in (303, 404)
    assert "Set-Cookie" not in page.headers
    if page.status_code == 303:
        assert "\r" not in page.headers["Location"] and "\n" not in page.headers["Location"]


def test_the_settings_page_speaks_spanish_and_marks_what_stays_english(
        client: FlaskClient) -> None:
    html = client.get("/es/-/settings", headers=HTML).get_data(as_text=True)
    assert _lang(html) == "es"
    assert "<th>qué hace</th>" in html  # as written in the core catalogue
    assert '<td lang="en">' in html  # each setting's description, for operators, in English
