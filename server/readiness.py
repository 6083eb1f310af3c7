"""Waiting for a server to serve, from the outside (tests, benchmark, scripts).

gunicorn starts its web workers side by side; a server is ready when all of
them answer, else the first clients all land on the first worker.  Each poll
opens a fresh connection, so the kernel hands it to whichever worker is
accepting, and /health names the worker that answered (``web_worker``).
"""

from __future__ import annotations

import time
from collections.abc import Callable

import requests


def wait_until_serving(url: str, deadline: float, alive: Callable[[], bool],
                       web_workers: int = 1, any_status: bool = False) -> str:
    """Poll ``url`` until it answers 200 from ``web_workers`` distinct web workers
    (read from /health's ``web_worker``; with 1, any 200 will do), or with
    ``any_status`` until it answers at all.  Returns "ready", "exited" (``alive()``
    turned false) or "timeout" (``deadline``, a time.monotonic() value, passed)."""
    seen: set[object] = set()
    while time.monotonic() < deadline:
        if not alive():
            return "exited"
        try:
            answer = requests.get(url, timeout=5)
            if any_status or (answer.status_code == 200 and web_workers <= 1):
                return "ready"
            if answer.status_code == 200:
                seen.add(answer.json().get("web_worker"))
                if len(seen) >= web_workers:
                    return "ready"
        except requests.RequestException:
            pass
        time.sleep(0.02)
    return "timeout"
