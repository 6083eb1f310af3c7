"""What the data says about one resource: its statements (with their named graphs),
incoming links, blank-node details and quoted passages, in two SPARQL queries."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import pyoxigraph as ox

from server.ld import datasource

#: An RDF term in the object position (pyoxigraph names no such union).
Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple

STATEMENTS = """
SELECT ?dir ?g ?b ?p ?o WHERE {
  { GRAPH ?g { <%(s)s> ?p ?o } BIND("out" AS ?dir) }
  UNION { GRAPH ?g { ?o ?p <%(s)s> } BIND("in" AS ?dir) }
  UNION { GRAPH ?g { <%(s)s> ?x ?b . ?b ?p ?o FILTER(isBlank(?b)) } BIND("bnode" AS ?dir) }
  UNION { GRAPH ?g { ?b ?x <%(s)s> . ?b ?p ?o FILTER(isBlank(?b)) } BIND("bnode" AS ?dir) }
}"""

PASSAGES = """
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX oa: <http://www.w3.org/ns/oa#>
SELECT DISTINCT ?owner ?passage ?src ?exact ?start ?end WHERE {
  { VALUES (?owner ?passage) { %(pairs)s } }
  UNION { VALUES ?owner { %(claims)s } ?owner prov:wasDerivedFrom ?passage }
  ?passage oa:hasSource ?src ; oa:hasSelector ?sel .
  ?sel oa:exact ?exact .
  OPTIONAL { ?passage oa:hasSelector ?pos . ?pos oa:start ?start ; oa:end ?end }
}"""
DERIVED = "http://www.w3.org/ns/prov#wasDerivedFrom"
HAS_SELECTOR = "http://www.w3.org/ns/oa#hasSelector"
CLAIM = "https://w3id.org/iacml/ontology#claim"
NOTHING = "<urn:x-iacml:none>"


@dataclass
class Description:
    """Statements about one resource, each with the named graphs it is asserted in."""

    iri: str
    out: dict[tuple[str, Term], set[str]] = field(default_factory=dict)
    incoming: dict[tuple[str, Term], set[str]] = field(default_factory=dict)
    bnodes: dict[ox.BlankNode, dict[tuple[str, Term], set[str]]] = field(
        default_factory=dict)

    @property
    def exists(self) -> bool:
        """True when the data has any statement about the resource."""
        return bool(self.out or self.incoming)

    def graphs(self) -> list[str]:
        """Every named graph a statement about the resource comes from, sorted."""
        found: set[str] = set()
        for table in (self.out, self.incoming, *self.bnodes.values()):
            for names in table.values():
                found |= names
        return sorted(found)

    def triples(self) -> list[ox.Triple]:
        """The resource's triples: outgoing, blank-node details, incoming."""
        subject = ox.NamedNode(self.iri)
        out = [ox.Triple(subject, ox.NamedNode(p), o) for p, o in self.out]
        for node, table in self.bnodes.items():
            out += [ox.Triple(node, ox.NamedNode(p), o) for p, o in table]
        out += [ox.Triple(s, ox.NamedNode(p), subject) for p, s in self.incoming
                if isinstance(s, ox.NamedNode | ox.Triple)]  # blank nodes: in their details
        return out

    def quads(self) -> list[ox.Quad]:
        """The same statements in their named graphs."""
        subject = ox.NamedNode(self.iri)
        quads = []
        for (p, o), graphs in self.out.items():
            quads += [ox.Quad(subject, ox.NamedNode(p), o, ox.NamedNode(g)) for g in graphs]
        for node, table in self.bnodes.items():
            for (p, o), graphs in table.items():
                quads += [ox.Quad(node, ox.NamedNode(p), o, ox.NamedNode(g)) for g in graphs]
        for (p, s), graphs in self.incoming.items():
            if isinstance(s, ox.NamedNode | ox.Triple):  # blank nodes: in their details
                quads += [ox.Quad(s, ox.NamedNode(p), subject, ox.NamedNode(g))
                          for g in graphs]
        return quads


def _iri_ok(iri: str) -> bool:
    return not any(ch in iri for ch in '<>"{}|^`\\ \n\r\t')


def describe(iri: str) -> Description:
    """Read everything stated about ``iri`` (one query)."""
    found = Description(iri)
    if not _iri_ok(iri):
        return found
    for row in datasource.select(STATEMENTS % {"s": iri}):
        graph, p, o = row["g"].value, row["p"].value, row["o"]
        direction = row["dir"].value
        if direction == "out":
            table = found.out
        elif direction == "in":
            table = found.incoming
        else:
            table = found.bnodes.setdefault(row["b"], {})
        table.setdefault((p, o), set()).add(graph)
    return found


@dataclass
class Passage:
    """A quoted span of a source text."""

    iri: str
    source: str
    exact: str
    start: int | None
    end: int | None
    owners: set[str] = field(default_factory=set)


def _read_from(found: Description) -> tuple[set[tuple[str, str]], set[str]]:
    """(owner, passage) pairs of what ``found`` says it was read from (the resource
    itself, when it is a passage), and the claims it makes."""
    iri = found.iri
    pairs: set[tuple[str, str]] = set()
    claims: set[str] = set()
    for (p, o) in found.out:
        if p == DERIVED and isinstance(o, ox.NamedNode):
            pairs.add((iri, o.value))
        elif p == HAS_SELECTOR:
            pairs.add((iri, iri))
        elif p == CLAIM and isinstance(o, ox.NamedNode):
            claims.add(o.value)
    for node, table in found.bnodes.items():
        for (p, o) in table:
            if p == DERIVED and isinstance(o, ox.NamedNode):
                pairs.add(("_:" + node.value, o.value))
    return pairs, claims


def passages(found: Description) -> list[Passage]:
    """Passages the resource, its blank-node parts or its claims were read from, or the
    resource itself when it is a passage (one query, keyed by what ``found`` holds)."""
    pairs, claims = _read_from(found)
    if not pairs and not claims:
        return []
    owner_iri = {owner: f"<urn:x-iacml:owner:{n}>" for n, owner in
                 enumerate(sorted({owner for owner, _ in pairs}))}
    query = PASSAGES % {
        "pairs": " ".join(f"({owner_iri[o]} <{p}>)" for o, p in sorted(pairs)
                          if _iri_ok(p)) or f"({NOTHING} {NOTHING})",
        "claims": " ".join(f"<{c}>" for c in sorted(claims) if _iri_ok(c)) or NOTHING}
    back = {v[1:-1]: k for k, v in owner_iri.items()}
    result: dict[str, Passage] = {}
    for row in datasource.select(query):
        key = row["passage"].value
        if key not in result:
            start, end = row.get("start"), row.get("end")
            result[key] = Passage(key, row["src"].value, row["exact"].value,
                                  int(start.value) if start is not None else None,
                                  int(end.value) if end is not None else None)
        owner = row["owner"].value
        result[key].owners.add(back.get(owner, owner))
    return sorted(result.values(), key=lambda p: (p.source, p.start or 0))


def sort_terms(terms: Iterable[Term]) -> list[Term]:
    """Terms in a stable display order."""
    return sorted(terms, key=lambda t: (not isinstance(t, ox.NamedNode), str(t)))
