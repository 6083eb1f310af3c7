"""IRIs that left the data: 301 to their replacement or 410 Gone with the reason.

An IRI is minted once and never reused (docs/design.md). When a resource leaves
the data (a correction replaced it, or it was a mistake), ``data/iris/retired.csv``
says where it went; the resource route answers from it for an IRI the data no
longer has. ``tests/test_iris_stable.py`` checks that every IRI of every
committed ``data/iris/served-*.txt`` list answers 200, 301 or 410.
"""

from __future__ import annotations

import threading

from flask import Response, current_app, render_template

from iacml.iris import Retired, read_retired
from server.ld.urls import base, href
from server.settings import dataset_path

_lock = threading.Lock()


def table() -> dict[str, Retired]:
    """The retired IRIs, read once per app, keyed by their IRI under the configured base."""
    cache = current_app.extensions.get("iacml.ld.retired")
    if cache is None:
        with _lock:
            bundle = dataset_path(current_app.config["IACML_BUNDLE_DIR"])
            table = bundle / "data" / "iris" / "retired.csv"
            cache = {_rebase(iri): entry for iri, entry in read_retired(table).items()}
            current_app.extensions["iacml.ld.retired"] = cache
    return cache


def _rebase(iri: str) -> str:
    """The table is written with the published base; a server may run under another."""
    published = "https://w3id.org/iacml/"
    return base() + iri[len(published):] if iri.startswith(published) else iri


def answer(iri: str, fmt: str, suffix: str) -> Response | None:
    """301 or 410 for a retired ``iri``; None when the table does not name it."""
    entry = table().get(iri)
    if entry is None:
        return None
    target = (href(_rebase(entry.target)) or "") if entry.target else ""
    headers = {"Access-Control-Allow-Origin": "*", "Vary": "Accept"}
    if entry.status == 301:
        headers["Location"] = target + suffix if target.startswith("/") else target
        return Response(f"{iri} moved to {entry.target}: {entry.reason}\n", status=301,
                        headers=headers, content_type="text/plain; charset=utf-8")
    if target:
        headers["Link"] = f'<{target}>; rel="related"'
    if fmt != "html":
        see = f"\nsee {entry.target}" if entry.target else ""
        return Response(f"{iri} is gone: {entry.reason}{see}\n", status=410,
                        headers=headers, content_type="text/plain; charset=utf-8")
    html = render_template("ld/gone.html", iri=iri, reason=entry.reason,
                           target=entry.target, target_href=target)
    return Response(html, status=410, headers=headers,
                    content_type="text/html; charset=utf-8")
