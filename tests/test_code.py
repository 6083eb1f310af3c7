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


def test_no_two_modules_share_a_name() -> None:
    """A module's name says what it is across the project: ``backend`` or ``void`` in two
    packages makes a reader (and a traceback) ambiguous."""
    seen: dict[str, list[str]] = {}
    for path in MODULES:
        if path.name != "__init__.py":
            seen.setdefault(path.stem, []).append(_ids(path))
    shared = {name: paths for name, paths in seen.items() if len(paths) > 1}
    assert not shared, f"modules with the same name: {shared}"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _defines_blueprint(tree: ast.Module) -> bool:
    return any(isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
               and node.func.id == "Blueprint" for node in ast.walk(tree))


def _imported_modules(tree: ast.Module, known: set[str]) -> set[str]:
    """The project modules a module imports, at its top or inside a function."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            for alias in node.names:
                submodule = f"{node.module}.{alias.name}"
                found.add(submodule if submodule in known else node.module)
    return found & known


def test_no_route_module_imports_another() -> None:
    """Routes share code through helper modules, never through each other; an area's
    package may gather its own route modules into one blueprint."""
    trees = {_module_name(p): ast.parse(p.read_text(encoding="utf-8"))
             for p in MODULES if p.is_relative_to(ROOT / "server")}
    routes = {name for name, tree in trees.items() if _defines_blueprint(tree)}
    modules = set(trees)
    assert {"server.query.sparql", "server.ld.resource", "server.write.gsp"} <= routes
    crossing = []
    for name in sorted(routes):
        for other in sorted((_imported_modules(trees[name], modules) & routes) - {name}):
            if not other.startswith(name + "."):  # a package gathering its own routes
                crossing.append(f"{name} -> {other}")
    assert not crossing, f"route modules importing route modules: {crossing}"


def test_server_probes_no_object_for_what_it_has() -> None:
    """The backends share a typed protocol (server.workers.backend.Backend): code asks it,
    never ``hasattr`` or ``getattr`` what a backend happens to have."""
    probes = [f"{_ids(p)}:{node.lineno}" for p in MODULES if p.is_relative_to(ROOT / "server")
              for node in ast.walk(ast.parse(p.read_text(encoding="utf-8")))
              if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
              and node.func.id in ("hasattr", "getattr")]
    assert not probes, f"attribute probes: {probes}"
