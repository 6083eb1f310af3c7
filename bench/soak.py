"""``make soak``: 8 clients × 60 s of the query mix, with a runaway query every 10 s.

Passes when: no errors other than the runaways' 503, the p50 of the normal
queries under load is within 2× of their unloaded p50 (single client, same
server), and the RSS of all the server's processes grows by less than 10 %
from the start of the load to its end (PSS is reported too).  The server runs with a
2 s time limit (IACML_QUERY_TIMEOUT) so each runaway is stopped and answered
503.  Writes build/bench/soak.json; exit status 1 when a criterion is missed.
"""

from __future__ import annotations

import argparse
import http.client
import json
import random
import signal
import sys
import threading
import time
from pathlib import Path
from urllib.parse import quote, urlsplit

from bench import engines
from bench.measure import percentile
from bench.mix import query_mix

ROOT = Path(__file__).resolve().parent.parent
RUNAWAY = ("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }")


class Client:
    """One keep-alive HTTP connection to the endpoint."""

    def __init__(self, url: str, timeout: float = 30.0):
        parts = urlsplit(url)
        self.host, self.port, self.path = parts.hostname, parts.port, parts.path
        self.timeout = timeout
        self.conn = http.client.HTTPConnection(self.host, self.port, timeout=timeout)

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
                answer.read()
                status = answer.status
                break
            except (OSError, http.client.HTTPException):
                self.conn.close()
                self.conn = http.client.HTTPConnection(self.host, self.port,
                                                       timeout=self.timeout)
        return status, (time.perf_counter() - start) * 1000


def soak(seconds: float, clients: int, runaway_every: float, dataset: Path) -> dict:
    """Run the soak against a fresh server on ``dataset``; return figures and verdict."""
    mix = query_mix()
    engine = engines.start("ours", dataset, IACML_QUERY_TIMEOUT="2")
    try:
        probe = Client(engine.query_url)
        unloaded = []
        for _ in range(3):
            for q in mix:
                status, ms = probe.get(q.text, q.accept)
                if status == 200:
                    unloaded.append(ms)
        mem_start = engine.memory()
        stop_at = time.monotonic() + seconds
        normal: list[tuple[int, float]] = []
        runaways: list[int] = []
        lock = threading.Lock()

        def work(seed: int) -> None:
            rng, client = random.Random(seed), Client(engine.query_url)
            while time.monotonic() < stop_at:
                q = rng.choice(mix)
                result = client.get(q.text, q.accept)
                with lock:
                    normal.append(result)

        def runaway() -> None:
            client = Client(engine.query_url)
            next_at = time.monotonic() + runaway_every / 2
            while next_at < stop_at:
                time.sleep(max(0.0, next_at - time.monotonic()))
                status, _ = client.get(RUNAWAY, "application/sparql-results+json")
                runaways.append(status)
                next_at += runaway_every

        threads = [threading.Thread(target=work, args=(i,), daemon=True) for i in range(clients)]
        threads.append(threading.Thread(target=runaway, daemon=True))
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=seconds + 60)
        mem_end = engine.memory()
        health = Client(engine.query_url).get("ASK {}", "application/sparql-results+json")[0]
    finally:
        engine.stop()
    errors = [s for s, _ in normal if s != 200]
    p50_load = percentile([ms for s, ms in normal if s == 200], 50)
    p50_unloaded = percentile(unloaded, 50)
    growth = (mem_end["pss_mib"] - mem_start["pss_mib"]) / max(mem_start["pss_mib"], 1e-9)
    growth_rss = (mem_end["rss_mib"] - mem_start["rss_mib"]) / max(mem_start["rss_mib"], 1e-9)
    checks = {
        "no errors but the runaways' 503": not errors and all(s == 503 for s in runaways),
        "p50 under load ≤ 2× unloaded": p50_load <= 2 * p50_unloaded,
        "RSS growth < 10 %": growth_rss < 0.10,
        "answers afterwards": health == 200,
    }
    summary = (f"{len(normal)} queries, {len(errors)} errors, runaways {runaways}; p50 "
               f"{p50_load:.1f} ms vs unloaded {p50_unloaded:.1f} ms; RSS {growth_rss:+.1%}, "
               f"PSS {growth:+.1%}")
    return {"passed": all(checks.values()), "checks": checks, "summary": summary,
            "queries": len(normal), "errors": len(errors), "runaways": runaways,
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
    return 0 if result["passed"] else 1


if __name__ == "__main__":
    sys.exit(main())
