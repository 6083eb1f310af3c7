"""``python -m bench.slowclients``: slow or stalled clients against each candidate front.

Each candidate front is started in turn on the SF 1 dump:

- ``gunicorn``: the set-up the endpoint shipped with (bench/gunicorn_conf.py:
  gthread, one web worker per core, 8 threads each);
- ``granian``: granian alone on the port (server/front/launch.py with IACML_FRONT=none);
- ``nginx``: Debian's nginx in front of granian (server/front/launch.py, the default).

Against each, ``--sockets`` attacking connections are opened from ``--sources``
loopback addresses (127.0.1.x; many addresses, so a per-address cap alone cannot
answer them) and held for ``--window`` seconds, one kind at a time:

- ``headers``: a request whose header lines arrive one a second and never end;
- ``body``: a POST announcing 64 KiB that stops after 1 KiB and never sends the rest;
- ``reader``: a GET of a 3 MB answer read one byte a second through a 2 KiB
  receive buffer.

Meanwhile a separate client (127.0.0.1) probes ``/health`` and a query (``ASK {}``)
twice a second, each on a fresh connection with a 5 s limit.  A front holds when
every probe is answered.  Printed per run: probes answered, their p50/max
latency, the attacking sockets the server still holds at the end, and the PSS of
the server's processes; written to build/bench/slowclients.json.
"""

from __future__ import annotations

import argparse
import asyncio
import http.client
import json
import multiprocessing
import os
import resource
import socket
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from bench import engines

ROOT = Path(__file__).resolve().parent.parent
KINDS = ("headers", "body", "reader")
SERVERS = ("gunicorn", "granian", "nginx")
#: A cached answer of ~3 MB (JSON results of every triple, at the 10,000-row cap).
BIG = "/sparql?query=" + quote("SELECT * WHERE { ?s ?p ?o }") + "&format=json"
PROBES = ("/health", "/sparql?query=" + quote("ASK {}"))


@dataclass
class Outcome:
    """What happened to the attacking sockets of one run."""

    connected: int = 0
    started: int = 0  # readers whose answer has begun (the server has produced it)
    refused: int = 0
    answered: dict[str, int] = field(default_factory=dict)
    closed: int = 0

    def answer(self, first: bytes) -> None:
        """Count an answer by its status."""
        status = first.split(b" ")[1].decode() if first.startswith(b"HTTP/") else "?"
        self.answered[status] = self.answered.get(status, 0) + 1


def start(server: str, dataset: Path, port: int) -> engines.Engine:
    """Start one candidate on ``port`` (rate limit off, defaults otherwise)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("IACML_")}
    env.update({"IACML_DATASET": str(dataset), "IACML_RATE_LIMIT": "0"})
    log = Path(tempfile.gettempdir()) / f"iacml-slowclients-{server}-{port}.log"
    if server == "gunicorn":
        env["IACML_BIND"] = f"127.0.0.1:{port}"
        argv = [str(engines.BIN / "gunicorn"), "-c", "bench/gunicorn_conf.py", "server.wsgi:app"]
    else:
        env["IACML_FRONT"] = "none" if server == "granian" else "nginx"
        argv = engines.launch_argv(port)
    proc = engines.spawn(argv, log, env)
    engine = engines.Engine(server, f"http://127.0.0.1:{port}/sparql", proc, log)
    return engines.wait_ready(engine, f"http://127.0.0.1:{port}/health", 120,
                              time.monotonic(), engines.server_settings.web_workers(env))


async def _send(sock: socket.socket, data: bytes) -> bool:
    try:
        await asyncio.get_running_loop().sock_sendall(sock, data)
        return True
    except OSError:
        return False


def opening(kind: str, port: int) -> bytes:
    """The first bytes an attacking connection of ``kind`` sends."""
    host = f"Host: 127.0.0.1:{port}\r\n".encode()
    if kind == "headers":
        return b"GET /health HTTP/1.1\r\n" + host
    if kind == "body":
        return (b"POST /sparql HTTP/1.1\r\n" + host +
                b"Content-Type: application/sparql-query\r\nContent-Length: 65536\r\n\r\n"
                + b"#" * 1024)
    return f"GET {BIG} HTTP/1.1\r\n".encode() + host + b"\r\n"


async def _connect(kind: str, source: str, port: int) -> socket.socket | None:
    sock = socket.socket()
    sock.setblocking(False)
    if kind == "reader":
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 2048)
    try:
        sock.bind((source, 0))
        await asyncio.wait_for(asyncio.get_running_loop().sock_connect(
            sock, ("127.0.0.1", port)), 10)
        return sock
    except (TimeoutError, OSError):
        sock.close()
        return None


async def _step(sock: socket.socket, kind: str) -> bytes | None:
    """One second of an attack: drip a header line (headers), then wait for a byte.
    Returns what came (b"" when the server closed), or None when nothing came."""
    if kind == "headers" and not await _send(sock, b"X-Drip: 1\r\n"):
        return b""
    try:
        return await asyncio.wait_for(asyncio.get_running_loop().sock_recv(
            sock, 1 if kind == "reader" else 4096), 1.0)
    except TimeoutError:
        return None
    except OSError:
        return b""


async def attack(kind: str, source: str, port: int, stop: asyncio.Event,
                 outcome: Outcome) -> None:
    """One attacking connection of ``kind`` from ``source``, held until ``stop``."""
    sock = await _connect(kind, source, port)
    if sock is None:
        outcome.refused += 1
        return
    outcome.connected += 1
    try:
        if not await _send(sock, opening(kind, port)):
            outcome.closed += 1
            return
        first = b""
        while not stop.is_set():
            data = await _step(sock, kind)
            if data is None:
                continue
            if not data:  # the server closed: after an answer, or dropping us
                if first and kind != "reader":
                    outcome.answer(first)
                else:
                    outcome.closed += 1
                return
            if kind == "reader" and not first:
                outcome.started += 1
            if not first and kind != "reader" and b"onnection: close" in data:
                outcome.answer(data)
                return
            first = first or data
    finally:
        sock.close()


def probe(port: int, path: str) -> tuple[bool, float]:
    """One request on a fresh connection; (answered 200 within 5 s, seconds)."""
    started = time.monotonic()
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        conn.request("GET", path, headers={"Connection": "close"})
        answer = conn.getresponse()
        answer.read()
        conn.close()
        return answer.status == 200 and time.monotonic() - started <= 5, \
            time.monotonic() - started
    except (OSError, http.client.HTTPException):
        return False, time.monotonic() - started


def probing(port: int, window: float, out: multiprocessing.Queue) -> None:
    """In a process of its own (the attack's event loop cannot delay it): both probes
    twice a second for ``window`` seconds, each in its own thread."""
    with ThreadPoolExecutor(max_workers=64) as pool:
        futures = []
        end = time.monotonic() + window
        while time.monotonic() < end:
            futures += [pool.submit(probe, port, path) for path in PROBES]
            time.sleep(0.5)
        out.put([f.result() for f in futures])


async def run_one(kind: str, port: int, sockets: int, sources: int,
                  window: float) -> dict:
    """Open the attack, probe during ``window`` seconds, then let go."""
    stop = asyncio.Event()
    outcome = Outcome()
    addresses = [f"127.0.1.{1 + i % 250}" for i in range(max(1, sources))]
    gate = asyncio.Semaphore(200)  # connects in flight at once

    async def one(i: int) -> None:
        async with gate:
            task = asyncio.ensure_future(attack(kind, addresses[i % len(addresses)], port,
                                                stop, outcome))
            await asyncio.sleep(0.002)
        await task

    attackers = [asyncio.ensure_future(one(i)) for i in range(sockets)]
    begun = time.monotonic()
    await asyncio.sleep(3.0)
    # The attack is in place when every reader's answer has begun: what is measured is
    # the holding, not the work of producing a thousand large answers at once.
    while kind == "reader" and outcome.started < outcome.connected \
            and time.monotonic() - begun < 120:
        await asyncio.sleep(0.5)
    settled = time.monotonic() - begun
    queue: multiprocessing.Queue = multiprocessing.get_context("fork").Queue()
    prober = multiprocessing.get_context("fork").Process(target=probing,
                                                          args=(port, window, queue))
    prober.start()
    while prober.is_alive() and queue.empty():
        await asyncio.sleep(0.2)
    results = queue.get(timeout=60)
    prober.join(10)
    held = outcome.connected - outcome.closed - sum(outcome.answered.values())
    stop.set()
    await asyncio.gather(*attackers, return_exceptions=True)
    ok = [seconds for good, seconds in results if good]
    return {"kind": kind, "sockets": sockets, "sources": sources,
            "connected": outcome.connected, "refused": outcome.refused,
            "closed_by_server": outcome.closed, "answered": outcome.answered,
            "held_at_end": held, "settle_s": round(settled, 1), "probes": len(results),
            "probes_ok": len(ok),
            "probe_p50_ms": round(statistics.median(ok) * 1000, 1) if ok else None,
            "probe_max_ms": round(max(ok) * 1000, 1) if ok else None}


def main(argv: list[str] | None = None) -> int:
    """Attack each candidate with each kind at each scale; print and save the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--servers", default=",".join(SERVERS))
    parser.add_argument("--kinds", default=",".join(KINDS))
    parser.add_argument("--sockets", default="40,2000")
    parser.add_argument("--sources", type=int, default=200)
    parser.add_argument("--window", type=float, default=10.0)
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "bench" / "slowclients.json")
    args = parser.parse_args(argv)
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    dataset = ROOT / "build" / "iacml.nq"
    rows = []
    for server in args.servers.split(","):
        for kind in args.kinds.split(","):
            for count in (int(n) for n in args.sockets.split(",")):
                port = engines.free_port()
                engine = start(server, dataset, port)
                try:
                    if kind == "reader":  # the big answer is cached before the attack
                        import requests
                        requests.get(f"http://127.0.0.1:{port}{BIG}", timeout=60)
                    row = asyncio.run(run_one(kind, port, count, args.sources, args.window))
                    row["server_pss_mib"] = round(engine.memory()["pss_mib"])
                    row["server"] = server
                    row["server_alive"] = engine.process.poll() is None
                finally:
                    engine.stop()
                rows.append(row)
                print(f"{server:8s} {kind:7s} {count:5d} sockets: probes {row['probes_ok']:2d}/"
                      f"{row['probes']:2d} answered, p50 {row['probe_p50_ms']} ms, max "
                      f"{row['probe_max_ms']} ms (after {row['settle_s']} s); server holds "
                      f"{row['held_at_end']}, closed "
                      f"{row['closed_by_server']}, answered {row['answered']}, refused "
                      f"{row['refused']}; PSS {row['server_pss_mib']} MiB", flush=True)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"started": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
                                    "cores": os.cpu_count(), "window_s": args.window,
                                    "rows": rows}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
