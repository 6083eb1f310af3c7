"""The readable ``/dataset`` page: the dataset description (VoID/DCAT) as a person reads
it, a summary, the classes with their counts and lists, the named graphs with their sizes
and what each holds, the links to other datasets, the licence and the publisher by name.

The machine-readable description is unchanged (:mod:`server.ld.dataset`); this module
only arranges what it says for the HTML page.
"""

from __future__ import annotations

from typing import Any

import pyoxigraph as ox
from flask_babel import lazy_gettext

from server.ld import datasource, labels
from server.ld.browselinks import browse_url, typed_list_url
from server.ld.urls import base, curie, local_href
from server.ld.views import term_view
from server.ld.voidsummary import Summary

#: licence IRI -> its name as its publisher prints it
LICENCE_NAMES = {"https://creativecommons.org/licenses/by/4.0/":
                 "Creative Commons Attribution 4.0 International (CC BY 4.0)"}

#: what each named graph holds (the source graphs: see :func:`graphs`)
GRAPH_CONTENTS = {
    "reference": lazy_gettext("The registry: countries, Ministries, cities, organizations, "
                              "Conferences, cycles, documents, Working Groups, topics and "
                              "source texts."),
    "curation": lazy_gettext("Discrepancies between the sources, with both claims."),
    "ontology": lazy_gettext("The OWL ontology."),
    "inferred": lazy_gettext("OWL 2 RL inferences and derived shortcuts."),
    "links": lazy_gettext("owl:sameAs links to Wikidata, GeoNames and DBpedia."),
    "preferred": lazy_gettext("One answer per question: every uncontested fact and, where "
                              "the sources disagree, only the preferred value."),
}


SUPERCLASSES = ("SELECT ?c ?s WHERE { GRAPH <%sgraph/ontology> "
                "{ ?c <http://www.w3.org/2000/01/rdf-schema#subClassOf>+ ?s } }")


def _ancestors() -> dict[str, set[str]]:
    """Every project class -> its superclasses, as the ontology states them."""
    found: dict[str, set[str]] = {}
    for row in datasource.select(SUPERCLASSES % base()):
        found.setdefault(row["c"].value, set()).add(row["s"].value)
    return found


def classes(summary: Summary, index: labels.LabelIndex) -> list[dict[str, Any]]:
    """The classes with how many resources each has, the project's first, largest first;
    each links to its list (a subclass: its general class's list filtered to it) if one is
    served, and to its term in the ontology."""
    ontology = base() + "ontology#"
    langs = labels.preferred_languages()
    ancestors = _ancestors()
    rows = []
    for cls, count in summary.classes.items():
        ours = cls.startswith(ontology)
        rows.append({"label": index.label(cls, langs) if ours else curie(cls),
                     "curie": curie(cls), "count": count, "ours": ours,
                     "list": (browse_url(cls) or typed_list_url(cls, ancestors.get(cls, set()))
                              if ours else None),
                     "term": local_href(cls)})
    return sorted(rows, key=lambda r: (not r["ours"], -r["count"], r["label"]))


def graphs(summary: Summary, reports: dict[str, str], index: labels.LabelIndex
           ) -> list[dict[str, Any]]:
    """The named graphs: name, what each holds, size and dump."""
    root = base() + "graph/"
    langs = labels.preferred_languages()
    rows = []
    for graph in summary.graphs:
        name = graph.iri.removeprefix(root)
        report = reports.get(graph.iri)
        rows.append({"name": name, "href": local_href(graph.iri), "triples": graph.triples,
                     "dump": graph.dump, "holds": GRAPH_CONTENTS.get(name),
                     "report": ({"label": index.label(report, langs),
                                 "href": local_href(report)} if report else None)})
    return rows


def statements(triples: list[ox.Triple], index: labels.LabelIndex
               ) -> dict[str, list[tuple[str, dict[str, object]]]]:
    """Every statement of the description by subject (the collapsed section)."""
    langs = labels.preferred_languages()
    rows: dict[str, list[tuple[str, dict[str, object]]]] = {}
    for t in triples:
        if isinstance(t.subject, ox.Triple):  # VoID describes no statement
            continue
        rows.setdefault(t.subject.value, []).append(
            (curie(t.predicate.value), term_view(t.object, index, langs)))
    return rows


def model(triples: list[ox.Triple], summary: Summary, reports: dict[str, str]
          ) -> dict[str, Any]:
    """What ``ld/void.html`` shows."""
    index = labels.index()
    here = labels.preferred_languages()[0]
    return {
        "summary": summary,
        "title": summary.titles.get(here) or summary.titles.get("en", ""),
        "description": summary.descriptions.get(here) or summary.descriptions.get("en", ""),
        "classes": classes(summary, index),
        "graphs": graphs(summary, reports, index),
        "licence": {"href": summary.license,
                    "name": LICENCE_NAMES.get(summary.license, summary.license)},
        "rows": statements(triples, index),
    }
