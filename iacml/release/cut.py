"""The commands: ``iacml release`` (stamp, build, write the release) and ``iacml diff``."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from ..errors import BuildError
from ..iris import read_retired
from ..paths import ProjectPaths
from .canonical import read_canonical
from .diff import Diff, diff
from .make import BASE, Made, check_new, make_release, stamp_ontology
from .records import VERSION, latest


def resolve(paths: ProjectPaths, spec: str) -> Path:
    """The dump a ``iacml diff`` argument names: a release version, ``build`` (the
    current build), or a dump file (``.nq``, ``.trig``, either gzipped)."""
    if spec == "build":
        path = paths.dataset_nq
    elif VERSION.match(spec):
        path = paths.releases_dir / spec / "dumps" / "iacml.nq.gz"
    else:
        path = Path(spec)
    if not path.exists():
        raise BuildError(f"{spec}: no such release, build or dump file ({path})")
    return path


def compare(paths: ProjectPaths, old: str, new: str) -> Diff:
    """``iacml diff OLD NEW``."""
    before = read_canonical(resolve(paths, old))
    after = read_canonical(resolve(paths, new))
    return diff(before, after, BASE, read_retired(paths.iris_dir / "retired.csv"), (old, new))


def cut(paths: ProjectPaths, version: str | None = None, build: bool = True,
        echo: Callable[[str], None] = print) -> Made:
    """``iacml release``: stamp the ontology's header with the new version, build, and
    write the release from that build."""
    date = datetime.now(UTC).strftime("%Y-%m-%d")
    version = version or date
    check_new(paths, version)
    original = paths.ontology_file.read_text(encoding="utf-8")
    stamped, _ = stamp_ontology(original, BASE, version, date)
    paths.ontology_file.write_text(stamped, encoding="utf-8")
    try:
        if build:
            from ..build import build as run_build
            run_build(paths, echo=echo)
        from ..build import build_id
        built = paths.build_dir / "build-id"
        current = build_id(paths)
        if not built.exists() or built.read_text(encoding="utf-8").strip() != current:
            raise BuildError("build/ was not built from the current inputs: run `iacml "
                             "release` without --no-build (it builds)")
        made = make_release(paths, paths.dataset_nq, version, date, current)
    except BaseException:
        paths.ontology_file.write_text(original, encoding="utf-8")
        raise
    return made


def next_steps(made: Made, paths: ProjectPaths) -> str:
    """What to do after ``iacml release``: review, commit, publish the dumps."""
    r = made.release
    rel = r.folder.relative_to(paths.root)
    committed = [str(rel), str(made.iris.relative_to(paths.root)), "CHANGELOG.md",
                 "CITATION.cff", str(paths.ontology_file.relative_to(paths.root))]
    return "\n".join([
        f"release {r.version} written to {rel}/ ({r.quads} quads, {len(r.dumps)} dumps); "
        f"{len(made.diff.new_resources)} resources new, {len(made.diff.changed)} changed, "
        f"{len(made.diff.retired)} retired, {len(made.diff.discrepancies)} Discrepancies added",
        "next:",
        f"  1. read and complete the entry of {r.version} in CHANGELOG.md",
        f"  2. git add {' '.join(committed)} && git commit -m 'Release {r.version}' "
        f"&& git tag release-{r.version}",
        f"  3. deposit {rel}/ in an archive that gives a DOI (docs/deploy.md, 'Releases')",
    ])


def latest_version(paths: ProjectPaths) -> str | None:
    """The version of the newest release, if any."""
    found = latest(paths.releases_dir)
    return found.version if found else None
