"""The documentation is kept true by tests (as Datasette's test_docs.py keeps its docs).

* every command, option and format choice of the ``iacml`` command line is in the
  README's "The command line" section;
* every term ``docs/model.md`` names is defined (by the ontology or by its
  vocabulary), and every term of the ontology is named in ``docs/model.md`` or
  ``docs/design.md``;
* every file path and ``iacml`` module the docs cite exists, and no doc sends the
  reader outside the repository.
"""

from __future__ import annotations

import argparse
import importlib
import re
from pathlib import Path

import pytest
from rdflib import Graph, URIRef

from iacml.cli import parser
from iacml.namespaces import IACML, PREFIXES
from iacml.pipeline.terms import Vocabulary
from server import settings as server_settings

ROOT = Path(__file__).resolve().parent.parent
DOCS = sorted((ROOT / "docs").glob("*.md")) + [ROOT / "README.md",
                                                ROOT / "tests" / "shapes" / "README.md"]


def _section(text: str, heading: str) -> str:
    """The text of the Markdown section under ``heading`` (up to the next one)."""
    m = re.search(rf"^## {re.escape(heading)}\n(.*?)(?=^## |\Z)", text, re.M | re.S)
    assert m, f"no section '## {heading}'"
    return m.group(1)


def _commands() -> list[tuple[str, argparse.ArgumentParser]]:
    root = parser()
    sub = next(a for a in root._actions if isinstance(a, argparse._SubParsersAction))
    return [("", root), *sorted(sub.choices.items())]


def _cli_names() -> list[str]:
    """Each command, option string and choice of the command line."""
    names = []
    for command, command_parser in _commands():
        if command:
            names.append(f"iacml {command}")
        for action in command_parser._actions:
            if isinstance(action, argparse._HelpAction | argparse._SubParsersAction):
                continue
            names += [o for o in action.option_strings if o.startswith("--") or
                      not any(x.startswith("--") for x in action.option_strings)]
            names += [str(c) for c in action.choices or ()]
    return sorted(set(names))


@pytest.mark.parametrize("name", _cli_names())
def test_command_line_is_documented(name: str) -> None:
    section = _section((ROOT / "README.md").read_text(encoding="utf-8"), "The command line")
    assert re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", section), \
        f"{name!r} is not in the README's 'The command line' section"


def _ontology() -> Graph:
    graph = Graph()
    for path in sorted((ROOT / "ontology").glob("*.ttl")):
        graph.parse(path, format="turtle")
    return graph


def test_terms_named_by_the_model_are_defined() -> None:
    vocabulary = Vocabulary(_ontology())
    text = (ROOT / "docs" / "model.md").read_text(encoding="utf-8")
    unknown = []
    for prefix, local in sorted(set(re.findall(r"`[^`]*?\b([a-z]+):([A-Za-z_]\w*)", text))):
        if prefix in PREFIXES and prefix not in ("id", "graph"):
            problem = vocabulary.problem(URIRef(str(PREFIXES[prefix]) + local), set())
            if problem:
                unknown.append(problem)
    assert not unknown


def test_every_ontology_term_is_documented() -> None:
    named = set()
    for doc in ("model.md", "design.md"):
        named |= set(re.findall(r"\biacml:(\w+)", (ROOT / "docs" / doc).read_text("utf-8")))
    declared = {str(s)[len(str(IACML)):] for s in _ontology().subjects()
                if isinstance(s, URIRef) and str(s).startswith(str(IACML))}
    assert declared, "the ontology declares no iacml: term"
    missing = sorted(declared - named)
    assert not missing, f"named in neither docs/model.md nor docs/design.md: {missing}"


_PATH = re.compile(r"`((?:iacml|server|tests|bench|docs|queries|shapes|ontology|data)/"
                   r"[\w./-]*[\w/])`")
_MODULE = re.compile(r"(?<!logger )`(iacml(?:\.\w+)+)")  # a logger is named like one


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_cited_files_and_modules_exist(doc: Path) -> None:
    text = doc.read_text(encoding="utf-8")
    for path in _PATH.findall(text):
        if not re.search(r"[<*]|NN|NAME|Foo", path):  # a pattern, not a file
            assert (ROOT / path).exists() or list(ROOT.glob(path)), f"{doc.name}: {path}"
    for dotted in _MODULE.findall(text):
        parts = dotted.split(".")
        for cut in range(len(parts), 0, -1):
            try:
                module = importlib.import_module(".".join(parts[:cut]))
            except ImportError:
                continue
            target: object = module
            for attribute in parts[cut:]:
                assert hasattr(target, attribute), f"{doc.name}: {dotted}"
                target = getattr(target, attribute)
            break
        else:
            pytest.fail(f"{doc.name}: {dotted} is no module")
    assert "shared/" not in text, f"{doc.name} cites a file outside the repository"


# ---- settings, routes and prerequisites (issue 20 item 8) ----------------------------

ENDPOINT_DOC = ROOT / "docs" / "endpoint.md"


def _all_docs() -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in DOCS)


@pytest.mark.parametrize("name", [s.name for s in server_settings.SETTINGS])
def test_setting_is_documented(name: str) -> None:
    """Every setting has its row in docs/endpoint.md's settings tables."""
    rows = re.findall(r"^\| `(IACML_\w+)` \|", ENDPOINT_DOC.read_text(encoding="utf-8"), re.M)
    assert name in rows, f"{name} has no row in docs/endpoint.md"


def _routes() -> list[tuple[str, tuple[str, ...]]]:
    """Every URL rule of the app with its methods (a remote backend: no worker starts)."""
    from server.app import create_app

    app = create_app({"IACML_BACKEND_URL": "http://127.0.0.1:9/sparql"})
    rules: dict[str, set[str]] = {}
    for rule in app.url_map.iter_rules():
        if rule.endpoint != "static":
            rules.setdefault(rule.rule, set()).update(rule.methods - {"HEAD", "OPTIONS"})
    return sorted((rule, tuple(sorted(methods))) for rule, methods in rules.items())


def _route_pattern(rule: str) -> str:
    """A regex of the rule as the docs write it: each ``<converter:name>`` is any path
    segment (``<version>``, ``...``, ``2026-12-01``), or any path for ``<path:...>``."""
    parts = re.split(r"(<[^>]+>)", rule)
    out = ""
    for part in parts:
        if part.startswith("<"):
            out += r"[^\s`|)]+" if part.startswith("<path:") else r"[^\s`|)/]+"
        else:
            out += re.escape(part)
    return rf"(?<![\w/.-]){out}(?=[\s`|),?#]|$)"


@pytest.mark.parametrize(("rule", "methods"), _routes(), ids=lambda value: str(value))
def test_route_is_documented(rule: str, methods: tuple[str, ...]) -> None:
    """Every route is named in the README or docs/, and each method other than GET on
    the same line as the route (``POST /validate``, ``PUT`` ... ``/graph``)."""
    pattern = _route_pattern(rule)
    lines = [line for line in _all_docs().splitlines() if re.search(pattern, line)]
    assert lines, f"the route {rule} is in no doc (README.md, docs/*.md)"
    for method in methods:
        if method != "GET":
            assert any(re.search(rf"\b{method}\b", line) for line in lines), \
                f"{method} {rule} is in no doc"


def test_readme_names_every_prerequisite() -> None:
    """The README's "two commands" section names what the Makefile needs that pip does
    not install: Python at the version pyproject requires, make, Node and npm, and every
    Debian package a make target installs with apt-get."""
    section = _section((ROOT / "README.md").read_text(encoding="utf-8"), "The two commands")
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    version = re.search(r'requires-python = ">=(\d+\.\d+)"', pyproject)
    assert version and f"Python {version.group(1)}+" in section
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    needed = {"`make`"}
    if re.search(r"^\tnpm ", makefile, re.M):
        needed |= {"Node", "`npm`"}
    packages = set()
    for line in makefile.splitlines():
        if "apt-get install" in line:
            packages |= set(re.findall(r"-qq (?:--no-install-recommends )?([a-z][\w.+-]+)", line))
        packages |= set(re.findall(r'missing="\$\$missing ([a-z][\w.+-]+)"', line))
    assert packages, "the Makefile installs no Debian package: the test reads it wrongly"
    needed |= {f"`{package}`" for package in packages}
    missing = sorted(word for word in needed if word not in section)
    assert not missing, f"the README's prerequisites do not name {missing}"
