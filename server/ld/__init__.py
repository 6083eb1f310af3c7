"""Linked data: dereferenceable IRIs, ontology documentation, search, the dataset
description (VoID), dumps, a timeline and a map (issue 8).

One parent blueprint ``bp`` holds the area's blueprints; ``create_app``
registers it.
"""

from __future__ import annotations

from flask import Blueprint

from server.ld import cite, dataset, downloads, ontology, pictures, releases, resource, search

bp = Blueprint("ld", __name__)
for _child in (resource.bp, ontology.bp, search.bp, dataset.bp, downloads.bp, pictures.bp,
               releases.bp, cite.bp):
    bp.register_blueprint(_child)
