"""The landing page: what the IACML and this graph are, a search box, where to browse,
the reports transcribed, and the figures of the data (from the dataset description)."""

from __future__ import annotations

import threading
from dataclasses import dataclass

from flask import current_app, render_template, url_for
from flask_babel import lazy_gettext
from markupsafe import Markup, escape

from iacml import void
from server.i18n import current_language
from server.ld import dataset, datasource, labels, schemaorg
from server.ld.browselinks import browse_or_search
from server.ld.datasource import QueryFailed
from server.ld.urls import base, local_href

_lock = threading.Lock()


@dataclass(frozen=True)
class Entry:
    """A way into the data: a list of one kind of resource."""

    cls: str  # the ontology class (local name) whose resources the list holds
    title: object  # lazy strings, translated when shown
    blurb: object
    words: str  # what a search asks for while the list is not served


ENTRIES = (
    Entry("Conference", lazy_gettext("Conferences and cycles"),
          lazy_gettext("The Conferences, their Declarations and Plans of Action."),
          "Conference"),
    Entry("WorkingGroup", lazy_gettext("Working Groups"),
          lazy_gettext("Each cycle's Working Groups, their chairs and vice chairs."),
          "Working Group"),
    Entry("Country", lazy_gettext("Countries"),
          lazy_gettext("The countries the reports name, with their activity."), "Country"),
    Entry("Ministry", lazy_gettext("Ministries"),
          lazy_gettext("The Ministries of Labor: cooperation given and received, roles."),
          "Ministry"),
    Entry("Organization", lazy_gettext("Organizations"),
          lazy_gettext("Ministries, international organizations, advisory bodies."),
          "Organization"),
    Entry("Topic", lazy_gettext("Topics"),
          lazy_gettext("What the activities, consensus points and recommendations are about."),
          "Topic"),
    Entry("Activity", lazy_gettext("Activities by type and year"),
          lazy_gettext("Meetings, workshops, dialogues, courses and cooperations."),
          "Activity"),
    Entry("BilateralCooperation", lazy_gettext("Bilateral cooperations"),
          lazy_gettext("Which Ministry helped which, on what topic, and when."),
          "cooperation"),
)

#: the figures shown, in order: (class local name, what it counts)
FIGURES = (
    ("Conference", lazy_gettext("Conferences")),
    ("WorkingGroup", lazy_gettext("Working Groups")),
    ("Country", lazy_gettext("Countries")),
    ("Ministry", lazy_gettext("Ministries")),
    ("Activity", lazy_gettext("Activities")),
    ("BilateralCooperation", lazy_gettext("Bilateral cooperations")),
    ("Passage", lazy_gettext("Verbatim passages")),
)


def named(iri: str, index: labels.LabelIndex) -> Markup:
    """The name of ``iri`` in the page's language, else in the language the data has,
    marked with ``lang`` (a name no source translates stays as printed)."""
    here = current_language()
    by_language = index.language_labels(iri)
    if here in by_language:
        return escape(by_language[here])
    text = index.label(iri, labels.preferred_languages())
    lang = next((lang for lang, label in by_language.items() if label == text), "")
    return Markup('<span lang="{}">{}</span>').format(lang, text) if lang else escape(text)


def _counts() -> tuple[dict[str, int], int]:
    """Resources per class and distinct statements, counted as the dataset description
    counts them (:mod:`iacml.void`'s queries), cached per data version: the landing page
    does not wait for the whole description (its dumps) on a first visit."""
    version = datasource.data_version()
    cache: dict[str, tuple[dict[str, int], int]] = current_app.extensions.setdefault(
        "iacml.ui.counts", {})
    with _lock:
        if version not in cache:
            classes = {row["c"].value: int(row["n"].value)
                       for row in datasource.select(void.CLASSES)}
            triples = int(datasource.select(void.ALL_TRIPLES)[0]["n"].value)
            cache.clear()
            cache[version] = (classes, triples)
        return cache[version]


def _figures() -> tuple[list[dict[str, object]], list[dict[str, object]], int]:
    """The figures, the reports (name, link) and the statement count."""
    classes, triples = _counts()
    ontology = base() + "ontology#"
    figures: list[dict[str, object]] = [
        {"count": classes.get(ontology + cls, 0), "label": label,
         "href": browse_or_search(ontology + cls, cls)} for cls, label in FIGURES]
    index = labels.index()
    reports: list[dict[str, object]] = [
        {"name": named(report, index), "href": local_href(report)}
        for _graph, report in sorted(dataset.source_reports().items())]
    return figures, reports, triples


def page() -> str:
    """The landing page (its figures left out when the backend cannot answer)."""
    entries = [{"title": e.title, "blurb": e.blurb,
                "href": browse_or_search(base() + "ontology#" + e.cls, e.words)}
               for e in ENTRIES]
    try:
        figures, reports, triples = _figures()
    except QueryFailed:
        figures, reports, triples = [], [], 0
    cite, markup = schemaorg.shown_dataset()
    return render_template("home.html", entries=entries, figures=figures, reports=reports,
                           triples=triples, cite=cite, schema_org=markup,
                           editor=url_for("ui.query"))
