"""Lookups by IRI, answered in the web process without a worker hand-off.

Every query normally runs in a killable worker process (:mod:`server.workers.pool`):
pyoxigraph cannot be interrupted, so only a separate process can be stopped at
the time limit.  That safety costs a hand-off (~0.5 ms of pickling, pipes and
context switches) on every request, which dominates the cost of the commonest
linked-data question, "what do you say about <this IRI>?".

A lookup cannot run away: it is one triple pattern with a constant subject, so
its answer is at most the statements of that subject (plus, for ``DESCRIBE``,
the blank nodes they reach), read from the store's subject index.  Such
queries are recognised here, conservatively, from their tokens, and answered by
an in-process copy of the store.  Anything the recognizer is not sure of (a
second pattern, a FILTER, a path, a variable subject, a dataset clause, a
triple-quoted string, an odd prefixed name...) goes to a worker as before, so a
mistake here can only cost speed, never the time limit.
"""

from __future__ import annotations

import functools
import re
import threading

import pyoxigraph as ox

from iacml.diskstore import DiskStore
from server.workers.jobs import QueryAnswer, QueryJob
from server.workers.served import ServedStore
from server.workers.worker import run_query

_IRI = r"<[^<>\"{}|^`\\\x00-\x20]*>"
# A deliberately narrow prefixed name: letters, digits, _ and - (no dots, escapes or %).
_PNAME = (r"[A-Za-z][A-Za-z0-9_\-]*:[A-Za-z0-9_][A-Za-z0-9_\-]*"
          r"|[A-Za-z][A-Za-z0-9_\-]*:|:[A-Za-z0-9_\-]*")
_TOKEN = re.compile(
    rf"""
    (?P<space>[ \t\r\n]+|\#[^\n\r]*)
  | (?P<iri>{_IRI})
  | (?P<var>[?$][A-Za-z0-9_]+)
  | (?P<literal>(?:"(?:[^"\\\n\r]|\\.)*"|'(?:[^'\\\n\r]|\\.)*')
                (?:@[A-Za-z]+(?:-[A-Za-z0-9]+)*|\^\^(?:{_IRI}|{_PNAME}))?)
  | (?P<pname>{_PNAME})
  | (?P<number>\d+)
  | (?P<word>[A-Za-z]+)
  | (?P<punct>[{{}}.*])
    """,
    re.VERBOSE,
)


def _tokens(query: str) -> list[tuple[str, str]] | None:
    """(kind, text) tokens without spaces and comments; None if a character is not
    covered by the narrow token set (the query is then not a lookup)."""
    found: list[tuple[str, str]] = []
    position = 0
    while position < len(query):
        match = _TOKEN.match(query, position)
        if match is None:
            return None
        position = match.end()
        kind = match.lastgroup or ""
        if kind == "space":
            continue
        text = match.group()
        if kind == "word":
            text = text.upper()
            if text in {"TRUE", "FALSE"}:
                kind = "literal"
        found.append((kind, text))
    return found


_CONSTANT = {"iri", "pname"}
_PREDICATE = {"iri", "pname", "var"}
_OBJECT = {"iri", "pname", "var", "literal", "number"}


#: Longest query text :func:`is_lookup` remembers its answer for (a lookup with a long
#: prologue is still recognised, only not remembered), and how many it remembers: the
#: web process asks twice per query (whether a worker is needed, then which runs it)
#: and clients repeat their lookups; at most ~4 MiB of texts are held.
REMEMBERED_CHARS = 4096
REMEMBERED = 1024


def is_lookup(query: str) -> bool:
    """Whether ``query`` is a lookup by IRI, whose cost one subject's statements bound
    (:func:`recognise`, remembered for short texts)."""
    return _remembered(query) if len(query) <= REMEMBERED_CHARS else recognise(query)


def recognise(query: str) -> bool:
    """Whether ``query`` is a lookup by IRI, whose cost one subject's statements bound.

    A lookup is an optional prologue of PREFIX/BASE declarations, then

    - ``SELECT [DISTINCT|REDUCED] (?v ...|*) [WHERE] { S P O [.] } [LIMIT n] [OFFSET n]``
    - ``ASK [WHERE] { S P O [.] }``
    - ``DESCRIBE S``

    where S is an IRI or prefixed name, P a variable, IRI, prefixed name or ``a``,
    and O a variable, IRI, prefixed name, literal or number.
    """
    tokens = _tokens(query)
    rest = _after_prologue(tokens) if tokens else None
    if not rest:
        return False
    form = rest[0]
    if form == ("word", "DESCRIBE"):
        return len(rest) == 2 and rest[1][0] in _CONSTANT
    if form == ("word", "ASK"):
        body = rest[1:]
        if body[:1] == [("word", "WHERE")]:
            body = body[1:]
        return _pattern(body) == len(body)
    return form == ("word", "SELECT") and _is_select_lookup(rest)


_remembered = functools.lru_cache(maxsize=REMEMBERED)(recognise)


def _after_prologue(tokens: list[tuple[str, str]]) -> list[tuple[str, str]] | None:
    """The tokens after the PREFIX/BASE declarations; None if one is malformed."""
    i = 0
    while i < len(tokens) and tokens[i] in {("word", "PREFIX"), ("word", "BASE")}:
        if tokens[i][1] == "PREFIX":
            if not (i + 2 < len(tokens) and tokens[i + 1][0] == "pname"
                    and tokens[i + 1][1].endswith(":") and tokens[i + 2][0] == "iri"):
                return None
            i += 3
        else:
            if not (i + 1 < len(tokens) and tokens[i + 1][0] == "iri"):
                return None
            i += 2
    return tokens[i:]


def _is_select_lookup(rest: list[tuple[str, str]]) -> bool:
    """``SELECT [DISTINCT|REDUCED] (?v ...|*) [WHERE] { S P O [.] } [LIMIT n] [OFFSET n]``."""
    j = 1
    if j < len(rest) and rest[j] in {("word", "DISTINCT"), ("word", "REDUCED")}:
        j += 1
    if j < len(rest) and rest[j] == ("punct", "*"):
        j += 1
    else:
        start = j
        while j < len(rest) and rest[j][0] == "var":
            j += 1
        if j == start:
            return False
    if j < len(rest) and rest[j] == ("word", "WHERE"):
        j += 1
    used = _pattern(rest[j:])
    if used is None:
        return False
    return _modifiers(rest[j + used:])


def _pattern(tokens: list[tuple[str, str]]) -> int | None:
    """Length of ``{ S P O [.] }`` at the start of ``tokens``, or None."""
    if len(tokens) < 5 or tokens[0] != ("punct", "{"):
        return None
    subject, predicate, obj = tokens[1:4]
    if subject[0] not in _CONSTANT:
        return None
    if predicate[0] not in _PREDICATE and predicate != ("word", "A"):
        return None
    if obj[0] not in _OBJECT:
        return None
    end = 4
    if tokens[end] == ("punct", "."):
        end += 1
    return end + 1 if end < len(tokens) and tokens[end] == ("punct", "}") else None


def _modifiers(tokens: list[tuple[str, str]]) -> bool:
    """Only LIMIT n and OFFSET n may follow the pattern (each at most once)."""
    seen: set[str] = set()
    i = 0
    while i < len(tokens):
        word = tokens[i]
        if word[0] != "word" or word[1] not in {"LIMIT", "OFFSET"} or word[1] in seen:
            return False
        if i + 1 >= len(tokens) or tokens[i + 1][0] != "number":
            return False
        seen.add(word[1])
        i += 2
    return True


class LocalLookups:
    """The store opened in process for lookups (the build's on-disk store read-only, or
    an in-memory copy of the dump), kept current with the write journal."""

    def __init__(self, dataset: str, journal: str | None, disk: DiskStore | None = None) -> None:
        self.dataset = dataset
        # the workers' own way of holding the data, so the same data and answers
        self.served = ServedStore(dataset, journal, disk)
        self._lock = threading.Lock()

    @property
    def store(self) -> ox.Store:
        """The store lookups read now."""
        return self.served.store

    def load(self) -> None:
        """Open or load the dataset, current with the journal; a missing or broken dump
        raises."""
        self.served.open()

    def run(self, job: QueryJob) -> QueryAnswer:
        """Answer a lookup job exactly as a worker would (same code, same output)."""
        with self._lock:  # one catch-up at a time; queries themselves run concurrently
            self.served.catch_up(job.journal_end)
            opened = self.served.opened  # held while the query runs (a newer may come)
        return run_query(opened.store, job)
