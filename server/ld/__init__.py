"""Linked data: dereferenceable IRIs, ontology documentation, search, the dataset
description (VoID), dumps, a timeline and a map (issue 8).

The area's blueprints are gathered in :mod:`server.ld.blueprint`, which
``create_app`` registers; this package file imports nothing, so a module of another
area can use one of this area's (labels, urls) without loading every page of it.
"""
