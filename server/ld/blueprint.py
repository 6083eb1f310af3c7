"""The linked-data area's blueprints under one parent ``bp``, which ``create_app``
registers."""

from __future__ import annotations

from flask import Blueprint

from server.ld import cite, dataset, downloads, ontology, pictures, releases, resource, search

bp = Blueprint("ld", __name__)
for _child in (resource.bp, ontology.bp, search.bp, dataset.bp, downloads.bp, pictures.bp,
               releases.bp, cite.bp):
    bp.register_blueprint(_child)
