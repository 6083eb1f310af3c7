"""Guarded write latency on the real graph (printed, never asserted).

``python -m bench.write_bench [--repeat N]`` starts the app in-process on the
built dump with a journal in a temporary folder and times, end to end through
the HTTP layer (Flask test client): a guarded PUT of a typical entry (one
cooperation with its passages, ``tests/fixtures/entries/valid-cooperation.ttl``),
the first one (cold: the checker's base data is loaded) and the following ones;
a SPARQL Update adding one triple to that graph; a violating write (409); and
the first query after a write (the worker applies the journal first).
Target (issue 9): a guarded write of a typical entry answers in <= 2 s.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ENTRY = ROOT / "tests" / "fixtures" / "entries" / "valid-cooperation.ttl"
SUB = "https://w3id.org/iacml/graph/submissions/"
COOP = "https://w3id.org/iacml/id/cooperation/20/col-hnd-child-labor"
HEADERS = {"Authorization": "Bearer bench", "Content-Type": "text/turtle"}


def _timed(func) -> tuple[float, object]:
    start = time.perf_counter()
    result = func()
    return time.perf_counter() - start, result


def _summary(name: str, seconds: list[float]) -> str:
    return (f"{name:<34} n={len(seconds):<3} median {statistics.median(seconds) * 1000:8.1f} ms"
            f"   max {max(seconds) * 1000:8.1f} ms")


def measure(repeat: int) -> dict[str, list[float] | float]:
    """Seconds of each kind of write (and of the first query after one), ``repeat`` times."""
    from server.app import create_app

    folder = Path(tempfile.mkdtemp(prefix="iacml-write-bench-"))
    app = create_app({"IACML_WRITE_TOKEN": "bench:bench", "IACML_RATE_LIMIT": 0,
                      "IACML_JOURNAL": str(folder / "journal.jsonl")})
    client = app.test_client()
    body = ENTRY.read_bytes()
    bad = body.replace(b"<ministry/HND>", b"<ministry/XYZ>")
    figures: dict[str, list[float] | float] = {"put": [], "update": [], "refused": [],
                                               "read": []}
    try:
        figures["cold"], resp = _timed(lambda: client.put(
            "/graph", query_string={"graph": SUB + "bench-b0"}, data=body, headers=HEADERS))
        assert resp.status_code == 201, resp.data  # the bench itself must be valid
        for i in range(1, repeat + 1):
            graph = SUB + f"bench-b{i}"
            seconds, resp = _timed(lambda g=graph: client.put(
                "/graph", query_string={"graph": g}, data=body, headers=HEADERS))
            assert resp.status_code == 201, resp.data
            figures["put"].append(seconds)
            update = (f'INSERT DATA {{ GRAPH <{graph}> {{ <{COOP}> '
                      f'<http://www.w3.org/2000/01/rdf-schema#comment> "bench {i}" }} }}')
            seconds, resp = _timed(lambda u=update: client.post(
                "/sparql", data={"update": u}, headers={"Authorization": "Bearer bench"}))
            figures["update"].append(seconds)
            seconds, resp = _timed(lambda g=graph: client.get("/sparql", query_string={
                "query": f"ASK {{ GRAPH <{g}> {{ ?s ?p ?o }} }}"}))
            figures["read"].append(seconds)
            seconds, resp = _timed(lambda: client.put(
                "/graph", query_string={"graph": SUB + "bench-bad"}, data=bad, headers=HEADERS))
            assert resp.status_code == 409, resp.data
            figures["refused"].append(seconds)
    finally:
        app.extensions["iacml.backend"].close()
    return figures


def main(argv: list[str] | None = None) -> int:
    """Run the measurements and print them."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args(argv)
    figures = measure(args.repeat)
    print(f"{'guarded PUT, cold (loads checker)':<34} {figures['cold'] * 1000:8.1f} ms")
    print(_summary("guarded PUT (one cooperation)", figures["put"]))
    print(_summary("guarded SPARQL Update (+1 triple)", figures["update"]))
    print(_summary("violating PUT (409)", figures["refused"]))
    print(_summary("first query after a write", figures["read"]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
