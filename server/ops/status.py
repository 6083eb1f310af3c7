"""Operations: /health, /metrics, /-/settings, /-/version, structured access logs."""

from __future__ import annotations

import os
import platform
import time
from importlib import metadata
from typing import cast

from flask import Blueprint, Flask, Response, current_app, g, jsonify, render_template, request
from flask.blueprints import BlueprintSetupState

from server import settings
from server.ops.limits import check_request
from server.ops.metrics import Gauges
from server.ops.requestlog import record_request
from server.ops.shared import ready_workers, shared_dir
from server.workers.backend import Backend, current_backend

bp = Blueprint("ops", __name__)


def _version(package: str) -> str | None:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return None


@bp.route("/health")
def health() -> Response:
    """200 with the triple count when the store is loaded, else 503."""
    state = current_backend().health()
    state["status"] = "ok" if state["loaded"] else "unavailable"
    state["web_worker"] = os.getpid()  # the web worker that answered
    share = shared_dir()
    state["web_workers_ready"] = ready_workers(share) if share else 1
    response = jsonify(state)
    response.status_code = 200 if state["loaded"] else 503
    return response


@bp.route("/metrics")
def metrics() -> Response:
    """Prometheus text exposition of request, latency, timeout and error metrics
    (every web worker's counts added up)."""
    text = current_app.extensions["iacml.metrics"].render()
    # the 0.0.4 text format, which every Prometheus reads (our names need no escaping,
    # so prometheus_client writes the same text under its newer 1.0.0 label)
    return Response(text, content_type="text/plain; version=0.0.4; charset=utf-8")


def gauges(app: Flask) -> Gauges:
    """This worker's gauges, with how they combine across web workers."""
    counts = cast(Backend, app.extensions["iacml.backend"]).worker_counts()
    out: Gauges = {
        "iacml_store_triples": ("Quads loaded in each query worker.",
                                float(counts.triples), "max"),
        "iacml_query_workers_ready": ("Idle query worker processes (all web workers).",
                                      float(counts.ready), "sum"),
        "iacml_query_worker_restarts": ("Workers replaced (killed at the time limit or died).",
                                        float(counts.restarts), "sum"),
        "iacml_query_memory_stops": (
            "Queries stopped at the memory cap (IACML_QUERY_MEMORY_MB).",
            float(counts.memory_stops), "sum"),
        "iacml_lookups_in_process": (
            "Lookups by IRI answered in the web process (no worker hand-off).",
            float(counts.lookups_in_process), "sum"),
    }
    return out


def _wants_html() -> bool:
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return request.args.get("format") != "json" and (
        request.args.get("format") == "html" or best == "text/html")


@bp.route("/-/settings.json", endpoint="settings_json")
@bp.route("/-/settings")
def show_settings() -> Response | str:
    """Every setting: name, value, default and help (HTML or JSON)."""
    rows = settings.describe(current_app.config)
    if request.path.endswith(".json") or not _wants_html():
        return jsonify(rows)
    return render_template("settings.html", rows=rows)


@bp.route("/-/version")
def version() -> Response:
    """Versions of the application, its engine and the dataset file."""
    dataset = settings.dataset_path(current_app.config["IACML_DATASET"])
    info = {
        "iacml": _version("iacml-kg"),
        "python": platform.python_version(),
        "pyoxigraph": _version("pyoxigraph"),
        "rdflib": _version("rdflib"),
        "flask": _version("flask"),
        "granian": _version("granian"),
        "front": current_app.config["IACML_FRONT"],
        "yasgui": current_app.extensions.get("iacml.yasgui_version"),
        "backend": current_backend().name,
        "dataset": {"path": str(dataset), "exists": dataset.exists(),
                    "bytes": dataset.stat().st_size if dataset.exists() else None,
                    "modified": time.strftime("%Y-%m-%dT%H:%M:%SZ",
                                              time.gmtime(dataset.stat().st_mtime))
                    if dataset.exists() else None},
    }
    return jsonify(info)


def _start() -> None:
    g.started = time.perf_counter()


def _log(response: Response) -> Response:
    """Count the request in the metrics and write its line of the JSON access log."""
    seconds = time.perf_counter() - g.get("started", time.perf_counter())
    record_request(current_app, endpoint=request.url_rule.rule if request.url_rule
                   else "unmatched", method=request.method, path=request.path,
                   client=request.remote_addr, status=response.status_code, seconds=seconds,
                   size=response.calculate_content_length(), mimetype=response.mimetype or "",
                   is_query=bool(g.get("is_query")),
                   truncated=response.headers.get("X-IACML-Truncated") == "true",
                   error=g.get("error_message"))
    return response


def _too_large(_exc: Exception) -> tuple[str, int, dict[str, str]]:
    limit = current_app.config["IACML_MAX_REQUEST_BYTES"]
    return (f"the request is larger than the request-size limit of {limit} bytes "
            "(IACML_MAX_REQUEST_BYTES)\n", 413, {"Content-Type": "text/plain; charset=utf-8"})


def _bind_gauges(state: BlueprintSetupState) -> None:
    app = cast(Flask, state.app)
    app.extensions["iacml.metrics"].gauges = lambda: gauges(app)


# App-wide hooks of the ops area. This blueprint is registered first (server/app.py), so
# the URL and body limits run before anything else (414, 413, 400), then the timing.
bp.before_app_request(check_request)
bp.before_app_request(_start)
bp.after_app_request(_log)
bp.app_errorhandler(413)(_too_large)
bp.record_once(_bind_gauges)
