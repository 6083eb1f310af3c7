"""Deep nesting never reaches a parser (issue 19, findings 3 and 6).

The inputs found (``'{'*5000``, the 18 other shapes, 50,000 ``'!'``, the billion
laughs) are refused with 400 by the project's lexer; the limits they are refused
at are shown to hold with margin on the stack the query workers parse on; and a
live server keeps every web process through all of them.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import given
from hypothesis import settings as examples
from hypothesis import strategies as st

from server import settings
from server.untrusted.nesting import (
    TooDeep,
    TooManyOperators,
    fits_blindly,
    json_depth,
    sparql_or_turtle_depth,
)
from server.workers.zygote import WORKER_STACK_BYTES
from tests.nesting_shapes import NESTED, SEQUENTIAL

LIMIT = settings.BY_NAME["IACML_MAX_NESTING"].default
OPERATORS = settings.BY_NAME["IACML_MAX_OPERATORS"].default
ALICE = {"Authorization": "Bearer T1", "Content-Type": "application/sparql-update"}
ROOT = Path(__file__).resolve().parent.parent

# the finding's 1 KB body: nine entities, each ten copies of the one before
BILLION_LAUGHS = ('<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [\n<!ENTITY lol "lol">\n'
                  + "".join(f'<!ENTITY lol{i} "' + f"&lol{i - 1 if i > 1 else ''};" * 10 + '">\n'
                            for i in range(1, 10))
                  + ']>\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
                    'xmlns:ex="http://example.org/">\n<rdf:Description rdf:about='
                    '"http://example.org/s"><ex:p>&lol9;</ex:p></rdf:Description>\n'
                    '</rdf:RDF>\n')


@pytest.fixture(scope="module")
def app(dataset_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """An app with writes on for alice."""
    from server.app import create_app

    application = create_app({
        "IACML_DATASET": str(dataset_path), "IACML_RATE_LIMIT": 0, "IACML_QUERY_WORKERS": 1,
        "IACML_WRITE_TOKEN": "alice:T1",
        "IACML_JOURNAL": str(tmp_path_factory.mktemp("instance") / "journal.jsonl")})
    yield application
    application.extensions["iacml.backend"].close()


def _send(client: FlaskClient, kind: str, text: str):
    if kind == "query":
        return client.post("/sparql", data=text.encode(),
                           headers={"Content-Type": "application/sparql-query"})
    return client.post("/sparql", data=text.encode(), headers=ALICE)


# ---------------- the lexer ----------------

@pytest.mark.parametrize("name", sorted(NESTED))
def test_the_lexer_counts_each_shape_level_by_level(name: str) -> None:
    for depth in (3, 17, 40):
        assert sparql_or_turtle_depth(NESTED[name](depth)[1], 10**6) == depth


def test_strings_and_comments_do_not_count_but_iris_do() -> None:
    text = 'SELECT * WHERE { ?s ?p "((((({{{{" # ((((((((\n FILTER(?o = "!!!!!!") }'
    assert sparql_or_turtle_depth(text, 10) == 2
    assert sparql_or_turtle_depth(text.replace("=", "!="), 10) == 3  # errs on counting
    assert sparql_or_turtle_depth("""SELECT * { ?s ?p '''a\n((((''' }""", 10) == 1
    # a '<' the lexer reads as an IRI may be a less-than to the parser: count inside
    assert sparql_or_turtle_depth("ASK { FILTER(?a<((((((1))))))>?b) }", 10) == 8
    assert sparql_or_turtle_depth("ASK { FILTER(?a<!!!!!!!!!!!!!true>?b) }", 20) == 15
    with pytest.raises(TooDeep) as raised:
        sparql_or_turtle_depth("SELECT * {\n" + "{" * 40 + "}" * 40 + "}", LIMIT)
    assert raised.value.line == 2
    assert json_depth('{"a": "[[[[[[", "b": [[1]]}', 10) == 3


@examples(max_examples=300, deadline=None, database=None)
@given(st.text(alphabet="{}()[]<>!^+-|&=*/?x \"'#\nUNIONoptial:", max_size=200))
def test_the_blind_count_never_lets_through_what_the_lexer_refuses(text: str) -> None:
    """The door skips the lexer when a blind count of every bracket, operator and
    keyword fits: that count must bound what the lexer would find."""
    if fits_blindly(text, 8, 12):
        assert sparql_or_turtle_depth(text, 8, 12) <= 8  # and TooManyOperators not raised


# ---------------- the findings, through /sparql and /validate ----------------

def test_the_finding_five_thousand_braces_is_400(client: FlaskClient) -> None:
    query = "SELECT * WHERE " + "{" * 5000 + " ?s ?p ?o " + "}" * 5000
    resp = client.get("/sparql", query_string={"query": query})
    assert resp.status_code == 400
    assert f"nested more than {LIMIT} levels".encode() in resp.data


@pytest.mark.parametrize("name", sorted(NESTED))
def test_every_nesting_shape_is_400_past_the_limit(client: FlaskClient, name: str) -> None:
    kind, text = NESTED[name](5000)
    resp = _send(client, kind, text)
    assert resp.status_code == 400, resp.data[:300]
    assert f"nested more than {LIMIT} levels".encode() in resp.data
    small = _send(client, kind, NESTED[name](8)[1])
    assert b"nested more than" not in small.data
    assert small.status_code < 500


def test_fifty_thousand_negations_are_400(client: FlaskClient) -> None:
    resp = client.get("/sparql", query_string={
        "query": "SELECT * WHERE { FILTER(" + "!" * 50_000 + "true) }"})
    assert resp.status_code == 400 and b"nested more than" in resp.data


@pytest.mark.parametrize("name", sorted(SEQUENTIAL))
def test_long_operator_chains_are_400(client: FlaskClient, name: str) -> None:
    kind, text = SEQUENTIAL[name](10_000)
    resp = _send(client, kind, text)
    assert resp.status_code == 400, resp.data[:300]
    assert f"more than {OPERATORS} operators".encode() in resp.data


def test_deep_entries_are_400(client: FlaskClient) -> None:
    p = "<http://example.org/p>"
    bodies = {
        "text/turtle": f"<http://example.org/s> {p} " + "[ " + f"{p} [ " * 5000 + "] " * 5001
                       + ".",
        "application/n-triples": "<http://example.org/s> " + "(" * 5000 + " .",
        "application/ld+json": '{"@id": "http://example.org/s", "http://example.org/p": '
                               + "[" * 5000 + "1" + "]" * 5000 + "}",
        "application/rdf+xml": '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
                               + "<a>" * 5000 + "</a>" * 5000 + "</rdf:RDF>",
    }
    for content_type, body in bodies.items():
        resp = client.post("/validate", data=body.encode(),
                           headers={"Content-Type": content_type})
        assert resp.status_code == 400, (content_type, resp.data[:300])
        assert "nested more than" in resp.get_json()["error"]


def test_billion_laughs_is_400_before_any_parser(client: FlaskClient) -> None:
    assert len(BILLION_LAUGHS) < 1100
    resp = client.post("/validate", data=BILLION_LAUGHS.encode(),
                       headers={"Content-Type": "application/rdf+xml"})
    assert resp.status_code == 400
    assert "would expand to more than" in resp.get_json()["error"]


def test_entities_within_bounds_are_still_read(client: FlaskClient) -> None:
    body = ('<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [<!ENTITY ex "http://example.org/">]>\n'
            '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
            'xmlns:rdfs="http://www.w3.org/2000/01/rdf-schema#"><rdf:Description '
            'rdf:about="&ex;s"><rdfs:label>x</rdfs:label></rdf:Description></rdf:RDF>')
    resp = client.post("/validate", data=body.encode(),
                       headers={"Content-Type": "application/rdf+xml"})
    assert resp.status_code == 200, resp.data


# ---------------- the margin: the limits hold on 1/16 of the workers' stack ----------------

_PROBE = textwrap.dedent("""
    import sys, threading
    sys.path.insert(0, {root!r})
    import pyoxigraph as ox
    from tests.nesting_shapes import NESTED, SEQUENTIAL
    shapes = {{**{{"nested " + k: v for k, v in NESTED.items()}},
               **{{"sequential " + k: v for k, v in SEQUENTIAL.items()}}}}
    def run():
        for name, n in {cases!r}:
            kind, text = shapes[name](n)
            store = ox.Store()
            try:
                answer = store.query(text) if kind == "query" else store.update(text)
                if kind == "query" and not isinstance(answer, ox.QueryBoolean):
                    list(answer)
            except (SyntaxError, RuntimeError, OSError):
                pass  # refused by the parser: what matters is that it returned
            print(name, "returned", flush=True)
    threading.stack_size({stack})
    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
""")
def _longest_within_limits(name: str) -> int:
    """The longest chain of SEQUENTIAL[name] the lexer lets through."""
    low, high = 1, OPERATORS + 1
    while high - low > 1:
        middle = (low + high) // 2
        try:
            sparql_or_turtle_depth(SEQUENTIAL[name](middle)[1], LIMIT, OPERATORS)
            low = middle
        except TooManyOperators:
            high = middle
    return low


# at the limits: the deepest nesting, and operator chains that evaluate quickly (the
# slow ones, OPTIONAL and group chains and long / paths, are stopped by the time limit)
_AT_LIMITS = [("nested " + name, LIMIT) for name in sorted(NESTED)] + [
    ("sequential " + name, _longest_within_limits(name))
    for name in ("union", "minus", "bind", "filter", "||", "+", "path |")]


def _probe(cases: list[tuple[str, int]], stack: int) -> subprocess.CompletedProcess[str]:
    code = _PROBE.format(root=str(ROOT), cases=cases, stack=stack)
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=300)


def test_every_shape_at_the_limits_returns_on_a_sixteenth_of_the_worker_stack() -> None:
    for name, n in _AT_LIMITS:  # the cases are within the limits the lexer enforces
        text = (NESTED if name.startswith("nested") else SEQUENTIAL)[name.split(" ", 1)[1]](n)[1]
        assert sparql_or_turtle_depth(text, LIMIT, OPERATORS) <= LIMIT
    done = _probe(_AT_LIMITS, WORKER_STACK_BYTES // 16)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.count("returned") == len(_AT_LIMITS)


def test_the_probe_does_see_a_crash() -> None:
    """The control: far past the limit, the same probe dies on that stack."""
    done = _probe([("nested exists", 3000)], WORKER_STACK_BYTES // 16)
    assert done.returncode < 0 and "returned" not in done.stdout
