"""``iacml backup`` / ``iacml restore``: the instance's state that no build can make
again, in one archive: the write journal (whatever its records hold), the journals
already exported (``*.exported``: they keep the log graph) and the instance settings
(``instance/config.py``, which may hold write tokens: the archive is written 0600).

A backup copies the journal while holding its lock, so it holds every write
acknowledged before it and no half-written one; a manifest gives each file's size
and sha256. A restore checks every file against the manifest before writing any,
refuses to replace a journal that holds writes (unless asked to, and then keeps the
old files aside), and writes each file atomically and durably.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import tarfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from .errors import BuildError
from .journal import Journal

MANIFEST = "manifest.json"
FORMAT = "iacml-backup/1"


@dataclass(frozen=True)
class Instance:
    """Where an instance keeps its state: the journal, and the settings file."""

    journal: Path
    config: Path

    def files(self) -> list[tuple[str, Path]]:
        """(name in the archive, path) of every file to back up, the journal first."""
        found = [("journal/" + self.journal.name, self.journal)]
        found += [("journal/" + p.name, p)
                  for p in sorted(self.journal.parent.glob(f"{self.journal.stem}-*.exported"))]
        if self.config.exists():
            found.append(("config/" + self.config.name, self.config))
        return found


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _records(data: bytes) -> int:
    return data[:data.rfind(b"\n") + 1].count(b"\n")


def backup(instance: Instance, out: Path) -> dict[str, object]:
    """Write the archive ``out`` (tar.gz) of ``instance``; return its manifest."""
    contents: dict[str, bytes] = {}
    with Journal(instance.journal).locked():  # no write is half-appended while we copy
        for name, path in instance.files():
            data = path.read_bytes() if path.exists() else b""
            if path == instance.journal:
                data = data[:data.rfind(b"\n") + 1]  # a torn last line is no write
            contents[name] = data
    manifest = {"format": FORMAT, "created": _now(),
                "journal": "journal/" + instance.journal.name,
                "records": _records(contents["journal/" + instance.journal.name]),
                "files": {name: {"size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
                          for name, data in contents.items()}}
    contents[MANIFEST] = json.dumps(manifest, indent=1).encode("utf-8")
    tmp = out.with_name(f".{out.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        with tarfile.open(fileobj=handle, mode="w:gz") as archive:
            for name, data in contents.items():
                info = tarfile.TarInfo(name)
                info.size, info.mode, info.mtime = len(data), 0o600, 0
                archive.addfile(info, io.BytesIO(data))
        handle.flush()
        os.fsync(handle.fileno())
    tmp.replace(out)
    return manifest


def _read(archive_path: Path) -> tuple[dict[str, object], dict[str, bytes]]:
    """The manifest and the files of an archive, each checked against the manifest."""
    try:
        with tarfile.open(archive_path, mode="r:gz") as archive:
            members = {m.name: m for m in archive.getmembers() if m.isfile()}
            if MANIFEST not in members:
                raise BuildError(f"{archive_path}: not an iacml backup (no {MANIFEST})")
            read = {name: archive.extractfile(m).read()  # type: ignore[union-attr]
                    for name, m in members.items()}
    except (tarfile.TarError, OSError, EOFError) as exc:
        raise BuildError(f"{archive_path}: cannot read the backup: {exc}") from exc
    manifest = json.loads(read.pop(MANIFEST))
    if manifest.get("format") != FORMAT:
        raise BuildError(f"{archive_path}: unknown backup format {manifest.get('format')!r}")
    files: dict[str, dict[str, object]] = manifest["files"]
    for name, expected in files.items():
        data = read.get(name)
        if data is None or hashlib.sha256(data).hexdigest() != expected["sha256"]:
            raise BuildError(f"{archive_path}: {name} is missing or damaged (sha256 differs "
                             "from the manifest); nothing was restored")
    unknown = set(read) - set(files)
    if unknown or any(".." in n.split("/") or n.startswith("/") for n in files):
        raise BuildError(f"{archive_path}: files the manifest does not list or paths "
                         f"outside the instance: {sorted(unknown)[:5]}; nothing was restored")
    return manifest, {name: read[name] for name in files}


def _write_durably(path: Path, data: bytes, mode: int) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.restore")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    tmp.replace(path)
    folder = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(folder)
    finally:
        os.close(folder)


def restore(archive_path: Path, instance: Instance, replace: bool = False) -> dict[str, object]:
    """Restore ``archive_path`` into ``instance``; return its manifest. Refused when the
    instance's journal holds writes, unless ``replace`` (the files replaced are kept as
    ``<name>.before-restore-<time>``). Stop the server first."""
    manifest, files = _read(archive_path)
    current = instance.journal.read_bytes() if instance.journal.exists() else b""
    if _records(current) and not replace:
        raise BuildError(f"{instance.journal} holds {_records(current)} writes: restoring "
                         "would replace them (stop the server; --replace keeps the current "
                         "files aside)")
    stamp = _now().replace(":", "")
    with Journal(instance.journal).locked():
        for name, data in files.items():
            folder, _, base = name.partition("/")
            target = (instance.config if folder == "config" else instance.journal
                      if name == manifest["journal"] else instance.journal.parent / base)
            if target.exists() and replace:
                os.replace(target, target.with_name(f"{target.name}.before-restore-{stamp}"))
            _write_durably(target, data, 0o600 if folder == "config" else 0o644)
    return manifest
