"""RDF/XML before parsing: element depth, and what its entities would expand to.

pyoxigraph's RDF/XML parser expands the internal entities a document declares
with no bound: the nine lines of the "billion laughs" (each entity ten copies
of the one before) ask it for a gigabyte and abort the process. rdflib spent
33 s of CPU on a 1 KB variant. So the document type declaration is read here,
by a flat lexer, and the document refused before any parser sees it when

- it declares an external entity (``SYSTEM``/``PUBLIC``: a file or URL to read)
  or a parameter entity (``<!ENTITY % ...``): neither is ever resolved here;
- its entity references would expand to more than ``max_expansion`` characters
  (each entity's length is computed once from its declaration, without
  expanding anything, so the check costs the size of the document);
- its elements nest deeper than the limit.

Internal entities within the bound (``<!ENTITY xsd "http://www.w3.org/...">``,
as ontology editors write them) are accepted.
"""

from __future__ import annotations

import re

from server.untrusted.nesting import TooDeep

_PREDEFINED = {"lt", "gt", "amp", "apos", "quot"}
_NAME = r"[A-Za-z_:\u00C0-\U0010FFFF][A-Za-z0-9_:.\-\u00B7-\U0010FFFF]*"
_REFERENCE = re.compile(rf"&(?:#[0-9]+|#x[0-9A-Fa-f]+|(?P<name>{_NAME}));")
_MARKUP = re.compile(
    rf"""
    (?P<comment><!--.*?-->)
  | (?P<cdata><!\[CDATA\[.*?\]\]>)
  | (?P<pi><\?.*?\?>)
  | (?P<doctype><!DOCTYPE(?:[^\[>"']|"[^"]*"|'[^']*')*
        (?:\[(?P<subset>(?:[^\]"']|"[^"]*"|'[^']*')*)\])?\s*>)
  | (?P<end></{_NAME}\s*>)
  | (?P<start><{_NAME}(?:[^<>"']|"[^"]*"|'[^']*')*?(?P<empty>/)?>)
  | (?P<text>[^<]+)
  | (?P<other><)
    """,
    re.VERBOSE | re.DOTALL,
)
_DECLARATION = re.compile(
    rf"""
    (?P<comment><!--.*?-->)
  | <!ENTITY\s+(?P<parameter>%\s+)?(?P<name>{_NAME})\s+
        (?:(?P<external>SYSTEM|PUBLIC)\b|"(?P<dq>[^"]*)"|'(?P<sq>[^']*)')
  | (?P<other>[^<]+|<)
    """,
    re.VERBOSE | re.DOTALL,
)


class XmlRefused(Exception):
    """The XML text is refused before parsing (the message says why)."""


def _entities(subset: str) -> dict[str, str]:
    """Internal general entities declared in a DTD internal subset: name → value."""
    values: dict[str, str] = {}
    for match in _DECLARATION.finditer(subset):
        name = match.group("name")
        if name is None:
            continue
        if match.group("parameter"):
            raise XmlRefused(f"the parameter entity %{name}; is refused: RDF/XML entries "
                             "may declare only internal general entities")
        if match.group("external"):
            raise XmlRefused(f"the external entity &{name}; is refused: no file or URL "
                             "named in an entry is ever read")
        values.setdefault(name, match.group("dq") if match.group("dq") is not None
                          else match.group("sq"))  # the first declaration binds (XML 1.0)
    return values


def _expanded_lengths(values: dict[str, str], cap: int) -> dict[str, int]:
    """Length of each entity once fully expanded, without expanding anything: an
    iterative depth-first walk over the references (a cycle is refused; lengths are
    capped just past ``cap``, which is enough to refuse)."""
    refs = {name: [m.group("name") for m in _REFERENCE.finditer(value)]
            for name, value in values.items()}
    lengths: dict[str, int] = {}
    on_path: set[str] = set()
    for root in values:
        stack: list[tuple[str, bool]] = [(root, False)]
        while stack:
            name, children_done = stack.pop()
            if children_done:
                lengths[name] = min(cap + 1, len(_REFERENCE.sub("", values[name])) + sum(
                    lengths.get(r, 0) if r in values else 1 for r in refs[name]))
                on_path.discard(name)
                continue
            if name in lengths:
                continue
            if name in on_path:
                raise XmlRefused(f"the entity &{name}; refers to itself")
            on_path.add(name)
            stack.append((name, True))
            stack.extend((r, False) for r in refs[name]
                         if r is not None and r in values and r not in lengths)
    return lengths


def check_xml(text: str, max_depth: int, max_expansion: int) -> None:
    """Refuse ``text`` (XmlRefused, TooDeep) if it declares external or parameter
    entities, would expand past ``max_expansion`` characters, or nests elements
    deeper than ``max_depth``."""
    lengths: dict[str, int] = {}
    expansion = depth = 0
    for match in _MARKUP.finditer(text):
        kind = match.lastgroup
        if kind == "doctype":
            lengths = _expanded_lengths(_entities(match.group("subset") or ""), max_expansion)
        elif kind == "start" and not match.group("empty"):
            depth += 1
            if depth > max_depth:
                raise TooDeep(depth, max_depth, text.count("\n", 0, match.start()) + 1)
        elif kind == "end":
            depth = max(0, depth - 1)
        if kind in ("start", "text"):  # entity references in attribute values and text
            for ref in _REFERENCE.finditer(match.group()):
                name = ref.group("name")
                if name is not None and name not in _PREDEFINED:
                    expansion += lengths.get(name, 0)
            if expansion > max_expansion:
                raise XmlRefused(
                    f"the entity references would expand to more than {max_expansion} "
                    "characters (a document that grows when read, as in the 'billion "
                    "laughs' attack, is refused)")
