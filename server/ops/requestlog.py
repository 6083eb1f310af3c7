"""Every request counted once: its metrics and its line of the JSON access log.

Called by the ops blueprint's after-request hook for what Flask answers, and by the
fast path (:mod:`server.query.fastpath`) for the queries it answers before Flask, so
both leave the same line and the same counts.
"""

from __future__ import annotations

import json
import logging
import time
from typing import Any

from server.ops.accesslog import write_line

access_log = logging.getLogger("iacml.access")


def record_request(app: Any, *, endpoint: str, method: str, path: str, client: str | None,
                   status: int, seconds: float, size: int | None, mimetype: str,
                   is_query: bool, truncated: bool, error: str | None) -> None:
    """Count one request in the metrics and write its access-log line."""
    app.extensions["iacml.metrics"].observe(endpoint, method, status, seconds, is_query)
    if not access_log.isEnabledFor(logging.INFO):
        return
    record: dict[str, Any] = {
        "ts": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime()) + "Z",
        "client": client, "method": method, "path": path, "status": status,
        "ms": round(seconds * 1000, 2), "bytes": size, "type": mimetype}
    if is_query:
        record["truncated"] = truncated
    if error:
        record["error"] = error[:200]
    write_line(access_log, json.dumps(record, ensure_ascii=False))
