"""What a remote SPARQL store writes differently, put right before the answer is served.

The remote backend (:mod:`server.workers.remote`) serves any SPARQL 1.1 store's answers as
if the embedded store gave them. Virtuoso 7 (the engine behind DBpedia; tested by
tests/test_remote_virtuoso.py) differs in four ways the front handles here (the fifth,
its default graph, is a matter of the dataset the front sends: see RemoteBackend), and
answers an ASK as a SELECT:

- blank nodes come as ``{"type": "bnode", "value": "nodeID://b10001"}``, a label no
  SPARQL results parser accepts: each is given a plain label, the same within one answer;
- a boolean projected or bound from an expression (``BIND(EXISTS {...} AS ?online)``,
  ``(?a < ?b AS ?c)``) comes as ``"1"^^xsd:integer``: the variables bound to a boolean
  expression are found in the query (:func:`boolean_variables`, rdflib's algebra, in the
  checking worker) and their 1/0 written as true/false;
- an ASK comes as one row binding ``__ASK_RETVAL`` to 1 or 0: written as a boolean;
- a query it cannot evaluate (a property path with both ends unbound, ...) gets HTTP 500
  with ``Virtuoso 37000 Error ...``: :func:`refusal` turns such a message into the
  client's error (400) instead of an unavailable service;
- its ``ResultSetMaxRows`` cuts an answer saying so only in ``X-SPARQL-MaxRows``: the
  remote backend marks such an answer truncated (``X-IACML-Truncated``).
"""

from __future__ import annotations

import json
import re
from typing import Any

XSD = "http://www.w3.org/2001/XMLSchema#"
#: The variable of the one row in which Virtuoso answers an ASK.
ASK_VARIABLE = "__ASK_RETVAL"
#: rdflib algebra names of the expressions whose value is always a boolean.
BOOLEAN_EXPRESSIONS = frozenset({
    "RelationalExpression", "ConditionalAndExpression", "ConditionalOrExpression",
    "UnaryNot", "Builtin_BOUND", "Builtin_EXISTS", "Builtin_NOTEXISTS", "Builtin_isIRI",
    "Builtin_isURI", "Builtin_isBLANK", "Builtin_isLITERAL", "Builtin_isNUMERIC",
    "Builtin_REGEX", "Builtin_CONTAINS", "Builtin_STRSTARTS", "Builtin_STRENDS",
    "Builtin_sameTerm", "Builtin_LANGMATCHES", "Builtin_isTRIPLE",
})
#: Only a query with one of these words can bind an expression or name its own dataset.
_MAY_MATTER = re.compile(r"\b(?:AS|FROM)\b", re.IGNORECASE)
#: The SQL states of Virtuoso's messages for a query it will not evaluate (syntax,
#: compilation, an argument out of range): the client's to change, not an outage.
_REFUSED = re.compile(r"^Virtuoso (37000|42000|22023|22003|42S22|SP\d+) Error\s*(.*)$", re.M)


def query_facts(query: str, prefixes: dict[str, str]) -> tuple[tuple[str, ...], bool]:
    """The variables ``query`` binds to a boolean expression, and whether it names its
    own dataset (FROM / FROM NAMED). rdflib's parser runs only when the text has the
    word AS or FROM; a text rdflib cannot read gives ((), True): nothing is rewritten and
    the store's own dataset rules apply."""
    if not _MAY_MATTER.search(query):
        return (), False
    from rdflib.plugins.sparql.algebra import translateQuery, traverse
    from rdflib.plugins.sparql.parser import parseQuery
    from rdflib.plugins.sparql.parserutils import CompValue
    from rdflib.term import Literal, URIRef

    try:
        parsed = parseQuery(query)
        namespaces = {name: URIRef(iri) for name, iri in prefixes.items()}
        algebra = translateQuery(parsed, initNs=namespaces).algebra
    except Exception:  # noqa: BLE001 - pyoxigraph accepted it; rdflib may not
        return (), True
    has_dataset = bool(dict.get(parsed[1], "datasetClause"))  # CompValue.get differs
    found: list[str] = []

    def visit(node: Any) -> None:
        if isinstance(node, CompValue) and node.name == "Extend":
            expr = node.get("expr")
            if (isinstance(expr, CompValue) and expr.name in BOOLEAN_EXPRESSIONS) or (
                    isinstance(expr, Literal) and str(expr.datatype) == XSD + "boolean"):
                found.append(str(node["var"]))

    traverse(algebra, visitPre=visit)
    return tuple(dict.fromkeys(found)), has_dataset


def fix_results(body: bytes, boolean_variables: tuple[str, ...], is_ask: bool) -> bytes:
    """SPARQL JSON results with blank-node labels any parser reads, the 1/0 of the
    ``boolean_variables`` written as xsd:boolean, and an ASK's answer as a boolean (Virtuoso
    answers ASK with one row binding ``__ASK_RETVAL`` to 1 or 0); ``body`` as is when none
    of these applies."""
    if b'"bnode"' not in body and not boolean_variables and not is_ask:
        return body
    data = json.loads(body)
    if is_ask and data.get("head", {}).get("vars") == [ASK_VARIABLE]:
        rows = data.get("results", {}).get("bindings", [])
        value = bool(rows) and rows[0].get(ASK_VARIABLE, {}).get("value") in {"1", "true"}
        return json.dumps({"head": {}, "boolean": value}).encode("utf-8")
    labels: dict[str, str] = {}
    booleans = set(boolean_variables)
    for row in data.get("results", {}).get("bindings", []):
        for name, term in row.items():
            if term.get("type") == "bnode":
                term["value"] = labels.setdefault(term["value"], f"r{len(labels)}")
            elif name in booleans and term.get("datatype") == XSD + "integer" \
                    and term.get("value") in {"0", "1"}:
                term.update(type="literal", datatype=XSD + "boolean",
                            value="true" if term["value"] == "1" else "false")
    return json.dumps(data, ensure_ascii=False).encode("utf-8")


def refusal(text: str) -> str | None:
    """The store's reason for not evaluating a query, when its error message says the
    query is at fault (Virtuoso's SQL states of syntax and compilation errors); None
    for any other failure (the store is then unavailable, 503)."""
    match = _REFUSED.search(text)
    if match is None:
        return None
    reason = match.group(2).strip()
    hint = (" (this store cannot evaluate a property path with + or * when both of its "
            "ends are variables: bind one end to an IRI)" if "transitive start" in reason
            else "")
    return f"the SPARQL store behind this endpoint cannot evaluate the query: {reason}{hint}"
