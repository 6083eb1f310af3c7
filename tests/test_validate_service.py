"""``POST /validate`` and ``GET /validate`` (issue 9), and ``iacml validate`` giving
the same answer. The entries are ``tests/fixtures/entries``: one per shape of
``shapes/*.ttl`` (``invalid-<Shape>.ttl``), a valid cooperation of source 003
and the QC cases."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import RDF

from iacml.cli import main
from iacml.entries import parse_entry_data
from iacml.namespaces import SH, SHAPES
from iacml.paths import ProjectPaths
from iacml.pipeline.parse import load_shapes

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "entries"
EXAMPLES = Path(__file__).resolve().parent / "shapes"
ID = "https://w3id.org/iacml/id/"
LIMIT = 65536
_BNODE = re.compile(r"^N?[0-9a-f]{32}(b\d+)?$|^n[0-9a-f]{32}b\d+$")


@pytest.fixture(scope="module")
def client(dataset_path: Path):
    """A test client of the app; queries would go to an unreachable remote endpoint
    (not used here), so no query worker loads the dataset."""
    from server.app import create_app

    app = create_app({"IACML_BACKEND_URL": "http://127.0.0.1:9/sparql",
                      "IACML_RATE_LIMIT": 0, "IACML_VALIDATE_MAX_BYTES": LIMIT})
    return app.test_client()


def fixture(name: str) -> bytes:
    return (FIXTURES / f"{name}.ttl").read_bytes()


def post(client, body: bytes, content_type: str = "text/turtle",
         accept: str = "application/json"):
    return client.post("/validate", data=body, content_type=content_type,
                       headers={"Accept": accept})


def summary(client, body: bytes, content_type: str = "text/turtle") -> dict:
    response = post(client, body, content_type)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def shape_names(paths: ProjectPaths) -> dict[str, str]:
    shapes = load_shapes(paths.shapes_dir)
    return {str(s)[len(str(SHAPES)):]: str(shapes.value(s, SH.name))
            for s in shapes.subjects(RDF.type, SH.NodeShape)
            if isinstance(s, URIRef) and str(s).startswith(str(SHAPES))}


SHAPE_KEYS = sorted(shape_names(ProjectPaths.default()))


def test_valid_entry_conforms(client) -> None:
    response = post(client, fixture("valid-cooperation"))
    assert response.status_code == 200
    assert response.headers["X-IACML-Conforms"] == "true"
    body = response.get_json()
    assert body == {"conforms": True, "violations": 0, "warnings": 0, "results": []}


def shape_entry(key: str) -> bytes:
    """The entry that must violate shape ``key``: ours in tests/fixtures/entries, else
    the shape's own non-conforming example (tests/shapes/<key>/invalid.ttl)."""
    own = FIXTURES / f"invalid-{key}.ttl"
    return (own if own.exists() else EXAMPLES / key / "invalid.ttl").read_bytes()


@pytest.mark.parametrize("shape", SHAPE_KEYS)
def test_each_shape_is_named_in_the_report(client, paths: ProjectPaths, shape: str) -> None:
    body = summary(client, shape_entry(shape))
    name = shape_names(paths)[shape]
    mine = [r for r in body["results"] if r["shape_name"] == name]
    assert mine, f"{shape} ({name}) not reported: {body['results']}"
    shapes = load_shapes(paths.shapes_dir)
    if shapes.value(SHAPES[shape], SH.severity) == SH.Warning:
        assert {r["severity"] for r in mine} == {"Warning"}
    else:
        assert body["conforms"] is False
        assert any(r["severity"] == "Violation" for r in mine)


def test_unknown_ministry_is_caught(client) -> None:
    entry = fixture("valid-cooperation").replace(b"<ministry/HND>", b"<ministry/XYZ>")
    body = summary(client, entry)
    assert body["conforms"] is False
    about = [r for r in body["results"] if f"{ID}ministry/XYZ" in (r["focus"], r["value"])
             or f"{ID}ministry/XYZ" in r["value"]]
    assert {r["shape_name"] for r in about} >= {"English label of registry resources",
                                                "QC iri-declared-nowhere"}


def test_duplicate_article_number_is_caught(client) -> None:
    body = summary(client, fixture("qc-duplicate-article"))
    found = {(r["shape_name"], r["focus"]) for r in body["results"]}
    assert ("QC duplicate-part-number", f"{ID}conference/20/declaration/art_22-bis") in found
    assert ("No two parts with the same printed number",
            f"{ID}conference/20/declaration/art_22-bis") in found
    # the registry's own Article 22 is reported too, as a full validation does
    assert ("No two parts with the same printed number",
            f"{ID}conference/20/declaration/art_22") in found


def test_unrecorded_conflict_is_caught(client) -> None:
    body = summary(client, fixture("qc-conflict"))
    rows = [r for r in body["results"] if r["shape_name"] == "QC conflict-without-discrepancy"]
    assert [(r["focus"], r["path"]) for r in rows] == [
        (f"{ID}cooperation/20/col-hnd-child-labor", "https://schema.org/startDate")]
    assert "2018-08-27" in rows[0]["value"] and "2018-08-28" in rows[0]["value"]


def test_a_recorded_conflict_is_not_reported(client) -> None:
    """The first gender dialogue: 2020-11-20 in 002, 2020-11-28 in 003, and a
    Discrepancy in graph/curation: restating 003's date is no new conflict."""
    entry = b"""@prefix schema: <https://schema.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
<https://w3id.org/iacml/id/activity/20/gender-dialogue-1>
    schema:startDate "2020-11-28"^^xsd:date ."""
    body = summary(client, entry)
    assert not [r for r in body["results"] if r["shape_name"].startswith("QC conflict")]


def test_nothing_is_stored(client) -> None:
    first = summary(client, fixture("qc-duplicate-article"))
    other = fixture("qc-duplicate-article").replace(b"art_22-bis", b"art_22-ter")
    second = summary(client, other)
    assert first["conforms"] is second["conforms"] is False
    assert not [r for r in second["results"] if "art_22-bis" in json.dumps(r)]
    assert summary(client, fixture("valid-cooperation"))["conforms"] is True


@pytest.mark.parametrize("fmt,content_type", [
    ("nt", "application/n-triples"), ("json-ld", "application/ld+json"),
    ("xml", "application/rdf+xml"), ("trig", "application/trig")])
def test_every_input_format_gives_the_same_report(client, fmt: str, content_type: str) -> None:
    turtle = fixture("valid-cooperation").replace(b"<ministry/HND>", b"<ministry/XYZ>")
    graph = Graph().parse(data=turtle, format="turtle")
    if fmt == "trig":
        body = b"<https://example.org/g> {\n" + graph.serialize(format="nt",
                                                              encoding="utf-8") + b"}\n"
    else:
        body = graph.serialize(format=fmt, encoding="utf-8")
    assert _normalised(summary(client, body, content_type)) == \
        _normalised(summary(client, turtle))


def _normalised(body: dict) -> dict:
    # blank-node labels are drawn anew by each load (the CLI reads the checkout's shapes,
    # the service the served bundle's): only their being blank nodes is compared
    for r in body["results"]:
        for key in ("focus", "value", "source_shape"):
            r[key] = "_:" if _BNODE.match(r[key]) else r[key]
    body["results"].sort(key=json.dumps)
    return body


def test_broken_turtle_is_400_with_the_line(client) -> None:
    entry = fixture("valid-cooperation").decode()
    lines = entry.splitlines()
    broken_at = next(i for i, line in enumerate(lines, 1) if "iacml:status" in line)
    lines[broken_at - 1] = lines[broken_at - 1].replace(" ;", " ; ;;; ]")
    response = post(client, "\n".join(lines).encode())
    assert response.status_code == 400
    body = response.get_json()
    assert body["line"] == broken_at
    assert "is not a valid subject" in body["error"]  # pyoxigraph's own words
    text = post(client, "\n".join(lines).encode(), accept="text/plain")
    assert text.status_code == 400 and f"line {broken_at}" in text.get_data(as_text=True)


def test_broken_ntriples_and_jsonld_say_the_line(client) -> None:
    nt = b"<http://a> <http://b> <http://c> .\n<http://a> <http://b> .\n"
    response = post(client, nt, "application/n-triples")
    assert response.status_code == 400 and response.get_json()["line"] == 2
    response = post(client, b'{\n"@id": "http://a",\n', "application/ld+json")
    assert response.status_code == 400 and response.get_json()["line"] == 3


def test_unclosed_iri_is_400_not_500(client) -> None:
    # found by `make fuzz`: rdflib accepted "<cooperation... ." up to the next '>' as an
    # IRI with line breaks in it, and writing it out failed with a 500
    entry = fixture("valid-cooperation")
    start = entry.index(b"<cooperation")
    broken = entry[:start] + b"< .\n\n# a comment\n" + entry[start:]
    response = post(client, broken)
    assert response.status_code == 400
    assert response.get_json()["line"] == entry[:start].count(b"\n") + 1


def test_oversized_entry_is_413(client) -> None:
    body = fixture("valid-cooperation") + b"\n" + b"#" * LIMIT
    assert post(client, body).status_code == 413
    form = client.post("/validate", data={"data": body.decode(), "format": "turtle"})
    assert form.status_code == 413


@pytest.mark.parametrize("content_type", ["text/csv", "application/json", ""])
def test_unsupported_type_is_415(client, content_type: str) -> None:
    response = post(client, fixture("valid-cooperation"), content_type)
    assert response.status_code == 415
    assert "text/turtle" in response.get_json()["error"]


def test_report_as_turtle_and_jsonld(client) -> None:
    entry = fixture("invalid-MinistryShape")
    response = post(client, entry, accept="text/turtle")
    assert response.status_code == 200 and response.mimetype == "text/turtle"
    report = Graph().parse(data=response.get_data(as_text=True), format="turtle")
    root = report.value(None, RDF.type, SH.ValidationReport)
    assert str(report.value(root, SH.conforms)) == "false"
    named = {s if isinstance(s, URIRef) else report.value(None, SH.property, s)
             for s in report.objects(None, SH.sourceShape)}
    assert SHAPES.MinistryShape in named
    assert str(report.value(SHAPES.MinistryShape, SH.name)) == "Ministry"
    response = post(client, entry, accept="application/ld+json")
    assert response.mimetype == "application/ld+json"
    jsonld = parse_entry_data(response.get_data(), "json-ld")
    assert len(jsonld) == len(report)


def test_form_shows_a_table(client) -> None:
    page = client.get("/validate")
    assert page.status_code == 200 and b"<textarea" in page.data
    entry = fixture("valid-cooperation").replace(b"<ministry/HND>", b"<ministry/XYZ>")
    response = client.post("/validate", data={"data": entry.decode(), "format": "turtle"})
    assert response.status_code == 200 and response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    assert "Does not conform" in html and "<table" in html
    assert "English label of registry resources" in html
    assert f'href="/id/ministry/XYZ">{ID}ministry/XYZ</a>' in html
    broken = client.post("/validate", data={"data": "<a> <b> .", "format": "turtle"})
    assert broken.status_code == 400 and b"does not parse" in broken.data


@pytest.mark.parametrize("name", ["valid-cooperation", "qc-conflict", "qc-duplicate-article",
                                  "invalid-MinistryShape", "invalid-DateValueShape",
                                  "invalid-PassageShape"])
def test_cli_and_service_give_the_same_result(client, name: str, capsys) -> None:
    code = main(["validate", str(FIXTURES / f"{name}.ttl"), "-f", "json"])
    cli = json.loads(capsys.readouterr().out)
    service = summary(client, fixture(name))
    assert code == (0 if service["conforms"] else 1)
    assert _normalised(cli) == _normalised(service)


def test_concurrent_requests_get_their_own_reports(client) -> None:
    """Entries validated at the same time (threads, as under gunicorn) do not see
    each other: each report equals the one the entry gets alone."""
    from concurrent.futures import ThreadPoolExecutor

    names = ["valid-cooperation", "qc-duplicate-article", "qc-conflict",
             "invalid-MembershipShape", "invalid-ReasoningErrorShape"] * 3
    alone = {name: _normalised(summary(client, fixture(name))) for name in set(names)}
    with ThreadPoolExecutor(6) as pool:
        together = list(pool.map(lambda n: _normalised(summary(client, fixture(n))), names))
    assert together == [alone[n] for n in names]
