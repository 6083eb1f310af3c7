"""The landing page at / and the query editor's move to /query (issue 15 item 1)."""

from __future__ import annotations

from flask.testing import FlaskClient


def test_the_landing_page_is_not_the_editor(client: FlaskClient) -> None:
    page = client.get("/")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'id="yasgui"' not in html
    assert 'href="/query"' in html


def test_old_editor_share_links_go_to_query(client: FlaskClient) -> None:
    # a share link of YASGUI from when the editor was at /: every parameter kept, in order
    shared = ("query=SELECT%20*%20WHERE%20%7B%3Fs%20%3Fp%20%3Fo%7D%20LIMIT%201"
              "&endpoint=http%3A%2F%2Fexample.org%2Fsparql&requestMethod=POST"
              "&tabTitle=Query&headers=%7B%7D&contentTypeConstruct=text%2Fturtle"
              "&contentTypeSelect=application%2Fsparql-results%2Bjson&outputFormat=table")
    answer = client.get("/?" + shared)
    assert answer.status_code == 301
    assert answer.headers["Location"] == "/query?" + shared
    assert client.get(answer.headers["Location"]).status_code == 200
    # any one editor parameter is enough; an unrelated one leaves the landing page
    assert client.get("/?outputFormat=table").headers["Location"] == "/query?outputFormat=table"
    assert client.get("/?utm_source=mail").status_code == 200
