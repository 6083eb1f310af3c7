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
    ``blueprint`` module may gather the area's route modules into one blueprint."""
    trees = {_module_name(p): ast.parse(p.read_text(encoding="utf-8"))
             for p in MODULES if p.is_relative_to(ROOT / "server")}
    routes = {name for name, tree in trees.items() if _defines_blueprint(tree)}
    modules = set(trees)
    assert {"server.query.sparql", "server.ld.resource", "server.write.gsp"} <= routes
    crossing = []
    for name in sorted(routes):
        for other in sorted((_imported_modules(trees[name], modules) & routes) - {name}):
            area = name.rpartition(".")[0]
            if not (name.endswith(".blueprint") and other.startswith(area + ".")):
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


def _import_time_imports(tree: ast.Module) -> list[ast.Import | ast.ImportFrom]:
    """The imports a module runs when it is imported: at its top (inside ``try`` or an
    ``if`` too), not in functions and not under ``if TYPE_CHECKING``."""
    found: list[ast.Import | ast.ImportFrom] = []
    for node in tree.body:
        if isinstance(node, ast.If) and isinstance(node.test, ast.Name) \
                and node.test.id == "TYPE_CHECKING":
            continue
        inner = node.body if isinstance(node, (ast.If, ast.Try)) else [node]
        found += [n for n in inner if isinstance(n, (ast.Import, ast.ImportFrom))]
    return found


def _loads(name: str, path: Path, tree: ast.Module, known: set[str]) -> set[str]:
    """The project modules importing ``name`` loads, its parent packages included."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    targets: list[str] = []
    for node in _import_time_imports(tree):
        if isinstance(node, ast.Import):
            targets += [a.name for a in node.names]
            continue
        base = node.module or ""
        if node.level:
            parent = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
            base = f"{parent}.{base}" if base else parent
        targets += [base] + [f"{base}.{a.name}" for a in node.names]
    loaded = set()
    for target in targets:
        parts = target.split(".")
        loaded |= {".".join(parts[:k]) for k in range(1, len(parts) + 1)}
    return {m for m in loaded & known if m != name and not name.startswith(m + ".")}


def test_no_import_cycle() -> None:
    """No two modules need each other to import (their packages' ``__init__`` counted):
    what a module imports at its top may not, however indirectly, import it back."""
    paths = {_module_name(p): p for p in MODULES}
    known = set(paths)
    graph = {name: _loads(name, path, ast.parse(path.read_text(encoding="utf-8")), known)
             for name, path in paths.items()}
    assert "server.ld.labels" in graph["server.reconcile.graphdata"]  # the walk sees imports
    cycles = []
    for start in sorted(graph):
        stack, seen = [(start, [start])], set()
        while stack:
            here, trail = stack.pop()
            for nxt in sorted(graph[here]):
                if nxt == start:
                    cycles.append(" -> ".join([*trail, start]))
                elif nxt not in seen:
                    seen.add(nxt)
                    stack.append((nxt, [*trail, nxt]))
        if cycles:
            break
    assert not cycles, f"an import cycle: {cycles[0]}"
