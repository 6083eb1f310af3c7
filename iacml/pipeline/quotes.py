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
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import PROV, RDF, XSD
from rdflib.term import Node

from ..namespaces import IACML, ID, OA, SHAPES
from .nearest import MAX_HINTS, closest_passage
from .places import line_column, place
from .report import ValidationResult

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
        """Read ``path`` and collapse its whitespace, keeping the map back."""
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

    where: str  # file:line:column of the quote in the data, or the files
    resource: str
    source: str
    exact: str
    found: int
    hint: str = ""  # the closest passage and how it differs, when not found

    def __str__(self) -> str:
        """One line: where, what, and what to do."""
        if self.found == 0:
            what = f"quote not found in source {self.source}"
        else:
            what = (f"quote found {self.found} times in source {self.source}: add oa:prefix "
                    "or oa:suffix to say which")
        hint = f"; {self.hint}" if self.hint else ""
        return (f"{self.where}: passage of <{self.resource}>: {what}: "
                f"\"{self.exact[:120]}\"{hint}")


def source_key(source: URIRef) -> str | None:
    """``"003"`` for ``id/source/003``."""
    prefix = str(ID["source/"])
    return str(source)[len(prefix):] if str(source).startswith(prefix) else None


def source_files(sources_dir: Path) -> dict[str, Path]:
    """The source texts by key: ``data/sources/003_*.txt`` is ``"003"``."""
    return {path.name[:3]: path for path in sorted(sources_dir.glob("*.txt"))}


def _hint(source: SourceText, exact: str) -> str:
    """Where the closest passage is and how it differs from the quote."""
    quote = _WS.sub(" ", exact).strip()
    found = closest_passage(source.normalized, quote)
    if found is None:
        return f"no 8 characters of it occur in source {source.key}"
    offset, passage, differences = found
    line, _ = line_column(source.text, source.offsets[offset])
    if not differences:
        return (f"it is at line {line} of source {source.key}, but not with the oa:prefix "
                "and oa:suffix given")
    shown = passage if len(passage) <= 160 else passage[:157] + "..."
    return (f"closest passage (source {source.key}, line {line}): \"{shown}\"; "
            + "; ".join(differences))


def resolve_passages(graph: Graph, texts: dict[str, SourceText],
                     files: Sequence[Path] = ()) -> tuple[int, list[QuoteProblem]]:
    """Locate every blank-node passage of ``graph`` in place; return (count, problems).

    ``files`` are the files ``graph`` was read from, to say where a problem is.
    """
    problems: list[QuoteProblem] = []
    renames: dict[Node, Node] = {}
    passages = [p for p in set(graph.subjects(RDF.type, IACML.Passage)) if isinstance(p, BNode)]
    for passage in passages:
        selector = graph.value(passage, OA.hasSelector)
        exact = str(graph.value(selector, OA.exact) or "") if selector is not None else ""
        source = graph.value(passage, OA.hasSource)
        key = source_key(source) if isinstance(source, URIRef) else None
        spans = [] if key is None or key not in texts else texts[key].find(
            exact, str(graph.value(selector, OA.prefix) or ""),
            str(graph.value(selector, OA.suffix) or ""))
        if len(spans) == 1:
            start, end = spans[0]
            assert key is not None
            iri = ID[f"passage/{key}/{start}-{end}"]
            renames[passage] = iri
            _rewrite_selectors(graph, passage, iri, texts[key].text[start:end], start, end)
            continue
        users = [str(s) for s in graph.subjects(PROV.wasDerivedFrom, passage)]
        hint = ""
        if key is None or key not in texts:
            hint = f"<{source}> is not a source text (id/source/NNN)"
        elif not spans and len(problems) < MAX_HINTS:
            hint = _hint(texts[key], exact)
        problems.append(QuoteProblem(place(files, exact[:60], exact[:25]),
                                     users[0] if users else "(unused passage)",
                                     key or str(source), exact, len(spans), hint))
    _rename_nodes(graph, renames)
    return len(passages), problems


def quote_results(problems: list[QuoteProblem]) -> list[ValidationResult]:
    """Quotes that could not be located exactly once, as report rows."""
    return [ValidationResult(focus=p.resource, path=str(PROV.wasDerivedFrom),
                             value=p.exact, message=str(p), severity="Violation",
                             source_shape=str(SHAPES["QuoteCheck"]), shape_name="Quote check")
            for p in problems]


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


def _rename_nodes(graph: Graph, renames: Mapping[Node, Node]) -> None:
    """Give the located passages their IRIs in every triple that holds them."""
    if not renames:
        return
    for s, p, o in list(graph):
        if s in renames or o in renames:
            graph.remove((s, p, o))
            graph.add((renames.get(s, s), p, renames.get(o, o)))


def load_source_texts(files: dict[str, Path]) -> dict[str, SourceText]:
    """Read every source file once."""
    return {key: SourceText.read(key, path) for key, path in files.items()}
