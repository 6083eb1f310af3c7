"""``/validate``: check new entries against the graph without storing anything.

POST an entry as Turtle, TriG, N-Triples, JSON-LD or RDF/XML (by Content-Type),
or paste it into the form at ``GET /validate``. The entry is validated by
:func:`iacml.pipeline.check_entry`, the function behind ``iacml validate``:
quotes, SHACL over entry ∪ registry ∪ ontology ∪ closure, QC queries. The
report comes back by content negotiation: the SHACL report as Turtle or JSON-LD,
a compact JSON summary, or an HTML table. Malformed input gets 400 (with the
parser's message and line), a too large body 413, an unsupported type 415.
"""

from __future__ import annotations

import time

from flask import Blueprint, Response, current_app, jsonify, render_template, request

from iacml.errors import BuildError
from iacml.paths import ProjectPaths
from iacml.pipeline import ValidationOutcome, checker_for, render_outcome
from server.conneg import parse_accept
from server.settings import PROJECT_ROOT, dataset_path
from server.untrusted import Limits, Refused, parse_untrusted

bp = Blueprint("validate", __name__)

#: Content-Type of an entry → rdflib parser name.
INPUT_TYPES: dict[str, str] = {
    "text/turtle": "turtle",
    "application/x-turtle": "turtle",
    "application/trig": "trig",
    "application/n-triples": "nt",
    "application/ld+json": "json-ld",
    "application/rdf+xml": "xml",
}
#: Form field value → rdflib parser name.
FORM_FORMATS: dict[str, str] = {"turtle": "turtle", "trig": "trig", "nt": "nt",
                                "json-ld": "json-ld", "xml": "xml"}
#: Report format name → (media type sent, media types accepted).
REPORT_TYPES: dict[str, tuple[str, tuple[str, ...]]] = {
    "json": ("application/json", ("application/json",)),
    "turtle": ("text/turtle", ("text/turtle", "application/x-turtle")),
    "json-ld": ("application/ld+json", ("application/ld+json",)),
    "html": ("text/html", ("text/html", "application/xhtml+xml")),
    "human": ("text/plain", ("text/plain",)),
}
_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def report_format(accept: str | None, default: str) -> str | None:
    """The report format the Accept header asks for (``default`` for */* or none);
    None when nothing acceptable can be served."""
    ranges = parse_accept(accept)
    if not ranges:
        return default
    best, best_q = None, 0.0
    for name, (_sent, accepted) in REPORT_TYPES.items():
        q = max((q for media, q in ranges if media in accepted), default=-1.0)
        if q > best_q:
            best, best_q = name, q
    if best is not None:
        return best
    if any(media in ("*/*", "application/*", "text/*") and q > 0 for media, q in ranges):
        return default
    return None


def _checker():
    """The checker of this project with the dump the app serves (IACML_DATASET)."""
    return checker_for(ProjectPaths(PROJECT_ROOT),
                       dataset_path(current_app.config["IACML_DATASET"]))


def _error(status: int, message: str, fmt: str | None, line: int | None = None,
           form_text: str = "", form_format: str = "turtle") -> Response:
    if fmt == "html":
        body = render_template("validate.html", error=message, line=line, text=form_text,
                               form_format=form_format, formats=FORM_FORMATS, outcome=None)
        return Response(body, status, content_type="text/html; charset=utf-8")
    if fmt in ("json", "json-ld", "turtle"):
        response = jsonify({"error": message, "line": line})
        response.status_code = status
        return response
    text = message + (f" (line {line})" if line else "") + "\n"
    return Response(text, status, content_type="text/plain; charset=utf-8")


@bp.get("/validate")
def form() -> Response:
    """The form to paste an entry into."""
    body = render_template("validate.html", error=None, line=None, text="",
                           form_format="turtle", formats=FORM_FORMATS, outcome=None)
    return Response(body, 200, content_type="text/html; charset=utf-8")


@bp.post("/validate")
def validate() -> Response:
    """Validate the posted entry and answer with its report (nothing is stored)."""
    mimetype = (request.mimetype or "").lower()
    from_form = mimetype in _FORM_TYPES
    fmt = report_format(request.headers.get("Accept"), "html" if from_form else "json")
    if fmt is None:
        offered = ", ".join(sent for sent, _ in REPORT_TYPES.values())
        return _error(406, f"cannot answer in any accepted media type; available: {offered}",
                      None)
    limit = int(current_app.config["IACML_VALIDATE_MAX_BYTES"])
    if request.content_length is not None and request.content_length > limit:
        return _error(413, f"the entry is larger than the limit of {limit} bytes "
                           "(IACML_VALIDATE_MAX_BYTES)", fmt)
    if from_form:
        text = request.form.get("data", "")
        parser = FORM_FORMATS.get(request.form.get("format", "turtle"))
        data = text.encode("utf-8")
        if parser is None:
            return _error(415, f"unsupported format {request.form.get('format')!r}; use one "
                               f"of {', '.join(FORM_FORMATS)}", fmt, form_text=text)
    else:
        parser = INPUT_TYPES.get(mimetype)
        if parser is None:
            return _error(415, f"unsupported Content-Type {mimetype or '(none)'!r}; send one "
                               f"of {', '.join(INPUT_TYPES)}", fmt)
        data = request.get_data(cache=False)
        text = ""
    if len(data) > limit:
        return _error(413, f"the entry is larger than the limit of {limit} bytes "
                           "(IACML_VALIDATE_MAX_BYTES)", fmt)
    try:  # in a query worker, within the time limit: nothing here can crash this process
        entry = parse_untrusted(data, "entry", Limits.of(current_app.config), parser,
                                current_app.extensions["iacml.backend"])
    except Refused as exc:
        return _error(exc.status, exc.message, fmt, exc.line, form_text=text,
                      form_format=request.form.get("format", "turtle") if from_form else "")
    start = time.perf_counter()
    try:
        outcome = _checker().check(entry)
    except (OSError, BuildError) as exc:  # no built dataset to validate against
        return _error(503, f"validation is unavailable: {exc}", fmt)
    elapsed = time.perf_counter() - start
    return _answer(outcome, fmt, text, request.form.get("format", "turtle"), elapsed)


def _answer(outcome: ValidationOutcome, fmt: str, text: str, form_format: str,
            elapsed: float) -> Response:
    headers = {"X-IACML-Conforms": "true" if outcome.conforms else "false",
               "X-IACML-Validation-Seconds": f"{elapsed:.3f}", "Vary": "Accept"}
    if fmt == "html":
        body = render_template("validate.html", error=None, line=None, text=text,
                               form_format=form_format, formats=FORM_FORMATS, outcome=outcome,
                               base_iri=current_app.config.get("IACML_BASE_IRI", ""))
        return Response(body, 200, headers, content_type="text/html; charset=utf-8")
    sent = REPORT_TYPES[fmt][0]
    content_type = sent + ("; charset=utf-8" if sent.startswith("text/") or "json" in sent
                           else "")
    return Response(render_outcome(outcome, fmt), 200, headers, content_type=content_type)
