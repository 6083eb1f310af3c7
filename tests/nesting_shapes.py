"""Texts that nest, in every shape found to crash or stall pyoxigraph 0.5.13.

``NESTED[name](n)`` is a query or update nesting ``n`` levels deep (as the lexer
of server.untrusted.nesting counts them); ``SEQUENTIAL[name](n)`` repeats an
operator ``n`` times at one level, which pyoxigraph turns into a tree as deep.
Measured here in a plain process (8 MiB stack): ``{`` x 2,240, EXISTS x 864,
OPTIONAL x 2,688, ``(`` x 4,736 crash with SIGSEGV; nested ``[ ]`` and
collections take cubic time (collections: 64 levels 0.9 s, 200 levels 77 s);
6,656 UNIONs, 2,688 BINDs or MINUSes, 6,912 ``+``, 9,472 ``||`` or FILTERs in a
row crash too.
"""

from __future__ import annotations

from collections.abc import Callable

P = "<http://example.org/p>"
GRAPH = "<https://w3id.org/iacml/graph/submissions/alice-deep>"


def _nest(opening: str, middle: str, closing: str, n: int) -> str:
    return opening * n + middle + closing * n


Shape = Callable[[int], tuple[str, str]]

#: name → n → (kind, text) nesting n levels.
NESTED: dict[str, Shape] = {
    "braces": lambda n: ("query", "SELECT * WHERE " + _nest("{", " ?s ?p ?o ", "}", n)),
    "parentheses": lambda n: ("query", "SELECT * WHERE { ?s ?p ?o FILTER"
                              + _nest("(", "1", ")", n - 1) + "}"),
    "optional": lambda n: ("query", "SELECT * WHERE {"
                           + _nest("?s ?p ?o OPTIONAL {", "?s ?p ?o", "}", n - 1) + "}"),
    "sub-query": lambda n: ("query", "SELECT * WHERE "
                            + _nest("{ SELECT * WHERE ", "{ ?s ?p ?o }", "}", n - 1)),
    "exists": lambda n: ("query", "SELECT * WHERE {"
                         + _nest("?s ?p ?o FILTER EXISTS {", "?s ?p ?o", "}", n - 1) + "}"),
    "not exists": lambda n: ("query", "SELECT * WHERE {" + _nest(
        "?s ?p ?o FILTER NOT EXISTS {", "?s ?p ?o", "}", n - 1) + "}"),
    "minus": lambda n: ("query", "SELECT * WHERE {"
                        + _nest("?s ?p ?o MINUS {", "?s ?p ?o", "}", n - 1) + "}"),
    "union": lambda n: ("query", "SELECT * WHERE "
                        + _nest("{ {?s ?p ?o} UNION ", "{?s ?p ?o}", "}", n - 1)),
    "graph": lambda n: ("query", "SELECT * WHERE {"
                        + _nest("GRAPH ?g {", "?s ?p ?o", "}", n - 1) + "}"),
    "blank node [ ]": lambda n: ("query", "SELECT * WHERE { ?s " + P + " "
                                 + _nest("[ " + P + " ", "?o", " ]", n - 1) + "}"),
    "collection": lambda n: ("query", "SELECT * WHERE { ?s " + P + " "
                             + _nest("( ", "?o", " )", n - 1) + "}"),
    "concat": lambda n: ("query", "SELECT (" + _nest("CONCAT(", "'a'", ")", n - 1)
                         + " AS ?x) {}"),
    "str": lambda n: ("query", "SELECT (" + _nest("STR(", "'a'", ")", n - 1) + " AS ?x) {}"),
    "negation !": lambda n: ("query", "SELECT * WHERE { FILTER(" + "!" * (n - 2) + "true) }"),
    "path ( )": lambda n: ("query", "SELECT * WHERE { ?s " + _nest("(", P, ")", n - 1)
                           + " ?o }"),
    "path ^": lambda n: ("query", "SELECT * WHERE { ?s " + "^" * (n - 1) + P + " ?o }"),
    "path alternative": lambda n: ("query", "SELECT * WHERE { ?s " + _nest(
        "(" + P + "|", P, ")", n - 1) + " ?o }"),
    "in": lambda n: ("query", "SELECT * WHERE { FILTER(1 IN " + _nest("(", "1", ")", n - 2)
                     + ") }"),
    "construct template": lambda n: ("query", "CONSTRUCT { ?s " + P + " " + _nest(
        "[ " + P + " ", "?o", " ]", n - 1) + "} WHERE {}"),
    "update braces": lambda n: ("update", f"DELETE {{ GRAPH {GRAPH} {{ ?s ?p ?o }} }} WHERE "
                                + _nest("{", " ?s ?p ?o ", "}", n)),
    "update data [ ]": lambda n: ("update", f"INSERT DATA {{ GRAPH {GRAPH} {{ <urn:x:s> "
                                  + P + " " + _nest("[ " + P + " ", "1", " ]", n - 2)
                                  + "} }"),
}

#: name → n → (kind, text) with an operator repeated n times at one level.
SEQUENTIAL: dict[str, Shape] = {
    "union": lambda n: ("query", "SELECT * WHERE { {?s ?p ?o}" + " UNION {?s ?p ?o}" * n
                        + "}"),
    "optional": lambda n: ("query", "SELECT * WHERE { ?s ?p ?o "
                           + "OPTIONAL {?s ?p ?o} " * n + "}"),
    "minus": lambda n: ("query", "SELECT * WHERE { ?s ?p ?o " + "MINUS {?s ?p ?o} " * n + "}"),
    "bind": lambda n: ("query", "SELECT * WHERE { "
                       + "".join(f"BIND(1 AS ?v{i}) " for i in range(n)) + "}"),
    "filter": lambda n: ("query", "SELECT * WHERE { ?s ?p ?o " + "FILTER(true) " * n + "}"),
    "||": lambda n: ("query", "SELECT * WHERE { FILTER(" + "true || " * n + "true) }"),
    "+": lambda n: ("query", "SELECT * WHERE { FILTER(" + "1 + " * n + "1) }"),
    "path /": lambda n: ("query", "SELECT * WHERE { ?s " + (P + "/") * n + P + " ?o }"),
    "path |": lambda n: ("query", "SELECT * WHERE { ?s " + (P + "|") * n + P + " ?o }"),
    "groups": lambda n: ("query", "SELECT * WHERE { " + "{?s ?p ?o} " * n + "}"),
}
