"""State shared by gunicorn's web workers (server/ops/shared.py): metrics and rate limits
count every worker's requests, in unit tests with real processes and on a live
server with two web workers."""

from __future__ import annotations

import multiprocessing
import re
from pathlib import Path

import requests

from server.ops.metrics import Metrics
from server.ops.shared import SharedRateLimiter
from tests.sparql_live import live_server

FORK = multiprocessing.get_context("fork")


def _count(text: str, status: int) -> int:
    match = re.search(rf'^iacml_http_requests_total\{{endpoint="/sparql",method="GET",'
                      rf'status="{status}"\}} (\d+)$', text, re.M)
    return int(match.group(1)) if match else 0


def _worker(folder: str, before: int, after: int, ready, done) -> None:
    """A sibling web worker: publishes ``before`` requests, then counts ``after`` more
    without publishing them, and waits to be asked."""
    metrics = Metrics(Path(folder))
    for _ in range(before):
        metrics.observe("/sparql", "GET", 200, 0.001, True)
    metrics._publisher.publish()  # type: ignore[union-attr]
    for _ in range(after):
        metrics.observe("/sparql", "GET", 200, 0.001, True)
    ready.set()
    done.wait(30)


def test_a_scrape_adds_up_every_worker_and_asks_for_fresh_counts(tmp_path: Path) -> None:
    ready, done = FORK.Event(), FORK.Event()
    sibling = FORK.Process(target=_worker, args=(str(tmp_path), 3, 2, ready, done))
    sibling.start()
    try:
        assert ready.wait(30)
        metrics = Metrics(tmp_path)
        metrics.observe("/sparql", "GET", 200, 0.001, True)
        metrics.observe("/sparql", "GET", 429, 0.001, False)
        text = metrics.render()
        # 3 published + 2 counted since (the flush stamp made the sibling publish) + 1 here
        assert _count(text, 200) == 6
        assert _count(text, 429) == 1
        assert re.search(r"^iacml_web_workers 2$", text, re.M)
        assert re.search(r'^iacml_query_duration_seconds_bucket\{le="\+Inf"\} 6$', text, re.M)
    finally:
        done.set()
        sibling.join(30)
    # the sibling has exited: its counts stay (counters never go down)
    assert _count(metrics.render(), 200) == 6


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
    assert re.search(r"^iacml_web_workers 2$", text, re.M)
    assert _count(text, 200) == 6 and _count(text, 429) == 2
