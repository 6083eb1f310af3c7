"""The IACML SPARQL endpoint: the Flask application factory.

``create_app(config)`` loads the defaults of :mod:`server.settings`, then the
instance config (``instance/config.py``) and the ``IACML_*`` environment
variables, then the ``config`` override (tests), starts the query backend and
registers every blueprint, in one place.
"""

from __future__ import annotations

import atexit
import json
import logging
import os
import sys
from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from iacml.diskstore import served_store
from iacml.namespaces import GRAPH
from server import i18n, settings
from server.ops.accesslog import BatchedStreamHandler
from server.ops.admission import Admission
from server.ops.diskcache import prune
from server.ops.metrics import Metrics
from server.ops.ratelimit import RateLimiter
from server.ops.shared import SharedRateLimiter, mark_ready, shared_dir
from server.query.fastpath import FastQueries
from server.query.resultcache import ResultCache
from server.settings import BEHIND_FRONT, PROJECT_ROOT
from server.workers.backend import Backend, LocalBackend
from server.workers.remote import RemoteBackend


def _configure_logging() -> None:
    for name in ("iacml.access", "iacml.pool"):
        logger = logging.getLogger(name)
        if not logger.handlers:
            # one line per request: written in batches (server/ops/accesslog.py)
            handler: logging.Handler = (BatchedStreamHandler(sys.stderr) if name == "iacml.access"
                                        else logging.StreamHandler(sys.stderr))
            handler.setFormatter(logging.Formatter("%(message)s"))
            logger.addHandler(handler)
            logger.setLevel(logging.INFO)
            logger.propagate = False


def _yasgui_version() -> str | None:
    # `npm run vendor` copies YASGUI's package.json beside its files (server/static/vendor)
    package = PROJECT_ROOT / "server" / "static" / "vendor" / "yasgui" / "package.json"
    try:
        return str(json.loads(package.read_text(encoding="utf-8"))["version"])
    except (OSError, ValueError, KeyError):
        return None


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the Flask app: defaults < instance config < environment < ``config``."""
    app = Flask(__name__, instance_path=str(PROJECT_ROOT / "instance"),
                instance_relative_config=True)
    app.config.update(settings.load())
    if config:
        app.config.update(settings.normalise(config))
    app.config["MAX_CONTENT_LENGTH"] = app.config["IACML_MAX_REQUEST_BYTES"]
    # Data-format GET/HEAD queries of /sparql are answered before Flask's machinery, by
    # the route's own functions (server/query/fastpath.py); inside the language prefix
    # and ProxyFix, so they see the same path and client address as every route.
    app.wsgi_app = FastQueries(app, app.wsgi_app)  # type: ignore[method-assign]
    i18n.init_app(app)  # before ProxyFix: the language prefix is read inside it
    if os.environ.get(BEHIND_FRONT) or app.config["IACML_TRUST_PROXY"]:
        # Behind the nginx front (server/front/launch.py) the client address, scheme and host
        # come from its X-Forwarded-* headers: it overwrites the address a client sends,
        # and passes scheme and host on from a proxy before it only under
        # IACML_TRUST_PROXY. Without the front, IACML_TRUST_PROXY trusts the peer.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)  # type: ignore[method-assign]
    app.json.sort_keys = False  # type: ignore[attr-defined]
    _configure_logging()

    from server.workers.sandbox import zygote_args

    network = zygote_args(app.config["IACML_WORKER_NETWORK"],
                          app.config["IACML_SERVICE_ALLOWLIST"])
    if app.config["IACML_BACKEND_URL"]:
        backend: Backend = RemoteBackend(app.config["IACML_BACKEND_URL"], network,
                                         app.config["IACML_BACKEND_DEFAULT_GRAPH"],
                                         str(GRAPH))
    else:
        dataset = settings.dataset_path(app.config["IACML_DATASET"])
        # the build's on-disk store of this very dump, opened read-only by every process
        disk = served_store(dataset) if app.config["IACML_STORE"] == "disk" else None
        backend = LocalBackend(str(dataset), app.config["IACML_QUERY_WORKERS"],
                               str(settings.dataset_path(app.config["IACML_JOURNAL"])),
                               app.config["IACML_LOOKUPS_IN_PROCESS"],
                               app.config["IACML_QUERY_MEMORY_MB"], network, disk)
    # The dataset loads in the zygote process while this one imports the blueprints.
    backend.begin()
    atexit.register(backend.close)
    app.extensions["iacml.backend"] = backend
    share = shared_dir()  # set by the launcher: state shared by the web workers
    app.extensions["iacml.metrics"] = Metrics()
    app.extensions["iacml.ratelimit"] = (
        SharedRateLimiter(app.config["IACML_RATE_LIMIT"], share) if share
        else RateLimiter(app.config["IACML_RATE_LIMIT"]))
    app.extensions["iacml.admission"] = Admission(
        app.config["IACML_CLIENT_QUERIES"], app.config["IACML_CLIENT_QUERY_SECONDS"],
        app.config["IACML_QUERY_TIMEOUT"], share)
    app.extensions["iacml.results"] = ResultCache(app.config["IACML_RESULT_CACHE_BYTES"])
    app.extensions["iacml.yasgui_version"] = _yasgui_version()
    # what an earlier run left: within the bound from the start (server/ops/diskcache.py)
    prune(settings.dataset_path(app.config["IACML_CACHE_DIR"]),
          app.config["IACML_CACHE_MAX_BYTES"])

    from server.write import writes

    # an accepted write also makes the snapshot the on-disk store's readers open
    app.extensions["iacml.writer"] = writes.submissions(
        app.config, backend.disk if isinstance(backend, LocalBackend) else None)

    # Every route is in a blueprint, and every blueprint is registered here, in this
    # order: ops first, as its app-wide hooks (URL and body limits, timing) must run
    # before any route's.
    from server.browse import bp as browse
    from server.ld.blueprint import bp as linked_data
    from server.ops import status
    from server.query import sparql
    from server.reconcile.routes import bp as reconcile
    from server.ui import home
    from server.write import checkservice, gsp

    for blueprint in (status.bp, sparql.bp, checkservice.bp, gsp.bp, linked_data, reconcile,
                      browse, home.bp):
        app.register_blueprint(blueprint)
    backend.wait_ready()
    if share:
        mark_ready(share)

    return app
