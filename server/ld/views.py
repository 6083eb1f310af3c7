"""Turn RDF terms and descriptions into plain dicts for the page templates."""

from __future__ import annotations

from typing import Any

import pyoxigraph as ox

from server.ld.describe import Description, Passage, Term
from server.ld.gather import Gatherer
from server.ld.labels import LABEL_PROPERTIES, RDF_TYPE, LabelIndex
from server.ld.summaries import summary
from server.ld.titles import Namer
from server.ld.urls import base, curie, href, local_href

XSD = "http://www.w3.org/2001/XMLSchema#"
INCOMING_SHOWN = 50
IACML = "https://w3id.org/iacml/ontology#"
#: Properties shown under "all statements" only (the page says them in words).
TECHNICAL = {RDF_TYPE, *LABEL_PROPERTIES, "http://www.w3.org/ns/prov#wasDerivedFrom",
             IACML + "referenceTable", IACML + "namedInSources", IACML + "sha256",
             "http://www.w3.org/2000/01/rdf-schema#seeAlso", "http://www.w3.org/ns/oa#hasSelector"}
DERIVED_BOUNDS = (IACML + "earliest", IACML + "latest")


def term_view(term: Term, index: LabelIndex, langs: tuple[str, ...]) -> dict[str, Any]:
    """A term as the templates show it: label, link, and literal details."""
    if isinstance(term, ox.NamedNode):
        stated = index.stated(term.value, langs)
        lang = stated[1] if stated else ""
        return {"kind": "iri", "iri": term.value, "href": href(term.value),
                "label": index.label(term.value, langs),
                # a label the data has only in another language is marked as such
                "label_lang": "" if lang.lower().split("-")[0] in ("", langs[0]) else lang,
                "local": local_href(term.value) is not None}
    if isinstance(term, ox.BlankNode):
        return {"kind": "bnode", "id": term.value, "label": "(statement)"}
    if isinstance(term, ox.Literal):
        datatype = term.datatype.value
        shown = None if term.language or datatype in {XSD + "string"} else curie(datatype)
        return {"kind": "literal", "label": term.value, "lang": term.language or "",
                "datatype": shown}
    return {"kind": "other", "label": str(term)}


def graph_name(graph: str) -> str:
    """Short name of a named graph (``source/003``, ``reference``...)."""
    root = base() + "graph/"
    return graph[len(root):] if graph.startswith(root) else curie(graph)


def _property_rows(table: dict[tuple[str, Term], set[str]], index: LabelIndex,
                   langs: tuple[str, ...], bnodes: dict[ox.BlankNode, Any] | None = None,
                   ) -> list[dict[str, Any]]:
    grouped: dict[str, list[tuple[Term, set[str]]]] = {}
    for (p, o), graphs in table.items():
        grouped.setdefault(p, []).append((o, graphs))
    rows = []
    for p in sorted(grouped, key=lambda p: (p != RDF_TYPE, index.label(p, langs).lower())):
        values = []
        for o, graphs in sorted(grouped[p], key=lambda v: str(v[0])):
            value = term_view(o, index, langs)
            value["graphs"] = [graph_name(g) for g in sorted(graphs)]
            if bnodes is not None and isinstance(o, ox.BlankNode) and o in bnodes:
                value["details"] = _property_rows(bnodes[o], index, langs)
            values.append(value)
        rows.append({"iri": p, "href": href(p), "curie": curie(p),
                     "label": index.label(p, langs), "vals": values})
    return rows


def _key_facts(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The statements a reader wants first: no types, passages, labels or derived
    bounds (all under "all statements"), each value once whatever graphs state it."""
    shown = []
    for row in rows:
        if row["iri"] in TECHNICAL or row["iri"].startswith(DERIVED_BOUNDS):
            continue
        values = [{**v, "graphs": []} for v in row["vals"]]
        unique = list({(v.get("iri"), v["label"], v.get("lang")): v for v in values}.values())
        shown.append({**row, "vals": unique})
    return shown


def page_model(found: Description, passages: list[Passage], index: LabelIndex,
               langs: tuple[str, ...], namer: Namer) -> dict[str, Any]:
    """Everything the resource page shows."""
    iri = found.iri
    out_rows = _property_rows(found.out, index, langs, found.bnodes)
    incoming = []
    for row in _property_rows(found.incoming, index, langs, found.bnodes):
        row["total"] = len(row["vals"])
        row["vals"] = row["vals"][:INCOMING_SHOWN]
        incoming.append(row)
    types = [term_view(t, index, langs)
             for (p, t) in found.out if p == RDF_TYPE and isinstance(t, ox.NamedNode)]
    types = [t for t in types if t["iri"].startswith(base())] or types
    kind = namer.kind(iri)
    kind_iri = namer.kind_of(iri)
    quoted = [{"iri": p.iri, "href": href(p.iri), "exact": p.exact,
               "source": index.label(p.source, langs), "source_href": href(p.source),
               "start": p.start, "end": p.end,
               "own": iri in p.owners or p.iri == iri} for p in passages]
    title = namer.title(iri)
    return {"iri": iri, "href": href(iri), "label": title.text, "title": title.html(langs[0]),
            "summary": summary(namer, iri).html(langs[0]), "kind": kind.html(langs[0]),
            "kind_href": href(kind_iri) if kind_iri else None,
            "facts": _key_facts(out_rows), "sections": Gatherer(namer).sections(iri),
            "labels": index.language_labels(iri), "types": sorted(types, key=lambda t: t["label"]),
            "properties": out_rows, "incoming": incoming, "passages": quoted,
            "graphs": [{"name": graph_name(g), "iri": g} for g in found.graphs()],
            "shown": INCOMING_SHOWN}
