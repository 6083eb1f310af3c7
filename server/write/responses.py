"""The responses of the write routes (/sparql updates, the Graph Store): an accepted
write says what it did, a refused one why (with the validation report for a 409)."""

from __future__ import annotations

from flask import Response, jsonify

from iacml.pipeline import render_outcome
from server.formats import get, report_format, report_name
from server.workers.backend import current_backend
from server.write.writes import WriteRefused, WriteResult


def refused(exc: WriteRefused, accept: str | None) -> Response:
    """The response to a refused write: the report for 409 (JSON summary by default,
    Turtle or JSON-LD by Accept), a plain-text message otherwise."""
    if exc.outcome is not None:
        fmt = report_format(accept, "json")
        if fmt is None or fmt.name == "html":  # a write is answered to a program
            fmt = get("report", "json")
        return Response(render_outcome(exc.outcome, report_name(fmt)), exc.status,
                        {"X-IACML-Conforms": "false", **exc.headers},
                        content_type=fmt.content_type)
    return Response(exc.message + "\n", exc.status, exc.headers,
                    content_type="text/plain; charset=utf-8")


def accepted(result: WriteResult, status: int = 200) -> Response:
    """The response to an accepted write: what it did, as JSON."""
    response = jsonify({**result.as_dict(), "version": _version()})
    response.status_code = status
    return response


def _version() -> str:
    return current_backend().data_version()
