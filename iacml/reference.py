"""The generated part of the registry: countries, Ministries, cities and organizations
from the checked reference tables (``data/reference/*.csv``), their links to Wikidata,
GeoNames and DBpedia, and the source texts.

Only filled cells are used: an empty cell means nobody could verify an identifier.
"""

from __future__ import annotations

import csv
import hashlib
from pathlib import Path
from urllib.parse import quote

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS

from .namespaces import IACML, ID, SCHEMA

WIKIDATA = "http://www.wikidata.org/entity/"
GEONAMES = "https://sws.geonames.org/"
DBPEDIA = "http://dbpedia.org/resource/"
REFERENCE_TABLES = "https://w3id.org/iacml/id/reference-table/"


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _field_status(row: dict[str, str], key: str) -> str:
    """Status of one identifier of a row ('confirmed' / 'single-source'), from field_status."""
    for part in row.get("field_status", "").split(";"):
        name, _, value = part.partition("=")
        if name.strip() == key and value:
            return value.strip()
    return row.get("status", "") or "unknown"


def _link(links: Graph, subject: URIRef, target: str, status: str, table: str) -> None:
    """``subject owl:sameAs target`` plus an OWL axiom annotation saying how it was checked.

    An ``owl:Axiom`` (``owl:annotatedSource``/``annotatedProperty``/``annotatedTarget``)
    rather than an ``rdf:Statement``: OWL tools read it as an annotation of the sameAs
    axiom, while SPARQL clients still find the plain ``owl:sameAs`` triple.
    """
    obj = URIRef(target)
    links.add((subject, OWL.sameAs, obj))
    axiom = BNode()
    links.add((axiom, RDF.type, OWL.Axiom))
    links.add((axiom, OWL.annotatedSource, subject))
    links.add((axiom, OWL.annotatedProperty, OWL.sameAs))
    links.add((axiom, OWL.annotatedTarget, obj))
    links.add((axiom, IACML.verification, Literal(status)))
    links.add((axiom, IACML.referenceTable, URIRef(REFERENCE_TABLES + table)))


def add_countries(path: Path, registry: Graph, links: Graph) -> None:
    """Every country of countries.csv, with its Ministry of Labor, into the registry."""
    for row in _rows(path):
        code = row["iso_alpha3"]
        country = ID[f"country/{code}"]
        ministry = ID[f"ministry/{code}"]
        registry.add((country, RDF.type, IACML.Country))
        registry.add((country, SKOS.prefLabel, Literal(row["name_en"], lang="en")))
        if row["name_es"]:
            registry.add((country, SKOS.prefLabel, Literal(row["name_es"], lang="es")))
        if row["iso_name_en"] and row["iso_name_en"] != row["name_en"]:
            registry.add((country, SKOS.altLabel, Literal(row["iso_name_en"], lang="en")))
        registry.add((country, SCHEMA.identifier, Literal(row["iso_alpha2"])))
        registry.add((country, DCTERMS.identifier, Literal(code)))
        registry.add((ministry, RDF.type, IACML.Ministry))
        registry.add((ministry, IACML.ministryOf, country))
        registry.add(
            (ministry, SKOS.prefLabel, Literal(f"Ministry of Labor of {row['name_en']}", lang="en"))
        )
        if row["wikidata_qid"]:
            _link(links, country, WIKIDATA + row["wikidata_qid"],
                  _field_status(row, "wikidata"), "countries")
        if row["geonames_id"]:
            _link(links, country, f"{GEONAMES}{row['geonames_id']}/",
                  _field_status(row, "geonames"), "countries")
        if row["dbpedia_resource"]:
            _link(links, country, DBPEDIA + quote(row["dbpedia_resource"], safe="_(),'"),
                  _field_status(row, "dbpedia"), "countries")


def _keys(path: Path, table: str) -> dict[str, tuple[str, str]]:
    return {r["name_en"]: (r["key"], r["class"]) for r in _rows(path) if r["table"] == table}


def add_cities(path: Path, keys_path: Path, registry: Graph, links: Graph) -> None:
    """Every city of cities.csv (IRIs from keys.csv), in its country."""
    keys = _keys(keys_path, "cities")
    countries = {r["iso_alpha2"]: r["iso_alpha3"]
                 for r in _rows(path.parent / "countries.csv")}
    for row in _rows(path):
        key, cls = keys[row["name_en"]]
        city = ID[key]
        registry.add((city, RDF.type, IACML[cls]))
        registry.add((city, SKOS.prefLabel, Literal(row["name_en"], lang="en")))
        if row["geonames_name"] and row["geonames_name"] != row["name_en"]:
            registry.add((city, SKOS.altLabel, Literal(row["geonames_name"], lang="en")))
        alpha3 = countries.get(row["country_alpha2"])
        if alpha3:
            registry.add((city, SCHEMA.containedInPlace, ID[f"country/{alpha3}"]))
        if row["geonames_id"]:
            _link(links, city, f"{GEONAMES}{row['geonames_id']}/",
                  _field_status(row, "geonames"), "cities")
        if row["wikidata_qid"]:
            _link(links, city, WIKIDATA + row["wikidata_qid"],
                  _field_status(row, "wikidata"), "cities")


def add_organizations(path: Path, keys_path: Path, registry: Graph, links: Graph) -> None:
    """Every organization of organizations.csv (IRIs and classes from keys.csv)."""
    keys = _keys(keys_path, "organizations")
    for row in _rows(path):
        key, cls = keys[row["name_en"]]
        org = ID[key]
        if cls != "Ministry":  # Ministries get their generic label from countries.csv
            registry.add((org, RDF.type, IACML[cls]))
            registry.add((org, SKOS.prefLabel, Literal(row["name_en"], lang="en")))
            if row["name_es"]:
                registry.add((org, SKOS.prefLabel, Literal(row["name_es"], lang="es")))
        else:
            registry.add((org, SKOS.altLabel, Literal(row["name_en"], lang="en")))
        if row["wikidata_qid"]:
            _link(links, org, WIKIDATA + row["wikidata_qid"], row["status"], "organizations")


def add_source_texts(sources_dir: Path, registry: Graph) -> dict[str, Path]:
    """Describe each ``data/sources/NNN_*.txt`` as an iacml:SourceText with its sha256.

    Returns the map from source key (``"003"``) to its file.
    """
    files: dict[str, Path] = {}
    for path in sorted(sources_dir.glob("*.txt")):
        key = path.name[:3]
        files[key] = path
        source = ID[f"source/{key}"]
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        registry.add((source, RDF.type, IACML.SourceText))
        registry.add((source, SKOS.prefLabel, Literal(f"Source text {key}", lang="en")))
        registry.add((source, RDFS.seeAlso, Literal(f"data/sources/{path.name}")))
        registry.add((source, DCTERMS.identifier, Literal(path.name)))
        registry.add((source, IACML.sha256, Literal(digest)))
        registry.add((source, DCTERMS.format, Literal("text/plain; charset=utf-8")))
    return files


def build_reference(reference_dir: Path, sources_dir: Path, registry: Graph,
                    links: Graph) -> dict[str, Path]:
    """Add every generated registry entry and link; return the source files by key."""
    keys = reference_dir / "keys.csv"
    add_countries(reference_dir / "countries.csv", registry, links)
    add_cities(reference_dir / "cities.csv", keys, registry, links)
    add_organizations(reference_dir / "organizations.csv", keys, registry, links)
    return add_source_texts(sources_dir, registry)
