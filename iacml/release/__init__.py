"""Dated, immutable releases of the dataset (issue 17): dumps, ontology, description,
changes, and the IRIs each release served.

- :mod:`.canonical` reads a dump into canonical quads (blank nodes named by content,
  sorted), so a release's files are the same bytes whoever rebuilds it;
- :mod:`.dumps` writes the dump files (TriG, N-Quads, JSON-LD, Turtle per graph);
- :mod:`.diff` compares two versions (``iacml diff``);
- :mod:`.changelog` files the generated entry into ``CHANGELOG.md``;
- :mod:`.records` reads the committed releases; :mod:`.make` writes a new one.
"""
