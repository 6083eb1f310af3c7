"""Query answers cached per data version, and their ETags.

An answer depends only on the data version, the query text, the dataset
parameters, the negotiated formats, the row cap and the SERVICE allow-list; the
key of all of them is the cache key and, hashed, the response's ETag. A client
that sends it back in ``If-None-Match`` gets ``304 Not Modified`` without the query
running; a repeated query is answered from memory without a worker. The data
version changes with every build and every accepted write, so nothing stale is
ever served.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections import OrderedDict

from server.workers.jobs import QueryAnswer, QueryJob


def answer_key(version: str, job: QueryJob) -> str:
    """The cache key (and ETag) of a query job under data version ``version``."""
    parts = {"version": version, **job.cache_fields()}
    text = json.dumps(parts, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


class ResultCache:
    """A least-recently-used map of answers, bounded in bytes; thread-safe."""

    def __init__(self, max_bytes: int):
        self.max_bytes = max_bytes
        self._items: OrderedDict[str, tuple[QueryAnswer, int]] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    def get(self, key: str) -> QueryAnswer | None:
        """The cached answer of ``key``, or None."""
        with self._lock:
            item = self._items.get(key)
            if item is None:
                return None
            self._items.move_to_end(key)
            return item[0]

    def put(self, key: str, answer: QueryAnswer) -> None:
        """Keep ``answer`` unless it alone is larger than a quarter of the cache."""
        size = len(answer.body) + 256
        if self.max_bytes <= 0 or size > self.max_bytes // 4:
            return
        with self._lock:
            if key in self._items:
                return
            self._items[key] = (answer, size)
            self._size += size
            while self._size > self.max_bytes:
                _, (_, dropped) = self._items.popitem(last=False)
                self._size -= dropped
