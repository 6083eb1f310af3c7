"""The engines compared, each started on a free 127.0.0.1 port and stopped afterwards.

- ``ours``: the server as ``make serve`` runs it (server/front/launch.py: nginx in front of
  granian), every protection at its default (see :data:`PROTECTIONS` for the two settings
  the benchmark sets, and why);
- ``ours-nocache``: the same with the result cache off (IACML_RESULT_CACHE_BYTES=0), so
  every request runs its query: the engine and the stack without the cache;
- ``oxigraph-mem``: ``oxigraph serve`` in memory, the dump POSTed to /store;
- ``oxigraph-ro``: ``oxigraph serve-read-only`` on a RocksDB folder made by ``oxigraph load``
  (both query the dump's default graph, the merge of its graphs, as ours does);
- ``rdflib-endpoint``: ``rdflib-endpoint serve`` (rdflib's in-memory Dataset, union default);
- ``flask-constant``: the floor of issue 18: our HTTP stack (the same launcher, nginx in
  front of granian, the same web workers) serving a constant answer through Flask
  (:mod:`bench.ceiling_apps`).

The baseline of every ratio is ``oxigraph-mem`` (:data:`BASELINE`); ``oxigraph-ro`` is
not run by default (``--engines`` adds it).

Every server runs in its own process group, so :meth:`Engine.stop` ends the
server and all its children (workers, zygote) and nothing else.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import requests

from server import settings as server_settings
from server.ops.readiness import wait_until_serving

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
ENGINES = ("ours", "ours-nocache", "oxigraph-mem", "rdflib-endpoint", "flask-constant")
#: The one Oxigraph baseline of every ratio: the Oxigraph server, in memory.
BASELINE = "oxigraph-mem"
BASELINE_TEXT = "the Oxigraph server (`oxigraph serve`, in memory, the same dump POSTed to /store)"

#: Our server runs with every protection at its default except these two settings:
#: - the rate limit (600 queries per minute per client address by default, 10 per second)
#:   is raised far above what one machine can send, so its code runs on every request and
#:   is paid for, but never refuses: 8 addresses x 10/s = 80 requests/s, no benchmark;
#: - the client address is taken from X-Forwarded-For as behind a trusted proxy, so the
#:   load runs can give each of their 8 connections its own address (127.0.0.2-9,
#:   :data:`bench.measure.LUA`) and the per-address protections (connections at the front,
#:   queries at once, query-seconds per minute) apply to each client as they would to 8
#:   people; wrk itself cannot choose its source address.
PROTECTIONS = {"IACML_RATE_LIMIT": "100000000", "IACML_TRUST_PROXY": "1"}


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def tree_pids(root: int) -> list[int]:
    """``root`` and all its descendants (read from /proc)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            children.setdefault(int(stat.rsplit(")", 1)[1].split()[1]), []).append(int(entry))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children.get(pid, []))
    return found


def memory_kib(pid: int) -> tuple[int, int]:
    """(RSS, PSS) of one process in KiB; (0, 0) if it is gone."""
    try:
        text = Path(f"/proc/{pid}/smaps_rollup").read_text()
    except OSError:
        return 0, 0
    values = {line.split(":")[0]: int(line.split()[1]) for line in text.splitlines()[1:]
              if line.split() and line.split()[-1] == "kB"}
    return values.get("Rss", 0), values.get("Pss", 0)


def cmdline(pid: int) -> str:
    """The command line of a process ('' if gone)."""
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


@dataclass
class Engine:
    """A running SPARQL server: its query URL, process and start-up time."""

    name: str
    query_url: str
    process: subprocess.Popen[bytes]
    log: Path
    ready_s: float = 0.0
    cleanup: list[Path] = field(default_factory=list)

    def memory(self) -> dict[str, float]:
        """RSS and PSS (MiB) of the whole process tree, and the largest query worker's."""
        pids = tree_pids(self.process.pid)
        mem = {pid: memory_kib(pid) for pid in pids}
        workers = [pid for pid in pids if "server.workers.zygote" in cmdline(pid)
                   and any(pid in tree_pids(z)[1:] for z in pids if z != pid)]
        return {"rss_mib": sum(r for r, _ in mem.values()) / 1024,
                "pss_mib": sum(p for _, p in mem.values()) / 1024,
                "worker_rss_mib": max((mem[p][0] for p in workers), default=0) / 1024,
                "worker_pss_mib": max((mem[p][1] for p in workers), default=0) / 1024}

    def stop(self) -> None:
        """SIGTERM the process group, SIGKILL it after 25 s; remove temporary folders."""
        if self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGTERM)
                self.process.wait(timeout=25)  # our launcher stops its servers within 10 s
            except (ProcessLookupError, subprocess.TimeoutExpired):
                try:
                    os.killpg(self.process.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                self.process.wait(timeout=10)
        for path in self.cleanup:
            shutil.rmtree(path, ignore_errors=True)


def launch_argv(port: int, host: str = "127.0.0.1") -> list[str]:
    """The command that starts our server (server/front/launch.py: nginx in front of granian)."""
    return [sys.executable, "-m", "server.front.launch", "--host", host, "--port", str(port)]


def spawn(argv: list[str], log: Path, env: dict[str, str] | None = None
          ) -> subprocess.Popen[bytes]:
    """Start ``argv`` in its own process group, its output going to ``log``."""
    with open(log, "wb") as out:
        return subprocess.Popen(argv, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True)


def wait_ready(engine: Engine, url: str, timeout: float, start: float,
               web_workers: int = 1) -> Engine:
    """Wait until ``url`` answers 200 (for ours: from each of its web workers);
    record the time taken as ``engine.ready_s``."""
    state = wait_until_serving(url, start + timeout, lambda: engine.process.poll() is None,
                               web_workers)
    if state == "ready":
        engine.ready_s = time.monotonic() - start
        return engine
    engine.stop()
    if state == "exited":
        raise RuntimeError(f"{engine.name} exited: {engine.log.read_text()[-1500:]}")
    raise RuntimeError(f"{engine.name} not ready after {timeout:.0f} s")


def start(name: str, dataset: Path, timeout: float = 900.0, **settings: str) -> Engine:
    """Start engine ``name`` on ``dataset``; wait until it answers (bounded by ``timeout``)."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = Path(tempfile.gettempdir()) / f"iacml-bench-{name}-{port}.log"
    begin = time.monotonic()
    if name in ("ours", "ours-nocache"):
        env = {k: v for k, v in os.environ.items() if not k.startswith("IACML_")}
        if name == "ours-nocache":
            env["IACML_RESULT_CACHE_BYTES"] = "0"
        env.update({"IACML_DATASET": str(dataset), **PROTECTIONS})
        env.update(settings)
        proc = spawn(launch_argv(port), log, env)
        web_workers = server_settings.web_workers(env)
        return wait_ready(Engine(name, base + "/sparql", proc, log), base + "/health",
                          timeout, begin, web_workers)
    if name == "flask-constant":
        env = {**os.environ, "IACML_DATASET": str(dataset)}
        proc = spawn([*launch_argv(port), "--app", "bench.ceiling_apps:hello_flask"], log, env)
        return wait_ready(Engine(name, base + "/sparql", proc, log),
                          base + "/sparql?query=ASK%7B%7D", timeout, begin)
    if name == "oxigraph-mem":
        # No --union-default-graph: the dump's default graph is already the merge of its
        # graphs (iacml/defaultgraph.py), a set, as ours answers; Oxigraph's union is a bag.
        proc = spawn([str(BIN / "oxigraph"), "serve", "--bind", f"127.0.0.1:{port}"], log)
        engine = wait_ready(Engine(name, base + "/query", proc, log),
                            base + "/query?query=ASK%7B%7D", timeout, begin)
        with open(dataset, "rb") as body:
            answer = requests.post(base + "/store", data=body, timeout=timeout,
                                   headers={"Content-Type": "application/n-quads"})
        if answer.status_code >= 300:
            engine.stop()
            raise RuntimeError(f"oxigraph load failed: {answer.status_code} {answer.text[:300]}")
        engine.ready_s = time.monotonic() - begin
        return engine
    if name == "oxigraph-ro":
        folder = Path(tempfile.mkdtemp(prefix="iacml-bench-rocksdb-"))
        subprocess.run([str(BIN / "oxigraph"), "load", "--location", str(folder),
                        "--file", str(dataset)], check=True, capture_output=True,
                       timeout=timeout)
        proc = spawn([str(BIN / "oxigraph"), "serve-read-only", "--location", str(folder),
                      "--bind", f"127.0.0.1:{port}"], log)
        engine = Engine(name, base + "/query", proc, log, cleanup=[folder])
        return wait_ready(engine, base + "/query?query=ASK%7B%7D", timeout, begin)
    if name == "rdflib-endpoint":
        proc = spawn([str(BIN / "rdflib-endpoint"), "serve", str(dataset), "--host",
                      "127.0.0.1", "--port", str(port)], log)
        return wait_ready(Engine(name, base + "/", proc, log),  # rdflib-endpoint serves at /
                     base + "/?query=ASK%7B%7D", timeout, begin)
    raise ValueError(f"unknown engine {name}")
