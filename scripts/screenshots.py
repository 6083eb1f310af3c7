"""`make screenshots`: every main page of the site, as Debian's chromium shows it at 1400
and at 375 CSS px wide (a desktop and a phone), whole-page PNGs in build/screenshots/.

Starts the production server (nginx in front of granian, as `make serve` does) on a free
port over the built dataset, waits until it is healthy, takes the pictures (maps and
editors once drawn), stops it. Not part of `make test`: it is for people to look at.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "build" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
WIDTHS = {"desktop": (1400, 1000), "phone": (375, 800)}
#: name -> (path, what to wait for before the picture)
PAGES = {
    "landing": ("/en/", "main"),
    "landing-es": ("/es/", "main"),
    "browse": ("/en/browse", "main"),
    "cooperations": ("/en/browse/cooperations", "table"),
    "country": ("/en/id/country/ECU", "h1"),
    "ministry": ("/en/id/ministry/ECU", "h1"),
    "cooperation": ("/en/id/cooperation/20/col-hnd-child-labor", "h1"),
    "working-group-chair": ("/en/id/cycle/20/wg/1/chair", "h1"),
    "discrepancy": ("/en/id/discrepancy/bridgetown-poa-date", "h1"),
    "search": ("/en/search?q=trabajo+infantil", "main"),
    "map": ("/en/map", "#map[data-ready=true]"),
    "timeline": ("/en/timeline", "#timeline[data-ready=true]"),
    "query": ("/en/query", ".yasqe .CodeMirror"),
    "results": ("/en/sparql?format=html&query=SELECT%20%3Fs%20%3Fd%20WHERE%20%7B%20%3Fs%20"
                "%3Chttps%3A%2F%2Fschema.org%2FstartDate%3E%20%3Fd%20%7D%20LIMIT%2020",
                "table"),
    "dataset": ("/en/dataset", "h1"),
    "downloads": ("/en/download/", "main"),
    "validate": ("/en/validate", "main"),
    "not-found": ("/en/id/no-such-thing", "main"),
}


def free_port() -> int:
    """A TCP port nobody listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_healthy(base: str, process: subprocess.Popen[bytes], seconds: float = 120) -> None:
    """Until /health answers 200; fails if the server exits or takes too long."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"the server exited with status {process.returncode}")
        try:
            with urllib.request.urlopen(base + "/health", timeout=5) as answer:
                if answer.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.5)
    raise SystemExit(f"the server was not healthy within {seconds:.0f} s")


def shoot(base: str) -> list[Path]:
    """Every page of :data:`PAGES` at every width of :data:`WIDTHS`."""
    from playwright.sync_api import sync_playwright

    OUT.mkdir(parents=True, exist_ok=True)
    written = []
    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        for width_name, (width, height) in WIDTHS.items():
            context = browser.new_context(viewport={"width": width, "height": height})
            page = context.new_page()
            for name, (path, ready) in PAGES.items():
                page.goto(base + path)
                page.wait_for_selector(ready, timeout=30000)
                target = OUT / f"{name}-{width_name}.png"
                page.screenshot(path=str(target), full_page=True)
                written.append(target)
            context.close()
        browser.close()
    return written


def main() -> None:
    """Start the server, take the pictures, stop the server."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("IACML_")}
    env["IACML_CACHE_DIR"] = str(ROOT / "build" / "screenshots-cache")
    log = ROOT / "build" / "screenshots-server.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "server.front.launch", "--host", "127.0.0.1",
             "--port", str(port)], cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        wait_healthy(base, process)
        written = shoot(base)
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
    print(f"{len(written)} screenshots in {OUT.relative_to(ROOT)}/ "
          f"({len(PAGES)} pages x {', '.join(f'{w} px' for w, _ in WIDTHS.values())})")


if __name__ == "__main__":
    main()
