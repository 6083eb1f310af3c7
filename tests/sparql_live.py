"""Live endpoint servers for the server tests: the production server on a free loopback port.

``live_server(**settings)`` starts ``python -m server.front.launch`` (what ``make serve``
runs: nginx in front of granian) with the given ``IACML_*`` settings (once per
distinct settings in a test session), waits for /health from every web worker
and returns a :class:`LiveServer`; every server is terminated when the session ends.  The
dataset is the build's dump when ``build/iacml.nq`` exists, else the small
fixture in ``tests/fixtures/sparql/``.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import requests

from iacml.diskstore import description_path, served_store, store_folder
from server import settings as server_settings
from server.ops.readiness import wait_until_serving

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "fixtures" / "sparql" / "small.nq"
BUILT = ROOT / "build" / "iacml.nq"


_snapshot: list[Path] = []


def dataset() -> Path:
    """The dump the servers load: the build's when it exists, else the fixture.

    The build's dump is copied once per test session, with its on-disk store (which
    the servers open read-only, as they would in production), so the servers and the
    expected values read the same data even if a build runs meanwhile.
    """
    if not BUILT.exists():
        return FIXTURE
    if not _snapshot:
        folder = Path(tempfile.mkdtemp(prefix="iacml-test-dataset-"))
        atexit.register(shutil.rmtree, folder, True)
        copy = folder / BUILT.name
        shutil.copy2(BUILT, copy)
        built_store = store_folder(BUILT)
        if served_store(BUILT) is not None:  # a build from before the store: the dump only
            shutil.copytree(built_store, store_folder(copy))
            shutil.copy2(description_path(built_store), description_path(store_folder(copy)))
        _snapshot.append(copy)
    return _snapshot[0]


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def graph_sizes(path: Path) -> dict[str, int]:
    """Distinct triples per named graph of the dump, read from the file itself."""
    graphs: dict[str, set[tuple[str, str, str]]] = {}
    for quad in ox.parse(path=str(path), format=ox.RdfFormat.N_QUADS):
        if isinstance(quad.graph_name, ox.NamedNode):
            graphs.setdefault(quad.graph_name.value, set()).add(
                (str(quad.subject), str(quad.predicate), str(quad.object)))
    return {name: len(triples) for name, triples in graphs.items()}


def distinct_triples(path: Path) -> int:
    """Number of distinct triples over all graphs of the dump (the union graph's size)."""
    return len({(str(q.subject), str(q.predicate), str(q.object))
                for q in ox.parse(path=str(path), format=ox.RdfFormat.N_QUADS)})


def quad_count(path: Path) -> int:
    """Number of distinct quads in the dump (what a store loaded from it holds)."""
    return len(set(ox.parse(path=str(path), format=ox.RdfFormat.N_QUADS)))


@dataclass
class LiveServer:
    """A running server (the launcher process and its nginx and granian)."""

    base: str
    process: subprocess.Popen[bytes]
    log: Path

    @property
    def endpoint(self) -> str:
        """URL of the SPARQL endpoint."""
        return self.base + "/sparql"

    def pids(self) -> list[int]:
        """The launcher and all its descendants (nginx, granian, web workers, zygotes,
        query workers)."""
        children: dict[int, list[int]] = {}
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            children.setdefault(ppid, []).append(int(entry))
        found, todo = [], [self.process.pid]
        while todo:
            pid = todo.pop()
            found.append(pid)
            todo.extend(children.get(pid, []))
        return found

    def cpu_by_pid(self) -> dict[int, float]:
        """CPU time (user + system, seconds) used so far by each live server process."""
        ticks = os.sysconf("SC_CLK_TCK")
        out = {}
        for pid in self.pids():
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            out[pid] = (int(fields[11]) + int(fields[12])) / ticks  # utime, stime
        return out

    def cpu_used_since(self, before: dict[int, float]) -> float:
        """CPU used since ``before`` (a :meth:`cpu_by_pid` reading) by the processes
        alive now; a process that has ended since uses none, a new one counts whole."""
        return sum(cpu - before.get(pid, 0.0) for pid, cpu in self.cpu_by_pid().items())

    def stop(self) -> None:
        """Stop the server (SIGTERM to the launcher, which stops the rest; then SIGKILL)."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)


_servers: dict[tuple[tuple[str, str], ...], LiveServer] = {}


def live_server(expect_healthy: bool = True, **settings: str) -> LiveServer:
    """Start (or reuse) a server with these IACML_* settings.

    Waits until /health answers 200 (or, with ``expect_healthy=False``, any status).
    """
    settings.setdefault("IACML_DATASET", str(dataset()))
    settings.setdefault("IACML_RATE_LIMIT", "0")
    key = tuple(sorted(settings.items()))
    if key in _servers and _servers[key].process.poll() is None:
        return _servers[key]
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("IACML_")}
    env.update(settings)
    log = Path(os.environ.get("TMPDIR", "/tmp")) / f"iacml-test-server-{port}.log"
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "server.front.launch", "--host", "127.0.0.1",
             "--port", str(port)],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    server = LiveServer(f"http://127.0.0.1:{port}", process, log)
    atexit.register(server.stop)
    state = wait_until_serving(server.base + "/health", time.monotonic() + 120,
                               lambda: process.poll() is None,
                               server_settings.web_workers(settings), not expect_healthy)
    if state == "exited":
        raise RuntimeError(f"the server exited: {log.read_text()[-2000:]}")
    if state == "ready":
        _servers[key] = server
        return server
    server.stop()
    raise RuntimeError(f"the server did not become healthy: {log.read_text()[-2000:]}")


def main(argv: list[str] | None = None) -> int:
    """Start a server and run a command with its endpoint URL appended.

    ``python tests/sparql_live.py python ../shared/tools/protocol_check.py``
    runs the shared protocol check against a fresh server (for .ci/run).
    """
    command = list(sys.argv[1:] if argv is None else argv)
    if not command:
        print(main.__doc__)
        return 2
    server = live_server()
    try:
        return subprocess.run([*command, server.endpoint], check=False).returncode
    finally:
        server.stop()


if __name__ == "__main__":
    sys.exit(main())


OXIGRAPH = shutil.which("oxigraph", path=str(Path(sys.executable).parent)) or \
    shutil.which("oxigraph")


@contextlib.contextmanager
def oxigraph_server(data: Path, folder: Path, *options: str) -> Iterator[str]:
    """The PyPI ``oxigraph`` server, read-only on loopback over ``data`` loaded into a
    RocksDB folder under ``folder``; yields its query URL and stops it afterwards."""
    assert OXIGRAPH is not None, "the oxigraph server (pip package oxigraph) is not installed"
    location = folder / "store"
    subprocess.run([OXIGRAPH, "load", "--location", str(location), "--file", str(data)],
                   check=True, capture_output=True, timeout=300)
    port = free_port()
    process = subprocess.Popen([OXIGRAPH, "serve-read-only", "--location", str(location),
                                "--bind", f"127.0.0.1:{port}", *options],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/query"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if requests.get(url, params={"query": "ASK {}"}, timeout=5).status_code == 200:
                    break
            except requests.RequestException:
                time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)
