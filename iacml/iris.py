"""The IRIs a build serves, and the committed promise that they keep answering.

Every release commits the list of IRIs its build serves as
``data/iris/served-YYYY-MM.txt`` (``iacml iris --out ...``). A later build must
answer each IRI of every committed list: the resource is still in the data
(200), or ``data/iris/retired.csv`` says where it went (301 to its replacement)
or why it is gone (410 with the reason and a link). ``tests/test_iris_stable.py``
checks every list against the served app.

What counts as served: every IRI under the base that the dump names (resources
under ``id/``, passages and their selectors, named graphs, ontology terms), the
dataset IRI, and the fragments of the dataset description keyed by name (one per
named graph, one per linkset, the publisher). The class and property partitions
of the description (``dataset#class-N``) are numbered by position, not by name,
so they are described anew by every build and are not listed.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from .void import LINK_TARGETS

BASE = "https://w3id.org/iacml/"
RETIRED_COLUMNS = ("iri", "status", "target", "reason")


def served_iris(dump: Path, base: str = BASE) -> list[str]:
    """Every IRI under ``base`` that the N-Quads ``dump`` names, with the dataset's."""
    found: set[str] = set()
    graphs: set[str] = set()
    for quad in ox.parse(path=str(dump), format=ox.RdfFormat.N_QUADS):
        for term in (quad.subject, quad.predicate, quad.object, quad.graph_name):
            if isinstance(term, ox.NamedNode) and term.value.startswith(base):
                found.add(term.value)
        if isinstance(quad.graph_name, ox.NamedNode):
            graphs.add(quad.graph_name.value)
    dataset = base + "dataset"
    found.update((dataset, dataset + "#publisher"))
    for graph in graphs:
        if graph.startswith(base + "graph/"):
            name = graph[len(base + "graph/"):]
            found.add(f"{dataset}#graph-{name.replace('/', '-')}")
    found.update(f"{dataset}#links-{key}" for key in LINK_TARGETS)
    return sorted(found)


@dataclass(frozen=True)
class Retired:
    """An IRI no longer in the data: moved (301 to ``target``) or gone (410, ``reason``,
    with ``target`` the resource to look at instead)."""

    iri: str
    status: int
    target: str
    reason: str


def read_retired(path: Path) -> dict[str, Retired]:
    """The table of retired IRIs (``data/iris/retired.csv``), by IRI."""
    if not path.exists():
        return {}
    table: dict[str, Retired] = {}
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            status = int(row["status"])
            if status not in (301, 410):
                raise ValueError(f"{path}: {row['iri']}: status must be 301 or 410")
            table[row["iri"]] = Retired(row["iri"], status, row["target"], row["reason"])
    return table


def read_served_lists(folder: Path) -> dict[str, list[str]]:
    """Every committed list of served IRIs (``served-*.txt``), by file name."""
    lists = {}
    for path in sorted(folder.glob("served-*.txt")):
        lines = path.read_text(encoding="utf-8").splitlines()
        lists[path.name] = [line for line in lines if line and not line.startswith("#")]
    return lists
