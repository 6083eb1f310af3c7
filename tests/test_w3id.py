"""w3id.org rules (issue 17 item 4): ``deploy/w3id/iacml/.htaccess`` served by Debian's
Apache on loopback, as w3id.org serves it (the folder ``iacml/`` of its document root,
``AllowOverride All``), in front of the app; every IRI form reaches the right page in
the right format."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
import requests
from rdflib import Graph, URIRef

from tests.sparql_live import free_port, live_server

ROOT = Path(__file__).resolve().parent.parent
RULES = ROOT / "deploy" / "w3id" / "iacml" / ".htaccess"
APACHE = Path("/usr/sbin/apache2")
MODULES = Path("/usr/lib/apache2/modules")
BASE = "https://w3id.org/iacml/"

pytestmark = pytest.mark.skipif(not APACHE.exists(), reason="Apache is not installed "
                                "(`make deploy-tools` installs Debian's apache2)")


def _config(root: Path, port: int) -> str:
    # mod_rewrite and what it needs, as w3id.org has them; mod_mime and mod_dir are not
    # needed by the rules (mod_mime would read /etc/apache2/mime.types)
    modules = "\n".join(f"LoadModule {name}_module {MODULES}/mod_{name}.so"
                        for name in ("mpm_event", "authz_core", "rewrite"))
    return f"""{modules}
ServerName 127.0.0.1
Listen 127.0.0.1:{port}
PidFile {root}/httpd.pid
DefaultRuntimeDir {root}
ErrorLog {root}/error.log
LogLevel warn
User www-data
Group www-data
DocumentRoot {root}/www
<Directory {root}/www>
    AllowOverride All
    Require all granted
</Directory>
"""


@pytest.fixture(scope="module")
def w3id() -> Iterator[tuple[str, str]]:
    """(the w3id.org base on the local Apache, the app's base URL)."""
    app = live_server().base
    # Apache's workers run as www-data: the folder must be readable by it
    root = Path(tempfile.mkdtemp(prefix="iacml-w3id-"))
    root.chmod(0o755)
    (root / "www" / "iacml").mkdir(parents=True)
    rules = RULES.read_text(encoding="utf-8")
    served = re.sub(r"\[E=IACML:[^\]]+\]", f"[E=IACML:{app}]", rules)
    assert served != rules, "the host line of the rules was not found"
    (root / "www" / "iacml" / ".htaccess").write_text(served, encoding="utf-8")
    for path in (root / "www", root / "www" / "iacml"):
        path.chmod(0o755)
    port = free_port()
    (root / "httpd.conf").write_text(_config(root, port), encoding="utf-8")
    process = subprocess.Popen([str(APACHE), "-f", str(root / "httpd.conf"), "-DFOREGROUND"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}/iacml/"
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                requests.get(base, allow_redirects=False, timeout=2)
                break
            except requests.ConnectionError:
                assert process.poll() is None, process.stderr.read().decode() if \
                    process.stderr else "apache exited"
                time.sleep(0.1)
        yield base, app
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=20)
        if process.stderr:
            process.stderr.close()
        if os.environ.get("IACML_KEEP_APACHE_LOG"):
            print((root / "error.log").read_text())
        shutil.rmtree(root, ignore_errors=True)


def _via(w3id: tuple[str, str], path: str, accept: str | None, status: int,
         target: str) -> requests.Response:
    """Ask the rules for ``path``: the redirect must have ``status`` and go to the app's
    ``target``; return the app's answer to the redirect."""
    base, app = w3id
    headers = {"Accept": accept} if accept else {}
    first = requests.get(base + path, headers=headers, allow_redirects=False, timeout=30)
    assert first.status_code == status, (path, accept, first.status_code)
    assert first.headers["Location"] == app + target, (path, accept)
    return requests.get(first.headers["Location"], headers=headers, timeout=30)


RESOURCE = "id/country/ARG"
FORMATS = [  # Accept, the suffix the rules choose, the media type the app answers
    ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", ".html", "text/html"),
    ("text/turtle", ".ttl", "text/turtle"),
    ("application/ld+json", ".jsonld", "application/ld+json"),
    ("application/n-triples", ".nt", "application/n-triples"),
    ("application/rdf+xml", ".rdf", "application/rdf+xml"),
    ("application/trig", ".trig", "application/trig"),
    ("application/n-quads", ".nq", "application/n-quads"),
]


@pytest.mark.parametrize(("accept", "suffix", "media"), FORMATS)
def test_a_resource_iri_reaches_its_page_in_the_format_asked(w3id: tuple[str, str],
                                                             accept: str, suffix: str,
                                                             media: str) -> None:
    answer = _via(w3id, RESOURCE, accept, 303, f"/{RESOURCE}{suffix}")
    assert answer.status_code == 200 and answer.headers["Content-Type"].startswith(media)
    if media == "text/html":
        assert "Argentina" in answer.text  # the name the sources print
    else:
        parsed = ox.parse(answer.content, format=ox.RdfFormat.from_media_type(media))
        assert any(q.subject == ox.NamedNode(BASE + RESOURCE) for q in parsed)


def test_a_resource_iri_with_no_accept_and_with_its_own_suffix(w3id: tuple[str, str]) -> None:
    plain = _via(w3id, RESOURCE, "*/*", 303, f"/{RESOURCE}")
    assert plain.status_code == 200 and plain.headers["Content-Type"].startswith("text/turtle")
    own = _via(w3id, RESOURCE + ".jsonld", "text/html", 303, f"/{RESOURCE}.jsonld")
    assert own.headers["Content-Type"].startswith("application/ld+json")


@pytest.mark.parametrize(("accept", "suffix", "media"), [
    ("text/html", ".html", "text/html"), ("text/turtle", ".ttl", "text/turtle"),
    ("application/rdf+xml", ".rdf", "application/rdf+xml"),
    ("application/ld+json", ".jsonld", "application/ld+json"),
    ("application/n-triples", ".nt", "application/n-triples"), ("*/*", "", "text/turtle")])
def test_the_ontology_iri_reaches_its_documentation_or_its_rdf(
        w3id: tuple[str, str], accept: str, suffix: str, media: str) -> None:
    answer = _via(w3id, "ontology", accept, 303, f"/ontology{suffix}")
    assert answer.status_code == 200 and answer.headers["Content-Type"].startswith(media)
    if media == "text/turtle":
        graph = Graph().parse(data=answer.text, format="turtle")
        assert (URIRef(BASE + "ontology#Ministry"), None, None) in graph
    if media == "text/html":
        assert 'id="Ministry"' in answer.text  # a term's fragment has its anchor


def test_an_ontology_version_iri_reaches_the_app(w3id: tuple[str, str]) -> None:
    served = Graph().parse(data=requests.get(w3id[1] + "/ontology.ttl", timeout=30).text,
                           format="turtle")
    version = str(next(served.objects(URIRef(BASE + "ontology"),
                                      URIRef("http://www.w3.org/2002/07/owl#versionIRI"))))
    name = version.removeprefix(BASE + "ontology/")
    answer = _via(w3id, f"ontology/{name}", "text/turtle", 303, f"/ontology/{name}")
    # a released version answers with that release's ontology; one never released
    # (the version before the first release, 0.1.0) with the ontology's page
    released = (ROOT / "releases" / name / "ontology.ttl").exists()
    assert answer.status_code == 200
    assert answer.url.endswith(f"/ontology/{name}" if released else "/ontology"), answer.url
    before = _via(w3id, "ontology/0.1.0", "text/turtle", 303, "/ontology/0.1.0")
    assert before.status_code == 200 and before.url.endswith("/ontology"), before.url


def test_a_graph_iri_reaches_its_entry_in_the_downloads(w3id: tuple[str, str]) -> None:
    answer = _via(w3id, "graph/source/003", None, 303, "/graph/source/003")
    assert answer.status_code == 200 and answer.url.endswith("/download/#source/003")
    assert 'id="source/003"' in answer.text


@pytest.mark.parametrize(("accept", "suffix", "media"), [
    ("text/html", ".html", "text/html"), ("text/turtle", ".ttl", "text/turtle"),
    ("application/ld+json", ".jsonld", "application/ld+json"), ("*/*", "", "text/turtle")])
def test_the_dataset_iri_reaches_its_description(w3id: tuple[str, str], accept: str,
                                                 suffix: str, media: str) -> None:
    answer = _via(w3id, "dataset", accept, 303, f"/dataset{suffix}")
    assert answer.status_code == 200 and answer.headers["Content-Type"].startswith(media)
    if media == "text/turtle":
        graph = Graph().parse(data=answer.text, format="turtle")
        assert (URIRef(BASE + "dataset"), None, None) in graph
    void = _via(w3id, ".well-known/void", "text/turtle", 303, "/.well-known/void")
    assert void.status_code == 200


def test_release_iris_and_their_files_reach_the_downloads(w3id: tuple[str, str]) -> None:
    # the app has no release in this test run: the app's own answer says so
    answer = _via(w3id, "release/2026-12-10", "text/turtle", 303, "/release/2026-12-10")
    assert answer.status_code == 404 and "no release 2026-12-10" in answer.text
    _via(w3id, "release/2026-12-10/iacml.nq.gz", None, 302, "/download/2026-12-10/iacml.nq.gz")


def test_the_sparql_endpoint_keeps_get_and_post(w3id: tuple[str, str]) -> None:
    base, app = w3id
    json_results = {"Accept": "application/sparql-results+json"}
    got = requests.get(base + "sparql", params={"query": "ASK { ?s ?p ?o }"},
                       headers=json_results, timeout=30)
    assert got.history[0].status_code == 307 and got.json()["boolean"] is True
    posted = requests.post(base + "sparql", data={"query": "ASK { ?s ?p ?o }"},
                           headers=json_results, timeout=30)
    assert posted.history[0].status_code == 307 and posted.request.method == "POST"
    assert posted.json()["boolean"] is True


def test_the_landing_page(w3id: tuple[str, str]) -> None:
    base, app = w3id
    first = requests.get(base, allow_redirects=False, timeout=30)
    assert first.status_code == 302 and first.headers["Location"] == app + "/"
