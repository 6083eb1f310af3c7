"""State shared by the web workers: metrics (prometheus_client's multi-process mode)
and rate limits (server/ops/shared.py) count every worker's requests, in unit tests with
real processes and on a live server with two web workers."""

from __future__ import annotations

import multiprocessing
import os
import re
import subprocess
import sys
from pathlib import Path

import requests

from server.ops.metrics import MULTIPROC_ENV, Metrics
from server.ops.shared import SharedRateLimiter
from tests.sparql_live import live_server

ROOT = Path(__file__).resolve().parent.parent

FORK = multiprocessing.get_context("fork")


def _count(text: str, status: int) -> int:
    match = re.search(rf'^iacml_http_requests_total\{{endpoint="/sparql",method="GET",'
                      rf'status="{status}"\}} (\d+)(\.0)?$', text, re.M)
    return int(match.group(1)) if match else 0


_COUNT_AND_WAIT = """
import sys
from server.ops.metrics import Metrics
metrics = Metrics()
for status in sys.argv[1:]:
    metrics.observe("/sparql", "GET", int(status), 0.001, True)
print("counted", flush=True)
sys.stdin.read()  # until the test closes our stdin
"""
def _process(code: str, folder: Path, *args: str) -> subprocess.Popen[str]:
    """A Python process in prometheus_client's multi-process mode over ``folder``, as the
    launcher starts the web workers (the variable is set before the library is imported)."""
    env = {**os.environ, MULTIPROC_ENV: str(folder)}
    return subprocess.Popen([sys.executable, "-c", code, *args], env=env, cwd=ROOT,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)


def test_a_scrape_adds_up_every_worker(tmp_path: Path, monkeypatch) -> None:
    """Two web workers, one still serving, one exited: a scrape adds up both's requests
    and counts the live one."""
    serving = _process(_COUNT_AND_WAIT, tmp_path, "200", "200", "200")
    exited = _process(_COUNT_AND_WAIT, tmp_path, "200", "200", "429")
    try:
        assert serving.stdout is not None and exited.stdout is not None
        assert serving.stdout.readline() == "counted\n"
        assert exited.stdout.readline() == "counted\n"
        exited.communicate("", timeout=30)  # closes its stdin: it exits
        monkeypatch.setenv(MULTIPROC_ENV, str(tmp_path))  # this process reads the files
        text = Metrics().render().decode()
        assert _count(text, 200) == 5  # counters of an exited worker stay
        assert _count(text, 429) == 1
        assert re.search(r'^iacml_query_duration_seconds_bucket\{le="\+Inf"\} 6\.0$', text, re.M)
        assert re.search(r"^iacml_web_workers 1\.0$", text, re.M), text
    finally:
        serving.communicate("", timeout=30)


def _spend(folder: str, tokens: int, out) -> None:
    limiter = SharedRateLimiter(4, Path(folder))
    out.put([limiter.hit("203.0.113.9") for _ in range(tokens)])


def test_the_rate_limit_is_one_budget_across_workers(tmp_path: Path) -> None:
    out = FORK.Queue()
    sibling = FORK.Process(target=_spend, args=(str(tmp_path), 3, out))
    sibling.start()
    assert out.get(timeout=30) == [0, 0, 0]
    sibling.join(30)
    limiter = SharedRateLimiter(4, tmp_path)
    assert limiter.hit("203.0.113.9") == 0   # the fourth of four tokens
    assert limiter.hit("203.0.113.9") >= 1   # the budget is spent, whichever process asks
    assert limiter.hit("198.51.100.7") == 0  # another client has its own budget


def test_two_web_workers_share_metrics_and_rate_limit() -> None:
    server = live_server(IACML_WEB_WORKERS="2", IACML_RATE_LIMIT="6")
    statuses = [requests.get(server.endpoint, params={"query": "ASK {}"}, timeout=30,
                             headers={"Connection": "close"}).status_code
                for _ in range(8)]
    assert statuses == [200] * 6 + [429] * 2
    text = requests.get(server.base + "/metrics", timeout=30).text
    assert re.search(r"^iacml_web_workers 2\.0$", text, re.M)
    assert _count(text, 200) == 6 and _count(text, 429) == 2
