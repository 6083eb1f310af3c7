"""Serialise a linked-data page's triples (or quads) with the project's prefixes."""

from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph as ox

from server.formats import write_rdf
from server.ld.iris import project_prefixes


def serialise(triples: Iterable[ox.Triple], quads: Iterable[ox.Quad] | None, fmt: str) -> bytes:
    """``triples`` (or ``quads``, for the dataset formats TriG and N-Quads) in graph
    format ``fmt`` of :mod:`server.formats`."""
    return write_rdf(triples, fmt, quads, project_prefixes())
