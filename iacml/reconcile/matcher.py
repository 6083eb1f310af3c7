"""Score the resources of the graph against a name, its type and its properties.

The score (0 to 100) is the best likeness of the query to any name of a resource:

====================================================  ======
the folded text is the same ("Peru" / "PERÚ")          100
the same words in another order or with other joiners   98
   ("Tobago & Trinidad")
every word of the query is in the name (a fragment)     50-95, more the larger the share
spelling slips (character trigrams, Dice >= 0.5)        up to 90
some words in common                                    up to 60
====================================================  ======

then +10 for each property the query gives that the resource has (its country, its
year), -30 for each it contradicts, nothing for one the graph does not state. A candidate
is a ``match`` only when its name is the same (first two rows) or one of its aliases, no
property contradicts it, and no other candidate of the query can say as much.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from iacml.reconcile.folding import dice, fold, trigrams, without_acronym, words

SAME_TEXT, SAME_WORDS = 100.0, 98.0
PROPERTY_AGREES, PROPERTY_CONTRADICTS = 10.0, -30.0


@dataclass(frozen=True)
class Name:
    """One name of a resource: a label of the graph or an alias (``origin`` says which)."""

    text: str
    lang: str
    origin: str  # "skos:prefLabel", ..., or the alias's source
    code: bool = False  # matched whole only (ISO codes)
    alias: bool = False  # not a label of the graph: one of :mod:`iacml.reconcile.aliases`


@dataclass
class Entity:
    """A resource that can be matched: its names, types and matchable properties."""

    iri: str
    name: str
    types: tuple[str, ...]
    names: list[Name] = field(default_factory=list)
    properties: dict[str, set[str]] = field(default_factory=dict)  # "country" -> {iri}


@dataclass
class Candidate:
    """A resource proposed for a query, its score and the features that made it."""

    entity: Entity
    score: float
    features: dict[str, float | bool]
    certain: bool  # the name is the same (or an alias) and no property contradicts
    match: bool = False


@dataclass(frozen=True)
class _Indexed:
    entity: Entity
    name: Name
    folded: str
    words: frozenset[str]
    trigrams: frozenset[str]


def name_score(query: str, query_words: frozenset[str], query_grams: frozenset[str],
               name: _Indexed) -> float:
    """Likeness of the query to one name (see the module docstring for the scale)."""
    if query == name.folded:
        return SAME_TEXT
    if name.name.code:
        return 0.0
    if query_words and query_words == name.words:
        return SAME_WORDS
    best = 0.0
    if query_words and query_words <= name.words:
        best = 50 + 45 * len(query_words) / len(name.words)
    likeness = dice(query_grams, name.trigrams)
    if likeness >= 0.5:
        best = max(best, 90 * likeness)
    shared = query_words & name.words
    if shared:
        best = max(best, 60 * len(shared) / len(query_words | name.words))
    return round(best, 1)


# A property's values as the query gives them -> what the graph would hold (IRIs, years).
Resolver = Callable[[str], set[str]]


class Matcher:
    """An index of every name of every entity; :meth:`match` answers one query."""

    def __init__(self, entities: Iterable[Entity]) -> None:
        self.entities = {e.iri: e for e in entities}
        self._names: list[_Indexed] = []
        for entity in self.entities.values():
            for name in entity.names:
                for text in _variants(name.text):
                    self._names.append(_Indexed(entity, name, fold(text), words(text),
                                                trigrams(text)))

    def match(self, query: str, types: set[str] | None = None,
              properties: Mapping[str, list[str]] | None = None,
              resolvers: Mapping[str, Resolver] | None = None,
              limit: int = 10) -> list[Candidate]:
        """The ``limit`` best candidates for ``query`` of one of ``types`` (all if None),
        ``properties`` (property id -> values as given) changing the score."""
        folded, query_words, grams = fold(query), words(query), trigrams(query)
        if not folded and not properties:
            return []
        best: dict[str, tuple[float, Name]] = {}
        for indexed in self._names:
            entity = indexed.entity
            if types and not types.intersection(entity.types):
                continue
            score = name_score(folded, query_words, grams, indexed) if folded else 0.0
            if score > 0 and (entity.iri not in best or score > best[entity.iri][0]):
                best[entity.iri] = (score, indexed.name)
        candidates = [self._candidate(self.entities[iri], score, name, properties or {},
                                      resolvers or {})
                      for iri, (score, name) in best.items()]
        candidates.sort(key=lambda c: (-c.score, c.entity.name, c.entity.iri))
        certain = [c for c in candidates if c.certain]
        if len(certain) == 1 and candidates[0] is certain[0]:
            certain[0].match = True
        return candidates[:limit]

    def suggest(self, prefix: str, types: set[str] | None, limit: int) -> list[Entity]:
        """Entities with a name that starts with ``prefix`` (or a word of it that does), for
        autocompletion: whole-name prefixes first, then word prefixes, then shorter names."""
        wanted = fold(prefix)
        if not wanted:
            return []
        ranked: dict[str, tuple[int, int, str]] = {}
        for indexed in self._names:
            entity = indexed.entity
            if types and not types.intersection(entity.types):
                continue
            if indexed.folded.startswith(wanted):
                rank = 0
            elif not indexed.name.code and f" {wanted}" in f" {indexed.folded}":
                rank = 1
            else:
                continue
            key = (rank, len(indexed.folded), entity.iri)
            if entity.iri not in ranked or key < ranked[entity.iri]:
                ranked[entity.iri] = key
        ordered = sorted(ranked.items(), key=lambda item: item[1])[:limit]
        return [self.entities[iri] for iri, _ in ordered]

    @staticmethod
    def _candidate(entity: Entity, score: float, name: Name,
                   properties: Mapping[str, list[str]],
                   resolvers: Mapping[str, Resolver]) -> Candidate:
        features: dict[str, float | bool] = {"name": score, "name_is_alias": name.alias}
        total, contradicted = score, False
        for prop, values in properties.items():
            held = entity.properties.get(prop)
            if not held:
                continue  # the graph does not say: neither for nor against
            resolve = resolvers.get(prop, _folded)
            wanted: set[str] = set().union(*(resolve(v) for v in values))
            agrees = bool(wanted & {h if prop in resolvers else fold(h) for h in held})
            features[f"property_{prop}"] = agrees
            total += PROPERTY_AGREES if agrees else PROPERTY_CONTRADICTS
            contradicted |= not agrees
        exact = score >= SAME_WORDS
        return Candidate(entity, max(0.0, min(100.0, round(total, 1))), features,
                         exact and not contradicted)


def _folded(value: str) -> set[str]:
    return {fold(value)}


def _variants(text: str) -> list[str]:
    """A label and, when it prints an acronym ("... Women (CIM)"), the label without it.
    The acronym alone is no name here: whose it is, :mod:`.aliases` reads from a source
    ("Strengthening the Inter-American Network for Labor Administration (RIAL)" is a
    topic, RIAL the network)."""
    name, acronym = without_acronym(text)
    return [text] if acronym is None else [text, name]

