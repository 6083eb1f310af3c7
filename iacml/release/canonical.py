"""Canonical quads: blank nodes named by what is said about them, lines sorted.

Two builds of the same inputs give the same quads but not the same blank-node
labels (each parse draws new ones), so neither a byte comparison of dumps nor a
set difference of their quads would say "no change". Naming each blank node by
a hash of its neighbourhood, refined until the partition of blank nodes stops
splitting (colour refinement, as RDF canonicalisation algorithms start), and
sorting the quads makes both work: a release's dumps are the same bytes
whoever rebuilds it from the same commit, and ``iacml diff`` sees real changes
only. Blank nodes that refinement cannot tell apart have the same neighbourhood
up to their labels; they are numbered in their sorted order.
"""

from __future__ import annotations

import gzip
import hashlib
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

import pyoxigraph as ox

_FORMATS = {".nq": ox.RdfFormat.N_QUADS, ".trig": ox.RdfFormat.TRIG}
_MAX_ROUNDS = 64


def read_quads(path: Path) -> list[ox.Quad]:
    """The quads of the named graphs of an N-Quads or TriG file (``.nq``, ``.trig``,
    either gzipped). A build's dump also carries the merge of its named graphs in its
    default graph (iacml/defaultgraph.py), which any store rebuilds: a release holds
    each statement in the graphs that state it, once."""
    name = path.name[:-3] if path.name.endswith(".gz") else path.name
    suffix = Path(name).suffix
    if suffix not in _FORMATS:
        raise ValueError(f"{path}: not a dump (.nq, .trig, or either .gz)")
    data = path.read_bytes()
    if path.name.endswith(".gz"):
        data = gzip.decompress(data)
    return [q for q in ox.parse(data, format=_FORMATS[suffix])
            if not isinstance(q.graph_name, ox.DefaultGraph)]


def _key(term: object, colour: dict[ox.BlankNode, str]) -> str:
    return "_:" + colour[term] if isinstance(term, ox.BlankNode) else str(term)


def _colours(quads: list[ox.Quad], blanks: set[ox.BlankNode]) -> dict[ox.BlankNode, str]:
    """A colour per blank node: its neighbourhood's hash, refined to a fixed point."""
    colour = dict.fromkeys(blanks, "")
    classes = 1
    for _ in range(_MAX_ROUNDS):
        seen: dict[ox.BlankNode, list[str]] = defaultdict(list)
        for q in quads:
            graph = _key(q.graph_name, colour)
            if isinstance(q.subject, ox.BlankNode):
                seen[q.subject].append(f"> {q.predicate} {_key(q.object, colour)} {graph}")
            if isinstance(q.object, ox.BlankNode):
                seen[q.object].append(f"< {_key(q.subject, colour)} {q.predicate} {graph}")
            if isinstance(q.graph_name, ox.BlankNode):
                seen[q.graph_name].append("g")
        refined = {b: hashlib.sha256(("\n".join([colour[b], *sorted(seen[b])])).encode())
                   .hexdigest()[:32] for b in blanks}
        count = len(set(refined.values()))
        colour = refined
        if count == classes:
            break
        classes = count
    return colour


def canonical(quads: Iterable[ox.Quad]) -> list[ox.Quad]:
    """``quads`` without duplicates, blank nodes named by content, sorted as N-Quads lines."""
    unique = list(dict.fromkeys(quads))
    blanks = {t for q in unique for t in (q.subject, q.object, q.graph_name)
              if isinstance(t, ox.BlankNode)}
    if blanks:
        colour = _colours(unique, blanks)
        by_colour: dict[str, list[ox.BlankNode]] = defaultdict(list)
        for blank in sorted(blanks, key=lambda b: (colour[b], b.value)):
            by_colour[colour[blank]].append(blank)
        name = {b: ox.BlankNode(f"b{c[:24]}" + (f"x{i}" if len(group) > 1 else ""))
                for c, group in by_colour.items() for i, b in enumerate(group)}

        def swap(term: object) -> object:
            return name[term] if isinstance(term, ox.BlankNode) else term

        unique = [ox.Quad(swap(q.subject), q.predicate, swap(q.object),  # type: ignore[arg-type]
                          swap(q.graph_name))  # type: ignore[arg-type]
                  for q in unique]
    return sorted(unique, key=str)


def read_canonical(path: Path) -> list[ox.Quad]:
    """The canonical quads of a dump file."""
    return canonical(read_quads(path))
