"""The deployment recipe (issue 17 item 5), run as docs/deploy.md says:
``deploy/nginx/iacml.conf`` on Debian's nginx with a self-signed certificate (openssl)
in front of ``iacml serve`` on loopback (TLS, redirects, headers, compression, cache
headers, a guarded write through it); then ``iacml backup``, the instance wiped,
``iacml restore``, a new server, and every acknowledged write is there."""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tarfile
import tempfile
import time
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from server.front.nginx import nginx_binary
from tests.sparql_live import LiveServer, free_port, live_server

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
IACML = Path(sys.executable).with_name("iacml")
FIXTURES = ROOT / "tests" / "fixtures" / "entries"
SUB = "https://w3id.org/iacml/graph/submissions/"
TOKEN = "deploy-s3cret"
AUTH = {"Authorization": f"Bearer {TOKEN}"}

pytestmark = pytest.mark.skipif(nginx_binary() is None or shutil.which("openssl") is None,
                                reason="nginx and openssl (make nginx deploy-tools) are needed")


@dataclass
class Site:
    """The public front and the app behind it."""

    https: str
    http: str
    cert: Path
    folder: Path
    settings: dict[str, str]
    nginx: subprocess.Popen[bytes] | None = None

    def app(self) -> LiveServer:
        """The app (started again after a stop, with the same settings)."""
        return live_server(**self.settings)

    def configure(self, app: LiveServer) -> None:
        """Write the front's configuration for ``app`` (reloaded if nginx runs)."""
        ports = [int(u.rsplit(":", 1)[1]) for u in (self.http, self.https)]
        (self.folder / "site.conf").write_text(render(
            (DEPLOY / "nginx" / "iacml.conf").read_text(encoding="utf-8"), self.folder,
            int(app.base.rsplit(":", 1)[1]), *ports), encoding="utf-8")
        if self.nginx is not None:
            self.nginx.send_signal(signal.SIGHUP)  # nginx reloads its configuration
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline and requests.get(
                    self.https + "/health", verify=str(self.cert), timeout=30).status_code != 200:
                time.sleep(0.2)


def render(conf: str, folder: Path, app_port: int, http: int, https: int) -> str:
    """deploy/nginx/iacml.conf for this loopback test: ports, certificate, log files."""
    conf = conf.replace("server 127.0.0.1:5000;", f"server 127.0.0.1:{app_port};")
    conf = re.sub(r"\n\s*listen \[::\]:\d+[^;]*;", "", conf)
    conf = conf.replace("listen 80;", f"listen 127.0.0.1:{http};")
    conf = conf.replace("listen 443 ssl http2;", f"listen 127.0.0.1:{https} ssl http2;")
    conf = conf.replace("/etc/letsencrypt/live/kg.iacml.example/", f"{folder}/")
    conf = conf.replace("server_name kg.iacml.example;", "server_name localhost;")
    conf = conf.replace("/var/log/nginx/", f"{folder}/").replace("/var/www/", f"{folder}/")
    body = "\n".join(line for line in conf.splitlines() if not line.lstrip().startswith("#"))
    assert "kg.iacml.example" not in body and ":5000" not in body
    return conf


def _main_conf(folder: Path) -> str:
    temp = "\n".join(f"    {kind}_temp_path {folder}/{kind};"
                     for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    user = "user root;\n" if os.geteuid() == 0 else ""
    return (f"{user}worker_processes 1;\npid {folder}/nginx.pid;\nerror_log {folder}/error.log;\n"
            f"daemon off;\nevents {{ worker_connections 256; }}\nhttp {{\n"
            f"    default_type application/octet-stream;\n{temp}\n"
            f"    include {folder}/site.conf;\n}}\n")


def _certificate(folder: Path) -> Path:
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-subj", "/CN=localhost", "-addext",
                    "subjectAltName=DNS:localhost,IP:127.0.0.1",
                    "-keyout", str(folder / "privkey.pem"), "-out", str(folder / "fullchain.pem")],
                   check=True, capture_output=True, timeout=60)
    return folder / "fullchain.pem"


@pytest.fixture(scope="module")
def site() -> Iterator[Site]:
    folder = Path(tempfile.mkdtemp(prefix="iacml-deploy-"))
    (folder / "instance").mkdir()
    (folder / "instance" / "config.py").write_text(
        '# instance settings of this test\nIACML_ROW_CAP = 5000\n', encoding="utf-8")
    settings = {"IACML_TRUST_PROXY": "true", "IACML_WRITE_TOKEN": f"deploy:{TOKEN}",
                "IACML_JOURNAL": str(folder / "instance" / "journal.jsonl"),
                "IACML_WEB_WORKERS": "1"}
    cert = _certificate(folder)
    site = Site(f"https://localhost:{free_port()}", f"http://127.0.0.1:{free_port()}", cert,
                folder, settings)
    site.configure(site.app())
    https = int(site.https.rsplit(":", 1)[1])
    (folder / "nginx.conf").write_text(_main_conf(folder), encoding="utf-8")
    nginx = str(nginx_binary())
    tested = subprocess.run([nginx, "-t", "-p", str(folder), "-c", str(folder / "nginx.conf")],
                            capture_output=True, text=True, check=False)
    assert tested.returncode == 0, tested.stderr
    process = subprocess.Popen([nginx, "-p", str(folder), "-c", str(folder / "nginx.conf")],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    site.nginx = process
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", https), timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        yield site
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=20)
        shutil.rmtree(folder, ignore_errors=True)


def _get(site: Site, path: str, **kwargs: object) -> requests.Response:
    return requests.get(site.https + path, verify=str(site.cert), timeout=60, **kwargs)


def test_tls_with_the_certificate_and_no_old_protocol(site: Site) -> None:
    context = ssl.create_default_context(cafile=str(site.cert))
    port = int(site.https.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port), timeout=10) as raw, \
            context.wrap_socket(raw, server_hostname="localhost") as tls:
        assert tls.version() in ("TLSv1.2", "TLSv1.3")
    with warnings.catch_warnings():  # Python deprecates TLS 1.1: the point of the check
        warnings.simplefilter("ignore", DeprecationWarning)
        old = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        old.check_hostname, old.verify_mode = False, ssl.CERT_NONE
        old.minimum_version = old.maximum_version = ssl.TLSVersion.TLSv1_1
        old.set_ciphers("DEFAULT@SECLEVEL=0")
    with socket.create_connection(("127.0.0.1", port), timeout=10) as raw, \
            pytest.raises(ssl.SSLError):
        old.wrap_socket(raw, server_hostname="localhost")
    with pytest.raises(requests.exceptions.SSLError):  # an unknown certificate is refused
        requests.get(site.https + "/health", timeout=30)


def test_plain_http_is_sent_to_https(site: Site) -> None:
    answer = requests.get(site.http + "/id/country/ARG?x=1", headers={"Host": "localhost"},
                          allow_redirects=False, timeout=30)
    assert answer.status_code == 301
    assert answer.headers["Location"] == "https://localhost/id/country/ARG?x=1"


def test_headers_compression_and_cache(site: Site) -> None:
    page = _get(site, "/id/country/ARG.ttl")
    assert page.status_code == 200 and page.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in page.headers["Vary"]
    assert page.headers["Strict-Transport-Security"].startswith("max-age=")
    assert page.headers["Cache-Control"] == "public, max-age=300"
    assert "Argentina" in page.text
    assert _get(site, "/health").headers["Cache-Control"] == "no-store"
    listing = _get(site, "/download/?format=json").json()
    dump = _get(site, "/download/" + listing["files"][0]["file"], stream=True)
    assert dump.headers["Cache-Control"] == "public, max-age=300"
    assert "Content-Encoding" not in dump.headers  # gzip files are not compressed twice
    dump.close()
    assert "Server" not in page.headers or "nginx/" not in page.headers["Server"]


def test_the_app_sees_the_public_scheme_and_host(site: Site) -> None:
    description = _get(site, "/sparql", headers={"Accept": "text/turtle"}).text
    assert f"<{site.https}/sparql>" in description


def _put(site: Site, graph: str, body: bytes, auth: bool = True) -> requests.Response:
    headers = {"Content-Type": "text/turtle", **(AUTH if auth else {})}
    return requests.put(site.https + "/graph", params={"graph": SUB + graph}, data=body,
                        headers=headers, verify=str(site.cert), timeout=120)


def _count(site: Site, graph: str) -> int:
    answer = _get(site, "/sparql", params={
        "query": f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{SUB}{graph}> {{ ?s ?p ?o }} }}"},
        headers={"Accept": "application/sparql-results+json"})
    return int(answer.json()["results"]["bindings"][0]["n"]["value"])


def _update(site: Site, graph: str, comment: str) -> requests.Response:
    text = (f"INSERT DATA {{ GRAPH <{SUB}{graph}> {{ <https://w3id.org/iacml/id/cooperation/"
            f"20/col-hnd-child-labor> <http://www.w3.org/2000/01/rdf-schema#comment> "
            f'"{comment}" }} }}')
    return requests.post(site.https + "/sparql", data={"update": text}, headers=AUTH,
                         verify=str(site.cert), timeout=120)


@pytest.fixture(scope="module")
def acknowledged(site: Site) -> dict[str, int]:
    """Writes through the public front: graph -> triples after its last acknowledged write."""
    entry = (FIXTURES / "valid-cooperation.ttl").read_bytes()
    done: dict[str, int] = {}
    answer = _put(site, "deploy-a", entry)
    assert answer.status_code == 201, answer.text
    done["deploy-a"] = answer.json()["triples_after"]
    for n in range(3):
        answer = _update(site, "deploy-a", f"checked {n}")
        assert answer.status_code == 200, answer.text
        done["deploy-a"] = answer.json()["triples_after"]
    answer = _put(site, "deploy-b", entry)
    assert answer.status_code == 201, answer.text
    done["deploy-b"] = answer.json()["triples_after"]
    refused = _put(site, "deploy-c", entry.replace(b"<ministry/HND>", b"<ministry/XYZ>"))
    assert refused.status_code == 409
    return done


def test_a_guarded_write_through_the_front(site: Site, acknowledged: dict[str, int]) -> None:
    assert _put(site, "deploy-z", b"", auth=False).status_code == 401
    for graph, triples in acknowledged.items():
        assert _count(site, graph) == triples
    assert _count(site, "deploy-c") == 0


def test_backup_wipe_restore_finds_every_acknowledged_write(
        site: Site, acknowledged: dict[str, int]) -> None:
    instance = site.folder / "instance"
    archive = site.folder / "backup.tar.gz"
    options = ["--journal", str(instance / "journal.jsonl"),
               "--config", str(instance / "config.py")]
    made = subprocess.run([str(IACML), "backup", "--out", str(archive), *options],
                          capture_output=True, text=True, check=False, timeout=120)
    assert made.returncode == 0, made.stderr
    assert oct(archive.stat().st_mode & 0o777) == "0o600"  # it may hold write tokens
    # (the journal's snapshots are not backed up: made again from the build's store and
    # the restored journal by the next server, which the counts below check)
    before = {p.name: p.read_bytes() for p in instance.iterdir()
              if p.name not in ("journal.jsonl.lock", "journal.snapshots")}
    site.app().stop()
    shutil.rmtree(instance)
    # a damaged archive is refused before anything is written
    damaged = site.folder / "damaged.tar.gz"
    with tarfile.open(archive) as good, tarfile.open(damaged, "w:gz") as bad:
        for member in good.getmembers():
            data = good.extractfile(member).read()  # type: ignore[union-attr]
            if member.name.endswith("journal.jsonl"):
                data = data.replace(b"checked 2", b"checked 9")
            bad.addfile(member, __import__("io").BytesIO(data))
    refused = subprocess.run([str(IACML), "restore", str(damaged), *options],
                             capture_output=True, text=True, check=False, timeout=120)
    assert refused.returncode == 2 and "damaged" in refused.stderr and not instance.exists()
    restored = subprocess.run([str(IACML), "restore", str(archive), *options],
                              capture_output=True, text=True, check=False, timeout=120)
    assert restored.returncode == 0, restored.stderr
    assert {p.name: p.read_bytes() for p in instance.iterdir()
            if p.name != "journal.jsonl.lock"} == before
    again = subprocess.run([str(IACML), "restore", str(archive), *options],
                           capture_output=True, text=True, check=False, timeout=120)
    assert again.returncode == 2 and "holds" in again.stderr  # never over writes silently
    site.configure(site.app())  # a new server over the restored instance
    for graph, triples in acknowledged.items():
        assert _count(site, graph) == triples, graph
    assert _count(site, "deploy-c") == 0


@pytest.mark.skipif(shutil.which("logrotate") is None and not Path("/usr/sbin/logrotate").exists(),
                    reason="logrotate is not installed (make deploy-tools)")
def test_log_rotation_keeps_the_open_file(tmp_path: Path) -> None:
    """deploy/logrotate/iacml rotates the service's log by copying and truncating it: the
    file the service holds open stays the one written, and the old lines are kept."""
    rule = (DEPLOY / "logrotate" / "iacml").read_text(encoding="utf-8")
    rule = rule.replace("/var/log/iacml/", f"{tmp_path}/").replace("    su iacml iacml\n", "")
    (tmp_path / "rule").write_text(rule, encoding="utf-8")
    log = tmp_path / "iacml.log"
    with log.open("a", encoding="utf-8") as service:  # as systemd's StandardError=append:
        service.write('{"path": "/before"}\n')
        service.flush()
        logrotate = shutil.which("logrotate") or "/usr/sbin/logrotate"
        done = subprocess.run([logrotate, "--force", "--state", str(tmp_path / "state"),
                               str(tmp_path / "rule")], capture_output=True, text=True,
                              check=False, timeout=60)
        assert done.returncode == 0, done.stderr
        service.write('{"path": "/after"}\n')
    assert (tmp_path / "iacml.log.1").read_text(encoding="utf-8") == '{"path": "/before"}\n'
    assert log.read_text(encoding="utf-8").strip("\0") == '{"path": "/after"}\n'


def test_the_systemd_unit_runs_a_command_the_cli_accepts(tmp_path: Path) -> None:
    """deploy/systemd/iacml.service: its command and settings are the project's, and
    systemd's own checker accepts it (paths put where this checkout is)."""
    from iacml.cli import parser
    from server.settings import BY_NAME
    unit = (DEPLOY / "systemd" / "iacml.service").read_text(encoding="utf-8")
    start = re.search(r"^ExecStart=/srv/iacml/\.venv/bin/iacml (.+)$", unit, re.MULTILINE)
    assert start, "ExecStart runs the checkout's iacml"
    args = parser().parse_args(start.group(1).split())
    assert (args.command, args.host, args.port) == ("serve", "127.0.0.1", 5000)
    settings = re.findall(r"^Environment=(\w+)=", unit, re.MULTILINE)
    assert settings and all(name in BY_NAME for name in settings)
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is not installed")
    local = unit.replace("/srv/iacml", str(ROOT)).replace("/var/log/iacml", str(tmp_path))
    local = re.sub(r"^(User|Group)=iacml$", r"\1=root", local, flags=re.MULTILINE)
    (tmp_path / "iacml.service").write_text(local, encoding="utf-8")
    checked = subprocess.run([analyze, "verify", str(tmp_path / "iacml.service")],
                             capture_output=True, text=True, check=False, timeout=60)
    problems = [line for line in (checked.stdout + checked.stderr).splitlines()
                if "iacml.service" in line]
    assert checked.returncode == 0 and not problems, checked.stdout + checked.stderr
