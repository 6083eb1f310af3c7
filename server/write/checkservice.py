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
from iacml.pipeline import EntryChecker, ValidationOutcome, checker_for, render_outcome
from server.formats import Format, entry_format, formats_for, report_format, report_name
from server.settings import dataset_path, served_paths
from server.untrusted import Limits, Refused, parse_untrusted
from server.workers.backend import current_backend

bp = Blueprint("validate", __name__)

#: Form field value (the parser name of an entry format) → its format.
FORM_FORMATS: dict[str, str] = {f.parser: f.parser for f in formats_for("entry") if f.parser}
_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def entry_parser(mimetype: str) -> str | None:
    """The parser name of an entry sent with Content-Type ``mimetype`` (None: unknown)."""
    fmt = entry_format(mimetype)
    return fmt.parser if fmt is not None else None


def entry_types() -> str:
    """The Content-Types an entry may be sent with, for an error message."""
    return ", ".join(f.media_type for f in formats_for("entry"))


def _checker() -> EntryChecker:
    """The checker of this project with the dump the app serves (IACML_DATASET)."""
    return checker_for(served_paths(current_app.config),
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
    chosen = report_format(request.headers.get("Accept"), "html" if from_form else "json")
    if chosen is None:
        offered = ", ".join(f.media_type for f in formats_for("report"))
        return _error(406, f"cannot answer in any accepted media type; available: {offered}",
                      None)
    fmt = report_name(chosen)
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
        parser = entry_parser(mimetype)
        if parser is None:
            return _error(415, f"unsupported Content-Type {mimetype or '(none)'!r}; send one "
                               f"of {entry_types()}", fmt)
        data = request.get_data(cache=False)
        text = ""
    if len(data) > limit:
        return _error(413, f"the entry is larger than the limit of {limit} bytes "
                           "(IACML_VALIDATE_MAX_BYTES)", fmt)
    try:  # in a query worker, within the time limit: nothing here can crash this process
        entry = parse_untrusted(data, "entry", Limits.of(current_app.config), parser,
                                current_backend())
    except Refused as exc:
        return _error(exc.status, exc.message, fmt, exc.line, form_text=text,
                      form_format=request.form.get("format", "turtle") if from_form else "")
    start = time.perf_counter()
    try:
        outcome = _checker().check(entry)
    except (OSError, BuildError) as exc:  # no built dataset to validate against
        return _error(503, f"validation is unavailable: {exc}", fmt)
    elapsed = time.perf_counter() - start
    return _answer(outcome, chosen, text, request.form.get("format", "turtle"), elapsed)


def _answer(outcome: ValidationOutcome, fmt: Format, text: str, form_format: str,
            elapsed: float) -> Response:
    headers = {"X-IACML-Conforms": "true" if outcome.conforms else "false",
               "X-IACML-Validation-Seconds": f"{elapsed:.3f}", "Vary": "Accept"}
    if fmt.name == "html":
        body = render_template("validate.html", error=None, line=None, text=text,
                               form_format=form_format, formats=FORM_FORMATS, outcome=outcome,
                               base_iri=current_app.config.get("IACML_BASE_IRI", ""))
        return Response(body, 200, headers, content_type="text/html; charset=utf-8")
    return Response(render_outcome(outcome, report_name(fmt)), 200, headers,
                    content_type=fmt.content_type)
