"""``python -m server.front.launch``: the production server (what ``make serve`` and
``iacml serve`` run, and what the tests and the benchmark start).

It starts, supervises and stops, as one process tree:

- **granian** (a Rust HTTP server, PyPI) running the WSGI app ``server.wsgi:app``
  in ``IACML_WEB_WORKERS`` web worker processes of ``IACML_HTTP_THREADS`` Python
  threads each;
- **nginx** (Debian's) in front, unless ``IACML_FRONT=none``: it owns the public
  port and talks to granian over a unix socket in a private folder
  (:mod:`server.front.nginx` says why);
- the **run folder** (``iacml-run-*`` in the temporary directory): granian's socket,
  nginx's configuration and buffers, and the folder the web workers share
  (``IACML_SHARED_DIR``: the metrics of prometheus_client's multi-process mode and
  the per-client budgets of :mod:`server.ops.shared`), created before any worker
  starts and removed at exit.

SIGTERM or SIGINT stops both servers; if either exits on its own, the other is
stopped and the launcher exits with its status.
"""

from __future__ import annotations

import argparse
import ctypes
import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, cast

from server import settings
from server.front import nginx as front
from server.ops.metrics import MULTIPROC_ENV
from server.settings import BEHIND_FRONT, PROJECT_ROOT


def raise_open_files() -> int:
    """Lift the soft limit on open files to the hard one (every client connection is
    a file descriptor); return the new soft limit."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard == resource.RLIM_INFINITY or hard > soft:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
        soft = hard
    return soft


def _own_group() -> None:
    """In a child before exec: lead a process group of its own (so that stopping it
    reaches its workers, zygotes and query workers too), and get SIGTERM if the
    launcher dies, even by SIGKILL, so no server outlives it."""
    os.setpgid(0, 0)
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def granian_argv(conf: dict[str, Any], bind: list[str], app: str = "server.wsgi:app"
                 ) -> list[str]:
    """The granian command line for ``conf`` bound by ``bind`` (--uds or --host/--port)
    serving the WSGI callable ``app``."""
    granian = Path(sys.executable).with_name("granian")
    workers = int(conf["IACML_WEB_WORKERS"]) or min(os.cpu_count() or 1, 8)
    return [str(granian), "--interface", "wsgi", "--http", "1", "--no-ws",
            "--workers", str(workers),
            "--blocking-threads", str(conf["IACML_HTTP_THREADS"]),
            # connections each worker serves at once: behind nginx they are its
            # keep-alive connections; alone, every client socket counts
            "--backpressure", "4096",
            "--http1-header-read-timeout", str(int(conf["IACML_CLIENT_TIMEOUT"]) * 1000),
            "--respawn-failed-workers", "--respawn-interval", "1",
            "--log-level", "warning", "--working-dir", str(PROJECT_ROOT),
            *bind, app]


class Launcher:
    """The processes of one server run and the folder they share."""

    def __init__(self, host: str, port: int, environ: dict[str, str] | None = None,
                 app: str = "server.wsgi:app") -> None:
        self.host, self.port, self.app = host, port, app
        self.environ = dict(os.environ if environ is None else environ)
        self.conf = settings.load(self.environ)
        self.run = Path(tempfile.mkdtemp(prefix="iacml-run-"))
        self.children: list[subprocess.Popen[bytes]] = []

    def start(self) -> None:
        """Start granian, then nginx in front of it (unless IACML_FRONT=none)."""
        open_files = raise_open_files()
        shared = self.run / "shared"
        shared.mkdir()
        (shared / "prometheus").mkdir()  # prometheus_client's multi-process folder
        env = {**self.environ, "IACML_SHARED_DIR": str(shared),
               MULTIPROC_ENV: str(shared / "prometheus")}
        mode = str(self.conf["IACML_FRONT"]).strip().lower()
        if mode == "none":
            self.children.append(subprocess.Popen(
                granian_argv(self.conf, ["--host", self.host, "--port", str(self.port)],
                             self.app),
                cwd=PROJECT_ROOT, env=env, preexec_fn=_own_group))
            return
        if mode != "nginx":
            raise SystemExit(f"IACML_FRONT must be 'nginx' or 'none', not {mode!r}")
        nginx = front.nginx_binary()
        if nginx is None:
            raise SystemExit("nginx is not installed (Debian package nginx; `make nginx` "
                             "installs it), or set IACML_FRONT=none behind a proxy of your own")
        socket_path = self.run / "granian.sock"
        env[BEHIND_FRONT] = "1"
        self.children.append(subprocess.Popen(
            granian_argv(self.conf, ["--uds", str(socket_path), "--uds-permissions", "384"],
                         self.app),
            cwd=PROJECT_ROOT, env=env, preexec_fn=_own_group))
        deadline = time.monotonic() + 30  # granian binds its socket before loading the app
        while not socket_path.exists() and time.monotonic() < deadline \
                and self.children[0].poll() is None:
            time.sleep(0.05)
        listen = f"[{self.host}]:{self.port}" if ":" in self.host else f"{self.host}:{self.port}"
        conf_path = self.run / "nginx.conf"
        conf_path.write_text(front.config(self.run, listen, socket_path, self.conf,
                                          open_files, as_root=os.geteuid() == 0), encoding="utf-8")
        self.children.append(subprocess.Popen(
            [nginx, "-p", str(self.run), "-c", str(conf_path), "-e", "stderr"],
            cwd=self.run, env=env, preexec_fn=_own_group))

    def wait(self) -> int:
        """Wait until a child exits or a stop is asked; stop all; return the status."""
        stopping: list[int] = []

        def _stop(signum: int, _frame: object) -> None:
            stopping.append(signum)

        signal.signal(signal.SIGTERM, _stop)
        signal.signal(signal.SIGINT, _stop)
        status = 0
        while not stopping:
            ended = [c for c in self.children if c.poll() is not None]
            if ended:
                status = ended[0].returncode or 1
                program = Path(str(cast(list[str], ended[0].args)[0])).name
                print(f"iacml serve: {program} exited with status {ended[0].returncode}; "
                      "stopping", file=sys.stderr)
                break
            time.sleep(0.2)
        self.stop()
        return status

    def stop(self) -> None:
        """SIGTERM every child (nginx first: no new requests); SIGKILL the process
        groups of those still running after 10 s (a granian worker waiting on a
        stalled request does not stop by itself); remove the run folder."""
        for child in reversed(self.children):
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + 10
        for child in reversed(self.children):
            try:
                child.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                pass
        for child in self.children:
            try:
                os.killpg(child.pid, signal.SIGKILL)  # whatever is left of its group
            except (ProcessLookupError, PermissionError):
                pass
            if child.poll() is None:
                child.wait(timeout=5)
        shutil.rmtree(self.run, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    """Serve until stopped."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=5000)
    parser.add_argument("--app", default="server.wsgi:app",
                        help="WSGI callable to serve (the benchmark's floor apps)")
    args = parser.parse_args(argv)
    launcher = Launcher(args.host, args.port, app=args.app)
    try:
        launcher.start()
    except BaseException:
        launcher.stop()
        raise
    return launcher.wait()


if __name__ == "__main__":
    sys.exit(main())
