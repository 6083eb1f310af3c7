"""The server reads only the build's output and its instance folder (issue 20 item 7).

A web process is started on a COPY of ``build/`` outside the checkout, with an instance
cache outside it too, and answers a request to every kind of route while a Python audit
hook records every file it opens. Nothing may be read from the checkout but the code
(``iacml/``, ``server/``: modules, templates, static files, message catalogues) and
``instance/`` (the optional ``instance/config.py``): not ``data/``, ``shapes/``,
``queries/``, ``releases/``, ``node_modules/``, ``ontology/`` nor the checkout's
``build/``.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# What the web process does: every route family once (a query, a page, a download, the
# reconciliation service with its aliases, the editor with its examples). The entry
# checks (/validate, writes) are left out here (their first run computes the closure,
# ~17 s): tests/test_bundle.py shows they read the bundle's shapes, QC and sources.
PROBE = r'''
import json, sys
opened = set()

def hook(event, args):
    if event == "open" and args and isinstance(args[0], (str, bytes)):
        opened.add(args[0] if isinstance(args[0], str) else args[0].decode(errors="replace"))

sys.addaudithook(hook)
from server.app import create_app
settings = json.loads(sys.argv[1])
app = create_app(settings)
client = app.test_client()
html = {"Accept": "text/html"}
statuses = {}
for method, path, kwargs in [
        ("get", "/", {"headers": html}),
        ("get", "/sparql?query=ASK%7B%7D", {}),
        ("get", "/id/country/USA", {"headers": html}),
        ("get", "/es/id/country/USA", {"headers": html}),
        ("get", "/search?q=ministry", {"headers": html}),
        ("get", "/dataset", {"headers": html}),
        ("get", "/browse/cooperations", {"headers": html}),
        ("get", "/ontology", {"headers": html}),
        ("get", "/map.json", {}), ("get", "/timeline.json", {}),
        ("get", "/download/", {"headers": html}),
        ("get", "/download/2026-12-02/", {"headers": html}),
        ("get", "/cite/id/country/USA.bib", {}),
        ("get", "/reconcile?queries=%7B%22q0%22%3A%7B%22query%22%3A%22Peru%22%7D%7D", {}),
        ("get", "/health", {}), ("get", "/-/settings.json", {})]:
    statuses[path] = getattr(client, method)(path, **kwargs).status_code
app.extensions["iacml.backend"].close()
print(json.dumps({"statuses": statuses, "opened": sorted(opened)}))
'''

# the code, its install metadata (entry points) and the instance folder
ALLOWED_IN_CHECKOUT = ("iacml", "server", "instance", ".venv", "iacml_kg.egg-info")


def test_the_server_reads_only_build_and_instance(tmp_path: Path) -> None:
    build = tmp_path / "build"
    build.mkdir()
    shutil.copy2(ROOT / "build" / "iacml.nq", build / "iacml.nq")
    shutil.copytree(ROOT / "build" / "served", build / "served")
    settings = {"IACML_DATASET": str(build / "iacml.nq"),
                "IACML_BUNDLE_DIR": str(build / "served"),
                "IACML_CACHE_DIR": str(tmp_path / "instance" / "cache"),
                "IACML_JOURNAL": str(tmp_path / "instance" / "journal.jsonl"),
                "IACML_RATE_LIMIT": 0}
    done = subprocess.run([sys.executable, "-c", PROBE, json.dumps(settings)],
                          cwd=tmp_path, capture_output=True, text=True, timeout=300,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads(done.stdout.strip().splitlines()[-1])
    failed = {path: status for path, status in report["statuses"].items() if status >= 400}
    assert failed == {}, failed
    outside = []
    for name in report["opened"]:
        path = Path(name).resolve() if os.path.isabs(name) else (tmp_path / name).resolve()
        if path.is_relative_to(ROOT):
            first = path.relative_to(ROOT).parts[0]
            if first not in ALLOWED_IN_CHECKOUT:
                outside.append(str(path))
    assert outside == [], "the server read from the checkout:\n" + "\n".join(outside)
    # the probe saw the reads it must see: the bundle's files and the served code
    opened = "\n".join(report["opened"])
    assert str(build / "served") in opened
    assert str(ROOT / "server" / "templates") in opened


@pytest.fixture(autouse=True)
def _needs_a_build() -> None:
    if not (ROOT / "build" / "served").is_dir():
        pytest.skip("no build: run `make build`")
