"""The served bundle and the bounded cache (issue 20 item 7).

* ``iacml build`` copies into ``build/served/`` every input the server reads besides
  the dump, byte for byte, with the build id;
* the server reads the bundle, not the checkout: a query added to a bundle shows on the
  query page, and without a bundle ``/validate`` says which setting to fix;
* the cache folder stays within ``IACML_CACHE_MAX_BYTES``: files of other data versions
  go, least recently written first, the served version's stay.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from iacml.bundle import CONTENTS, TREES
from iacml.paths import ProjectPaths
from server.app import create_app
from server.ops.diskcache import prune, size

ROOT = Path(__file__).resolve().parent.parent


def test_the_build_bundles_what_the_server_reads(paths: ProjectPaths,
                                                 dataset_path: Path) -> None:
    bundle = paths.bundle_dir
    expected = {Path(folder) / source.name for folder, patterns in CONTENTS.items()
                for pattern in patterns for source in (ROOT / folder).glob(pattern)}
    assert {p.parts[0] for p in expected} == {"shapes", "queries", "data"}
    expected |= {p.relative_to(ROOT) for folder in TREES for p in (ROOT / folder).rglob("*")
                 if p.is_file()}
    found = {p.relative_to(bundle) for p in bundle.rglob("*") if p.is_file()}
    assert found == expected | {Path("build-id")}
    for relative in expected:  # copies, not rewritten
        assert (bundle / relative).read_bytes() == (ROOT / relative).read_bytes(), relative
    assert (bundle / "build-id").read_text() == (paths.build_dir / "build-id").read_text()


@pytest.fixture(scope="module")
def bundled_app(paths: ProjectPaths, dataset_path: Path,
                tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Flask, Path]]:
    """An app over a copy of the bundle, with a query the checkout does not have."""
    bundle = tmp_path_factory.mktemp("bundle") / "served"
    shutil.copytree(paths.bundle_dir, bundle)
    (bundle / "queries" / "examples" / "zz-bundle-only.rq").write_text(
        "# title: Asked only by the bundle under test\nASK { ?s ?p ?o }\n", encoding="utf-8")
    app = create_app({"IACML_DATASET": str(dataset_path), "IACML_RATE_LIMIT": 0,
                      "IACML_QUERY_WORKERS": 1, "IACML_BUNDLE_DIR": str(bundle),
                      "IACML_CACHE_DIR": str(tmp_path_factory.mktemp("cache"))})
    yield app, bundle
    app.extensions["iacml.backend"].close()


def test_the_query_page_reads_the_bundle(bundled_app: tuple[Flask, Path]) -> None:
    app, _bundle = bundled_app
    page = app.test_client().get("/query").get_data(as_text=True)
    assert "Asked only by the bundle under test" in page
    assert not (ROOT / "queries" / "examples" / "zz-bundle-only.rq").exists()


def test_validation_without_a_bundle_names_the_setting(bundled_app: tuple[Flask, Path],
                                                       tmp_path: Path) -> None:
    app, _bundle = bundled_app
    app.config["IACML_BUNDLE_DIR"] = str(tmp_path / "no-bundle")
    try:
        response = app.test_client().post(
            "/validate", data=b"<http://example.org/a> <http://example.org/b> 1 .",
            headers={"Content-Type": "text/turtle", "Accept": "text/plain"})
    finally:
        app.config["IACML_BUNDLE_DIR"] = str(_bundle)
    assert response.status_code == 503
    assert "IACML_BUNDLE_DIR" in response.get_data(as_text=True)


def _file(path: Path, size_bytes: int, age_seconds: int) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"x" * size_bytes)
    stamp = path.stat().st_mtime - age_seconds
    os.utime(path, (stamp, stamp))


def test_prune_drops_the_least_recently_written_first(tmp_path: Path) -> None:
    for n, age in enumerate((300, 200, 100)):
        _file(tmp_path / "versions" / f"v{n}" / "dumps" / "a.nq.gz", 1000, age)
    left = prune(tmp_path, 2000)
    assert left == 2000 == size(tmp_path)
    assert not (tmp_path / "versions" / "v0" / "dumps" / "a.nq.gz").exists()
    assert (tmp_path / "versions" / "v2" / "dumps" / "a.nq.gz").exists()


def test_prune_keeps_the_served_version_even_past_the_bound(tmp_path: Path) -> None:
    served = tmp_path / "versions" / "now"
    _file(served / "dumps" / "a.nq.gz", 5000, 500)  # the oldest file, but served
    _file(tmp_path / "versions" / "old" / "dumps" / "a.nq.gz", 1000, 10)
    assert prune(tmp_path, 100, keep=served) == 5000
    assert (served / "dumps" / "a.nq.gz").exists()
    assert not (tmp_path / "versions" / "old" / "dumps" / "a.nq.gz").exists()


def test_the_download_cache_stays_within_its_bound(bundled_app: tuple[Flask, Path]) -> None:
    app, _bundle = bundled_app
    client = app.test_client()
    assert client.get("/download/", headers={"Accept": "application/json"}).status_code == 200
    cache = Path(app.config["IACML_CACHE_DIR"])
    (served,) = [p for p in (cache / "versions").iterdir() if (p / "dumps").exists()]
    # an earlier data version's dumps, and the served version's to be written again (as
    # the first request after a write writes a new version's)
    stale = cache / "versions" / "an-earlier-version" / "dumps" / "iacml.nq.gz"
    _file(stale, 200_000, 3600)
    (served / "dumps" / "manifest.json").unlink()
    app.config["IACML_CACHE_MAX_BYTES"] = 100_000  # less than one version's dumps
    try:
        assert client.get("/download/", headers={"Accept": "application/json"}) \
            .status_code == 200
    finally:
        app.config["IACML_CACHE_MAX_BYTES"] = 256 * 1024 * 1024
    assert not stale.exists()
    assert (served / "dumps" / "manifest.json").exists()
    assert size(cache) == size(served)
