"""Text made of parts in different languages: an interface sentence (from the message
catalogue, in the page's language) with names from the data filled in, each in the
language the data gives it. A name the data has only in English stays English on a
Spanish page and is marked ``lang="en"`` in HTML, never translated by us.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from markupsafe import Markup, escape

#: A part's language tag; "" is the interface language (the page's own).
PAGE = ""
_SLOT = re.compile(r"%\((\w+)\)s")
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class Phrase:
    """A sequence of (text, language tag) parts."""

    parts: tuple[tuple[str, str], ...] = ()

    @classmethod
    def of(cls, text: str, lang: str = PAGE) -> Phrase:
        """One part: ``text`` in ``lang`` (the interface language by default), its line
        breaks and runs of spaces made one space (a title or summary is one line)."""
        text = _SPACES.sub(" ", text)
        return cls(((text, lang),)) if text else cls()

    @property
    def text(self) -> str:
        """The plain text (for ``<title>``, JSON, CSV, search results)."""
        return "".join(text for text, _ in self.parts)

    def __bool__(self) -> bool:
        """True when the phrase has any text."""
        return bool(self.text)

    def __add__(self, other: Phrase) -> Phrase:
        """The two phrases one after the other."""
        return Phrase(self.parts + other.parts)

    def html(self, page_lang: str) -> Markup:
        """Escaped HTML: each part whose language is not the page's in a ``<span lang>``."""
        out = []
        for text, lang in self.parts:
            if lang and lang.lower().split("-")[0] != page_lang:
                out.append(Markup('<span lang="{}">{}</span>').format(lang, text))
            else:
                out.append(escape(text))
        return Markup("").join(out)

    def shortened(self, limit: int) -> Phrase:
        """At most ``limit`` characters, cut at a word and ended with an ellipsis."""
        if len(self.text) <= limit:
            return self
        parts: list[tuple[str, str]] = []
        room = limit
        for text, lang in self.parts:
            if len(text) <= room:
                parts.append((text, lang))
                room -= len(text)
                continue
            cut = text[:room].rsplit(" ", 1)[0] if " " in text[:room] else text[:room]
            parts.append((cut.rstrip(" ,;:.") + "…", lang))
            break
        return Phrase(tuple(parts))


def fill(template: str, **values: Phrase) -> Phrase:
    """The catalogue sentence ``template`` with its ``%(name)s`` slots replaced by
    phrases (the sentence's own words in the interface language)."""
    parts: list[tuple[str, str]] = []
    at = 0
    for slot in _SLOT.finditer(template):
        if slot.start() > at:
            parts.append((template[at:slot.start()], PAGE))
        parts += values[slot.group(1)].parts
        at = slot.end()
    if at < len(template):
        parts.append((template[at:], PAGE))
    return Phrase(tuple(p for p in parts if p[0]))


def joined(phrases: list[Phrase], separator: str = ", ") -> Phrase:
    """Phrases one after the other, ``separator`` (interface language) between them."""
    out = Phrase()
    for n, phrase in enumerate(p for p in phrases if p):
        out = out + (Phrase.of(separator) if n else Phrase()) + phrase
    return out
