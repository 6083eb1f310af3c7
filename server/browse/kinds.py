"""What can be browsed: the kinds of resource a labor-policy reader looks for, and the
facets each list offers.

A :class:`Facet` is a SPARQL group pattern that binds ``?value`` from ``?item``; the
same pattern counts the facet's values, filters the list on one value and fills the
list's columns, so the three can never disagree. Patterns use the project's prefixes
(``iacml:``, ``id:``, ``graph:``... of :func:`server.ld.urls.project_prefixes`), so a
different ``IACML_BASE_IRI`` changes no pattern.

Dates come from the preferred view (``graph:preferred``): where two reports disagree on
a date, the year facet counts the preferred date only, and an item whose date is
disputed without a preferred claim has no year (rather than two).
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext

#: Where a facet's values live: an IRI under ``id/`` (the key is the rest of the path),
#: a term of the ontology (the key is its local name) or a plain year.
ID, ONTOLOGY, YEAR = "id", "ontology", "year"


@dataclass(frozen=True)
class Facet:
    """One facet: its URL parameter, its heading and the pattern binding ``?value``."""

    name: str
    label: object  # a lazy string: translated when shown
    pattern: str
    space: str = ID


@dataclass(frozen=True)
class Kind:
    """One browsable list: its URL name, heading, class and facets."""

    name: str
    label: object
    intro: object
    cls: str
    facets: tuple[Facet, ...]
    #: the property giving the list's date column and its date sort (None: undated)
    date: str | None = None
    #: facets not shown as columns of the list (the date column says the year)
    hidden: tuple[str, ...] = ("year",)

    def facet(self, name: str) -> Facet | None:
        """The facet called ``name`` (None: this list has none)."""
        return next((f for f in self.facets if f.name == name), None)


def _type(own: str) -> Facet:
    return Facet("type", lazy_gettext("Type"),
                 "?item a ?value . FILTER(STRSTARTS(STR(?value), STR(iacml:)) "
                 f"&& ?value != {own})", ONTOLOGY)


_SOURCE = Facet("source", lazy_gettext("Source report"),
                "?item prov:wasDerivedFrom/oa:hasSource ?value .")


def _year_of(subject: str, date: str) -> str:
    """The year of ``subject``'s ``date`` in the preferred view (a month without a year,
    ``--04``, gives none)."""
    return (f"GRAPH graph:preferred {{ {subject} {date} ?year_date }} "
            "BIND(SUBSTR(STR(?year_date), 1, 4) AS ?value) "
            'FILTER(REGEX(?value, "^[0-9]{4}$"))')


_YEAR = Facet("year", lazy_gettext("Year"), _year_of("?item", "schema:startDate"), YEAR)
_TOPIC = Facet("topic", lazy_gettext("Topic"),
               "?item dcterms:subject ?value . ?value a iacml:Topic .")
_CYCLE = Facet("cycle", lazy_gettext("Cycle"), "?item iacml:cycle ?value .")
_STATUS = Facet("status", lazy_gettext("Status"), "?item iacml:status ?value .", ONTOLOGY)
_PLACE_COUNTRY = (
    "{ ?item schema:location ?value . ?value a iacml:Country . } UNION "
    "{ ?item schema:location/schema:containedInPlace ?value . ?value a iacml:Country . }")
#: Activities: where they took place, and the countries of the Ministries taking part
_ACTIVITY_COUNTRY = Facet(
    "country", lazy_gettext("Country"),
    "{ ?item iacml:party/iacml:ministryOf ?value . } UNION " + _PLACE_COUNTRY)
#: Countries through the activities they took part in or hosted
_INVOLVES = ("?activity a iacml:Activity . "
             "{ ?activity iacml:party/iacml:ministryOf ?item . } UNION "
             "{ ?activity schema:location ?item . } UNION "
             "{ ?activity schema:location/schema:containedInPlace ?item . } ")

KINDS: tuple[Kind, ...] = (
    Kind("cooperations", lazy_gettext("Bilateral cooperations"),
         lazy_gettext("RIAL bilateral cooperation between Ministries of Labor: on-site "
                      "visits, experts' visits and virtual cooperation, with the country "
                      "that gave and the country that received it."),
         "iacml:BilateralCooperation",
         (_ACTIVITY_COUNTRY,
          Facet("from", lazy_gettext("From (provider)"),
                "?item iacml:provider/iacml:ministryOf ?value ."),
          Facet("to", lazy_gettext("To (recipient)"),
                "?item iacml:recipient/iacml:ministryOf ?value ."),
          _TOPIC, _STATUS,
          Facet("modality", lazy_gettext("Modality"), "?item iacml:modality ?value .",
                ONTOLOGY),
          _YEAR, _SOURCE), date="schema:startDate", hidden=("country", "year")),
    Kind("activities", lazy_gettext("Activities"),
         lazy_gettext("Meetings, workshops, dialogues, webinars, courses and cooperation "
                      "of the IACML and the RIAL."),
         "iacml:Activity",
         (_type("iacml:Activity"), _ACTIVITY_COUNTRY, _YEAR, _TOPIC, _STATUS, _CYCLE, _SOURCE),
         date="schema:startDate"),
    Kind("conferences", lazy_gettext("Conferences"),
         lazy_gettext("The Inter-American Conferences of Ministers of Labor."),
         "iacml:Conference",
         (Facet("country", lazy_gettext("Country"), _PLACE_COUNTRY), _YEAR, _SOURCE),
         date="schema:startDate"),
    Kind("working-groups", lazy_gettext("Working Groups"),
         lazy_gettext("The Working Groups of each cycle of the Conference."),
         "iacml:WorkingGroup",
         (_CYCLE,
          Facet("chair", lazy_gettext("Chaired by (country)"),
                "?chair iacml:chairOf ?item ; iacml:ministryOf ?value ."),
          _SOURCE)),
    Kind("organizations", lazy_gettext("Ministries and other organizations"),
         lazy_gettext("Ministries of Labor, intergovernmental organizations, networks, "
                      "bodies and the other organizations the reports name."),
         "iacml:Organization",
         (_type("iacml:Organization"),
          Facet("country", lazy_gettext("Country"), "?item iacml:ministryOf ?value ."),
          _SOURCE)),
    Kind("countries", lazy_gettext("Countries"),
         lazy_gettext("The countries of the Americas the reports name, faceted by the "
                      "activities they hosted or whose Ministries took part."),
         "iacml:Country",
         (Facet("activity", lazy_gettext("Took part in (activity type)"),
                _INVOLVES + "?activity a ?value . FILTER(STRSTARTS(STR(?value), "
                "STR(iacml:)) && ?value != iacml:Activity)", ONTOLOGY),
          Facet("year", lazy_gettext("Year of an activity"),
                _INVOLVES + _year_of("?activity", "schema:startDate"), YEAR),
          Facet("topic", lazy_gettext("Topic of an activity"),
                _INVOLVES + "?activity dcterms:subject ?value . ?value a iacml:Topic ."))),
    Kind("topics", lazy_gettext("Topics"),
         lazy_gettext("The themes of the Working Group mandates, activities and reports."),
         "iacml:Topic",
         (Facet("used-by", lazy_gettext("Subject of (type)"),
                "?user dcterms:subject ?item ; a ?value . FILTER(STRSTARTS(STR(?value), "
                "STR(iacml:)) && ?value NOT IN (iacml:Activity, iacml:DocumentPart, "
                "iacml:Organization))", ONTOLOGY),
          Facet("broader", lazy_gettext("Broader topic"), "?item skos:broader ?value ."),
          Facet("source", lazy_gettext("Source report"),
                "?user dcterms:subject ?item ; prov:wasDerivedFrom/oa:hasSource ?value ."))),
    Kind("documents", lazy_gettext("Documents"),
         lazy_gettext("Declarations, Plans of Action and reports of the Conferences."),
         "iacml:Document",
         (_type("iacml:Document"),
          Facet("conference", lazy_gettext("Conference"),
                "?item iacml:adoptedAt|iacml:reportTo ?value ."),
          Facet("year", lazy_gettext("Year"),
                _year_of("?item", "eli:date_document"), YEAR),
          _SOURCE), date="eli:date_document"),
)


def find(name: str) -> Kind | None:
    """The kind called ``name`` (None: no such list)."""
    return next((k for k in KINDS if k.name == name), None)
