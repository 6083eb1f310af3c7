"""The committed releases: ``releases/<version>/release.json`` and the files it lists.

A release folder holds what is committed (``release.json``, ``SHA256SUMS``,
``ontology.ttl``, ``void.ttl``, ``changes.md``) and, beside it, its dumps in
``dumps/`` (gitignored: large, and reproducible from the release's commit). The
list of IRIs a release served is ``data/iris/served-<version>.txt``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .dumps import sha256_file

VERSION = re.compile(r"^\d{4}-\d{2}-\d{2}(\.\d{1,3})?$")
RECORD = "release.json"
SUMS = "SHA256SUMS"


def version_key(version: str) -> tuple[str, int]:
    """Sort key of a version: its date, then its same-day number (``2026-12-10.2``)."""
    day, _, number = version.partition(".")
    return day, int(number or 0)


@dataclass(frozen=True)
class ReleaseFile:
    """One file of a release, as ``release.json`` lists it."""

    file: str  # path inside the release folder (``dumps/iacml.nq.gz``)
    media_type: str
    size: int
    sha256: str
    title: str = ""
    graph: str | None = None
    quads: int | None = None


@dataclass(frozen=True)
class Release:
    """One committed release (``releases/<version>/release.json``)."""

    version: str
    date: str
    iri: str
    previous: str | None
    build_id: str
    ontology_version_iri: str
    quads: int
    triples: int
    folder: Path
    files: list[ReleaseFile] = field(default_factory=list)

    @classmethod
    def read(cls, folder: Path) -> Release:
        """The release recorded in ``folder``."""
        data = json.loads((folder / RECORD).read_text(encoding="utf-8"))
        files = [ReleaseFile(**f) for f in data.pop("files")]
        return cls(folder=folder, files=files, **data)

    def to_json(self) -> str:
        """``release.json``."""
        data: dict[str, Any] = {k: v for k, v in self.__dict__.items()
                                if k not in ("folder", "files")}
        data["files"] = [f.__dict__ for f in self.files]
        return json.dumps(data, indent=1, ensure_ascii=False) + "\n"

    def file(self, name: str) -> ReleaseFile | None:
        """The listed file of that name (``iacml.nq.gz`` or ``dumps/iacml.nq.gz``)."""
        for f in self.files:
            if name in (f.file, f.file.removeprefix("dumps/")):
                return f
        return None

    @property
    def dumps(self) -> list[ReleaseFile]:
        """The dump files (in ``dumps/``)."""
        return [f for f in self.files if f.file.startswith("dumps/")]


def releases(folder: Path) -> list[Release]:
    """Every release in ``folder``, oldest first."""
    if not folder.is_dir():
        return []
    found = [Release.read(p) for p in folder.iterdir()
             if p.is_dir() and VERSION.match(p.name) and (p / RECORD).is_file()]
    return sorted(found, key=lambda r: version_key(r.version))


def latest(folder: Path) -> Release | None:
    """The newest release, if any."""
    found = releases(folder)
    return found[-1] if found else None


def verify(release: Release) -> list[str]:
    """Problems with a release folder: a listed file missing or whose sha256 or size
    differs, and every line of ``SHA256SUMS`` checked the same way."""
    problems = []
    for f in release.files:
        path = release.folder / f.file
        if not path.exists():
            problems.append(f"{path}: missing")
            continue
        if path.stat().st_size != f.size or sha256_file(path) != f.sha256:
            problems.append(f"{path}: not the file released (size or sha256 differs)")
    sums = release.folder / SUMS
    for line in sums.read_text(encoding="utf-8").splitlines() if sums.exists() else []:
        digest, _, name = line.partition("  ")
        path = release.folder / name
        if path.exists() and sha256_file(path) != digest:
            problems.append(f"{path}: sha256 differs from {SUMS}")
    if not sums.exists():
        problems.append(f"{sums}: missing")
    return problems
