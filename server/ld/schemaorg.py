"""schema.org ``Dataset`` markup (JSON-LD in the page) of the data this server shows,
for the landing page and ``/dataset``: what search engines' dataset indexes read.

Name, description, licence and creator are those of :mod:`iacml.citation`; the
version, date and downloads are the shown release's (or the unreleased build's);
the temporal coverage is the span of the dates the data gives
(``schema:startDate``/``endDate``, at the precision printed) and the spatial
coverage the countries of the registry, with their Wikidata links.
"""

from __future__ import annotations

import calendar
import json
import threading
from typing import Any

from flask import current_app, url_for
from markupsafe import Markup

from iacml import citation
from server.ld import datasource, dumpcache, releaseindex
from server.ld.urls import base

_lock = threading.Lock()
SCHEMA = "https://schema.org/"
DATES = ("SELECT ?d WHERE { GRAPH ?g { ?s ?p ?d } "
         f"VALUES ?p {{ <{SCHEMA}startDate> <{SCHEMA}endDate> }} }}")
COUNTRIES = """SELECT ?c ?label ?same WHERE {{
  GRAPH <{base}graph/reference> {{ ?c a <{base}ontology#Country> ;
      <http://www.w3.org/2004/02/skos/core#prefLabel> ?label FILTER(LANG(?label) = "en") }}
  OPTIONAL {{ GRAPH <{base}graph/links> {{ ?c <http://www.w3.org/2002/07/owl#sameAs> ?same
      FILTER(STRSTARTS(STR(?same), "http://www.wikidata.org/entity/")) }} }}
}} ORDER BY ?label"""


def bounds(value: str) -> tuple[str, str] | None:
    """First and last day a printed date stands for (``2019`` → 2019-01-01, 2019-12-31);
    None for a day without its year (``--04-01``) or anything else."""
    parts = value.split("-")
    if value.startswith("-") or not parts[0].isdigit() or len(parts[0]) != 4:
        return None
    try:
        year = int(parts[0])
        if len(parts) == 1:
            return f"{year:04d}-01-01", f"{year:04d}-12-31"
        month = int(parts[1])
        if len(parts) == 2:
            last = calendar.monthrange(year, month)[1]
            return f"{year:04d}-{month:02d}-01", f"{year:04d}-{month:02d}-{last:02d}"
        day = int(parts[2][:2])
        return (f"{year:04d}-{month:02d}-{day:02d}",) * 2
    except (ValueError, calendar.IllegalMonthError):
        return None


def temporal_coverage() -> str:
    """The ISO 8601 interval from the earliest to the latest day the data's dates give."""
    found = [b for row in datasource.select(DATES) if (b := bounds(row["d"].value))]
    if not found:
        return ""
    return f"{min(b[0] for b in found)}/{max(b[1] for b in found)}"


def spatial_coverage() -> list[dict[str, Any]]:
    """The countries of the registry, each with its Wikidata entity."""
    places: dict[str, dict[str, Any]] = {}
    for row in datasource.select(COUNTRIES.format(base=base())):
        place = places.setdefault(row["c"].value, {"@type": "Country", "@id": row["c"].value,
                                                   "name": row["label"].value})
        if "same" in row:
            place["sameAs"] = row["same"].value
    return list(places.values())


def _distributions(cited: citation.Citation) -> list[dict[str, str]]:
    release = releaseindex.served_release()
    if release is not None:
        return [{"name": f.title, "encodingFormat": f.media_type, "contentSize": str(f.size),
                 "contentUrl": url_for("ld.ld_releases.release_file", version=release.version,
                                       name=f.file.removeprefix("dumps/"), _external=True)}
                for f in release.dumps]
    return [{"name": f["title"], "encodingFormat": f["media_type"],
             "contentSize": str(f["size"]), "contentUrl": f["url"]}
            for f in dumpcache.with_urls(dumpcache.manifest())]


def dataset_markup() -> dict[str, Any]:
    """The schema.org Dataset of the shown data (cached per data version and host)."""
    key = (datasource.data_version(), url_for("ld.ld_void.dataset", _external=True))
    cache = current_app.extensions.setdefault("iacml.ld.schemaorg", {})
    with _lock:
        if key not in cache:
            cited = releaseindex.shown()
            cache.clear()
            cache[key] = citation.schema_org(cited, citation.ABSTRACT, _distributions(cited),
                                             temporal_coverage(), spatial_coverage())
        return dict(cache[key])


def script() -> Markup:
    """The markup as a ``<script type="application/ld+json">`` element; ``<`` is escaped
    so that no text in the data can close the element."""
    text = json.dumps(dataset_markup(), ensure_ascii=False, indent=1).replace("<", "\\u003c")
    return Markup(f'<script type="application/ld+json">\n{text}\n</script>')


def shown_dataset() -> tuple[citation.Citation | None, Markup]:
    """The citation and the schema.org markup of the shown data for a page that also
    loads without them (the landing page, the query page) when the backend is down."""
    try:
        return releaseindex.shown(), script()
    except datasource.QueryFailed:  # a remote backend that is down
        return None, Markup("")
