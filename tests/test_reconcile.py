"""``/reconcile`` (issue 16): the Reconciliation Service API 0.2 with the Flask test client.

Every JSON answer here is validated against the matching schema of the 0.2 suite
(``tests/reconciliation-api-0.2``); expected values come from the reference tables.
The hostile inputs a client could send are sent, and each gets a 4xx with a message.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from server.ops.admission import Admission
from server.ops.ratelimit import RateLimiter
from server.reconcile.routes import PREVIEW_CSP
from tests.recon_schemas import check

ROOT = Path(__file__).resolve().parent.parent
JSON = {"Accept": "application/json"}


def _rows(name: str) -> list[dict[str, str]]:
    with (ROOT / "data" / "reference" / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _ok(response: Any) -> Any:
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    return response.get_json()


def test_manifest(client: FlaskClient) -> None:
    manifest = _ok(client.get("/reconcile", headers=JSON))
    check("manifest", manifest)
    assert manifest["identifierSpace"] == "https://w3id.org/iacml/id/"
    assert manifest["schemaSpace"] == "https://w3id.org/iacml/ontology#"
    assert manifest["view"]["url"] == "http://localhost/id/{{id}}"
    assert {t["id"] for t in manifest["defaultTypes"]} >= {
        "Country", "Organization", "Conference", "Activity", "Topic"}
    # the view template leads to the resource page of an id
    page = client.get(manifest["view"]["url"].replace("{{id}}", "country/BRB")
                      .removeprefix("http://localhost"), headers={"Accept": "text/html"})
    assert page.status_code == 200 and "Barbados" in page.get_data(as_text=True)


def test_any_client_gets_the_manifest_and_a_browser_the_page(client: FlaskClient) -> None:
    check("manifest", _ok(client.get("/reconcile", headers={"Accept": "*/*"})))
    page = client.get("/reconcile", headers={"Accept": "text/html,*/*;q=0.8"})
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and page.mimetype == "text/html"
    assert "OpenRefine" in html and "<code class=\"service-url\">http://localhost/reconcile" in html
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]
    tried = client.get("/reconcile?name=Trinidad+%26+Tobago&type=Country",
                       headers={"Accept": "text/html"}).get_data(as_text=True)
    assert 'href="/id/country/TTO">Trinidad and Tobago</a>' in tried
    hostile = client.get("/reconcile?name=%3Cscript%3Ealert(1)%3C/script%3E",
                         headers={"Accept": "text/html"}).get_data(as_text=True)
    assert "<script>alert" not in hostile and "&lt;script&gt;alert(1)" in hostile


def test_single_query_as_text_or_object_get_or_post(client: FlaskClient) -> None:
    for response in (client.get("/reconcile?query=Barbados"),
                     client.get("/reconcile", query_string={"query": json.dumps(
                         {"query": "Barbados", "type": "Country"})}),
                     client.post("/reconcile", data={"query": "Barbados"})):
        body = _ok(response)
        check("reconciliation-result-batch", {"q0": body})
        assert body["result"][0]["id"] == "country/BRB" and body["result"][0]["match"]


def test_batch_get_and_post_agree(client: FlaskClient) -> None:
    queries = json.dumps({"a": {"query": "Jamaica"}, "b": {"query": "Ministerio de Trabajo"}})
    posted = _ok(client.post("/reconcile", data={"queries": queries}))
    check("reconciliation-result-batch", posted)
    assert _ok(client.get("/reconcile", query_string={"queries": queries})) == posted
    top = posted["a"]["result"][0]
    assert top["id"] == "country/JAM" and top["type"][0] == {"id": "Country", "name": "Country"}
    assert {f["id"] for f in top["features"]} == {"name", "name_is_alias"}


def test_type_limit_and_properties(client: FlaskClient) -> None:
    query = {"q": {"query": "Labor", "limit": 3}}
    body = _ok(client.post("/reconcile", data={"queries": json.dumps(query)}))
    assert len(body["q"]["result"]) == 3
    query = {"q": {"query": "Labor", "limit": 10_000}}
    body = _ok(client.post("/reconcile", data={"queries": json.dumps(query)}))
    assert len(body["q"]["result"]) == 25  # IACML_RECONCILE_MAX_LIMIT
    for type_id in ("Ministry", "https://w3id.org/iacml/ontology#Ministry", ["Ministry"]):
        body = _ok(client.post("/reconcile", data={"queries": json.dumps(
            {"q": {"query": "Labor", "type": type_id}})}))
        assert body["q"]["result"] and all(
            "Ministry" in [t["id"] for t in c["type"]] for c in body["q"]["result"])
    # a contradicting country lowers the score of the right name
    plain, wrong = (
        {c["id"]: c for c in _ok(client.post("/reconcile", data={"queries": json.dumps({"q": {
            "query": "Ministry of Labor of Costa Rica", **extra}})}))["q"]["result"]}
        for extra in ({}, {"properties": [{"pid": "country", "v": "Peru"}]}))
    assert plain["ministry/CRI"]["match"] and plain["ministry/CRI"]["score"] == 100
    assert wrong["ministry/CRI"]["score"] == 70 and not wrong["ministry/CRI"]["match"]
    assert {"id": "property_country", "value": False} in wrong["ministry/CRI"]["features"]
    assert wrong["ministry/PER"]["score"] == plain["ministry/PER"]["score"] + 10


def test_suggest(client: FlaskClient) -> None:
    entities = _ok(client.get("/reconcile/suggest/entity?prefix=Trin"))
    check("suggest-entities-response", entities)
    assert entities["result"][0]["id"] == "country/TTO"
    typed = _ok(client.get("/reconcile/suggest/entity?prefix=Trin&type=Ministry"))
    assert [e["id"] for e in typed["result"]] == ["ministry/TTO"]
    types = _ok(client.get("/reconcile/suggest/type?prefix=minis"))
    check("suggest-types-response", types)
    assert {"id": "Ministry", "name": "Ministry"} in types["result"]
    properties = _ok(client.get("/reconcile/suggest/property?prefix=wiki"))
    check("suggest-properties-response", properties)
    assert [p["id"] for p in properties["result"]] == ["wikidata"]
    assert client.get("/reconcile/suggest/nothing?prefix=a").status_code == 404


def test_property_proposal(client: FlaskClient) -> None:
    proposal = _ok(client.get("/reconcile/properties?type=Country"))
    check("data-extension-property-proposal", proposal)
    offered = [p["id"] for p in proposal["properties"]]
    assert {"wikidata", "geonames", "dbpedia", "iso_alpha2", "iso_alpha3", "label_en",
            "label_es"} <= set(offered)
    assert "provider" not in offered  # no country provides anything


def _extend(client: FlaskClient, ids: list[str], properties: list[str]) -> Any:
    query = {"ids": ids, "properties": [{"id": p} for p in properties]}
    check("data-extension-query", query)
    body = _ok(client.post("/reconcile", data={"extend": json.dumps(query)}))
    check("data-extension-response", body)
    return body


def test_extension_returns_the_identifiers_of_the_reference_tables(client: FlaskClient) -> None:
    """Every country's Wikidata QID, GeoNames id, DBpedia resource and ISO codes are those
    of its row, and its labels its English and Spanish names."""
    rows = _rows("countries.csv")
    ids = [f"country/{r['iso_alpha3']}" for r in rows]
    wanted = ["wikidata", "geonames", "dbpedia", "iso_alpha2", "iso_alpha3", "label_en",
              "label_es"]
    body = _extend(client, ids, wanted)
    for row, identifier in zip(rows, ids, strict=True):
        got = body["rows"][identifier]
        assert got["wikidata"] == [{"str": row["wikidata_qid"]}], identifier
        assert got["geonames"] == [{"str": row["geonames_id"]}], identifier
        assert got["dbpedia"] == [{"str": "http://dbpedia.org/resource/"
                                   + row["dbpedia_resource"]}], identifier
        assert got["iso_alpha2"] == [{"str": row["iso_alpha2"]}]
        assert got["iso_alpha3"] == [{"str": row["iso_alpha3"]}]
        assert got["label_en"] == [{"str": row["name_en"]}]
        assert got["label_es"] == [{"str": row["name_es"]}]


def test_extension_invents_nothing(client: FlaskClient) -> None:
    """Organizations: the QID of the table's row, none where the row has none; an id the
    graph does not hold and a property the service does not know get no values."""
    keys = {r["name_en"]: r["key"] for r in _rows("keys.csv") if r["table"] == "organizations"}
    rows = [r for r in _rows("organizations.csv") if r["name_en"] in keys]
    body = _extend(client, [keys[r["name_en"]] for r in rows] + ["country/XXX"],
                   ["wikidata", "no-such-property"])
    for row in rows:
        got = body["rows"][keys[row["name_en"]]]
        assert got["wikidata"] == ([{"str": row["wikidata_qid"]}] if row["wikidata_qid"]
                                   else []), row["name_en"]
        assert got["no-such-property"] == []
    assert body["rows"]["country/XXX"] == {"wikidata": [], "no-such-property": []}


def test_extension_of_activities(client: FlaskClient) -> None:
    body = _extend(client, ["activity/20/compliance-workshop-san-jose"],
                   ["start_date", "year", "location", "country"])
    got = body["rows"]["activity/20/compliance-workshop-san-jose"]
    # "held on December 6 and 7, 2018 in San José, Costa Rica"
    assert got["start_date"] == [{"str": "2018-12-06"}] and got["year"] == [{"str": "2018"}]
    assert got["location"] == [{"id": "city/san-jose", "name": "San José"}]
    assert got["country"] == [{"id": "country/CRI", "name": "Costa Rica"}]


def test_preview(client: FlaskClient) -> None:
    card = client.get("/reconcile/preview?id=country/TTO")
    html = card.get_data(as_text=True)
    assert card.status_code == 200 and card.mimetype == "text/html"
    assert "Trinidad and Tobago" in html and "Trinidad y Tobago" in html and "Q754" in html
    assert card.headers["Content-Security-Policy"] == PREVIEW_CSP
    missing = client.get("/reconcile/preview?id=%3Cimg%20src=x%20onerror=alert(1)%3E")
    text = missing.get_data(as_text=True)
    assert missing.status_code == 404 and "<img" not in text and "&lt;img" in text


def test_cors_preflight(client: FlaskClient) -> None:
    response = client.options("/reconcile", headers={
        "Origin": "http://127.0.0.1:3333", "Access-Control-Request-Method": "POST"})
    assert response.status_code == 204
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "POST" in response.headers["Access-Control-Allow-Methods"]


HOSTILE = [
    ({"queries": "{not json"}, "not valid JSON"),
    ({"queries": "[1, 2]"}, "non-empty JSON object"),
    ({"queries": "{}"}, "non-empty JSON object"),
    ({"queries": json.dumps({f"q{i}": {"query": "x"} for i in range(51)})},
     "IACML_RECONCILE_MAX_BATCH"),
    ({"queries": json.dumps({"q": {"query": "x" * 201}})}, "IACML_RECONCILE_MAX_CHARS"),
    ({"queries": json.dumps({"q": {"query": "x", "limit": "ten"}})}, "limit"),
    ({"queries": json.dumps({"q": {"query": "x", "limit": -1}})}, "limit"),
    ({"queries": json.dumps({"q": {"query": ["x"]}})}, "must be a string"),
    ({"queries": json.dumps({"q": {"query": ""}})}, "needs a name"),
    ({"queries": json.dumps({"q": {"query": "x", "properties": {"country": "Peru"}}})},
     "properties must be a list"),
    ({"queries": json.dumps({"q": {"query": "x", "properties": [{"pid": "country"}]}})},
     "pid"),
    ({"queries": json.dumps({"q": {"query": "x", "properties": [
        {"pid": "country", "v": [{"id": {"id": "x"}}]}]}})}, "property value"),
    ({"queries": json.dumps({"q": {"query": "x", "type": [1]}})}, "type"),
    ({"queries": json.dumps({"k" * 101: {"query": "x"}})}, "key"),
    ({"queries": "[" * 10_000 + "]" * 10_000}, "nested deeper"),
    ({"queries": '{"q": ' * 50 + "1" + "}" * 50}, "nested deeper"),
    ({"query": '{"query": 1, '}, "not valid JSON"),
    ({"extend": '{"ids": "country/TTO"}'}, "extend must be"),
    ({"extend": json.dumps({"ids": ["x"] * 51, "properties": []})}, "at most 50 ids"),
    ({"extend": json.dumps({"ids": ["x"], "properties": ["wikidata"]})}, '{"id": "wikidata"}'),
]


@pytest.mark.parametrize(("data", "said"), HOSTILE, ids=[str(i) for i in range(len(HOSTILE))])
def test_hostile_input_gets_400_with_a_message(client: FlaskClient, data: dict[str, str],
                                               said: str) -> None:
    for response in (client.post("/reconcile", data=data),
                     client.get("/reconcile", query_string=data)):
        if response.status_code == 414:  # a GET too long for the URL limit: refused earlier
            continue
        assert response.status_code == 400, (data, response.get_data(as_text=True)[:300])
        assert response.mimetype == "application/json"
        assert said in response.get_json()["message"]


def test_oversized_body_is_413(client: FlaskClient, app: Flask) -> None:
    big = "x" * (app.config["IACML_MAX_REQUEST_BYTES"] + 1)
    assert client.post("/reconcile", data={"queries": big}).status_code == 413


def test_jsonp_is_refused(client: FlaskClient) -> None:
    for response in (client.get("/reconcile?callback=alert&query=Peru"),
                     client.post("/reconcile", data={"callback": "x", "query": "Peru"}),
                     client.get("/reconcile/suggest/entity?prefix=Pe&callback=f")):
        assert response.status_code == 400
        assert response.mimetype == "application/json"
        assert "JSONP" in response.get_json()["message"]
        assert not response.get_data(as_text=True).startswith("alert")


def test_fair_share_like_sparql(client: FlaskClient, app: Flask) -> None:
    """Matching time is charged to the client's share of query time: with a share of
    1 ms per minute, the second batch is refused until it refills."""
    saved = app.extensions["iacml.admission"]
    app.extensions["iacml.admission"] = Admission(2, 0.001, 10.0)
    batch = {"queries": json.dumps({f"q{i}": {"query": "Labor"} for i in range(20)})}
    try:
        first = client.post("/reconcile", data=batch)
        second = client.post("/reconcile", data=batch)
        manifest = client.get("/reconcile", headers=JSON)
    finally:
        app.extensions["iacml.admission"] = saved
    assert first.status_code == 200 and manifest.status_code == 200
    assert second.status_code == 429 and second.headers["Retry-After"]
    assert "IACML_CLIENT_QUERY_SECONDS" in second.get_json()["message"]


def test_rate_limit_like_sparql(client: FlaskClient, app: Flask) -> None:
    saved = app.extensions["iacml.ratelimit"]
    app.extensions["iacml.ratelimit"] = RateLimiter(2)
    try:
        statuses = [client.get("/reconcile?query=Peru").status_code for _ in range(3)]
        refused = client.get("/reconcile?query=Peru")
    finally:
        app.extensions["iacml.ratelimit"] = saved
    assert statuses == [200, 200, 429] and refused.status_code == 429
    assert refused.headers["Retry-After"] and "IACML_RATE_LIMIT" in refused.get_json()["message"]


def test_the_worked_example_of_docs_linking(client: FlaskClient) -> None:
    """docs/linking.md's example request gives the first candidates its table says."""
    text = (ROOT / "docs" / "linking.md").read_text(encoding="utf-8")
    request = text.split("<!-- example-queries -->", 1)[1].split("```json", 1)[1]
    queries = request.split("```", 1)[0]
    body = _ok(client.post("/reconcile", data={"queries": queries}))
    check("reconciliation-result-batch", body)
    table = text.split("<!-- example-answers -->", 1)[1].strip().split("\n\n", 1)[0]
    rows = [[cell.strip(" `") for cell in line.strip("|").split("|")]
            for line in table.splitlines()[2:]]
    assert len(rows) == 3
    for key, identifier, name, score, match in rows:
        top = body[key]["result"][0]
        assert (top["id"], top["name"], top["score"], str(top["match"]).lower()) == (
            identifier, name, float(score), match)
