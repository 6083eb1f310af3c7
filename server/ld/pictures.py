"""Pictures of the data: a timeline of the dated activities and a map of the places
where activities took place.  The pages draw SVG in the browser from JSON that
is read by SPARQL (``/timeline.json``, ``/map.json``); no tile server."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify, render_template

from server.ld import datasource, geo, labels
from server.ld.datasource import QueryFailed
from server.ld.urls import base, href

bp = Blueprint("ld_pictures", __name__)

XSD = "http://www.w3.org/2001/XMLSchema#"
TIMELINE_QUERY = """
PREFIX iacml: <%(o)s>
PREFIX schema: <https://schema.org/>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
SELECT ?activity ?type ?start ?end ?cycle ?country WHERE {
  ?activity a iacml:Activity ; schema:startDate ?start .
  FILTER(DATATYPE(?start) IN (xsd:date, xsd:gYearMonth, xsd:gYear))
  OPTIONAL { ?activity a ?type
             FILTER(STRSTARTS(STR(?type), STR(iacml:)) && ?type != iacml:Activity) }
  OPTIONAL { ?activity schema:endDate ?end }
  OPTIONAL { ?activity iacml:cycle ?cycle }
  OPTIONAL {
    { ?activity schema:location ?place . ?place schema:containedInPlace* ?country }
    UNION { ?activity iacml:party/iacml:ministryOf ?country }
    UNION { ?activity iacml:participation/iacml:participant/iacml:ministryOf ?country }
    ?country a iacml:Country .
  }
}"""
MAP_QUERY = """
PREFIX iacml: <%(o)s>
PREFIX schema: <https://schema.org/>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
SELECT ?place ?kind ?geonames ?activity ?country ?countryGeonames WHERE {
  ?activity a iacml:Activity ; schema:location ?place .
  FILTER(isIRI(?place))
  ?place a ?kind FILTER(?kind IN (iacml:City, iacml:Country))
  OPTIONAL { GRAPH <%(links)s> { ?place owl:sameAs ?geonames
             FILTER(STRSTARTS(STR(?geonames), "https://sws.geonames.org/")) } }
  OPTIONAL { ?place schema:containedInPlace* ?country . ?country a iacml:Country
    OPTIONAL { GRAPH <%(links)s> { ?country owl:sameAs ?countryGeonames
               FILTER(STRSTARTS(STR(?countryGeonames), "https://sws.geonames.org/")) } } }
}"""
SPECIFIC_LAST = ("Activity",)


def _queries() -> dict[str, str]:
    params = {"o": base() + "ontology#", "links": base() + "graph/links"}
    return {"timeline": TIMELINE_QUERY % params, "map": MAP_QUERY % params}


def _year(value: str) -> str:
    return value[:4]


def timeline_data() -> dict[str, Any]:
    """One item per dated activity: label, start, end, type, cycle, countries."""
    index = labels.index()
    langs = labels.preferred_languages()
    items: dict[str, dict[str, Any]] = {}
    for row in datasource.select(_queries()["timeline"]):
        iri = row["activity"].value
        item = items.setdefault(iri, {"iri": iri, "href": href(iri),
                                      "label": index.label(iri, langs), "starts": set(),
                                      "ends": set(), "types": set(), "cycles": set(),
                                      "countries": set()})
        item["starts"].add(row["start"].value)
        for var, key in (("end", "ends"), ("type", "types"), ("cycle", "cycles"),
                         ("country", "countries")):
            if var in row:
                item[key].add(row[var].value)
    out, types, cycles, countries = [], set(), set(), set()
    for item in items.values():
        specific = sorted(item["types"])
        kind = specific[0] if specific else base() + "ontology#Activity"
        types.add(kind)
        cycles |= item["cycles"]
        countries |= item["countries"]
        out.append({"iri": item["iri"], "href": item["href"], "label": item["label"],
                    "start": min(item["starts"]), "end": max(item["ends"]) if item["ends"]
                    else None, "dates": sorted(item["starts"]), "type": kind,
                    "cycles": sorted(item["cycles"]), "countries": sorted(item["countries"])})
    out.sort(key=lambda i: (i["start"], i["label"]))
    return {"items": out,
            "types": [{"iri": t, "label": index.label(t, langs)} for t in sorted(types)],
            "cycles": [{"iri": c, "label": index.label(c, langs)} for c in sorted(cycles)],
            "countries": sorted(({"iri": c, "label": index.label(c, langs)} for c in countries),
                                key=lambda c: c["label"]),
            "query": _queries()["timeline"]}


def map_data() -> dict[str, Any]:
    """The places where activities took place (one entry per city or country named as a
    location, with coordinates if known) and the countries they are in, each with its
    activities: a country counts those located in it or in its cities."""
    index = labels.index()
    langs = labels.preferred_languages()
    places: dict[str, dict[str, Any]] = {}
    countries: dict[str, dict[str, Any]] = {}
    for row in datasource.select(_queries()["map"]):
        iri, activity = row["place"].value, row["activity"].value
        place = places.setdefault(iri, {"iri": iri, "href": href(iri),
                                        "label": index.label(iri, langs),
                                        "kind": index.label(row["kind"].value, langs),
                                        "geonames": None, "country": None,
                                        "activities": {}})
        if "geonames" in row:
            place["geonames"] = row["geonames"].value
        place["activities"][activity] = {"iri": activity, "href": href(activity),
                                         "label": index.label(activity, langs)}
        if "country" in row:
            country_iri = row["country"].value
            place["country"] = country_iri
            country = countries.setdefault(country_iri, {
                "iri": country_iri, "href": href(country_iri),
                "label": index.label(country_iri, langs), "geonames": None,
                "activities": set()})
            if "countryGeonames" in row:
                country["geonames"] = row["countryGeonames"].value
            country["activities"].add(activity)
    out = []
    for place in places.values():
        point = geo.coordinates(place["geonames"]) if place["geonames"] else None
        out.append({**place, "activities": sorted(place["activities"].values(),
                                                  key=lambda a: a["label"]),
                    "point": point})
    out.sort(key=lambda p: p["label"])
    outlines = []
    for country in countries.values():
        point = geo.coordinates(country["geonames"]) if country["geonames"] else None
        outlines.append({"iri": country["iri"], "href": country["href"],
                         "label": country["label"], "activities": len(country["activities"]),
                         "iso_numeric": point.get("iso_numeric") if point else None})
    outlines.sort(key=lambda c: c["label"])
    return {"places": out, "countries": outlines, "query": _queries()["map"]}


def _json(builder: Any) -> Response:
    try:
        return jsonify(builder())
    except QueryFailed as exc:
        return Response(f"data unavailable: {exc}\n", status=503,
                        content_type="text/plain; charset=utf-8")


@bp.route("/timeline")
def timeline() -> str:
    """The timeline page (drawn by static/ld/pictures.js from /timeline.json)."""
    return render_template("ld/timeline.html")


@bp.route("/timeline.json")
def timeline_json() -> Response:
    """The timeline's data."""
    return _json(timeline_data)


@bp.route("/map")
def map_page() -> str:
    """The map page (drawn by static/ld/pictures.js from /map.json)."""
    return render_template("ld/map.html")


@bp.route("/map.json")
def map_json() -> Response:
    """The map's data."""
    return _json(map_data)
