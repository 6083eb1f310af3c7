"""Releases on the server: ``/download/<version>/`` (and ``latest``), the release IRI
``/release/<version>``, the ontology's version IRIs ``/ontology/<version>``, and which
release the served data is (for the citations of every page).

A release is served from ``IACML_RELEASES_DIR`` as ``iacml release`` wrote it: the
committed files of its folder and, where the host has them, its dumps. A versioned
file never changes, so it is sent as immutable; ``latest`` redirects to the newest.
"""

from __future__ import annotations

import json
import re

import pyoxigraph as ox
from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from werkzeug.wrappers import Response as BaseResponse

from iacml import citation
from iacml.release.records import RECORD, SUMS, VERSION
from server.formats import by_suffix, content_type
from server.ld import datasource
from server.ld.rdfout import negotiated, serialise
from server.ld.releaseindex import all_releases, find
from server.ld.urls import base

bp = Blueprint("ld_releases", __name__)
IMMUTABLE = "public, max-age=31536000, immutable"


def _not_found(version: str) -> Response:
    names = ", ".join(r.version for r in all_releases()) or "none yet"
    return Response(f"no release {version} (releases: {names})\n", status=404,
                    content_type="text/plain; charset=utf-8")


def _latest_redirect(path: str) -> BaseResponse:
    newest = find("latest")
    if newest is None:
        return _not_found("latest")
    response = redirect(path.replace("latest", newest.version, 1), code=302)
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


@bp.route("/download/<version>/")
def release_files(version: str) -> BaseResponse:
    """One release's files (HTML, or JSON by ``format=json`` / Accept)."""
    if version == "latest":
        return _latest_redirect(request.path)
    release = find(version) if VERSION.match(version) else None
    if release is None:
        return _not_found(version)
    files = [{**f.__dict__, "url": url_for("ld.ld_releases.release_file", version=version,
                                            name=f.file.removeprefix("dumps/")),
              "here": (release.folder / f.file).exists()} for f in release.files]
    if request.args.get("format") == "json" or request.accept_mimetypes.best_match(
            ["text/html", "application/json"]) == "application/json":
        return current_app.response_class(
            json.dumps({"version": version, "date": release.date, "iri": release.iri,
                                 "previous": release.previous, "files": files}, indent=1),
            content_type="application/json")
    return Response(render_template("ld/release.html", release=release, files=files,
                                    cite=citation.dataset(release.version, release.date,
                                                          release.iri),
                                    newest=find("latest")),
                    content_type="text/html; charset=utf-8")


@bp.route("/download/<version>/<name>")
def release_file(version: str, name: str) -> BaseResponse:
    """One file of a release (a dump, the ontology, the description, the changes)."""
    if version == "latest":
        return _latest_redirect(request.path)
    release = find(version) if VERSION.match(version) else None
    if release is not None and name in (SUMS, RECORD):  # the release's own records
        response = send_file(release.folder / name, mimetype="text/plain", conditional=True)
        response.headers["Cache-Control"] = IMMUTABLE
        return response
    listed = release.file(name) if release else None
    if release is None or listed is None:
        abort(404)
    path = release.folder / listed.file
    if not path.exists():
        return Response(f"{name} of release {version} is not on this server (its dumps "
                        "are published separately: docs/deploy.md, 'Releases'); its sha256 "
                        f"is {listed.sha256}\n", status=404,
                        content_type="text/plain; charset=utf-8")
    gz = name.endswith(".gz")
    response = send_file(path, mimetype="application/gzip" if gz else listed.media_type,
                         as_attachment=gz, download_name=name, etag=listed.sha256,
                         conditional=True)
    response.headers["X-Content-SHA256"] = listed.sha256
    response.headers["Cache-Control"] = IMMUTABLE
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


@bp.route("/release/<version>")
@bp.route("/release/<version>.<suffix>")
def release_iri(version: str, suffix: str | None = None) -> BaseResponse:
    """The IRI of a release: its page, or its DCAT/VoID description in RDF."""
    if version == "latest":
        return _latest_redirect(request.path)
    fmt = by_suffix(suffix)
    release = find(version) if VERSION.match(version) else None
    if release is None or (suffix and fmt is None):
        return _not_found(version)
    fmt = negotiated(fmt)
    if fmt == "html":
        return redirect(url_for("ld.ld_releases.release_files", version=version), code=303)
    graph = ox.parse(path=str(release.folder / "void.ttl"), format=ox.RdfFormat.TURTLE)
    return Response(serialise(list(graph), None, fmt),
                    headers={"Vary": "Accept", "Cache-Control": IMMUTABLE,
                             "Access-Control-Allow-Origin": "*"},
                    content_type=content_type("graph", fmt))


@bp.route("/ontology/<version>")
def ontology_version(version: str) -> BaseResponse:
    """An ontology version IRI: the ontology as that release published it (Turtle, or
    another RDF format by Accept); a person is sent to the documentation."""
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]{0,40}", version):
        return _not_found(version)
    release = find(version) if VERSION.match(version) else None
    fmt = negotiated(None)
    if release is None or fmt == "html":
        if release is None and not _is_current_or_prior(version):
            return _not_found(version)
        return redirect(url_for("ld.ld_ontology.ontology"), code=303)
    path = release.folder / "ontology.ttl"
    headers = {"Vary": "Accept", "Cache-Control": IMMUTABLE, "Access-Control-Allow-Origin": "*"}
    if fmt == "turtle":
        return Response(path.read_bytes(), headers=headers, content_type=content_type("graph", fmt))
    triples = list(ox.parse(path=str(path), format=ox.RdfFormat.TURTLE))
    return Response(serialise(triples, None, fmt), headers=headers,
                    content_type=content_type("graph", fmt))


def _is_current_or_prior(version: str) -> bool:
    """A version IRI the served ontology names (its own, or its owl:priorVersion chain
    before the first release, e.g. ``0.1.0``): answered by the documentation."""
    iri = f"{base()}ontology/{version}"
    return datasource.ask(f"ASK {{ GRAPH ?g {{ <{base()}ontology> ?p <{iri}> }} }}")
