"""The query editor at /query: YASGUI with the examples and competency queries."""

from __future__ import annotations

import json
import re

from flask import current_app, render_template, url_for

from server.query.results import PREFIXES
from server.settings import PROJECT_ROOT, dataset_path

VENDOR = PROJECT_ROOT / "server" / "static" / "vendor" / "yasgui"


def prefix_block() -> str:
    """PREFIX declarations of the project's namespaces (the default query's head)."""
    return "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())


def default_query() -> str:
    """The query a new tab starts with."""
    return (prefix_block() + "\nSELECT ?class (COUNT(?s) AS ?n) WHERE {\n  ?s a ?class .\n}"
            "\nGROUP BY ?class\nORDER BY DESC(?n)\nLIMIT 20\n")


def with_prefixes(text: str) -> str:
    """``text`` with PREFIX lines added (after its leading comments) for every project
    prefix it uses without declaring, so that the editor shows no false errors."""
    missing = [f"PREFIX {name}: <{iri}>\n" for name, iri in PREFIXES.items()
               if re.search(rf"(?<![\w\-:]){name}:", text)
               and not re.search(rf"PREFIX\s+{name}:", text, re.IGNORECASE)]
    if not missing:
        return text
    lines = text.splitlines(keepends=True)
    head = 0
    while head < len(lines) and lines[head].lstrip().startswith("#"):
        head += 1
    return "".join(lines[:head] + missing + lines[head:])


def _title(text: str, fallback: str) -> str:
    for line in text.splitlines():
        line = line.strip()
        if not line.startswith("#"):
            break
        title = line.lstrip("#").strip()
        if title.lower().startswith("title:"):
            title = title[6:].strip()
        if title:
            return title
    return fallback


def tabs() -> list[dict[str, str]]:
    """Example queries, then competency queries, as YASGUI tab configs."""
    queries = dataset_path(current_app.config["IACML_BUNDLE_DIR"]) / "queries"
    out = []
    for path in sorted((queries / "examples").glob("*.rq")):
        text = path.read_text(encoding="utf-8")
        out.append({"name": _title(text, path.stem), "query": with_prefixes(text),
                    "file": path.name})
    for path in sorted((queries / "competency").glob("*.rq")):
        text = path.read_text(encoding="utf-8")
        name = path.stem
        meta = path.with_suffix(".json")
        if meta.exists():
            try:
                question = json.loads(meta.read_text(encoding="utf-8")).get("question")
            except ValueError:
                question = None
            if question:
                name = f"{path.stem}: {question}"
        out.append({"name": name if len(name) <= 60 else name[:57] + "...",
                    "query": with_prefixes(text),
                    "file": path.name})
    return out


def page() -> str:
    """The YASGUI page (a plain form when the vendor files are not installed)."""
    config = current_app.config
    from server.ld import schemaorg

    cite, markup = schemaorg.shown_dataset()  # the citation and schema.org markup (issue 17)
    return render_template(
        "query.html", cite=cite, schema_org=markup,
        yasgui=(VENDOR / "yasgui.min.js").exists(), tabs=tabs(),
        default_query=default_query(), endpoint=url_for("sparql.sparql", _external=True),
        endpoint_path=url_for("sparql.sparql"), timeout=config["IACML_QUERY_TIMEOUT"],
        row_cap=config["IACML_ROW_CAP"])
