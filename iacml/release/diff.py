"""``iacml diff OLD NEW``: what changed between two versions of the dataset.

Per named graph, the triples added and removed; the resources (IRIs under
``id/`` that are described, i.e. subjects) that are new, changed (their
statements differ in any graph) or retired (no longer described), each retired
one with what ``data/iris/retired.csv`` says of it; and the Discrepancies added.
Both sides are read as canonical quads (:mod:`.canonical`), so blank-node labels
never count as a change.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

import pyoxigraph as ox

from ..iris import Retired

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
SKOS_LABEL = "http://www.w3.org/2004/02/skos/core#prefLabel"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
IACML = "https://w3id.org/iacml/ontology#"


@dataclass(frozen=True)
class GraphChange:
    """Triples of one named graph before and after, and how many were added and removed."""

    graph: str
    before: int
    after: int
    added: int
    removed: int


@dataclass(frozen=True)
class DiscrepancyAdded:
    """A new Discrepancy: its IRI, the resource it concerns (label) and the property."""

    iri: str
    concerns: str
    prop: str


@dataclass
class Diff:
    """The changes from ``old`` to ``new``."""

    old: str
    new: str
    graphs: list[GraphChange] = field(default_factory=list)
    new_resources: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    retired: list[tuple[str, Retired | None]] = field(default_factory=list)
    discrepancies: list[DiscrepancyAdded] = field(default_factory=list)

    @property
    def unchanged(self) -> bool:
        """True when no triple of any graph was added or removed."""
        return not any(g.added or g.removed for g in self.graphs)


def _by_graph(quads: list[ox.Quad]) -> dict[str, set[str]]:
    graphs: dict[str, set[str]] = defaultdict(set)
    for q in quads:
        graphs[str(q.graph_name)].add(f"{q.subject} {q.predicate} {q.object}")
    return graphs


def _descriptions(quads: list[ox.Quad], root: str) -> dict[str, set[str]]:
    """For each described resource under ``root``, its statements (with their graph)."""
    found: dict[str, set[str]] = defaultdict(set)
    for q in quads:
        if isinstance(q.subject, ox.NamedNode) and q.subject.value.startswith(root):
            found[q.subject.value].add(str(q))
    return found


def _labels(quads: list[ox.Quad]) -> dict[str, str]:
    labels: dict[str, str] = {}
    for q in quads:
        if q.predicate.value in (SKOS_LABEL, RDFS_LABEL) and isinstance(q.object, ox.Literal) \
                and q.object.language in ("en", "") and isinstance(q.subject, ox.NamedNode):
            if q.predicate.value == SKOS_LABEL or q.subject.value not in labels:
                labels[q.subject.value] = q.object.value
    return labels


def _discrepancies(quads: list[ox.Quad]) -> dict[str, tuple[str, str]]:
    """Each Discrepancy: (the resource it concerns, the property) as IRIs."""
    kinds = {q.subject.value for q in quads if q.predicate.value == RDF_TYPE
             and str(q.object) == f"<{IACML}Discrepancy>" and isinstance(q.subject, ox.NamedNode)}
    about: dict[str, dict[str, str]] = defaultdict(dict)
    for q in quads:
        if isinstance(q.subject, ox.NamedNode) and q.subject.value in kinds \
                and isinstance(q.object, ox.NamedNode):
            about[q.subject.value][q.predicate.value] = q.object.value
    return {d: (about[d].get(IACML + "concerns", ""), about[d].get(IACML + "property", ""))
            for d in kinds}


def diff(old: list[ox.Quad], new: list[ox.Quad], base: str,
         retired: dict[str, Retired], names: tuple[str, str] = ("old", "new")) -> Diff:
    """The changes from the canonical quads ``old`` to ``new``."""
    result = Diff(*names)
    before, after = _by_graph(old), _by_graph(new)
    for graph in sorted(set(before) | set(after)):
        b, a = before.get(graph, set()), after.get(graph, set())
        result.graphs.append(GraphChange(graph.strip("<>"), len(b), len(a), len(a - b),
                                         len(b - a)))
    root = base + "id/"
    was, now = _descriptions(old, root), _descriptions(new, root)
    result.new_resources = sorted(set(now) - set(was))
    result.changed = sorted(r for r in set(now) & set(was) if now[r] != was[r])
    result.retired = [(r, retired.get(r)) for r in sorted(set(was) - set(now))]
    labels = _labels(new)
    old_discrepancies = _discrepancies(old)
    for iri, (concerns, prop) in sorted(_discrepancies(new).items()):
        if iri not in old_discrepancies:
            result.discrepancies.append(
                DiscrepancyAdded(iri, labels.get(concerns, concerns), prop))
    return result


def _kinds(iris: list[str], base: str) -> str:
    """``12 (activity 3, passage 9)``: a count, by the first segment after ``id/``."""
    counts = Counter(i[len(base + "id/"):].split("/", 1)[0] for i in iris)
    inner = ", ".join(f"{k} {n}" for k, n in sorted(counts.items()))
    return f"{len(iris)}" + (f" ({inner})" if inner else "")


def _retired_line(iri: str, entry: Retired | None) -> str:
    if entry is None:
        return f"- `{iri}`: **not in data/iris/retired.csv: this IRI would break**"
    if entry.status == 301:
        return f"- `{iri}`: 301 to `{entry.target}` ({entry.reason})"
    return f"- `{iri}`: 410 Gone ({entry.reason})"


def graph_table(result: Diff, base: str) -> list[str]:
    """The per-graph table of a diff, as Markdown lines."""
    lines = ["| graph | triples before | after | added | removed |", "|---|---:|---:|---:|---:|"]
    for g in result.graphs:
        lines.append(f"| {g.graph.removeprefix(base)} | {g.before} | {g.after} | "
                     f"{g.added} | {g.removed} |")
    return lines


def render(result: Diff, base: str, limit: int | None = None) -> str:
    """The diff as Markdown; lists cut at ``limit`` lines each (None: whole)."""
    def listed(items: list[str]) -> list[str]:
        shown = items if limit is None else items[:limit]
        more = len(items) - len(shown)
        return shown + ([f"- … and {more} more"] if more else [])

    lines = [f"Changes from {result.old} to {result.new} (`iacml diff {result.old} "
             f"{result.new}`).", "", *graph_table(result, base), ""]
    lines.append(f"Resources new: {_kinds(result.new_resources, base)}; changed: "
                 f"{_kinds(result.changed, base)}; retired: "
                 f"{_kinds([r for r, _ in result.retired], base)}. "
                 f"Discrepancies added: {len(result.discrepancies)}.")
    sections = [
        ("New resources", [f"- `{r}`" for r in result.new_resources]),
        ("Changed resources", [f"- `{r}`" for r in result.changed]),
        ("Retired resources", [_retired_line(r, e) for r, e in result.retired]),
        ("Discrepancies added", [f"- `{d.iri}`: {d.concerns}, `{d.prop}`"
                                 for d in result.discrepancies]),
    ]
    for title, items in sections:
        if items:
            lines += ["", f"### {title}", "", *listed(items)]
    return "\n".join(lines) + "\n"
