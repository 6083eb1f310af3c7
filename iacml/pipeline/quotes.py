"""Finding each quoted passage in its source text and giving it an IRI.

A passage is written in the data files as a blank node with an
``oa:TextQuoteSelector``; the build locates ``oa:exact`` in the source text
(runs of whitespace compared as one space, ``oa:prefix``/``oa:suffix`` used to
choose among several occurrences), replaces it by the exact span of the file,
adds an ``oa:TextPositionSelector`` (0-based code points) and renames the
passage ``id/passage/NNN/<start>-<end>``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import PROV, RDF, XSD

from ..namespaces import IACML, ID, OA

_WS = re.compile(r"\s+")


@dataclass
class SourceText:
    """A source file with a whitespace-collapsed copy and the map back to file offsets."""

    key: str
    text: str
    normalized: str
    offsets: list[int]  # offsets[i] = position in text of normalized[i]

    @classmethod
    def read(cls, key: str, path: Path) -> SourceText:
        text = path.read_text(encoding="utf-8")
        normalized: list[str] = []
        offsets: list[int] = []
        for m in re.finditer(r"\s+|\S+", text):
            if m.group().isspace():
                normalized.append(" ")
                offsets.append(m.start())
            else:
                normalized.append(m.group())
                offsets.extend(range(m.start(), m.end()))
        return cls(key, text, "".join(normalized), offsets)

    def find(self, exact: str, prefix: str = "", suffix: str = "") -> list[tuple[int, int]]:
        """Every (start, end) file span matching the quote and its context."""
        quote = _WS.sub(" ", exact).strip()
        if not quote:
            return []
        prefix = _WS.sub(" ", prefix).strip()
        suffix = _WS.sub(" ", suffix).strip()
        spans = []
        start = self.normalized.find(quote)
        while start >= 0:
            end = start + len(quote)
            before = self.normalized[:start].rstrip()
            after = self.normalized[end:].lstrip()
            if before.endswith(prefix) and after.startswith(suffix):
                spans.append((self.offsets[start], self.offsets[end - 1] + 1))
            start = self.normalized.find(quote, start + 1)
        return spans


@dataclass
class QuoteProblem:
    """A quote that could not be located exactly once."""

    graph_files: str
    resource: str
    source: str
    exact: str
    found: int

    def __str__(self) -> str:
        what = "not found in" if self.found == 0 else f"found {self.found} times in"
        return (f"{self.graph_files}: passage of <{self.resource}>: quote {what} source "
                f"{self.source} (add oa:prefix/oa:suffix if ambiguous): \"{self.exact[:120]}\"")


def source_key(source: URIRef) -> str | None:
    """``"003"`` for ``id/source/003``."""
    prefix = str(ID["source/"])
    return str(source)[len(prefix):] if str(source).startswith(prefix) else None


def resolve_passages(graph: Graph, texts: dict[str, SourceText],
                     files: str) -> tuple[int, list[QuoteProblem]]:
    """Locate every blank-node passage of ``graph`` in place; return (count, problems)."""
    problems: list[QuoteProblem] = []
    renames: dict[BNode, URIRef] = {}
    count = 0
    for passage in set(graph.subjects(RDF.type, IACML.Passage)):
        if not isinstance(passage, BNode):
            continue
        count += 1
        source = graph.value(passage, OA.hasSource)
        selector = graph.value(passage, OA.hasSelector)
        users = [str(s) for s in graph.subjects(PROV.wasDerivedFrom, passage)]
        resource = users[0] if users else "(unused passage)"
        exact = str(graph.value(selector, OA.exact) or "") if selector is not None else ""
        key = source_key(source) if isinstance(source, URIRef) else None
        if key is None or key not in texts:
            problems.append(QuoteProblem(files, resource, str(source), exact, 0))
            continue
        spans = texts[key].find(exact, str(graph.value(selector, OA.prefix) or ""),
                                str(graph.value(selector, OA.suffix) or ""))
        if len(spans) != 1:
            problems.append(QuoteProblem(files, resource, key, exact, len(spans)))
            continue
        start, end = spans[0]
        iri = ID[f"passage/{key}/{start}-{end}"]
        renames[passage] = iri
        _rewrite_selectors(graph, passage, iri, texts[key].text[start:end], start, end)
    _rename_nodes(graph, renames)
    return count, problems


def _rewrite_selectors(graph: Graph, passage: BNode, iri: URIRef, exact: str,
                       start: int, end: int) -> None:
    """Replace the passage's selectors by named ones holding the exact span."""
    for selector in list(graph.objects(passage, OA.hasSelector)):
        graph.remove((passage, OA.hasSelector, selector))
        if isinstance(selector, BNode):
            graph.remove((selector, None, None))
    quote_sel = URIRef(f"{iri}/quote")
    position_sel = URIRef(f"{iri}/position")
    graph.add((passage, OA.hasSelector, quote_sel))
    graph.add((quote_sel, RDF.type, OA.TextQuoteSelector))
    graph.add((quote_sel, OA.exact, Literal(exact)))
    graph.add((passage, OA.hasSelector, position_sel))
    graph.add((position_sel, RDF.type, OA.TextPositionSelector))
    graph.add((position_sel, OA.start, Literal(start, datatype=XSD.nonNegativeInteger)))
    graph.add((position_sel, OA.end, Literal(end, datatype=XSD.nonNegativeInteger)))


def _rename_nodes(graph: Graph, renames: dict[BNode, URIRef]) -> None:
    if not renames:
        return
    for s, p, o in list(graph):
        if s in renames or o in renames:
            graph.remove((s, p, o))
            graph.add((renames.get(s, s), p, renames.get(o, o)))


def load_source_texts(files: dict[str, Path]) -> dict[str, SourceText]:
    """Read every source file once."""
    return {key: SourceText.read(key, path) for key, path in files.items()}
