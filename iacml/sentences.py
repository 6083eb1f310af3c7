"""The sentences of a source text, as committed data (``data/sentences/NNN.tsv``).

The split is made once, when a source is added (``iacml coverage --split NNN``),
reviewed, and committed: coverage is computed over the committed spans, so the
covered share cannot move by re-splitting. Each line of the file is one sentence:
``start<TAB>end<TAB>text``, with ``start``/``end`` 0-based code points of the
source file (as passages use) and ``text`` the span with whitespace collapsed (for
people reading the file; a test checks it against the source). Every character of
the source that is not whitespace lies in exactly one sentence.

The splitter: a sentence ends at ``.``, ``?`` or ``!`` (and any closing quote or
bracket after it) followed by whitespace and a capital, a digit, a quote, a bullet
or a bracket, except after an enumerator (``1.``, ``IV.``) that opens a line. A line
break also ends a sentence, unless the next line continues it (it starts with a
lowercase letter or with punctuation, as a sentence broken across a page does).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

_END = re.compile(r"(?<!\.)[.?!][\"”’')\]*]*(?=\s+[\"“‘'(\[*·\-A-Z0-9\u00c0-\u00de])")
_ENUMERATOR = re.compile(r"(?:\d{1,2}|[IVX]{1,4}|[a-z])\.")
_CONTINUES = re.compile(r"[a-z,;:)\]”’\u00e0-\u00ff]")


@dataclass(frozen=True)
class Sentence:
    """One committed sentence of a source: its span and (collapsed) text."""

    start: int
    end: int
    text: str


def collapse(text: str) -> str:
    """Whitespace runs as one space, trimmed (how the files show text)."""
    return " ".join(text.split())


def _lines(text: str) -> list[tuple[int, int]]:
    """(start, end) of each non-blank line, trimmed of surrounding whitespace."""
    spans = []
    for m in re.finditer(r"[^\n]+", text):
        line = m.group()
        if line.strip():
            lead = len(line) - len(line.lstrip())
            spans.append((m.start() + lead, m.start() + len(line.rstrip())))
    return spans


def _blocks(text: str) -> list[tuple[int, int]]:
    """Lines joined where the next line continues the sentence of the previous one."""
    blocks: list[tuple[int, int]] = []
    for start, end in _lines(text):
        if blocks:
            prev_start, prev_end = blocks[-1]
            ends_sentence = text[prev_end - 1] in ".?!:"
            if not ends_sentence and _CONTINUES.match(text[start]):
                blocks[-1] = (prev_start, end)
                continue
        blocks.append((start, end))
    return blocks


def split(text: str) -> list[Sentence]:
    """The sentences of ``text`` (used once per source; the result is committed)."""
    sentences = []
    for block_start, block_end in _blocks(text):
        start = block_start
        for m in _END.finditer(text, block_start, block_end):
            if _ENUMERATOR.fullmatch(text, start, m.end()):
                continue  # "1." or "IV." opening a sentence is not one
            sentences.append(Sentence(start, m.end(), collapse(text[start:m.end()])))
            start = m.end()
            while start < block_end and text[start].isspace():
                start += 1
        if start < block_end:
            sentences.append(Sentence(start, block_end, collapse(text[start:block_end])))
    return sentences


def write(path: Path, sentences: list[Sentence]) -> None:
    """Write a committed split (``start<TAB>end<TAB>text`` per line)."""
    lines = [f"{s.start}\t{s.end}\t{s.text}" for s in sentences]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def read(path: Path) -> list[Sentence]:
    """Read a committed split."""
    sentences = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        start, end, text = line.split("\t", 2)
        sentences.append(Sentence(int(start), int(end), text))
        if sentences[-1].start >= sentences[-1].end:
            raise ValueError(f"{path}:{number}: empty span")
    return sentences


def problems(text: str, sentences: list[Sentence]) -> list[str]:
    """What is wrong with a committed split of ``text`` (empty when it is sound):
    spans out of order or overlapping, a text that is not its span, or a character
    of the source outside every sentence."""
    found = []
    covered = [False] * len(text)
    previous_end = 0
    for s in sentences:
        if s.start < previous_end or s.end > len(text):
            found.append(f"{s.start}-{s.end}: overlaps the previous sentence or the end")
        if collapse(text[s.start:s.end]) != s.text:
            found.append(f"{s.start}-{s.end}: text is not the span of the source")
        for i in range(s.start, s.end):
            covered[i] = True
        previous_end = s.end
    stray = [i for i, c in enumerate(text) if not c.isspace() and not covered[i]]
    if stray:
        found.append(f"{len(stray)} characters outside every sentence, first at {stray[0]}: "
                     f"{text[stray[0]:stray[0] + 40]!r}")
    return found
