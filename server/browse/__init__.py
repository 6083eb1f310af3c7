"""Browse the graph without SPARQL: a list per kind of resource with facets, sorting,
paging and JSON/CSV twins (issue 15 items 2 and 8).

``kinds`` says what can be browsed and by which facets, ``listargs`` reads a list's URL
strictly, ``listqueries`` writes its SPARQL, ``listing`` runs it through the query backend,
``naming`` says what the rows and facet values are called, and ``listroutes`` answers
``/browse`` and ``/browse/<kind>``.
"""

from __future__ import annotations

from server.browse.listroutes import bp

__all__ = ["bp"]
