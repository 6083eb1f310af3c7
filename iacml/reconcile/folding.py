"""Fold names for comparison: accents, case, punctuation and connecting words.

"Trinidad & Tobago", "Trinidad y Tobago" and "trinidad and tobago" fold to the same
words; "Perú" and "PERU" to the same text. These are rules over any text, not a list of
names: a name the graph does not hold never matches because of them.
"""

from __future__ import annotations

import re
import unicodedata

# Words that only join others, in English and Spanish: "Saint Kitts and Nevis" and
# "Saint Kitts & Nevis" must have the same words, and word order is compared on the rest.
CONNECTORS = frozenset({"and", "y", "e", "the", "of", "de", "del", "la", "las", "los", "el",
                        "for", "para", "in", "en", "on", "a", "an", "to"})
_NOT_WORD = re.compile(r"[^0-9a-z]+")


def fold(text: str) -> str:
    """Lower case, without accents, "&" read as "and", punctuation as spaces."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
    return " ".join(_NOT_WORD.sub(" ", bare.replace("&", " and ")).split())


def words(text: str) -> frozenset[str]:
    """The folded words of ``text`` without connecting words (all of them if that is all
    there is)."""
    folded = fold(text).split()
    content = frozenset(w for w in folded if w not in CONNECTORS)
    return content or frozenset(folded)


def trigrams(text: str) -> frozenset[str]:
    """Character trigrams of the folded text (padded), for spelling slips."""
    padded = f"  {fold(text)} "
    return frozenset(padded[i:i + 3] for i in range(len(padded) - 2))


def dice(a: frozenset[str], b: frozenset[str]) -> float:
    """Dice coefficient of two sets (0 when both are empty)."""
    return 2 * len(a & b) / (len(a) + len(b)) if a or b else 0.0


def without_acronym(label: str) -> tuple[str, str | None]:
    """Split "Inter-American Commission of Women (CIM)" into the name and the acronym the
    label itself prints in parentheses (None when it prints none)."""
    found = re.fullmatch(r"(.+?)\s*\(([A-Z][A-Za-z]*(?:[/-][A-Za-z]+)*)\)\s*", label)
    if not found or sum(ch.isupper() for ch in found.group(2)) < 2:
        return label, None
    return found.group(1), found.group(2)
