"""How deeply a text nests, found by a flat lexer before any parser sees the text.

pyoxigraph's parsers recurse once per level of nesting: about 900 levels of
``FILTER EXISTS {`` overflow an 8 MiB stack and kill the process (SIGSEGV), and
nested collections ``( ( ( ...`` take cubic time (64 levels: 0.9 s). So the depth
of every untrusted text is measured here, by loops over regular-expression
tokens (no recursion: the deepest text costs this module nothing more than a
flat one), and a text deeper than the limit is refused before it is parsed.

The depth at a point is the number of brackets open there plus the length of the
run of prefix operators (``!``, ``^``, ``+``, ``-``) just before it, since a
recursive-descent parser recurses on each of those too. The lexers err on the
side of counting: brackets and operators inside an IRI are counted (a ``<`` the
lexer takes for the start of an IRI may be a less-than to the parser), so no
spelling hides nesting from the count; only strings and comments are skipped.

SPARQL nests without brackets too: ``{A} UNION {B} UNION {C}`` is the tree
``Union(Union(A, B), C)``, and so are sequences of OPTIONAL, MINUS, BIND and
FILTER, and chains of ``||``, ``+``, ``/``... pyoxigraph walks those trees
recursively (6,700 UNIONs or 2,700 BINDs in a row overflow 8 MiB), so a SPARQL
text's operators are counted too, against a second limit: the tree is at most
as deep as the text has operators and brackets.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

OPENERS = frozenset("{([")
CLOSERS = frozenset("})]")
PREFIX_OPERATORS = frozenset("!^+-")

# SPARQL, Turtle, TriG, N-Triples, N-Quads: the same terminals matter for nesting.
_RDF_TEXT = re.compile(
    r"""
    (?P<skip>[ \t\r\n]+|\#[^\r\n]*
        |'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
        |'(?:[^'\\\r\n]|\\.)*'|"(?:[^"\\\r\n]|\\.)*")
  | (?P<iri><[^<>"{}|^`\x00-\x20]*>)
  | (?P<word>[A-Za-z0-9_?$:\u0080-\U0010FFFF][A-Za-z0-9_?$:.%\\\-\u0080-\U0010FFFF]*)
  | (?P<char>.)
    """,
    re.VERBOSE | re.DOTALL,
)
_INSIDE = re.compile(r"[!^+\-]+|[{}()\[\]]")
_OPERATOR_CHAR = re.compile(r"[{(|&=<>+\-*/!^]")
# JSON (JSON-LD): only strings hide brackets; there are no comments.
_JSON_TEXT = re.compile(r'(?P<skip>"(?:[^"\\]|\\.)*"|[^"{}\[\]]+)|(?P<char>.)', re.DOTALL)


#: SPARQL keywords and operator characters that each add (at most) one level to the
#: algebra tree pyoxigraph builds and walks.
OPERATOR_WORDS = frozenset({"UNION", "OPTIONAL", "MINUS", "BIND", "FILTER", "VALUES", "GRAPH",
                            "SERVICE", "EXISTS", "IN"})
OPERATOR_CHARS = frozenset("{(|&=<>+-*/!^")


_BLIND_DEPTH = re.compile(r"[{(\[!^+\-]")
_BLIND_OPERATORS = re.compile(r"[{(|&=<>+\-*/!^]")


class TooManyOperators(Exception):
    """The SPARQL text has more operators than the limit (see the module docstring)."""

    def __init__(self, count: int, limit: int) -> None:
        super().__init__(f"more than {limit} operators")
        self.count = count
        self.limit = limit


class TooDeep(Exception):
    """The text nests deeper than the limit: ``depth`` is how deep it got."""

    def __init__(self, depth: int, limit: int, line: int) -> None:
        super().__init__(f"nested more than {limit} levels (line {line})")
        self.depth = depth
        self.limit = limit
        self.line = line


@dataclass
class _Counter:
    """Bracket depth and prefix-operator run, raising as soon as the limit is passed."""

    limit: int
    text: str
    brackets: int = 0
    run: int = 0
    deepest: int = 0

    def char(self, char: str, position: int) -> None:
        if char in OPENERS:
            self.brackets += 1
            self.run = 0
        elif char in CLOSERS:
            self.brackets = max(0, self.brackets - 1)
            self.run = 0
        elif char in PREFIX_OPERATORS:
            self.run += 1
        else:
            self.run = 0
            return
        depth = self.brackets + self.run
        if depth > self.deepest:
            self.deepest = depth
            if depth > self.limit:
                line = self.text.count("\n", 0, position) + 1
                raise TooDeep(depth, self.limit, line)

    def chars(self, text: str, offset: int) -> None:
        """Count the brackets and operator runs inside a token (an IRI's text)."""
        for match in _INSIDE.finditer(text):
            self.run = 0  # a run is broken by whatever stands between two matches
            for index, char in enumerate(match.group()):
                self.char(char, offset + match.start() + index)


def fits_blindly(text: str, limit: int, max_operators: int | None = None) -> bool:
    """True when ``text`` is within the limits even if every bracket, operator
    character and keyword-like substring in it counted (in strings, comments and IRIs
    too): the common case, decided by a few counts in C instead of the lexer."""
    if len(_BLIND_DEPTH.findall(text)) > limit:
        return False
    if max_operators is None:
        return True
    upper = text.upper()
    words = sum(upper.count(word) for word in OPERATOR_WORDS)
    return len(_BLIND_OPERATORS.findall(text)) + words <= max_operators


def sparql_or_turtle_depth(text: str, limit: int, max_operators: int | None = None) -> int:
    """Deepest nesting of a SPARQL query or update, or of Turtle, TriG, N-Triples or
    N-Quads; TooDeep as soon as it passes ``limit``. With ``max_operators`` (SPARQL),
    TooManyOperators once the text has more operators than that."""
    counter = _Counter(limit, text)
    operators = 0
    for match in _RDF_TEXT.finditer(text):
        kind = match.lastgroup
        if kind == "skip":
            continue  # whitespace, comments and strings neither open nor break a run
        if kind == "char":
            char = match.group()
            counter.char(char, match.start())
            operators += char in OPERATOR_CHARS
        elif kind == "iri":
            counter.run = 0
            inner = match.group()[1:-1]
            counter.chars(inner, match.start() + 1)
            operators += len(_OPERATOR_CHAR.findall(inner))
        else:
            counter.run = 0
            operators += match.group().upper() in OPERATOR_WORDS
        if max_operators is not None and operators > max_operators:
            raise TooManyOperators(operators, max_operators)
    return counter.deepest


def json_depth(text: str, limit: int) -> int:
    """Deepest nesting of objects and arrays in a JSON text; TooDeep past ``limit``."""
    counter = _Counter(limit, text)
    for match in _JSON_TEXT.finditer(text):
        if match.lastgroup == "char":
            counter.char(match.group(), match.start())
    return counter.deepest
