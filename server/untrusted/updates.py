"""A SPARQL update in a query worker: read by rdflib, evaluated by pyoxigraph, on a copy.

pyoxigraph evaluates updates but exposes no parsed form of one, so the update is
first read by rdflib's SPARQL parser (:func:`plan`), whose algebra decides what
is refused: a ``LOAD`` in any spelling (403), a ``SERVICE`` whose endpoint is
not on the allow-list (403), and the graphs the update writes (its targets).
Text rdflib cannot read is refused (400) even if pyoxigraph could: the checker
must have read what runs.

A differential between the two parsers (text rdflib reads one way, pyoxigraph
another) is not enough to fetch anything or write elsewhere, because:

- the worker evaluating the update has no network of its own
  (:mod:`server.workers.sandbox`): a LOAD or SERVICE pyoxigraph would run fails to connect;
- the update runs on a scratch copy of the submission graphs, and what it changed
  is found by comparing the copy before and after (:func:`evaluate`), not from the
  text: a change to any graph but the one target is refused by the web process.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox

from iacml.journal import G_SUBMISSIONS_LOG, SUBMISSIONS_PREFIX
from server.query import querytext
from server.workers.jobs import UpdateAnswer, UpdateJob


class UpdateRefused(Exception):
    """The update is not evaluated: HTTP status and message."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass
class Plan:
    """What rdflib read in an update: the graphs it writes and the SERVICE endpoints
    it calls. ``everything`` names the whole store (CLEAR ALL, DROP NAMED, a graph
    variable in a template...): the effect decides then."""

    targets: set[str] = field(default_factory=set)
    default_graph: bool = False
    everything: bool = False
    services: list[str] = field(default_factory=list)


def _part(node: Any, key: str) -> Any:
    """``node[key]`` of an rdflib algebra node, None when absent (its ``get`` answers
    a missing key with the key's name)."""
    return node[key] if key in node else None


def _graph_term(term: object, plan: Plan) -> None:
    from rdflib.term import URIRef

    if isinstance(term, URIRef):
        plan.targets.add(str(term))
    elif term == "DEFAULT" or term is None:
        plan.default_graph = True
    else:  # ALL, NAMED, a variable
        plan.everything = True


def _template(clause: Any, plan: Plan, with_graph: object) -> None:
    """Graphs written by an INSERT/DELETE template (quads by graph, triples in WITH's
    graph or the default graph)."""
    if clause is None:
        return
    for graph in (_part(clause, "quads") or {}):
        _graph_term(graph, plan)
    if _part(clause, "triples"):
        _graph_term(with_graph, plan)


def plan(update: str, prefixes: dict[str, str]) -> Plan:
    """Read ``update`` with rdflib: UpdateRefused 403 for LOAD, 400 if unreadable."""
    from rdflib.plugins.sparql.algebra import translateUpdate
    from rdflib.plugins.sparql.parser import parseUpdate
    from rdflib.term import URIRef

    try:
        operations = translateUpdate(
            parseUpdate(update), initNs={k: URIRef(v) for k, v in prefixes.items()}).algebra
    except Exception as exc:  # pyparsing and rdflib raise many types: all are input errors
        message = " ".join(str(exc).split())[:300]
        raise UpdateRefused(400, f"SPARQL update syntax error: {message}") from exc
    found = Plan()
    for operation in operations:
        name = operation.name
        if name == "Load":
            raise UpdateRefused(403, f"LOAD <{_part(operation, 'iri')}> is refused: the server "
                                     "never fetches a URL for a write; send the data itself "
                                     "(Graph Store PUT or POST, or INSERT DATA)")
        if name in ("Clear", "Drop", "Create"):
            _graph_term(_part(operation, "graphiri"), found)
        elif name in ("Add", "Copy", "Move"):
            source, target = _part(operation, "graph")
            _graph_term(target, found)
            if name == "Move":  # a MOVE empties its source
                _graph_term(source, found)
        elif name in ("InsertData", "DeleteData", "DeleteWhere"):
            _template(operation, found, None)
        elif name == "Modify":
            with_graph = _part(operation, "withClause")
            _template(_part(operation, "delete"), found, with_graph)
            _template(_part(operation, "insert"), found, with_graph)
        found.services += querytext.service_endpoints_of(operation)
    return found


def _scratch(store: ox.Store) -> ox.Store:
    """A copy of the submission graphs of ``store`` (the log graph excluded): the only
    data an update sees, so it can change nothing else."""
    scratch = ox.Store()
    for graph in store.named_graphs():
        name = graph.value if isinstance(graph, ox.NamedNode) else ""
        if name.startswith(SUBMISSIONS_PREFIX) and name != G_SUBMISSIONS_LOG:
            scratch.extend(store.quads_for_pattern(None, None, None, graph))
    return scratch


def _statements(store: ox.Store) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for quad in store:
        key = "" if isinstance(quad.graph_name, ox.DefaultGraph) else quad.graph_name.value
        out.setdefault(key, set()).add(str(quad.triple))
    return out


def evaluate(store: ox.Store, job: UpdateJob, prefixes: dict[str, str]) -> UpdateAnswer:
    """The answer to an update job: plan the update, refuse what the plan refuses,
    run it on a scratch copy of the submission graphs, and return the graphs it named
    and changed, with the N-Triples of each changed graph after it (None: emptied)."""
    text = job.update
    try:
        found = plan(text, prefixes)
        refused = [e for e in found.services if e not in set(job.allow)]
        if refused:
            raise UpdateRefused(403, f"SERVICE <{refused[0]}> is refused: an update may only "
                                     "call endpoints on the allow-list (IACML_SERVICE_ALLOWLIST)")
    except UpdateRefused as exc:
        return job.failed(exc.status, exc.message)
    named = UpdateAnswer(targets=sorted(found.targets), default_graph=found.default_graph,
                         everything=found.everything)
    if job.plan_only:  # what the update names, before the writer picks its graph
        return named
    scratch = _scratch(store)
    before = _statements(scratch)
    try:
        scratch.update(text, prefixes=prefixes)
    except SyntaxError as exc:
        return job.failed(400, f"SPARQL update syntax error: {exc}")
    except (RuntimeError, OSError, ValueError) as exc:
        message = str(exc)
        if "does not exist" in message:  # CLEAR/DROP of an absent graph, without SILENT
            return job.failed(404, f"{message} (CLEAR SILENT or DROP SILENT succeed on an "
                                   "absent graph)")
        return job.failed(400, f"the update failed: {message}")
    after = _statements(scratch)
    named.changed = sorted(g for g in set(before) | set(after) if before.get(g) != after.get(g))
    named.graphs = {g: (scratch.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(g))
                        if g and g in after else None) for g in named.changed}
    return named
