"""Untrusted input through one door (issue 20 item 6): every route that reads a body
hands it to :mod:`server.untrusted` before anything parses it.

* by what the routes do: a body with a marker sent to each route that takes one
  (``/sparql`` queries, ``/validate`` raw and as a form, ``/reconcile``'s JSON) reaches
  the door's decoder; a Graph Store write without a token is never decoded at all;
* by what the code says: a module outside ``server/untrusted/`` that reads a request
  body (``request.get_data``, ``.data``, ``.form``, ``.values``, ``.json``, ``.files``,
  ``.stream``...) either imports the door itself or is listed below with the module
  of its area that does, or is listed with what it does with values no parser reads —
  a new route reading a body any other way fails here.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from flask.testing import FlaskClient

import server.untrusted as door

ROOT = Path(__file__).resolve().parents[1]
BODY = {"get_data", "data", "form", "values", "json", "get_json", "files", "stream",
        "input_stream"}
#: modules that read a body and give what they read to a module of their area that
#: imports the door: the SPARQL protocol only splits the form envelope (werkzeug's URL
#: decoding) and hands each query and update to the /sparql route, which takes it through
#: the door; the reconciliation service's parameters are read in its params module
THROUGH = {"server/query/protocol.py": "server/query/sparql.py",
           "server/reconcile/routes.py": "server/reconcile/params.py"}
#: modules whose body is plain form values that no parser reads (each says what it does)
NO_PARSER = {"server/ui/editor.py": "POST /labels: IRIs looked up in the label index"}


def _imports_the_door(path: Path) -> bool:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return any(isinstance(node, ast.ImportFrom) and (node.module or "").startswith(
        "server.untrusted") for node in ast.walk(tree))


def _reads_a_body(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [f"{path.relative_to(ROOT)}:{node.lineno} request.{node.attr}"
            for node in ast.walk(tree)
            if isinstance(node, ast.Attribute) and node.attr in BODY
            and isinstance(node.value, ast.Name) and node.value.id == "request"]


def test_every_module_reading_a_body_goes_through_the_door() -> None:
    readers = {}
    for path in sorted((ROOT / "server").rglob("*.py")):
        if path.is_relative_to(ROOT / "server" / "untrusted"):
            continue
        if reads := _reads_a_body(path):
            readers[str(path.relative_to(ROOT))] = reads
    assert readers, "no route reads a body: the check lost its subject"
    astray = []
    for module, reads in readers.items():
        if module in NO_PARSER:
            continue
        door_module = ROOT / THROUGH.get(module, module)
        if not _imports_the_door(door_module):
            astray += reads
    assert astray == [], "bodies read without the door (server/untrusted/):\n" + \
        "\n".join(astray)


@pytest.fixture()
def seen(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every text the door decodes during the test."""
    texts: list[str] = []
    original = door.decode

    def recording(body: bytes | str, what: str) -> str:
        text = original(body, what)
        texts.append(text)
        return text

    monkeypatch.setattr(door, "decode", recording)
    return texts


MARK = "urn:x-door-marker"
ENTRY = f"<{MARK}> <http://www.w3.org/2000/01/rdf-schema#label> \"door\" .\n"
# an entry the worker cannot parse: it must reach the door all the same (and the test
# then needs no validation run, whose first one computes the closure)
BROKEN = f"<{MARK}> <http://www.w3.org/2000/01/rdf-schema#label> .\n"
# each query differs (the result cache would answer a repeated one without reading it)


@pytest.mark.parametrize("name,method,path,kwargs", [
    ("query, form-encoded", "post", "/sparql",
     {"data": {"query": f"ASK {{ <{MARK}> ?p 1 }}"}}),
    ("query, direct", "post", "/sparql",
     {"data": f"ASK {{ <{MARK}> ?p 2 }}",
      "headers": {"Content-Type": "application/sparql-query"}}),
    ("query, GET", "get", f"/sparql?query=ASK%7B%3C{MARK}%3E%3Fp%203%7D", {}),
    ("entry, raw", "post", "/validate",
     {"data": BROKEN, "headers": {"Content-Type": "text/turtle", "Accept": "text/plain"}}),
    ("entry, form", "post", "/validate", {"data": {"data": BROKEN, "format": "turtle"}}),
    ("reconciliation batch", "post", "/reconcile",
     {"data": {"queries": f'{{"q0": {{"query": "{MARK}"}}}}'}}),
])
def test_each_body_reaches_the_door(client: FlaskClient, seen: list[str], name: str,
                                    method: str, path: str, kwargs: dict[str, object]) -> None:
    response = getattr(client, method)(path, **kwargs)
    assert response.status_code < 500, (name, response.get_data(as_text=True)[:300])
    assert any(MARK in text for text in seen), f"{name}: the body never reached the door"


def test_a_write_without_a_token_is_never_read(client: FlaskClient, seen: list[str]) -> None:
    response = client.put("/graph?graph=https://w3id.org/iacml/graph/submission/x",
                          data=ENTRY, headers={"Content-Type": "application/n-triples"})
    assert response.status_code in (401, 403, 405)
    assert seen == []
