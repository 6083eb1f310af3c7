"""The passage of a source text closest to a quote that is not in it, and how they differ.

A quote is usually missed by a character that looks alike (``-`` for ``–``, a
straight for a curly quote, a letter's case) or by a word changed in copying.
The closest passage is found by voting: every 8-character piece of the quote
that occurs in the text votes for the start the quote would have there (the
text is compared with dashes, quotes and case made alike, so the common
confusions still vote); the most voted start wins. The quote is then compared
with the text there, character by character, and the first differences are
named with their code points. This runs only for quotes that were not found,
and at most :data:`MAX_HINTS` times per check, so a hostile entry cannot make a
check slow with many bad quotes.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from difflib import SequenceMatcher

#: Quotes per check that get a closest-passage hint.
MAX_HINTS = 5
_PIECE = 8
_STEP = 4
_MAX_HITS = 40  # occurrences of one piece that vote (a common phrase votes nowhere)
_LOOKALIKE = str.maketrans({
    **dict.fromkeys("‐‑‒–—―−", "-"), **dict.fromkeys("‘’‚‛′`´", "'"),
    **dict.fromkeys("“”„‟″«»", '"'), "\u00a0": " ", "\u202f": " ",
})


def _alike(text: str) -> str:
    """``text`` with look-alike characters made equal, one character for one."""
    return text.translate(_LOOKALIKE).lower()


def _best_start(text: str, quote: str) -> int | None:
    """The start in ``text`` that most pieces of ``quote`` point to, if any does."""
    votes: Counter[int] = Counter()
    for offset in range(0, max(1, len(quote) - _PIECE + 1), _STEP):
        piece = quote[offset:offset + _PIECE]
        position, hits = text.find(piece), 0
        while position >= 0 and hits < _MAX_HITS:
            votes[position - offset] += 1
            position, hits = text.find(piece, position + 1), hits + 1
    return votes.most_common(1)[0][0] if votes else None


def _char(c: str) -> str:
    """A character as a person can tell it apart: itself and its code point and name."""
    name = unicodedata.name(c, "")
    return f"'{c}' (U+{ord(c):04X}{' ' + name if name else ''})"


def _changes(passage: str, quote: str) -> list[tuple[int, int, int, int]]:
    """The spans where ``passage`` and ``quote`` differ; two changes one or two equal
    characters apart are one (``Lima``/``Quito``, not ``L``/``Qu`` and ``ma``/``to``)."""
    spans: list[tuple[int, int, int, int]] = []
    ops = SequenceMatcher(None, passage, quote, autojunk=False).get_opcodes()
    for tag, a1, a2, b1, b2 in ops:
        if tag == "equal":
            continue
        if spans and a1 - spans[-1][1] <= 2 and b1 - spans[-1][3] <= 2:
            spans[-1] = (spans[-1][0], a2, spans[-1][2], b2)
        else:
            spans.append((a1, a2, b1, b2))
    return spans


def _difference(theirs: str, ours: str) -> str:
    """One difference, said for a person."""
    if len(theirs) == 1 and len(ours) == 1:
        return f"the quote has {_char(ours)} where the source has {_char(theirs)}"
    if not ours:
        return f"the source has \"{theirs}\" that the quote lacks"
    if not theirs:
        return f"the quote has \"{ours}\" that the source lacks"
    return f"the quote has \"{ours}\" where the source has \"{theirs}\""


def _differences(window: str, quote: str, limit: int = 3) -> tuple[str, list[str]]:
    """The passage of ``window`` aligned with ``quote`` and the first differences."""
    matcher = SequenceMatcher(None, window, quote, autojunk=False)
    blocks = [b for b in matcher.get_matching_blocks() if b.size]
    if not blocks:
        return "", []
    first, last = blocks[0], blocks[-1]
    start, end = first.a - first.b, last.a + last.size + (len(quote) - last.b - last.size)
    passage = window[max(0, start):max(0, end)]
    found = [_difference(passage[a1:a2], quote[b1:b2])
             for a1, a2, b1, b2 in _changes(passage, quote)]
    return passage, found[:limit]


def closest_passage(text: str, quote: str) -> tuple[int, str, list[str]] | None:
    """(offset, passage, differences) of the passage of ``text`` (whitespace collapsed,
    as the quote) closest to ``quote``, or None when no 8 characters of it occur."""
    quote = quote[:400]
    start = _best_start(_alike(text), _alike(quote))
    if start is None:
        return None
    margin = 20 + len(quote) // 10
    low = max(0, start - margin)
    window = text[low:start + len(quote) + margin]
    passage, differences = _differences(window, quote)
    if not passage:
        return None
    return low + window.find(passage), passage, differences
