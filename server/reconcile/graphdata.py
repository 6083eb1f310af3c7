"""What the reconciliation service knows, read from the served graph once per data version.

Names come from the label index of the linked-data pages (``skos:prefLabel``,
``skos:altLabel``, ``rdfs:label``, ``dcterms:title``, ``schema:name``, the printed topic of
untitled activities) plus the aliases of :mod:`iacml.reconcile.aliases`; matchable and
extendable properties (country, year, dates, places, providers, recipients, ISO codes, the
``owl:sameAs`` links of ``graph/links``) from two queries through the query backend.
"""

from __future__ import annotations

import logging
import threading
from collections import defaultdict
from dataclasses import dataclass, field

from flask import current_app

from iacml.reconcile import Entity, Matcher, Name, load_aliases
from server.ld import datasource, labels
from server.ld.urls import base, curie
from server.settings import dataset_path

log = logging.getLogger("iacml.reconcile")

# The kinds of resource a table can be matched to; their subclasses (Ministry, Working
# Group, Workshop, ...) are types too, as the built graph states every superclass.
TOP_TYPES = ("Country", "City", "Organization", "Conference", "Cycle", "MinisterialProcess",
             "Activity", "Event", "Topic", "Product", "Fund")
GENERAL = {"Organization", "Activity", "Event"}
OWL_SAME_AS = "http://www.w3.org/2002/07/owl#sameAs"
SCHEMA = "https://schema.org/"
DCTERMS = "http://purl.org/dc/terms/"
LINK_SPACES = {"wikidata": "http://www.wikidata.org/entity/",
               "geonames": "https://sws.geonames.org/",
               "dbpedia": "http://dbpedia.org/resource/"}


def _ns() -> str:
    return base() + "ontology#"


def _facts_query() -> str:
    ns, ids = _ns(), base() + "id/"
    return f"""SELECT DISTINCT ?s ?p ?o WHERE {{
  {{ GRAPH <{base()}graph/links> {{ ?s <{OWL_SAME_AS}> ?o }} BIND(<{OWL_SAME_AS}> AS ?p) }}
  UNION {{ VALUES ?p {{ <{DCTERMS}identifier> <{SCHEMA}identifier> <{SCHEMA}startDate>
                       <{SCHEMA}endDate> <{SCHEMA}location> <{ns}provider> <{ns}recipient>
                       <{ns}ministryOf> }} ?s ?p ?o }}
  FILTER(STRSTARTS(STR(?s), "{ids}"))
}}"""


def _countries_query() -> str:
    ns = _ns()
    step = f"<{ns}ministryOf>|<{SCHEMA}containedInPlace>"
    direct = f"{step}|<{SCHEMA}location>|<{ns}party>|<{ns}provider>|<{ns}recipient>"
    return (f"SELECT DISTINCT ?s ?c WHERE {{ ?s ({direct})/({step})? ?c . "
            f"?c a <{ns}Country> FILTER(STRSTARTS(STR(?s), \"{base()}id/\")) }}")


@dataclass
class Facts:
    """Everything the service answers from: the matcher and the values to extend with."""

    matcher: Matcher
    values: dict[str, dict[str, list[str]]] = field(default_factory=dict)  # iri -> p -> [v]
    type_names: dict[str, str] = field(default_factory=dict)  # "Ministry" -> "Ministry"
    problems: list[str] = field(default_factory=list)


def _year(lexical: str) -> str | None:
    return lexical[:4] if lexical[:4].isdigit() else None


def build() -> Facts:
    """Read names, types and facts from the graph and index them."""
    index = labels.index()
    ns, ids = _ns(), base() + "id/"
    values: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for row in datasource.select(_facts_query()):
        values[row["s"].value][row["p"].value].append(row["o"].value)
    for row in datasource.select(_countries_query()):
        values[row["s"].value]["country"].append(row["c"].value)
    entities, type_names = [], {}
    for iri, found_types in index.types.items():
        local = {t[len(ns):] for t in found_types if t.startswith(ns)}
        if not iri.startswith(ids) or not local.intersection(TOP_TYPES):
            continue
        names = [Name(text, lang, curie(prop)) for prop, text, lang in index.labels[iri]]
        if not names and iri in index.topics:  # an untitled activity: its printed topic
            names.append(Name(index.topics[iri], "en", "iacml:topicAsPrinted"))
        kinds = tuple(sorted(local, key=lambda t: (t in GENERAL, t)))
        for kind in kinds:
            type_names[kind] = index.label(ns + kind, ("en",))
        facts = values.get(iri, {})
        properties = {"country": set(facts.get("country", [])),
                      "year": {y for d in facts.get(SCHEMA + "startDate", [])
                               if (y := _year(d))}}
        entities.append(Entity(iri, index.label(iri, ("en", "es")), kinds, names,
                               {k: v for k, v in properties.items() if v}))
    root = dataset_path(current_app.config["IACML_BUNDLE_DIR"])  # sources and tables
    texts = {e.iri: [n.text for n in e.names] for e in entities}
    aliases, problems = load_aliases(root, texts, base())
    by_iri = {e.iri: e for e in entities}
    for alias in aliases:
        if alias.iri in by_iri:  # an alias of a resource the graph does not hold is no name
            by_iri[alias.iri].names.append(Name(alias.text, alias.lang, alias.source,
                                                code=alias.code, alias=True))
    for problem in problems:
        log.warning("reconcile: alias refused: %s", problem)
    return Facts(Matcher(entities), {k: dict(v) for k, v in values.items()}, type_names,
                 problems)


_lock = threading.Lock()


def facts() -> Facts:
    """The facts of the served data version (built on first use, then kept)."""
    version = datasource.data_version()
    cache: dict[str, Facts] = current_app.extensions.setdefault("iacml.reconcile", {})
    with _lock:
        if version not in cache:
            built = build()
            cache.clear()
            cache[version] = built
        return cache[version]
