"""The gunicorn set-up the endpoint shipped with before granian behind nginx
(``gunicorn -c bench/gunicorn_conf.py server.wsgi:app``): kept as the baseline
``python -m bench.slowclients`` and ``bench.ceiling`` measure the server against.

IACML_WEB_WORKERS web worker processes (default: one per core, at most 8), each with
IACML_HTTP_THREADS threads.  The Python request path (HTTP parsing, routing,
content negotiation, logging) holds the GIL, so one process serves at most one
core's worth of requests: a process per core is what lets the endpoint use the
machine.  Each web worker has its own query worker pool (IACML_QUERY_WORKERS)
and its own in-process copy of the store for lookups, so memory grows with it.
Bind address and port: IACML_BIND (default 127.0.0.1:8000).
"""

import os
import shutil
import tempfile

from server.settings import web_workers

bind = os.environ.get("IACML_BIND", "127.0.0.1:8000")
workers = web_workers()
worker_class = "gthread"
threads = int(os.environ.get("IACML_HTTP_THREADS", "8"))
timeout = 120
graceful_timeout = 10
limit_request_line = 0  # the app enforces IACML_MAX_REQUEST_BYTES itself (413)
accesslog = None  # the app writes structured JSON access logs (logger iacml.access)
errorlog = "-"
loglevel = "info"
# gunicorn >= 25 opens a control socket at one fixed path per user: several
# servers (tests, a second instance) would fight over it, and nothing here uses it.
control_socket_disable = True


def on_starting(server: object) -> None:
    """Create the folder the web workers share (metrics, rate limits: server.ops.shared);
    the workers, forked later, inherit its path."""
    os.environ["IACML_SHARED_DIR"] = tempfile.mkdtemp(prefix="iacml-shared-")


def on_exit(server: object) -> None:
    """Remove the shared folder when the server stops."""
    shutil.rmtree(os.environ.get("IACML_SHARED_DIR", ""), ignore_errors=True)
