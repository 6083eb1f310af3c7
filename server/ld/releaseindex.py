"""Which releases this server holds (``IACML_RELEASES_DIR``), and which of them the
served data is: the citation every page shows."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from pathlib import Path

from flask import current_app

from iacml import citation
from iacml.release.records import Release, releases
from server.ld.urls import base
from server.settings import dataset_path

_lock = threading.Lock()


def folder() -> Path:
    """The releases folder: ``IACML_RELEASES_DIR``, else the served bundle's copy."""
    configured = str(current_app.config.get("IACML_RELEASES_DIR") or "")
    if configured:
        return dataset_path(configured)
    return dataset_path(current_app.config["IACML_BUNDLE_DIR"]) / "releases"


def all_releases() -> list[Release]:
    """Every release, oldest first (read again when the folder changes)."""
    root = folder()
    stamp = root.stat().st_mtime_ns if root.exists() else 0
    cache = current_app.extensions.setdefault("iacml.ld.releases", {})
    with _lock:
        if cache.get("stamp") != (root, stamp):
            cache["stamp"], cache["list"] = (root, stamp), releases(root)
        return list(cache["list"])


def find(version: str) -> Release | None:
    """The release ``version`` (``latest``: the newest), or None."""
    found = all_releases()
    if version == "latest":
        return found[-1] if found else None
    return next((r for r in found if r.version == version), None)


def build_id() -> str:
    """The id of the served build (``build-id`` beside the dump; "" without one)."""
    path = dataset_path(current_app.config["IACML_DATASET"]).parent / "build-id"
    return path.read_text(encoding="utf-8").strip() if path.exists() else ""


def served_release() -> Release | None:
    """The release the served data is: the one made from the same build (same inputs)."""
    build = build_id()
    return next((r for r in reversed(all_releases()) if build and r.build_id == build), None)


def shown() -> citation.Citation:
    """The citation of the data this server shows: its release, or an unreleased build
    (dated by its dump)."""
    release = served_release()
    if release is not None:
        return citation.dataset(release.version, release.date, release.iri)
    path = dataset_path(current_app.config["IACML_DATASET"])
    stamp = path.stat().st_mtime if path.exists() else 0
    date = datetime.fromtimestamp(stamp, UTC).strftime("%Y-%m-%d")
    return citation.dataset(f"unreleased build {build_id() or 'unknown'}", date,
                            base() + "dataset", released=False)
