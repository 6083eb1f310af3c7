"""The query editor at /query: YASGUI beside a searchable list of the examples and
competency questions, and the labels of the IRIs its result table shows (``/labels``)."""

from __future__ import annotations

import json
import re
from typing import Any

from flask import Response, current_app, jsonify, render_template, request, url_for
from flask_babel import gettext as _

from server.query.cells import iri_names
from server.query.results import PREFIXES
from server.settings import PROJECT_ROOT, dataset_path

VENDOR = PROJECT_ROOT / "server" / "static" / "vendor" / "yasgui"
#: at most this many IRIs per /labels request, each at most this long: a result page of
#: the editor shows up to 1,000 rows x a few columns; more is split by the editor itself
MAX_LABELS = 1000
MAX_IRI_LENGTH = 2048


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


def ready_queries() -> list[dict[str, Any]]:
    """The ready queries of the editor's side list, in two groups: the examples, then the
    competency questions (each named by its full question). Each item: ``id``, ``name``,
    ``query`` (with the PREFIX lines it needs) and ``file``."""
    queries = dataset_path(current_app.config["IACML_BUNDLE_DIR"]) / "queries"
    examples = []
    for path in sorted((queries / "examples").glob("*.rq")):
        text = path.read_text(encoding="utf-8")
        examples.append({"id": "example-" + path.stem, "name": _title(text, path.stem),
                         "query": with_prefixes(text), "file": path.name})
    questions = []
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
                name = f"{path.stem.upper()}. {question}"
        questions.append({"id": "question-" + path.stem, "name": name,
                          "query": with_prefixes(text), "file": path.name})
    return [{"id": "examples", "title": _("Examples"), "items": examples},
            {"id": "questions", "title": _("Competency questions"), "items": questions}]


def page() -> str:
    """The YASGUI page (a plain form when the vendor files are not installed)."""
    config = current_app.config
    from server.ld import schemaorg

    cite, markup = schemaorg.shown_dataset()  # the citation and schema.org markup (issue 17)
    return render_template(
        "query.html", cite=cite, schema_org=markup,
        yasgui=(VENDOR / "yasgui.min.js").exists(), groups=ready_queries(),
        default_query=default_query(), endpoint=url_for("sparql.sparql", _external=True),
        endpoint_path=url_for("sparql.sparql"), timeout=config["IACML_QUERY_TIMEOUT"],
        row_cap=config["IACML_ROW_CAP"])


def iri_labels() -> Response:
    """``POST /labels``: the labels and links of the IRIs of a result table (form field
    ``iri``, repeated, at most :data:`MAX_LABELS`), in the page's language; the editor
    shows these instead of the IRIs. ``{"labels": {iri: {"label", "href"}}}``."""
    iris = request.form.getlist("iri")
    problem = None
    if len(iris) > MAX_LABELS:
        problem = f"at most {MAX_LABELS} IRIs per request, {len(iris)} were sent"
    elif any(len(iri) > MAX_IRI_LENGTH for iri in iris):
        problem = f"an IRI is longer than {MAX_IRI_LENGTH} characters"
    if problem:
        return Response(f"/labels: {problem}; send the form field iri once per IRI\n",
                        status=400, content_type="text/plain; charset=utf-8")
    return jsonify({"labels": iri_names(sorted(set(iris)))})
