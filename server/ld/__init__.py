"""Linked data: dereferenceable IRIs, ontology documentation, search, the dataset
description (VoID), dumps, a timeline and a map (issue 8).

One parent blueprint ``bp`` holds the area's blueprints; ``create_app``
registers it.
"""

from __future__ import annotations

from flask import Blueprint

from server.ld import dumps, ontology, pictures, resource, search, void

bp = Blueprint("ld", __name__)
for _child in (resource.bp, ontology.bp, search.bp, void.bp, dumps.bp, pictures.bp):
    bp.register_blueprint(_child)
