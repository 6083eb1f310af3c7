"""Waiting for a server to serve, from the outside (tests, benchmark, scripts).

The server starts its web workers side by side; it is ready when all of them
serve, else the first clients all land on the first worker.  /health says how
many serve (``web_workers_ready``, counted in the folder they share), whichever
worker answers it.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import requests


def wait_until_serving(url: str, deadline: float, alive: Callable[[], bool],
                       web_workers: int = 1, any_status: bool = False) -> str:
    """Poll ``url`` until it answers 200 with ``web_workers`` web workers serving
    (/health's ``web_workers_ready``; with 1, any 200 will do), or with
    ``any_status`` until the app answers at all (JSON, whatever the status; not the
    front's 503 while the web workers start).  Returns "ready", "exited" (``alive()``
    turned false) or "timeout" (``deadline``, a time.monotonic() value, passed)."""
    while time.monotonic() < deadline:
        if not alive():
            return "exited"
        try:
            answer = requests.get(url, timeout=5)
            from_app = answer.headers.get("Content-Type", "").startswith("application/json")
            if any_status and from_app:  # the app's /health, not the front's "starting"
                return "ready"
            if answer.status_code == 200 and web_workers <= 1:
                return "ready"
            if (answer.status_code == 200
                    and answer.json().get("web_workers_ready", 1) >= web_workers):
                return "ready"
        except requests.RequestException:
            pass
        time.sleep(0.02)
    return "timeout"
