"""Where a person browses the resources of a class: the list at ``/browse/<name>``
(:mod:`server.browse`, with a type filter for a subclass), else a label search.

The links are made only from routes the app has, so a page never links to a list that
is not served.
"""

from __future__ import annotations

from flask import current_app, url_for

from server.ld.urls import base

#: ontology class (local name) -> (browse list, type filter or None)
LISTS: dict[str, tuple[str, str | None]] = {
    "Conference": ("conferences", None),
    "WorkingGroup": ("working-groups", None),
    "Country": ("countries", None),
    "Organization": ("organizations", None),
    "Ministry": ("organizations", "Ministry"),
    "Topic": ("topics", None),
    "Activity": ("activities", None),
    "BilateralCooperation": ("cooperations", None),
    "Document": ("documents", None),
    "Report": ("documents", "Report"),
}


def browse_url(cls: str) -> str | None:
    """The list of the resources of ``cls`` (a class IRI or an ontology local name);
    None when the class has no list or the lists are not served."""
    local = cls.removeprefix(base() + "ontology#")
    if local not in LISTS or "browse.browse" not in current_app.view_functions:
        return None
    name, kind = LISTS[local]
    if kind:
        return url_for("browse.browse", name=name, type=kind)
    return url_for("browse.browse", name=name)


#: the lists with a type facet: a subclass of their class is browsed as a filter on it
TYPED_LISTS = ("Activity", "Organization", "Document")


def typed_list_url(cls: str, ancestors: set[str]) -> str | None:
    """The list of an ancestor of ``cls`` filtered to ``cls`` (a Workshop: the activities
    of type Workshop); None when no ancestor's list has a type facet or lists are not
    served."""
    ontology = base() + "ontology#"
    local = cls.removeprefix(ontology)
    for general in TYPED_LISTS:
        if ontology + general in ancestors and "browse.browse" in current_app.view_functions:
            return url_for("browse.browse", name=LISTS[general][0], type=local)
    return None


def browse_or_search(cls: str, words: str) -> str:
    """The list of the resources of ``cls`` if served, else a search for ``words``."""
    return browse_url(cls) or url_for("ld.ld_search.search", q=words)
