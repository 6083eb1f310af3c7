"""Measurements over HTTP: single-client latency, repeated queries, wrk concurrency.

Every loop is bounded in count and in time.  Figures are milliseconds unless
the name says otherwise.
"""

from __future__ import annotations

import json
import random
import re
import shutil
import statistics
import subprocess
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import quote

import pyoxigraph as ox
import requests

from bench.engines import Engine
from bench.mix import Query, lookup_query


def percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile of ``values`` (nan when empty)."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, round(pct / 100 * len(ordered) + 0.5) - 1))
    return ordered[rank]


def result_size(body: bytes, is_graph: bool) -> int:
    """Rows of a SPARQL JSON result, or triples of a Turtle graph (-1 if unreadable)."""
    try:
        if is_graph:
            return len(list(ox.parse(body, format=ox.RdfFormat.TURTLE)))
        data = json.loads(body)
        return 1 if "boolean" in data else len(data["results"]["bindings"])
    except Exception:  # any unreadable answer is reported, not raised
        return -1


def time_query(session: requests.Session, engine: Engine, query: Query, reps: int,
               budget_s: float, timeout_s: float = 60.0) -> dict:
    """p50/p95 of ``query`` on ``engine``: 1 warm-up, then up to ``reps`` runs within
    ``budget_s`` seconds (at least 3 when they fit in the timeout)."""
    headers = {"Accept": query.accept}
    times: list[float] = []
    errors: list[str] = []
    size = None
    deadline = time.monotonic() + budget_s
    for i in range(reps + 1):
        if i > 3 and time.monotonic() > deadline:
            break
        start = time.perf_counter()
        try:
            answer = session.get(engine.query_url, params={"query": query.text},
                                 headers=headers, timeout=timeout_s)
        except requests.RequestException as exc:
            errors.append(type(exc).__name__)
            break
        elapsed = (time.perf_counter() - start) * 1000
        if answer.status_code != 200:
            errors.append(str(answer.status_code))
            break
        if i == 0:
            size = result_size(answer.content, query.is_graph)
            continue
        times.append(elapsed)
    return {"p50": percentile(times, 50), "p95": percentile(times, 95), "n": len(times),
            "size": size, "errors": errors}


def in_process(dataset: Path, queries: list[Query], reps: int, budget_s: float) -> dict:
    """p50 per query of pyoxigraph in this process: query + serialisation to the same format."""
    store = ox.Store()
    store.bulk_load(path=str(dataset), format=ox.RdfFormat.N_QUADS)
    out = {}
    for query in queries:
        times = []
        deadline = time.monotonic() + budget_s
        for i in range(reps + 1):
            if i > 3 and time.monotonic() > deadline:
                break
            start = time.perf_counter()
            result = store.query(query.text)
            if isinstance(result, ox.QueryTriples):
                result.serialize(format=ox.RdfFormat.TURTLE)
            else:
                result.serialize(format=ox.QueryResultsFormat.JSON)  # type: ignore[union-attr]
            if i:
                times.append((time.perf_counter() - start) * 1000)
        out[query.name] = {"p50": percentile(times, 50), "p95": percentile(times, 95)}
    return out


def repeated(engine: Engine, query: Query, count: int = 200, budget_s: float = 10.0) -> dict:
    """The same query text and Accept sent ``count`` times; p50, and the cache headers seen."""
    session = requests.Session()
    times = []
    first = session.get(engine.query_url, params={"query": query.text},
                        headers={"Accept": query.accept}, timeout=60)
    etag = first.headers.get("ETag")
    deadline = time.monotonic() + budget_s
    for _ in range(count):
        if time.monotonic() > deadline:
            break
        start = time.perf_counter()
        session.get(engine.query_url, params={"query": query.text},
                    headers={"Accept": query.accept}, timeout=60)
        times.append((time.perf_counter() - start) * 1000)
    server_ms = _access_log_ms(engine.log, len(times)) if engine.name == "ours" else []
    not_modified = None
    if etag:
        again = session.get(engine.query_url, params={"query": query.text},
                            headers={"Accept": query.accept, "If-None-Match": etag}, timeout=60)
        not_modified = again.status_code == 304
    return {"p50": percentile(times, 50), "n": len(times), "etag": etag,
            "not_modified": not_modified, "server_p50": percentile(server_ms, 50)}


def _access_log_ms(log: Path, count: int) -> list[float]:
    """Server-side milliseconds of the last ``count`` /sparql requests of our access log."""
    found = []
    for line in log.read_text(errors="replace").splitlines():
        if line.startswith("{") and '"/sparql"' in line:
            try:
                found.append(float(json.loads(line)["ms"]))
            except (ValueError, KeyError):
                continue
    return found[-count:] if count else []


LUA = """
-- One connection per wrk thread (-t N -c N), each with its own client address 127.0.0.2-9
-- (sent as X-Forwarded-For: the server under test trusts its proxy, bench.engines), so
-- per-address protections apply per client. Only 2xx answers count as answered.
local paths = {}
for line in io.lines("%(paths)s") do paths[#paths + 1] = line end
local accept = "%(accept)s"
local threads = {}
local next_id = 0
function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end
function init(args)
  math.randomseed(%(seed)d + id * 7919 + os.time())
  address = "127.0.0." .. tostring(2 + id %% 8)
  not_2xx = 0
end
request = function()
  local p = paths[math.random(#paths)]
  local a = accept
  if string.sub(p, 1, 1) == "!" then p = string.sub(p, 2); a = "text/turtle" end
  return wrk.format("GET", p, {["Accept"] = a, ["X-Forwarded-For"] = address})
end
response = function(status, headers, body)
  if status < 200 or status > 299 then not_2xx = not_2xx + 1 end
end
function done(summary, latency, requests)
  local total = 0
  for _, thread in ipairs(threads) do total = total + thread:get("not_2xx") end
  io.write(string.format("not 2xx: %%d\\n", total))
end
"""


def _paths_file(engine: Engine, queries: list[tuple[str, bool]], folder: Path) -> Path:
    prefix = re.sub(r"^https?://[^/]+", "", engine.query_url)
    path = folder / "paths.txt"
    path.write_text("".join(("!" if is_graph else "") + f"{prefix}?query={quote(text, safe='')}\n"
                            for text, is_graph in queries))
    return path


def wrk_available() -> bool:
    """True when wrk (Debian package ``wrk``) is installed."""
    return shutil.which("wrk") is not None


def parse_wrk(text: str) -> dict:
    """req/s, p50/p99 (ms) and error count from ``wrk --latency`` output."""
    def ms(label: str) -> float:
        m = re.search(rf"^\s*{label}%\s+([\d.]+)(us|ms|s)\s*$", text, re.M)
        if not m:
            return float("nan")
        return float(m.group(1)) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[m.group(2)]
    rps = re.search(r"Requests/sec:\s+([\d.]+)", text)
    total = re.search(r"(\d+) requests in", text)
    errors = 0
    not_2xx = re.search(r"^not 2xx: (\d+)$", text, re.M)  # counted by the Lua script
    sock = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
    if sock:
        errors += sum(int(x) for x in sock.groups())
    if not_2xx:
        errors += int(not_2xx.group(1))
    else:  # a script without the count: wrk's own (which takes 3xx as answered)
        non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
        errors += int(non2xx.group(1)) if non2xx else 0
    requests = int(total.group(1)) if total else 0
    seconds = re.search(r"requests in ([\d.]+)(ms|s|m),", text)
    duration = (float(seconds.group(1)) * {"ms": 0.001, "s": 1.0, "m": 60.0}[seconds.group(2)]
                if seconds else float("nan"))
    # only 2xx answers count: answered = requests - errors, per second of the run
    ok = max(0, requests - (int(not_2xx.group(1)) if not_2xx else 0))
    rps_2xx = ok / duration if duration == duration and duration > 0 else float("nan")
    return {"rps": round(rps_2xx, 1) if rps else float("nan"),
            "rps_all": float(rps.group(1)) if rps else float("nan"), "p50": ms("50"),
            "p99": ms("99"), "errors": errors, "requests": requests}


def load_run(engine: Engine, queries: list[tuple[str, bool]], seconds: float,
             clients: int = 8) -> dict:
    """``wrk`` with ``clients`` keep-alive connections (one per wrk thread, each its own
    client address) for ``seconds`` on random picks of ``queries`` ((text, is_graph)
    pairs); req/s counts 2xx answers only; peak memory of the engine sampled meanwhile."""
    if not wrk_available():
        return {"error": "wrk not installed (apt-get install wrk)"}
    peak = {"rss_mib": 0.0, "pss_mib": 0.0}
    done = threading.Event()

    def sample() -> None:
        while not done.wait(0.5):
            mem = engine.memory()
            for key in peak:
                peak[key] = max(peak[key], mem[key])

    with tempfile.TemporaryDirectory(prefix="iacml-bench-wrk-") as tmp:
        folder = Path(tmp)
        paths = _paths_file(engine, queries, folder)
        script = folder / "pick.lua"
        script.write_text(LUA % {"paths": paths, "seed": random.randrange(1 << 30),
                                 "accept": "application/sparql-results+json"})
        base = re.match(r"^https?://[^/]+", engine.query_url).group(0)  # type: ignore[union-attr]
        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        try:
            proc = subprocess.run(["wrk", f"-t{clients}", f"-c{clients}", f"-d{seconds:g}s",
                                   "--timeout", "10s", "--latency", "-s", str(script), base],
                                  capture_output=True, text=True, timeout=seconds + 60)
        finally:
            done.set()
            sampler.join(timeout=5)
    result = parse_wrk(proc.stdout)
    result.update({k: round(v, 1) for k, v in peak.items()})
    return result


def lookup_pool(iris: list[str]) -> list[tuple[str, bool]]:
    """Random lookups (one resource per request) as wrk inputs."""
    return [(lookup_query(iri), False) for iri in iris]


def mix_pool(queries: list[Query]) -> list[tuple[str, bool]]:
    """The mix as wrk inputs."""
    return [(q.text, q.is_graph) for q in queries]


def median(values: list[float]) -> float:
    """Median of the finite values (nan when none)."""
    finite = [v for v in values if v == v and v not in (float("inf"), float("-inf"))]
    return statistics.median(finite) if finite else float("nan")
