"""Shared fixtures: the built dataset, loaded once per test session."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from flask import Flask
from flask.testing import FlaskClient

from iacml.paths import ProjectPaths
from iacml.store import load_dump
from server.app import create_app
from tests.browserkit import chromium, guarded  # noqa: F401  (the session's one browser)

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def paths() -> ProjectPaths:
    """The project checkout under test."""
    return ProjectPaths(ROOT)


@pytest.fixture(scope="session")
def dataset_path(paths: ProjectPaths) -> Path:
    """The N-Quads dump written by ``iacml build`` (``make test`` builds it first)."""
    if not paths.dataset_nq.exists():
        pytest.fail(f"{paths.dataset_nq} is missing: run `make build` (make test does)")
    return paths.dataset_nq


@pytest.fixture(scope="session")
def store(dataset_path: Path) -> ox.Store:
    """An in-memory pyoxigraph store with the built dataset. Its default graph is the
    RDF merge of all graphs (each triple once: iacml/defaultgraph.py); Oxigraph's
    ``use_default_graph_as_union=True`` adds each graph's copy again."""
    return load_dump(dataset_path)


@pytest.fixture(scope="module")
def app(dataset_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """The app over the built dump (rate limit off), with its own dump cache folder."""
    application = create_app({"IACML_DATASET": str(dataset_path), "IACML_RATE_LIMIT": 0,
                              "IACML_CACHE_DIR": str(tmp_path_factory.mktemp("ld-cache"))})
    yield application
    application.extensions["iacml.backend"].close()


@pytest.fixture(scope="module")
def client(app: Flask) -> FlaskClient:
    """A test client of the app."""
    return app.test_client()
