"""Safe HTML (issue 19, finding 7): only http, https and mailto IRIs become links, and
every HTML answer carries the security headers.

The browser half (every page under the policy, no console error) is in
tests/test_html_safety_browser.py.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from server.ui.htmlsafety import safe_href

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "entries"
SUB = "https://w3id.org/iacml/graph/submissions/"
COOP = "https://w3id.org/iacml/id/cooperation/20/col-hnd-child-labor"
SEE_ALSO = "http://www.w3.org/2000/01/rdf-schema#seeAlso"
UNSAFE = ["javascript:alert(document.domain)", "JavaScript:alert(1)", "data:text/html,hello",
          "vbscript:msgbox(1)", "file:///etc/passwd"]
#: Every route that answers HTML, with what it needs.
HTML_PAGES = ["/", "/query", "/validate", "/-/settings?format=html", "/search?q=labor", "/ontology",
              "/dataset", "/downloads", "/timeline", "/map", "/id/country/COL",
              "/sparql?format=html&query=ASK%20%7B%7D", "/id/no-such-thing"]


@pytest.fixture(scope="module")
def app(dataset_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """An app with writes on for alice."""
    from server.app import create_app

    application = create_app({
        "IACML_DATASET": str(dataset_path), "IACML_RATE_LIMIT": 0, "IACML_QUERY_WORKERS": 1,
        "IACML_WRITE_TOKEN": "alice:T1",
        "IACML_CACHE_DIR": str(tmp_path_factory.mktemp("cache")),
        "IACML_JOURNAL": str(tmp_path_factory.mktemp("instance") / "journal.jsonl")})
    yield application
    application.extensions["iacml.backend"].close()


def _hrefs(html: str) -> list[str]:
    return re.findall(r'href="([^"]*)"', html)


def test_only_http_https_and_mailto_are_links() -> None:
    for iri in UNSAFE:
        assert safe_href(iri) is None
    for iri in ("https://example.org/a", "http://example.org/", "mailto:a@example.org",
                "/id/country/COL", "#x", "?format=json"):
        assert safe_href(iri) == iri
    assert safe_href("relative/path") is None  # a page never links to a bare relative


def test_the_finding_a_javascript_iri_in_results_is_text(client: FlaskClient) -> None:
    values = " ".join(f"<{iri}>" for iri in UNSAFE[:2]) + " <https://example.org/safe>"
    resp = client.get("/sparql", query_string={
        "format": "html", "query": f"SELECT ?x WHERE {{ VALUES ?x {{ {values} }} }}"})
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    assert "javascript:alert(document.domain)</td>" in html  # shown, as text
    assert not any(h.lower().startswith(("javascript:", "data:")) for h in _hrefs(html))
    assert 'href="https://example.org/safe"' in html


def test_a_written_javascript_see_also_is_text_on_the_resource_page(
        client: FlaskClient) -> None:
    entry = (FIXTURES / "valid-cooperation.ttl").read_text(encoding="utf-8")
    entry += "".join(f"\n<{COOP}> <{SEE_ALSO}> <{iri}> ." for iri in UNSAFE)
    resp = client.put("/graph", query_string={"graph": SUB + "alice-links"},
                      data=entry.encode(), headers={"Authorization": "Bearer T1",
                                                    "Content-Type": "text/turtle"})
    assert resp.status_code == 201, resp.data
    page = client.get("/id/cooperation/20/col-hnd-child-labor",
                      headers={"Accept": "text/html"}).get_data(as_text=True)
    assert "javascript:alert(document.domain)" in page  # shown...
    unsafe = [h for h in _hrefs(page)
              if h.lower().startswith(("javascript:", "data:", "vbscript:", "file:"))]
    assert unsafe == []  # ...never as a link


def test_every_html_page_carries_the_security_headers(client: FlaskClient) -> None:
    for path in HTML_PAGES:
        resp = client.get(path, headers={"Accept": "text/html"})
        assert resp.mimetype == "text/html", (path, resp.status_code, resp.mimetype)
        headers = resp.headers
        policy = headers.get("Content-Security-Policy", "")
        assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy, path
        assert "unsafe-eval" not in policy and "'unsafe-inline'" not in \
            policy.split("script-src")[1].split(";")[0], path
        assert headers.get("X-Content-Type-Options") == "nosniff", path
        assert headers.get("X-Frame-Options") == "DENY", path
        assert headers.get("Referrer-Policy"), path
        # no inline script runs under the policy: every <script> has a src or holds data
        # (JSON, or the schema.org JSON-LD of issue 17, which browsers never execute)
        for tag in re.findall(r"<script\b[^>]*>", resp.get_data(as_text=True)):
            assert "src=" in tag or re.search(r'type="application/(ld\+)?json"', tag), \
                (path, tag)


def test_other_answers_say_nosniff(client: FlaskClient) -> None:
    resp = client.get("/sparql", query_string={"query": "ASK {}"})
    assert resp.headers.get("X-Content-Type-Options") == "nosniff"
