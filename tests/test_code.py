"""Code people can live in (issue 20's acceptance): small modules, libraries used as
they are published.

* no module of ``iacml/`` or ``server/`` is over 400 lines;
* no module assigns to an attribute of something it imported from a library (the
  monkeypatch of pySHACL's SPARQLBasedConstraint was one), nor calls ``setattr`` on it.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
MODULES = sorted(p for d in ("iacml", "server") for p in (ROOT / d).rglob("*.py"))
OURS = ("iacml", "server", ".")
#: Library objects made to be written to: Flask's per-request namespace.
WRITABLE = {("flask", "g")}


def _ids(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


@pytest.mark.parametrize("path", MODULES, ids=_ids)
def test_module_is_at_most_400_lines(path: Path) -> None:
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= 400, f"{_ids(path)} has {lines} lines: split it by what its parts do"


def _library_names(tree: ast.Module) -> set[str]:
    """Names a module binds to things imported from outside the project."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {(a.asname or a.name).split(".")[0] for a in node.names
                      if not a.name.startswith(OURS)}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 \
                and not (node.module or "").startswith(OURS):
            names |= {a.asname or a.name for a in node.names
                      if (node.module, a.name) not in WRITABLE}
    return names


def _base(node: ast.expr) -> str | None:
    while isinstance(node, ast.Attribute):
        node = node.value
    return node.id if isinstance(node, ast.Name) else None


@pytest.mark.parametrize("path", MODULES, ids=_ids)
def test_no_library_is_patched(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    library = _library_names(tree)
    patched = []
    for node in ast.walk(tree):
        targets: list[ast.expr] = []
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, ast.AugAssign | ast.AnnAssign):
            targets = [node.target]
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) \
                and node.func.id == "setattr" and node.args:
            targets = [ast.Attribute(value=node.args[0], attr="?")]
        for target in targets:
            if isinstance(target, ast.Attribute) and _base(target) in library:
                patched.append(f"line {node.lineno}: {ast.unparse(target)}")
    assert not patched, f"{_ids(path)} changes a library: {patched}"
