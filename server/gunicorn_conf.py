"""gunicorn settings for the endpoint (``gunicorn -c server/gunicorn_conf.py server.wsgi:app``).

One web worker with threads: the query work happens in the app's own pool of
query worker processes (IACML_QUERY_WORKERS), so more gunicorn workers would
only multiply the memory held by copies of the dataset.  Bind address and
port: IACML_BIND (default 127.0.0.1:8000).
"""

import os

bind = os.environ.get("IACML_BIND", "127.0.0.1:8000")
workers = 1
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
