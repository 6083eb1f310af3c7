"""Scale generator: SF N is the built graph cloned N times with renamed IRIs.

Copy 0 is the real graph unchanged; copy k > 0 renames every IRI under
``https://w3id.org/iacml/id/`` to ``.../id/x{k}/...`` and every blank node, so
the clones have exactly the shape of the real data (same graphs, classes,
literals, links) while queries naming a real resource still find one copy.
The ontology and the graph names are shared, so they are not multiplied.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox

ID_BASE = "https://w3id.org/iacml/id/"
ROOT = Path(__file__).resolve().parent.parent


def clone_term(term: object, k: int) -> object:
    """The term of copy ``k``: id/ IRIs and blank nodes renamed, the rest unchanged."""
    if k == 0:
        return term
    if isinstance(term, ox.NamedNode) and term.value.startswith(ID_BASE):
        return ox.NamedNode(f"{ID_BASE}x{k}/{term.value[len(ID_BASE):]}")
    if isinstance(term, ox.BlankNode):
        return ox.BlankNode(f"{term.value}x{k}")
    return term


def cloned_quads(quads: list[ox.Quad], factor: int) -> Iterator[ox.Quad]:
    """Every quad of ``quads`` in ``factor`` copies (graph names kept)."""
    for k in range(factor):
        for q in quads:
            yield ox.Quad(clone_term(q.subject, k), q.predicate,  # type: ignore[arg-type]
                          clone_term(q.object, k), q.graph_name)  # type: ignore[arg-type]


def make_scale(source: Path, factor: int, target: Path) -> int:
    """Write SF ``factor`` of the N-Quads dump ``source`` to ``target``; return its quad count.

    Reuses ``target`` when it is newer than ``source`` (the count is then re-read).
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.exists() and target.stat().st_mtime >= source.stat().st_mtime:
        return sum(1 for _ in ox.parse(path=str(target), format=ox.RdfFormat.N_QUADS))
    quads = list(ox.parse(path=str(source), format=ox.RdfFormat.N_QUADS))
    tmp = target.with_suffix(".tmp")
    store = ox.Store()
    store.bulk_extend(cloned_quads(quads, factor))
    store.dump(str(tmp), format=ox.RdfFormat.N_QUADS)
    tmp.replace(target)
    return len(store)


def main(argv: list[str] | None = None) -> int:
    """``python -m bench.scale 10``: write build/bench/sf10.nq from build/iacml.nq."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("factors", nargs="+", type=int)
    parser.add_argument("--source", type=Path, default=ROOT / "build" / "iacml.nq")
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "bench")
    args = parser.parse_args(argv)
    for n in args.factors:
        count = make_scale(args.source, n, args.out / f"sf{n}.nq")
        print(f"SF {n}: {count} quads in {args.out / f'sf{n}.nq'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
