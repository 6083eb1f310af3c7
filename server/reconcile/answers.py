"""The JSON documents of the Reconciliation Service API 0.2: manifest, candidates,
suggestions, property proposals and data extension rows.

Entity ids are paths under the identifier space ``{base}id/`` ("country/TTO"), type ids
local names under the schema space ``{base}ontology#`` ("Ministry"): the API's own
convention (Wikidata's ids are "Q42" under ``http://www.wikidata.org/entity/``).
"""

from __future__ import annotations

from typing import Any

from flask import request, url_for

from iacml.reconcile import Candidate, Entity
from server.ld import labels
from server.ld.urls import base
from server.reconcile.graphdata import DCTERMS, LINK_SPACES, OWL_SAME_AS, SCHEMA, TOP_TYPES, Facts

# Property id -> (name, description): what data extension and ``properties`` offer.
PROPERTIES = {
    "label_en": ("Label (English)", "skos:prefLabel in English"),
    "label_es": ("Label (Spanish)", "skos:prefLabel in Spanish"),
    "wikidata": ("Wikidata item", "QID linked with owl:sameAs (graph/links)"),
    "geonames": ("GeoNames id", "GeoNames id linked with owl:sameAs (graph/links)"),
    "dbpedia": ("DBpedia resource", "DBpedia IRI linked with owl:sameAs (graph/links)"),
    "iso_alpha2": ("ISO 3166-1 alpha-2 code", "schema:identifier of a country"),
    "iso_alpha3": ("ISO 3166-1 alpha-3 code", "dcterms:identifier of a country"),
    "country": ("Country", "the country of a ministry, city or activity (location, parties)"),
    "year": ("Year", "the year an activity started (schema:startDate)"),
    "start_date": ("Start date", "schema:startDate as printed (a date, month or year)"),
    "end_date": ("End date", "schema:endDate as printed"),
    "location": ("Place", "schema:location"),
    "provider": ("Provider", "who gave the cooperation (iacml:provider)"),
    "recipient": ("Recipient", "who received it (iacml:recipient)"),
}
MATCHABLE = ("country", "year")  # the properties that change a reconciliation score
_RAW = {"iso_alpha2": SCHEMA + "identifier", "iso_alpha3": DCTERMS + "identifier",
        "start_date": SCHEMA + "startDate", "end_date": SCHEMA + "endDate"}
_ENTITIES = {"location": SCHEMA + "location", "provider": "ontology#provider",
             "recipient": "ontology#recipient"}


def entity_id(iri: str) -> str:
    """The API id of a resource of the graph: its path under ``{base}id/``."""
    return iri.removeprefix(base() + "id/")


def entity_iri(identifier: str) -> str:
    """The IRI of an API id (a full IRI is accepted too)."""
    root = base() + "id/"
    return identifier if identifier.startswith(root) else root + identifier.lstrip("/")


def _types(entity: Entity, facts: Facts) -> list[dict[str, str]]:
    return [{"id": kind, "name": facts.type_names.get(kind, kind)} for kind in entity.types]


def candidate(found: Candidate, facts: Facts) -> dict[str, Any]:
    """One candidate of a reconciliation result."""
    entity = found.entity
    return {"id": entity_id(entity.iri), "name": entity.name,
            "type": _types(entity, facts), "score": found.score, "match": found.match,
            "features": [{"id": key, "value": value} for key, value in found.features.items()]}


def default_types(facts: Facts) -> list[dict[str, str]]:
    """The top types that have at least one resource."""
    held = {kind for e in facts.matcher.entities.values() for kind in e.types}
    return [{"id": kind, "name": facts.type_names.get(kind, kind)}
            for kind in TOP_TYPES if kind in held]


def manifest(facts: Facts) -> dict[str, Any]:
    """The service manifest (GET /reconcile without a query)."""
    root = url_for("reconcile.reconcile", _external=True)
    site = request.host_url.rstrip("/")
    return {
        "versions": ["0.2"],
        "name": "IACML knowledge graph (Inter-American Conference of Ministers of Labor)",
        "identifierSpace": base() + "id/",
        "schemaSpace": base() + "ontology#",
        "documentation": root,
        "view": {"url": site + "/id/{{id}}"},
        "preview": {"url": url_for("reconcile.preview", _external=True) + "?id={{id}}",
                    "width": 400, "height": 120},
        "suggest": {kind: {"service_url": site,
                           "service_path": f"/reconcile/suggest/{kind}"}
                    for kind in ("entity", "type", "property")},
        "extend": {"propose_properties": {"service_url": site,
                                          "service_path": "/reconcile/properties"},
                   "property_settings": []},
        "defaultTypes": default_types(facts),
    }


def proposal(type_id: str | None, facts: Facts, limit: int) -> dict[str, Any]:
    """Properties worth fetching for entities of ``type_id`` (those some entity has)."""
    entities = [e for e in facts.matcher.entities.values()
                if not type_id or type_id in e.types]
    offered = [pid for pid in PROPERTIES if any(_values(e.iri, pid, facts) for e in entities)]
    answer: dict[str, Any] = {"properties": [
        {"id": pid, "name": PROPERTIES[pid][0], "description": PROPERTIES[pid][1]}
        for pid in offered[:limit]], "limit": limit}
    if type_id:
        answer["type"] = type_id
    return answer


def _values(iri: str, pid: str, facts: Facts) -> list[dict[str, str]]:
    held = facts.values.get(iri, {})
    index = labels.index()
    if pid in ("label_en", "label_es"):
        text = index.language_labels(iri).get(pid[-2:])
        return [{"str": text}] if text else []
    if pid in LINK_SPACES:
        space = LINK_SPACES[pid]
        found = [o for o in held.get(OWL_SAME_AS, []) if o.startswith(space)]
        if pid != "dbpedia":
            found = [o.removeprefix(space).strip("/") for o in found]
        return [{"str": v} for v in sorted(found)]
    if pid in _RAW:
        return [{"str": v} for v in sorted(set(held.get(_RAW[pid], [])))]
    if pid == "year":
        entity = facts.matcher.entities.get(iri)
        return [{"str": y} for y in sorted(entity.properties.get("year", set()))] if entity else []
    wanted = held.get("country", []) if pid == "country" else held.get(
        _ENTITIES[pid] if _ENTITIES[pid].startswith("http") else base() + _ENTITIES[pid], [])
    root = base() + "id/"
    return [{"id": entity_id(o), "name": index.label(o, ("en", "es"))}
            for o in sorted(set(wanted)) if o.startswith(root)]


def extension(ids: list[str], pids: list[str], facts: Facts) -> dict[str, Any]:
    """Data extension: for each id, the values of each known property (unknown properties
    and ids the graph does not hold get no values: nothing is invented)."""
    meta = [{"id": pid, "name": PROPERTIES[pid][0]} if pid in PROPERTIES
            else {"id": pid, "name": pid} for pid in pids]
    rows: dict[str, dict[str, list[dict[str, str]]]] = {}
    for identifier in ids:
        iri = entity_iri(identifier)
        known = iri in facts.matcher.entities
        rows[identifier] = {pid: (_values(iri, pid, facts) if known and pid in PROPERTIES
                                  else []) for pid in pids}
    return {"meta": meta, "rows": rows}


def linkset_rows(facts: Facts) -> list[dict[str, Any]]:
    """One row per matchable resource: labels, types and external identifiers (what
    :func:`extension` gives, for every resource at once)."""
    rows = []
    for iri, entity in facts.matcher.entities.items():
        row: dict[str, Any] = {"id": entity_id(iri), "iri": iri, "name": entity.name,
                               "types": list(entity.types)}
        for pid in ("label_en", "label_es", "wikidata", "geonames", "dbpedia", "iso_alpha2",
                    "iso_alpha3"):
            row[pid] = [v["str"] for v in _values(iri, pid, facts)]
        rows.append(row)
    return rows
