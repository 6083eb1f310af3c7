"""``iacml coverage``: which sentences of each source no fact covers.

A sentence (from the committed split, ``data/sentences/NNN.tsv``) is covered when
a passage over it backs at least one fact other than a stored paragraph text.

- A passage is *over* a sentence when it lies inside the sentence (a fact quoted
  from it) or holds at least half of the sentence's characters (a quote of several
  sentences covers those it mostly holds, not one it merely touches).
- A passage backs a fact when some node is ``prov:wasDerivedFrom`` it (or a label
  is ``iacml:printedAt`` it), except the passage that holds the ``iacml:text`` of a
  ``iacml:ReportSection``: the stored text of a section or paragraph is not a fact
  read from it.

A sentence may instead be *marked* in ``data/sentences/marks.csv`` as deliberately
not transcribed, with a reason from :data:`MARK_REASONS` (a restatement names the
covered sentence it restates). Marks are few: a test allows at most
:data:`MAX_MARKED_SHARE` of a source's sentences.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from . import sentences as sent
from .defaultgraph import has_merge
from .errors import BuildError
from .paths import ProjectPaths
from .pipeline import quotes

MARK_REASONS = {
    "heading": "a heading or a title line that states no fact of its own",
    "table-of-contents": "a line of the table of contents",
    "restatement": "restates a sentence of the same source that is transcribed",
    "conversion-artefact": "an artefact of the conversion to text, not printed matter",
}
MAX_MARKED_SHARE = 0.10
MARKS_COLUMNS = ("source", "start", "reason", "text", "restates")

_PASSAGES = """
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX oa: <http://www.w3.org/ns/oa#>
PREFIX iacml: <https://w3id.org/iacml/ontology#>
SELECT DISTINCT ?node ?src ?start ?end WHERE {
  ?node prov:wasDerivedFrom|iacml:printedAt ?passage .
  ?passage oa:hasSource ?src ; oa:hasSelector ?position .
  ?position oa:start ?start ; oa:end ?end .
}"""
_SECTION_TEXTS = """
PREFIX iacml: <https://w3id.org/iacml/ontology#>
SELECT DISTINCT ?node ?text WHERE { ?node a iacml:ReportSection ; iacml:text ?text }"""
_ARTEFACTS = re.compile(r"\[bookmark: [^\]]*\]|\ufffd")


@dataclass(frozen=True)
class Mark:
    """A sentence deliberately not transcribed, and why."""

    source: str
    start: int
    reason: str
    text: str
    restates: int | None = None  # the sentence a "restatement" repeats (its start)


@dataclass
class SourceCoverage:
    """The coverage of one source."""

    source: str
    total: int
    covered_sentences: list[sent.Sentence] = field(default_factory=list)
    marked: list[tuple[sent.Sentence, Mark]] = field(default_factory=list)
    uncovered: list[sent.Sentence] = field(default_factory=list)

    @property
    def covered(self) -> int:
        """How many sentences a fact covers."""
        return len(self.covered_sentences)

    @property
    def covered_share(self) -> float:
        """The share of the sentences a fact covers."""
        return self.covered / self.total if self.total else 1.0

    @property
    def covered_or_marked_share(self) -> float:
        """The share of the sentences a fact covers or a mark explains."""
        return (self.covered + len(self.marked)) / self.total if self.total else 1.0


def _solutions(store: ox.Store, query: str) -> ox.QuerySolutions:
    """The rows of a SELECT query over every graph: the default graph where it is their
    merge (a store of the build's dump), else Oxigraph's union."""
    result = store.query(query, use_default_graph_as_union=not has_merge(store))
    if not isinstance(result, ox.QuerySolutions):
        raise TypeError(f"not a SELECT query: {query[:80]}")
    return result


def _plain(text: str) -> str:
    return sent.collapse(_ARTEFACTS.sub("", text))


def read_marks(path: Path) -> list[Mark]:
    """The committed marks (``data/sentences/marks.csv``); a reason outside the closed
    list is an error."""
    if not path.exists():
        return []
    marks = []
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["reason"] not in MARK_REASONS:
                raise BuildError(f"{path}: sentence {row['source']}@{row['start']}: reason "
                                 f"{row['reason']!r} is not one of {sorted(MARK_REASONS)}")
            restates = int(row["restates"]) if row.get("restates") else None
            if (row["reason"] == "restatement") != (restates is not None):
                raise BuildError(f"{path}: sentence {row['source']}@{row['start']}: a "
                                 "restatement names the sentence it restates (and only it)")
            marks.append(Mark(row["source"], int(row["start"]), row["reason"], row["text"],
                              restates))
    return marks


def source_files(paths: ProjectPaths) -> dict[str, Path]:
    """Each source text by its key (``"003"`` for ``003_<hash>.txt``)."""
    return quotes.source_files(paths.sources_dir)


def sentences_dir(paths: ProjectPaths) -> Path:
    """The committed sentence splits, ``data/sentences/``."""
    return paths.root / "data" / "sentences"


def fact_spans(store: ox.Store, texts: dict[str, str]) -> dict[str, list[tuple[int, int]]]:
    """Per source key, the spans of passages that back a fact other than a stored
    section text."""
    section_texts = {r["node"].value: _plain(r["text"].value)
                     for r in _solutions(store, _SECTION_TEXTS)}
    spans: dict[str, set[tuple[int, int]]] = {}
    prefix = "https://w3id.org/iacml/id/source/"
    for row in _solutions(store, _PASSAGES):
        source = row["src"].value
        if not source.startswith(prefix) or source[len(prefix):] not in texts:
            continue
        key = source[len(prefix):]
        start, end = int(row["start"].value), int(row["end"].value)
        stored = section_texts.get(row["node"].value)
        if stored and stored in _plain(texts[key][start:end]):
            continue  # the passage of a stored section text
        spans.setdefault(key, set()).add((start, end))
    return {key: sorted(found) for key, found in spans.items()}


def is_over(passage: tuple[int, int], sentence: sent.Sentence) -> bool:
    """The passage lies inside the sentence or holds at least half of it."""
    start, end = passage
    overlap = min(end, sentence.end) - max(start, sentence.start)
    if overlap <= 0:
        return False
    inside = start >= sentence.start and end <= sentence.end
    return inside or 2 * overlap >= sentence.end - sentence.start


def measure(paths: ProjectPaths, store: ox.Store,
            only: list[str] | None = None) -> list[SourceCoverage]:
    """Coverage of every source (or of ``only`` those keys)."""
    files = source_files(paths)
    texts = {key: path.read_text(encoding="utf-8") for key, path in files.items()}
    spans = fact_spans(store, texts)
    marks = {(m.source, m.start): m for m in read_marks(sentences_dir(paths) / "marks.csv")}
    results = []
    for key in sorted(files):
        if only and key not in only:
            continue
        split_file = sentences_dir(paths) / f"{key}.tsv"
        if not split_file.exists():
            raise BuildError(f"source {key} has no committed sentence split: run "
                             f"`iacml coverage --split {key}`, review and commit {split_file}")
        split = sent.read(split_file)
        result = SourceCoverage(key, len(split))
        passages = spans.get(key, [])
        for sentence in split:
            if any(is_over(p, sentence) for p in passages):
                result.covered_sentences.append(sentence)
            elif (key, sentence.start) in marks:
                result.marked.append((sentence, marks[(key, sentence.start)]))
            else:
                result.uncovered.append(sentence)
        results.append(result)
    return results


def stale_marks(paths: ProjectPaths, results: list[SourceCoverage]) -> list[str]:
    """Marks that name no sentence of the split, a sentence a fact now covers, or a
    restatement of a sentence that is not itself covered."""
    used = {(r.source, s.start) for r in results for s, _ in r.marked}
    covered = {(r.source, s.start) for r in results for s in r.covered_sentences}
    found = []
    for mark in read_marks(sentences_dir(paths) / "marks.csv"):
        if (mark.source, mark.start) not in used:
            found.append(f"{mark.source}@{mark.start} ({mark.reason}): \"{mark.text[:60]}\" "
                         "is not an uncovered sentence of the split")
        if mark.restates is not None and (mark.source, mark.restates) not in covered:
            found.append(f"{mark.source}@{mark.start} restates @{mark.restates}, which is "
                         "not a covered sentence")
    return found


def render(results: list[SourceCoverage], verbose: bool = True) -> str:
    """The coverage report as text."""
    lines = ["source  sentences  covered  marked  uncovered  covered  covered-or-marked"]
    for r in results:
        lines.append(f"{r.source:<7} {r.total:>9}  {r.covered:>7}  {len(r.marked):>6}  "
                     f"{len(r.uncovered):>9}  {100 * r.covered_share:6.1f} %  "
                     f"{100 * r.covered_or_marked_share:6.1f} %")
    if verbose:
        for r in results:
            if r.marked:
                lines.append(f"\n{r.source}: marked as not transcribed ({len(r.marked)})")
                lines += [f"  @{s.start:<6} {m.reason:<19} {s.text[:90]}" for s, m in r.marked]
            if r.uncovered:
                lines.append(f"\n{r.source}: not covered ({len(r.uncovered)})")
                lines += [f"  @{s.start:<6} {s.text[:110]}" for s in r.uncovered]
    return "\n".join(lines)


def write_split(paths: ProjectPaths, key: str) -> Path:
    """Split a new source into sentences and write ``data/sentences/NNN.tsv``; an
    existing split is never rewritten (its spans are what coverage is measured on)."""
    files = source_files(paths)
    if key not in files:
        raise BuildError(f"no source {key} in {paths.sources_dir}")
    target = sentences_dir(paths) / f"{key}.tsv"
    if target.exists():
        raise BuildError(f"{target} exists: the split is committed data; edit it by hand "
                         "(tests check it against the source)")
    target.parent.mkdir(parents=True, exist_ok=True)
    sent.write(target, sent.split(files[key].read_text(encoding="utf-8")))
    return target
