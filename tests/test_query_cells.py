"""Readable results (issue 15 item 4): ``/sparql?format=html`` shows an IRI by its label,
linked to its page here, numbers and dates written in the page's language with the
datatype on hover; ``/labels`` gives the editor the same labels and links, and refuses
what it cannot answer with a 400 that says why. Expected texts are written by hand."""

from __future__ import annotations

import html
import re

from flask.testing import FlaskClient

# Ecuador (the reference table's name), a date and two numbers made in the query
QUERY = """PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
SELECT ?country ?day ?count ?share ?name WHERE {
  BIND(<https://w3id.org/iacml/id/country/ECU> AS ?country)
  BIND("2020-05-22"^^xsd:date AS ?day)
  BIND(42000 AS ?count)
  BIND(12.5 AS ?share)
  BIND("Quito"@es AS ?name)
}"""


def _cells(page: str) -> list[str]:
    body = page[page.index("<tbody>"):page.index("</tbody>")]
    return re.findall(r"<td>(.*?)</td>", body, re.S)


def test_html_results_are_readable_in_english(client: FlaskClient) -> None:
    page = client.get("/en/sparql", query_string={"query": QUERY, "format": "html"})
    assert page.status_code == 200
    country, day, count, share, name = _cells(page.get_data(as_text=True))
    assert re.fullmatch(r'<a href="(/en)?/id/country/ECU" '
                        r'title="https://w3id.org/iacml/id/country/ECU">Ecuador</a>', country)
    assert day == '<span title="xsd:date">May 22, 2020</span>'
    assert count == '<span title="xsd:integer">42,000</span>'
    assert share == '<span title="xsd:decimal">12.5</span>'
    assert name == '<span title="@es" lang="es">Quito</span>'


def test_html_results_are_readable_in_spanish(client: FlaskClient) -> None:
    page = client.get("/es/sparql", query_string={"query": QUERY, "format": "html"})
    text = page.get_data(as_text=True)
    country, day, count, share, _name = _cells(text)
    assert ">Ecuador</a>" in country
    assert day == '<span title="xsd:date">22 de mayo de 2020</span>'
    assert html.unescape(count) == '<span title="xsd:integer">42.000</span>'
    assert share == '<span title="xsd:decimal">12,5</span>'
    assert "Abrir esta consulta en el editor" in text


def test_graph_results_are_readable(client: FlaskClient) -> None:
    """A CONSTRUCT answer's terms are cells like a SELECT's (they were N-Triples text)."""
    page = client.get("/en/sparql", query_string={"format": "html", "query":
        "CONSTRUCT { <https://w3id.org/iacml/id/country/ECU> <http://example.org/p> 7 } "
        "WHERE {}"})
    subject, predicate, obj = _cells(page.get_data(as_text=True))
    assert ">Ecuador</a>" in subject
    assert 'href="http://example.org/p"' in predicate
    assert obj == '<span title="xsd:integer">7</span>'


def test_labels_for_the_editor(client: FlaskClient) -> None:
    answer = client.post("/es/labels", data={"iri": [
        "https://w3id.org/iacml/id/country/ECU", "http://example.org/x"]})
    assert answer.status_code == 200
    labels = answer.get_json()["labels"]
    assert labels["https://w3id.org/iacml/id/country/ECU"]["label"] == "Ecuador"
    assert labels["https://w3id.org/iacml/id/country/ECU"]["href"].endswith("/id/country/ECU")
    assert labels["http://example.org/x"]["href"] == "http://example.org/x"


def test_labels_refuses_too_much(client: FlaskClient) -> None:
    too_many = client.post("/labels", data={"iri": [f"http://example.org/{i}"
                                                    for i in range(1001)]})
    assert too_many.status_code in (400, 413)
    assert "IRI" in too_many.get_data(as_text=True) or too_many.status_code == 413
    too_long = client.post("/labels", data={"iri": "http://example.org/" + "x" * 3000})
    assert too_long.status_code == 400
    assert "longer than 2048" in too_long.get_data(as_text=True)
    assert client.post("/labels").get_json() == {"labels": {}}
    assert client.get("/labels").status_code == 405
