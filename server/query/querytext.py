"""Cheap lexical facts about a SPARQL query text, and the SERVICE check.

The lexer skips comments, strings and IRIs and tracks brace depth, which is
enough to tell the query form, whether the query has its own dataset clause
(``FROM``/``FROM NAMED``: then the default graph must not be the union), and
whether a ``SERVICE`` keyword occurs.  When it does, the query is parsed with
rdflib and its algebra walked for every ``ServiceGraphPattern`` endpoint,
which must be on the allow-list.  The syntax itself is checked by pyoxigraph
(in the worker, see :mod:`server.workers.worker`).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass

_TOKEN = re.compile(
    r"""
    (?P<comment>\#[^\n\r]*)
  | (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
              |'(?:[^'\\\n\r]|\\.)*'|"(?:[^"\\\n\r]|\\.)*")
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<open>\{)
  | (?P<close>\})
  | (?P<word>[A-Za-z_][A-Za-z0-9_\-.]*(?::[^\s{}()<>,;"']*)?|:[^\s{}()<>,;"']*)
  | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)

#: An IRI token that starts like a variable (``<?a&&?b>``): see :func:`same_tokens`.
_VARIABLE_LIKE_IRI = re.compile(r"<[?$][A-Za-z0-9_]")
_UNICODE_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")

FORMS = {"SELECT", "ASK", "CONSTRUCT", "DESCRIBE"}
UPDATE_WORDS = {"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD",
                "WITH"}


def expand_escapes(text: str) -> str:
    r"""Apply SPARQL's \u/\U code point escapes, which precede parsing."""
    return _UNICODE_ESCAPE.sub(lambda m: chr(int(m.group(1) or m.group(2), 16)), text)


@dataclass(frozen=True)
class QueryFacts:
    """What the lexer found: form (SELECT...), dataset clause, SERVICE keyword."""

    form: str | None = None
    has_dataset_clause: bool = False
    has_service: bool = False
    has_prefixed_name: bool = False
    has_variable_like_iri: bool = False  # an IRI token such as <?a>: see same_tokens

    @property
    def is_graph_form(self) -> bool:
        """True for CONSTRUCT and DESCRIBE (results are RDF graphs)."""
        return self.form in {"CONSTRUCT", "DESCRIBE"}


#: Longest text whose facts are remembered, and how many: the web process asks for a
#: query's facts at its door and again when it answers a lookup itself, and clients
#: repeat their queries (at most ~4 MiB of texts are held).
REMEMBERED_CHARS = 4096
REMEMBERED = 1024


def analyse(query: str) -> QueryFacts:
    """Return the lexical facts of ``query`` (never raises); remembered for short texts."""
    return _remembered(query) if len(query) <= REMEMBERED_CHARS else _analyse(query)


def _analyse(query: str) -> QueryFacts:
    form: str | None = None
    depth = 0
    dataset = service = prefixed = variable_like = False
    for match in _TOKEN.finditer(expand_escapes(query)):
        kind = match.lastgroup
        if kind == "iri" and _VARIABLE_LIKE_IRI.match(match.group()):
            variable_like = True
        elif kind == "open":
            depth += 1
        elif kind == "close":
            depth = max(0, depth - 1)
        elif kind == "word":
            word = match.group()
            if ":" in word:
                prefixed = True
                continue
            upper = word.upper()
            if form is None and depth == 0 and (upper in FORMS or upper in UPDATE_WORDS):
                form = upper
            if upper == "FROM" and depth == 0:
                dataset = True
            if upper == "SERVICE":
                service = True
    return QueryFacts(form=form, has_dataset_clause=dataset, has_service=service,
                      has_prefixed_name=prefixed, has_variable_like_iri=variable_like)


_remembered = functools.lru_cache(maxsize=REMEMBERED)(_analyse)


def same_tokens(query: str, parse: Callable[[str], object]) -> bool:
    """False if ``parse`` (pyoxigraph's, which has no tokenizer) reads an IRI token that
    starts like a variable as something else.

    SPARQL's longest-token rule makes ``<?a&&?b>`` in ``FILTER(?x<?a&&?b>?y)`` one IRI,
    and the query a syntax error (W3C test syntax-sparql3/syn-bad-26), but pyoxigraph
    reads two comparisons. Each such token is replaced by a plain IRI: a parser that
    read it as an IRI reads the copy the same way, one that read operators does not."""
    spans = [m.span() for m in _TOKEN.finditer(query)
             if m.lastgroup == "iri" and _VARIABLE_LIKE_IRI.match(m.group())]
    if not spans:
        return True
    copy = query
    for start, end in reversed(spans):
        copy = copy[:start] + "<urn:x-iacml:iri>" + copy[end:]
    try:
        parse(copy)
    except SyntaxError:
        return False
    return True


class ServiceRefused(Exception):
    """A SERVICE clause names an endpoint that is not on the allow-list."""


def preload() -> None:
    """Import and warm up rdflib's SPARQL parser (done once in the zygote)."""
    _service_endpoints("SELECT * WHERE { SERVICE <urn:x-preload:> { ?s ?p ?o } }")


def service_endpoints_of(node: object) -> list[str]:
    """Endpoints of every SERVICE clause in a piece of rdflib SPARQL algebra (a query's
    or an update operation's), by an iterative walk ("?v" for a variable endpoint)."""
    from rdflib.plugins.sparql.parserutils import CompValue
    from rdflib.term import Variable

    found: list[str] = []
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            if isinstance(item, CompValue) and item.name == "ServiceGraphPattern":
                term = item.get("term")
                found.append("?" + str(term) if isinstance(term, Variable) else str(term))
            stack.extend(item.values())
        elif isinstance(item, (list, tuple)):
            stack.extend(item)
    return found


def _service_endpoints(query: str, prefixes: dict[str, str] | None = None) -> list[str]:
    """Endpoints of every SERVICE clause, from rdflib's algebra of the query."""
    from rdflib.plugins.sparql.algebra import translateQuery
    from rdflib.plugins.sparql.parser import parseQuery
    from rdflib.term import URIRef

    namespaces = {name: URIRef(iri) for name, iri in (prefixes or {}).items()}
    return service_endpoints_of(translateQuery(parseQuery(query), initNs=namespaces).algebra)


def check_service(query: str, allow_list: list[str],
                  prefixes: dict[str, str] | None = None,
                  facts: QueryFacts | None = None) -> None:
    """Raise :class:`ServiceRefused` unless every SERVICE endpoint is allowed.

    Run before the query is evaluated: pyoxigraph would call any SERVICE IRI
    itself.  A query whose SERVICE clauses cannot be read is refused too.
    """
    if not (facts or analyse(query)).has_service:
        return
    try:
        endpoints = _service_endpoints(query, prefixes)
    except Exception as exc:  # rdflib cannot read a query pyoxigraph may accept
        raise ServiceRefused(
            "SERVICE is refused: the query's SERVICE clauses could not be checked "
            f"against the allow-list ({exc.__class__.__name__})") from exc
    allowed = set(allow_list)
    for endpoint in endpoints:
        if endpoint not in allowed:
            listed = ", ".join(sorted(allowed)) or "none"
            raise ServiceRefused(
                f"SERVICE <{endpoint}> is refused: federated queries may only call "
                f"endpoints on the allow-list (IACML_SERVICE_ALLOWLIST: {listed})")
