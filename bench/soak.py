"""``make soak``: 8 clients × 60 s of the query mix, with hostile traffic mixed in.

The normal clients each come from an address of their own (127.0.0.10-17), as
people do.  Meanwhile, from other addresses: a burst of four runaway queries
every 10 s (127.0.0.2: two get a worker and are stopped at the time limit with
503, the others 429 from the fair share), a deeply nested query every 2 s
(127.0.0.3), and slow sockets from 127.0.1.x kept open all along: headers that
never end, bodies that stop short of their Content-Length, and readers taking a
large answer a few bytes a second (bench.slowclients has the same attacks at scale).

Passes when: the normal traffic has no errors; the runaways get only 503 or 429
and the nested queries only 4xx or 503; no web worker process died (the same
granian workers at the end, and none respawned in the log); the RSS of all the
server's processes grows by less than 10 % from the end of a 10 s warm-up (when
the result cache holds the mix's answers) to the end (PSS is reported too); and
the server answers afterwards.  The p50 of the normal queries under load is reported with its
ratio to their unloaded p50 (same server): on two cores shared with the load
generator and the hostile traffic it measures the machine more than the server,
so it is a figure, not a criterion (it was one before hostile traffic was mixed
in).  The server runs with a 2 s time limit (IACML_QUERY_TIMEOUT).  Writes
build/bench/soak.json; exit status 1 when a criterion is missed.
"""

from __future__ import annotations

import argparse
import http.client
import json
import random
import re
import signal
import socket
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from urllib.parse import quote, urlsplit

from bench import engines
from bench.measure import percentile
from bench.mix import query_mix

ROOT = Path(__file__).resolve().parent.parent
RUNAWAY = ("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }")
NESTED = "SELECT * WHERE " + "{" * 5000 + " ?s ?p ?o " + "}" * 5000
BIG = "/sparql?format=json&query=" + quote("SELECT * WHERE { ?s ?p ?o }")
JSON = "application/sparql-results+json"


class SlowSockets:
    """Stalled sockets from 127.0.1.x, reopened whenever the front drops one: headers
    that never end, bodies that stop short, readers taking 64 bytes a second."""

    def __init__(self, host: str, port: int, each: int = 100) -> None:
        self.address = (host, port)
        self.each = each
        self.stop = threading.Event()
        self.opened = 0
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _open(self, kind: str, n: int) -> socket.socket | None:
        head = f"Host: {self.address[0]}:{self.address[1]}\r\n".encode()
        opening = {"headers": b"GET /health HTTP/1.1\r\n" + head,
                   "body": b"POST /sparql HTTP/1.1\r\n" + head +
                           b"Content-Type: application/sparql-query\r\n"
                           b"Content-Length: 65536\r\n\r\nASK {",
                   "reader": f"GET {BIG} HTTP/1.1\r\n".encode() + head + b"\r\n"}[kind]
        sock = socket.socket()
        if kind == "reader":
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 2048)
        try:
            sock.bind((f"127.0.1.{1 + n % 200}", 0))
            sock.settimeout(5)
            sock.connect(self.address)
            sock.sendall(opening)
            sock.setblocking(False)
            self.opened += 1
            return sock
        except OSError:
            sock.close()
            return None

    def _tend(self, kind: str, n: int, sock: socket.socket | None) -> socket.socket | None:
        """Keep one stalled socket going (drip a header line, take a few bytes of an
        answer); reopen it if the front has dropped it."""
        alive = sock is not None
        if sock is not None:
            try:
                if kind == "headers":
                    sock.send(b"X-Drip: 1\r\n")
                alive = bool(sock.recv(64))  # b"": the front closed it
            except BlockingIOError:
                pass
            except OSError:
                alive = False
        if alive:
            return sock
        if sock is not None:
            sock.close()
        return self._open(kind, n)

    def _run(self) -> None:
        held: dict[tuple[str, int], socket.socket | None] = {}
        while not self.stop.is_set():
            for kind in ("headers", "body", "reader"):
                for n in range(self.each):
                    held[(kind, n)] = self._tend(kind, n, held.get((kind, n)))
            self.stop.wait(1.0)
        for sock in held.values():
            if sock is not None:
                sock.close()


class Client:
    """One keep-alive HTTP connection to the endpoint."""

    def __init__(self, url: str, timeout: float = 30.0, source: str = "127.0.0.1"):
        parts = urlsplit(url)
        self.host, self.port, self.path = parts.hostname, parts.port, parts.path
        self.timeout = timeout
        self.source = (source, 0)
        self.conn = self._connect()
        self.last_body = b""  # the last answer's body, to report what an error said

    def _connect(self) -> http.client.HTTPConnection:
        return http.client.HTTPConnection(self.host, self.port, timeout=self.timeout,
                                          source_address=self.source)

    def get(self, query: str, accept: str) -> tuple[int, float]:
        """(status, milliseconds) of one GET; status 0 on a connection error.

        Like any HTTP client, a request that fails on a kept-alive connection the
        server has closed meanwhile (idle keep-alive timeout) is retried once on a
        fresh connection."""
        start = time.perf_counter()
        status = 0
        for _attempt in range(2):
            try:
                self.conn.request("GET", f"{self.path}?query={quote(query, safe='')}",
                                  headers={"Accept": accept})
                answer = self.conn.getresponse()
                self.last_body = answer.read()
                status = answer.status
                break
            except (OSError, http.client.HTTPException):
                self.conn.close()
                self.conn = self._connect()
        return status, (time.perf_counter() - start) * 1000



def web_workers(engine: engines.Engine) -> set[int]:
    """Process ids of the granian web workers (children of granian's main process)."""
    pids = engines.tree_pids(engine.process.pid)
    mains = {p for p in pids if "granian" in engines.cmdline(p)
             and "granian" not in engines.cmdline(_parent(p))}
    return {p for p in pids if _parent(p) in mains}


def rss_by_role(engine: engines.Engine) -> dict[str, float]:
    """RSS (MiB) of the server's processes by what they are: where growth comes from."""
    out: dict[str, float] = {}
    for pid in engines.tree_pids(engine.process.pid):
        command = engines.cmdline(pid)
        role = ("nginx" if "nginx" in command else "zygote and query workers"
                if "server.workers.zygote" in command else "granian" if "granian" in command
                else "launcher")
        out[role] = round(out.get(role, 0.0) + engines.memory_kib(pid)[0] / 1024, 1)
    return out


def _parent(pid: int) -> int:
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
    except OSError:
        return 0


class Traffic:
    """The soak's clients: normal ones from 127.0.0.10+, runaway bursts from
    127.0.0.2, nested queries from 127.0.0.3; what each got back."""

    def __init__(self, url: str, seconds: float, runaway_every: float) -> None:
        self.url, self.runaway_every = url, runaway_every
        self.stop_at = time.monotonic() + seconds
        self.normal: list[tuple[int, float]] = []
        self.runaways: list[int] = []
        self.nested: list[int] = []
        self.failures: list[str] = []  # what the server said to a normal query it failed
        self.lock = threading.Lock()

    def work(self, seed: int) -> None:
        """One normal client: the mix, one query after another."""
        rng, mix = random.Random(seed), query_mix()
        client = Client(self.url, source=f"127.0.0.{10 + seed}")
        while time.monotonic() < self.stop_at:
            q = rng.choice(mix)
            result = client.get(q.text, q.accept)
            with self.lock:
                self.normal.append(result)
                if result[0] != 200:
                    said = client.last_body[:300].decode("utf-8", "replace")
                    self.failures.append(f"{result[0]} after {result[1]:.0f} ms: {said}")

    def _one_runaway(self) -> None:
        status = Client(self.url, source="127.0.0.2").get(RUNAWAY, JSON)[0]
        with self.lock:
            self.runaways.append(status)

    def runaway(self) -> None:
        """Four runaways at once every ``runaway_every`` seconds."""
        next_at = time.monotonic() + self.runaway_every / 2
        while next_at < self.stop_at:
            time.sleep(max(0.0, next_at - time.monotonic()))
            burst = [threading.Thread(target=self._one_runaway) for _ in range(4)]
            for t in burst:
                t.start()
            for t in burst:
                t.join(30)
            next_at += self.runaway_every

    def deep(self) -> None:
        """A query nested 5,000 levels deep every 2 s."""
        client = Client(self.url, source="127.0.0.3")
        while time.monotonic() < self.stop_at:
            self.nested.append(client.get(NESTED, JSON)[0])
            time.sleep(2.0)

    def run(self, clients: int, seconds: float) -> None:
        """All the clients at once until the time is up."""
        threads = [threading.Thread(target=self.work, args=(i,), daemon=True)
                   for i in range(clients)]
        threads += [threading.Thread(target=self.runaway, daemon=True),
                    threading.Thread(target=self.deep, daemon=True)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=seconds + 60)


def _unloaded(engine: engines.Engine) -> list[float]:
    """Milliseconds of the mix, three times, one client, nothing else running; and the
    slow readers' large answer put in the cache."""
    probe, out = Client(engine.query_url), []
    for _ in range(3):
        for q in query_mix():
            status, ms = probe.get(q.text, q.accept)
            if status == 200:
                out.append(ms)
    parts = urlsplit(engine.query_url)
    warm = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    warm.request("GET", BIG)
    warm.getresponse().read()
    warm.close()
    return out


def soak(seconds: float, clients: int, runaway_every: float, dataset: Path) -> dict:
    """Run the soak against a fresh server on ``dataset``; return figures and verdict."""
    # The default pool (3 query workers per web worker): two runaways of one client
    # never take every worker of a web worker (IACML_CLIENT_QUERIES = 2).
    engine = engines.start("ours", dataset, IACML_QUERY_TIMEOUT="2", IACML_QUERY_WORKERS="3")
    try:
        unloaded = _unloaded(engine)
        before = web_workers(engine)
        parts = urlsplit(engine.query_url)
        slow = SlowSockets(parts.hostname or "127.0.0.1", parts.port or 80)
        traffic = Traffic(engine.query_url, seconds, runaway_every)
        slow.thread.start()
        load = threading.Thread(target=traffic.run, args=(clients, seconds))
        load.start()
        # Memory is compared from the end of a warm-up on: by then the result cache
        # (IACML_RESULT_CACHE_BYTES per web worker) holds the answers the mix asks
        # for again and again; what grows after that is what a leak would be.
        time.sleep(min(10.0, seconds / 6))
        mem_start = engine.memory()
        mem_start["by_role"] = rss_by_role(engine)
        load.join()
        slow.stop.set()
        slow.thread.join(30)
        mem_end, after = engine.memory(), web_workers(engine)
        mem_end["by_role"] = rss_by_role(engine)
        health = Client(engine.query_url).get("ASK {}", JSON)[0]
    finally:
        engine.stop()
    log = engine.log.read_text(errors="replace")
    # granian's own words when a web worker dies (the access log's JSON lines aside:
    # a query worker killed at a limit is not a web process)
    respawns = len([line for line in log.splitlines() if not line.startswith("{") and
                    re.search(r"Unexpected exit from worker|crash loop|respawning|"
                              r"Segmentation fault", line)])
    return verdict(traffic, unloaded, (before, after, respawns), (mem_start, mem_end),
                   slow.opened, health)


def verdict(traffic: Traffic, unloaded: list[float],
            workers: tuple[set[int], set[int], int], memory: tuple[dict, dict],
            slow_opened: int, health: int) -> dict:
    """The figures of a soak and whether each criterion was met."""
    normal, runaways, nested = traffic.normal, traffic.runaways, traffic.nested
    (before, after, respawns), (mem_start, mem_end) = workers, memory
    errors = [s for s, _ in normal if s != 200]
    p50_load = percentile([ms for s, ms in normal if s == 200], 50)
    p50_unloaded = percentile(unloaded, 50)
    growth = (mem_end["pss_mib"] - mem_start["pss_mib"]) / max(mem_start["pss_mib"], 1e-9)
    growth_rss = (mem_end["rss_mib"] - mem_start["rss_mib"]) / max(mem_start["rss_mib"], 1e-9)
    checks = {
        "no errors for the normal traffic": not errors and bool(normal),
        "runaways get only 503 or 429": bool(runaways) and set(runaways) <= {503, 429},
        "nested queries get only 4xx or 503": bool(nested) and all(
            400 <= s < 500 or s == 503 for s in nested),
        "no web process died": before == after and not respawns,
        "RSS growth < 10 %": growth_rss < 0.10,
        "answers afterwards": health == 200,
    }
    summary = (f"{len(normal)} queries, {len(errors)} errors "
               f"{dict(sorted(Counter(errors).items()))}; runaways "
               f"{dict(sorted(Counter(runaways).items()))}, nested "
               f"{dict(sorted(Counter(nested).items()))}, {slow_opened} slow sockets opened; "
               f"web workers {sorted(before)} -> {sorted(after)}; p50 "
               f"{p50_load:.1f} ms vs unloaded {p50_unloaded:.1f} ms "
               f"({p50_load / max(p50_unloaded, 1e-9):.1f}×); RSS {growth_rss:+.1%}, "
               f"PSS {growth:+.1%}")
    return {"passed": all(checks.values()), "checks": checks, "summary": summary,
            "queries": len(normal), "errors": len(errors),
            "error_statuses": dict(Counter(errors)), "failures": traffic.failures[:20],
            "runaways": runaways,
            "nested": nested, "slow_sockets_opened": slow_opened,
            "p50_load_ms": p50_load, "p99_load_ms": percentile([ms for _, ms in normal], 99),
            "p50_unloaded_ms": p50_unloaded, "memory_start": mem_start, "memory_end": mem_end}


def main(argv: list[str] | None = None) -> int:
    """Run the soak, print and write the verdict; 1 when a criterion is missed."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--runaway-every", type=float, default=10.0)
    parser.add_argument("--dataset", type=Path, default=ROOT / "build" / "iacml.nq")
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "bench" / "soak.json")
    args = parser.parse_args(argv)
    # SIGTERM ends the run through SystemExit, so every started server is stopped (finally).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    result = soak(args.seconds, args.clients, args.runaway_every, args.dataset)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=1))
    for name, ok in result["checks"].items():
        print(f"{'met' if ok else 'MISSED'}: {name}")
    print(result["summary"])
    for failure in result["failures"]:
        print("  a normal query failed:", failure)
    return 0 if result["passed"] else 1


if __name__ == "__main__":
    sys.exit(main())
