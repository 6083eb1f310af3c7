"""``iacml serve`` (what ``make serve`` runs) serves the built graph with nginx in front of
granian, and curl gets an answer: the acceptance check of the foundation issue."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def served(dataset_path: Path, tmp_path_factory: pytest.TempPathFactory):
    port = free_port()
    iacml = Path(sys.executable).with_name("iacml")
    log = tmp_path_factory.mktemp("serve") / "serve.log"
    with log.open("wb") as out:
        process = subprocess.Popen([str(iacml), "serve", "--port", str(port)], cwd=ROOT,
                                   stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"iacml serve exited: {log.read_text()[-2000:]}")
        try:
            if requests.get(f"{base}/health", timeout=5).status_code == 200:
                break
        except requests.RequestException:
            time.sleep(0.2)
    else:
        process.kill()
        pytest.fail("iacml serve did not answer /health within 60 s")
    yield base, process.pid
    process.terminate()
    process.wait(timeout=20)
    assert process.returncode == 0, log.read_text()[-2000:]


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def test_the_launcher_runs_nginx_in_front_of_granian(served: tuple[str, int]) -> None:
    """The process `iacml serve` started has become the launcher (exec keeps its pid),
    and its children are nginx and granian serving server.wsgi:app."""
    _, pid = served
    assert b"server.front.launch" in Path(f"/proc/{pid}/cmdline").read_bytes()
    commands = [Path(f"/proc/{child}/cmdline").read_bytes().split(b"\0")
                for child in _children(pid)]
    assert any(cmd[0].startswith(b"nginx: master process") for cmd in commands), commands
    assert any(b"granian" in b" ".join(cmd) and b"server.wsgi:app" in cmd
               for cmd in commands), commands
    answer = requests.get(f"{served[0]}/health", timeout=10)
    assert answer.headers.get("Server") == "nginx"  # nginx answered, granian behind it


@pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed")
def test_curl_ask(served: tuple[str, int]) -> None:
    """The README's check: ASK{?s ?p ?o} answers true."""
    out = subprocess.run(
        ["curl", "-s", f"{served[0]}/sparql?query=ASK%7B%3Fs%20%3Fp%20%3Fo%7D",
         "-H", "Accept: application/sparql-results+json"],
        capture_output=True, text=True, timeout=30, check=True).stdout
    assert requests.models.complexjson.loads(out)["boolean"] is True


def test_default_graph_is_the_union(served: tuple[str, int]) -> None:
    """A triple of a source graph is visible without GRAPH."""
    query = ("ASK { <https://w3id.org/iacml/id/cycle/20/wg/1/chair> "
             "<http://www.w3.org/ns/org#member> <https://w3id.org/iacml/id/ministry/ECU> }")
    r = requests.get(f"{served[0]}/sparql", params={"query": query},
                     headers={"Accept": "application/sparql-results+json"}, timeout=30)
    assert r.status_code == 200 and r.json()["boolean"] is True
