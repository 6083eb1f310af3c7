"""The served bundle: the build copies into ``build/served/`` every input the server reads
besides the dump (the shapes, QC queries and source texts the entry checks use, the
example and competency queries of the query page, the table of retired IRIs, the
reference tables the reconciliation service's aliases come from, the releases listed
at ``/download/``, the build id), laid out as in a checkout, so a server reads only
``build/`` and ``instance/`` and a deployment ships ``build/`` alone."""

from __future__ import annotations

import shutil

from .paths import ProjectPaths

#: What the bundle holds: folder (relative to the checkout) -> file patterns.
CONTENTS: dict[str, tuple[str, ...]] = {
    "shapes": ("*.ttl",),
    "queries/qc": ("*.rq",),
    "queries/examples": ("*.rq",),
    "queries/competency": ("*.rq", "*.json"),
    "data/sources": ("*.txt",),
    "data/iris": ("retired.csv",),
    "data/reference": ("aliases.csv", "countries.csv", "organizations.csv", "keys.csv"),
}
#: Folders the bundle holds whole (each release is a folder of files).
TREES: tuple[str, ...] = ("releases",)


def write_bundle(paths: ProjectPaths, build_id: str) -> int:
    """Write ``build/served/`` anew (beside, then swapped in); the number of files."""
    target = paths.bundle_dir
    fresh = target.with_name(target.name + ".tmp")
    shutil.rmtree(fresh, ignore_errors=True)
    count = 0
    for folder, patterns in CONTENTS.items():
        (fresh / folder).mkdir(parents=True, exist_ok=True)
        for pattern in patterns:
            for source in sorted((paths.root / folder).glob(pattern)):
                shutil.copy2(source, fresh / folder / source.name)
                count += 1
    for folder in TREES:
        if (paths.root / folder).is_dir():
            shutil.copytree(paths.root / folder, fresh / folder)
            count += sum(1 for p in (fresh / folder).rglob("*") if p.is_file())
    (fresh / "build-id").write_text(build_id + "\n", encoding="utf-8")
    old = target.with_name(target.name + ".old")
    shutil.rmtree(old, ignore_errors=True)
    if target.exists():
        target.rename(old)
    fresh.rename(target)
    shutil.rmtree(old, ignore_errors=True)
    return count

