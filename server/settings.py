"""Named, defaulted, documented settings of the SPARQL endpoint (Datasette style).

Every limit of the server is a :class:`Setting`: a name (the Flask config key
and the environment variable ``IACML_*`` that sets it), a default, a type and a
help text.  ``/-/settings`` shows them, ``docs/endpoint.md`` documents them.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from iacml.errors import BuildError
from iacml.paths import ServedPaths

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _to_bool(value: str) -> bool:
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _store_mode(value: str) -> str:
    mode = str(value).strip().lower()
    if mode not in {"disk", "memory"}:
        raise ValueError(f"IACML_STORE must be 'disk' or 'memory', not {value!r}")
    return mode


def _to_list(value: str | list[str]) -> list[str]:
    if isinstance(value, list):
        return [str(v) for v in value]
    return [part for part in value.replace(",", " ").split() if part]


@dataclass(frozen=True)
class Setting:
    """One named setting: config key, default, converter and help text."""

    name: str
    default: Any
    convert: Callable[[Any], Any]
    help: str
    secret: bool = False

    def display(self, value: Any) -> Any:
        """Value as shown at /-/settings (secrets are masked)."""
        if self.secret:
            return "(set)" if value else "(not set)"
        return value


SETTINGS: tuple[Setting, ...] = (
    Setting("IACML_DATASET", "build/iacml.nq", str,
            "Path of the N-Quads (or TriG) dump the query workers load; relative "
            "paths are resolved against the project root."),
    Setting("IACML_QUERY_TIMEOUT", 10.0, float,
            "Query time limit in seconds. A query still running then is stopped "
            "(its worker process is killed and replaced) and answered with 503."),
    Setting("IACML_ROW_CAP", 10000, int,
            "Maximum number of result rows (SELECT) or triples (CONSTRUCT/DESCRIBE) "
            "returned. A cut result carries the header X-IACML-Truncated: true."),
    Setting("IACML_MAX_REQUEST_BYTES", 1048576, int,
            "Largest accepted request body or query string in bytes; larger "
            "requests get 413."),
    Setting("IACML_RATE_LIMIT", 600, int,
            "Queries per minute allowed from one client address (429 with "
            "Retry-After beyond it); 0 turns the limit off."),
    Setting("IACML_RESULT_CACHE_BYTES", 67108864, int,
            "Memory for answers kept per data version (the same query, dataset and format "
            "is answered without running again; ETag / If-None-Match gives 304). "
            "0 turns the cache off."),
    Setting("IACML_QUERY_WORKERS", 3, int,
            "Query worker processes per web worker, forked from one copy of the dataset "
            "(copy-on-write); each answers one query at a time."),
    Setting("IACML_STORE", "disk", _store_mode,
            "Where the query processes read the dataset: 'disk' opens the store the build "
            "writes beside the dump (build/iacml.oxigraph) read-only in every process "
            "(ready in milliseconds, the data shared through the page cache; a dump "
            "without a matching store is loaded into memory); 'memory' loads the dump "
            "into each process (queries about twice as fast in the engine, the data's "
            "memory once per zygote and lookup copy)."),
    Setting("IACML_LOOKUPS_IN_PROCESS", True,
            lambda v: v if isinstance(v, bool) else _to_bool(str(v)),
            "Answer lookups by IRI (one triple pattern with a constant subject, whose cost "
            "is bounded by that subject's statements) from a copy of the store in the web "
            "process instead of a worker: faster (with IACML_STORE=memory, at the cost of "
            "one more copy of the data in memory). Every other query runs in a killable "
            "worker."),
    Setting("IACML_SERVICE_ALLOWLIST", [], _to_list,
            "Endpoints a query may call with SERVICE (space or comma separated IRIs). "
            "Empty: every SERVICE clause is refused with 403."),
    Setting("IACML_BACKEND_URL", "", str,
            "URL of a SPARQL 1.1 query endpoint to answer queries instead of the "
            "embedded store (empty: embedded pyoxigraph workers)."),
    Setting("IACML_BACKEND_DEFAULT_GRAPH", "", str,
            "With IACML_BACKEND_URL: the IRI of the graph holding the dataset's default graph "
            "(the merge of its graphs) in a store whose own default graph is something else "
            "(Virtuoso's is the union of every graph, its system graphs included). A query "
            "naming no dataset of its own is then sent with it as default-graph-uri and the "
            "store's graphs under https://w3id.org/iacml/graph/ as named-graph-uri. Empty: "
            "the store's own default graph (Oxigraph loaded with the dump)."),
    Setting("IACML_TRUST_PROXY", False, lambda v: v if isinstance(v, bool) else _to_bool(str(v)),
            "Behind one trusted reverse proxy: take the client address (rate limit), "
            "scheme and host (sd:endpoint, links) from its X-Forwarded-* headers."),
    Setting("IACML_WRITE_TOKEN", "", str,
            "Write tokens of the guarded write path, as name:token pairs (space or comma "
            "separated; the name is recorded with each write). The token named NAME may "
            "write graph/submissions/NAME and graph/submissions/NAME-*; names are lower-case "
            "letters and digits. Empty (and no IACML_ADMIN_TOKEN): writes are off (403).",
            secret=True),
)

BY_NAME: dict[str, Setting] = {s.name: s for s in SETTINGS}


def defaults() -> dict[str, Any]:
    """Return the default value of every setting."""
    return {s.name: s.default for s in SETTINGS}


def from_environment(environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Return the settings given as ``IACML_*`` environment variables, converted."""
    environ = os.environ if environ is None else environ
    return {s.name: s.convert(environ[s.name]) for s in SETTINGS if s.name in environ}


def normalise(config: Mapping[str, Any]) -> dict[str, Any]:
    """Convert every known setting in ``config`` to its type (for overrides)."""
    out = dict(config)
    for setting in SETTINGS:
        if setting.name in out and out[setting.name] is not None:
            out[setting.name] = setting.convert(out[setting.name])
    return out


def dataset_path(value: str) -> Path:
    """Resolve the dataset setting against the project root."""
    path = Path(value)
    return path if path.is_absolute() else PROJECT_ROOT / path


def served_paths(config: Mapping[str, Any]) -> ServedPaths:
    """The served bundle (IACML_BUNDLE_DIR) as the entry checks read it, with their cache
    in IACML_CACHE_DIR; BuildError when there is no bundle (checks without shapes would
    pass everything)."""
    bundle = dataset_path(config["IACML_BUNDLE_DIR"])
    if not (bundle / "build-id").exists():
        raise BuildError(f"the served bundle {bundle} is missing (IACML_BUNDLE_DIR): "
                         "run `iacml build`")
    return ServedPaths(bundle, dataset_path(config["IACML_CACHE_DIR"]) / "checks")


def describe(config: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Settings as rows for /-/settings: name, value, default, help."""
    return [{"name": s.name, "value": s.display(config.get(s.name, s.default)),
             "default": s.display(s.default), "help": s.help} for s in SETTINGS]


# ---- linked data (issue 8: server/ld/) ----
SETTINGS += (
    Setting("IACML_BASE_IRI", "https://w3id.org/iacml/", str,
            "Base IRI the server's root stands for: the IRI {base}id/... is answered at "
            "/id/..., {base}ontology at /ontology, {base}dataset at /dataset."),
)

# ---- the served bundle and the caches (issue 20: iacml/bundle.py, server/ops/diskcache.py) ----
SETTINGS += (
    Setting("IACML_BUNDLE_DIR", "build/served", str,
            "The served bundle `iacml build` writes: the shapes, QC queries and source "
            "texts of the entry checks, the query page's example and competency queries, "
            "the retired IRIs (relative paths are resolved against the project root)."),
    Setting("IACML_CACHE_DIR", "instance/cache", str,
            "Folder of what the server computes once per data version: the download "
            "dumps and the closure the entry checks use (relative paths are resolved "
            "against the project root)."),
    Setting("IACML_CACHE_MAX_BYTES", 256 * 1024 * 1024, int,
            "Bound of IACML_CACHE_DIR in bytes: past it, the entries of other data "
            "versions go, least recently written first (the current version's stay)."),
)
BY_NAME.update({s.name: s for s in SETTINGS})


# ---- validation service (issue 9: server/write/checkservice.py) ----
SETTINGS += (
    Setting("IACML_VALIDATE_MAX_BYTES", 262144, int,
            "Largest entry POST /validate or a Graph Store write accepts, in bytes (body "
            "or pasted text); "
            "larger entries get 413."),
)
BY_NAME.update({s.name: s for s in SETTINGS})


# ---- guarded writes (issue 9: server/write/writes.py, server/write/gsp.py, iacml/journal.py) ----
SETTINGS += (
    Setting("IACML_JOURNAL", "instance/journal.jsonl", str,
            "Path of the write journal (JSON Lines, append-only, fsynced before each 2xx); "
            "served data = the dataset + this journal. Relative paths are resolved "
            "against the project root; keep it outside build/ and git."),
)
BY_NAME.update({s.name: s for s in SETTINGS})


def web_workers(environ: Mapping[str, str] | None = None) -> int:
    """Web workers (IACML_WEB_WORKERS): by default one per core, at most 8, since
    each holds its own copies of the data (read by server/front/launch.py)."""
    return int(load(environ)["IACML_WEB_WORKERS"]) or min(os.cpu_count() or 1, 8)


#: Set by the launcher in the web workers' environment when nginx is in front: they take
#: the client address from its X-Forwarded-For (nginx overwrites whatever a client sent).
BEHIND_FRONT = "IACML_BEHIND_FRONT"


# ---- the front and the fair share of the workers (issue 19: server/front/launch.py, front.py,
# server/ops/admission.py, server/workers/pool.py) ----
SETTINGS += (
    Setting("IACML_FRONT", "nginx", str,
            "What accepts client connections: 'nginx' (Debian's nginx buffers requests and "
            "answers, with the timeouts and limits below, in front of granian on a private "
            "socket) or 'none' (granian on the port itself: only behind a buffering proxy of "
            "your own, since granian has no body read timeout)."),
    Setting("IACML_WEB_WORKERS", 0, int,
            "Web worker processes (granian workers), each with its own query workers and "
            "copies of the data. 0: one per core, at most 8."),
    Setting("IACML_HTTP_THREADS", 16, int,
            "Python threads per web worker answering requests (granian's blocking threads); "
            "a query waiting for its worker holds one."),
    Setting("IACML_MAX_URL_BYTES", 32768, int,
            "Longest accepted request target (path and query string) in bytes; longer "
            "URLs get 414 on every route. Send longer queries in a POST body."),
    Setting("IACML_SEARCH_MAX_CHARS", 200, int,
            "Longest accepted search phrase (/search?q=) in characters; longer ones get 400."),
    Setting("IACML_CLIENT_TIMEOUT", 15, int,
            "Seconds the front waits for a client to send more of its request (headers or "
            "body) or to take more of an answer; a client that stalls longer is "
            "disconnected."),
    Setting("IACML_CLIENT_QUERIES", 2, int,
            "Queries one client address may have running in query workers at once, over "
            "all web workers (429 with Retry-After beyond it; lookups by IRI and cached "
            "answers are not counted). Keep it below IACML_QUERY_WORKERS so that one client "
            "never holds every worker of a web worker. 0 turns it off."),
    Setting("IACML_CLIENT_QUERY_SECONDS", 60.0, float,
            "Seconds of query-worker time one client address may use per minute (the "
            "Wikidata Query Service's rule); once spent, its queries get 429 with "
            "Retry-After until the budget refills. 0 turns it off."),
    Setting("IACML_QUERY_MEMORY_MB", 1024.0, float,
            "Memory one query may add to its worker, in MiB (the growth of the worker's "
            "resident memory while it runs, not the dataset it inherited); past it the "
            "query is stopped with 503 and the worker replaced. 0 turns the cap off."),
    Setting("IACML_MAX_CONNECTIONS_PER_CLIENT", 32, int,
            "Requests one client address may have in progress at once at the front "
            "(a stalled body or a slow reader counts); beyond it 429. 0 turns it off."),
)
BY_NAME.update({s.name: s for s in SETTINGS})


def load(environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Every setting as the server runs with it: defaults < instance/config.py <
    ``IACML_*`` environment variables (what create_app and the launcher both read)."""
    config = defaults()
    instance = PROJECT_ROOT / "instance" / "config.py"
    if instance.is_file():
        namespace: dict[str, Any] = {"__file__": str(instance)}
        exec(compile(instance.read_text(encoding="utf-8"), str(instance), "exec"), namespace)
        config.update({k: v for k, v in namespace.items() if k.isupper()})
    config = normalise(config)
    config.update(from_environment(environ))
    return config


# ---- untrusted input (issue 19: server/untrusted/, server/write/tokens.py,
# server/workers/sandbox.py) ----
SETTINGS += (
    Setting("IACML_MAX_NESTING", 32, int,
            "Deepest nesting accepted in a query, an update or an entry (brackets of "
            "every kind, elements in RDF/XML, runs of prefix operators such as '!'), "
            "measured by the project's own lexer before any parser sees the text; deeper "
            "texts get 400. pyoxigraph 0.5.13 crashes past ~860 levels and parses nested "
            "collections in cubic time (64 levels: 0.9 s), hence the low default."),
    Setting("IACML_MAX_OPERATORS", 2000, int,
            "Most operators accepted in one query or update (UNION, OPTIONAL, MINUS, BIND, "
            "FILTER, VALUES, GRAPH, SERVICE, EXISTS, IN, and the characters { ( | & = < > "
            "+ - * / ! ^), counted by the same lexer: each may add a level to the tree "
            "pyoxigraph walks recursively (6,700 UNIONs in a row crash it). More get 400."),
    Setting("IACML_WORKER_NETWORK", "isolated", str,
            "'isolated': the query workers (which parse and evaluate every query, update "
            "and entry) run in a network namespace of their own, reaching only the "
            "endpoints of IACML_SERVICE_ALLOWLIST through a relay; if the kernel refuses "
            "(no user namespaces), they do not start and queries get 503 naming this "
            "setting. 'host': they share the server's network (the SPARQL checks still "
            "refuse LOAD and SERVICE off the allow-list, but a parser differential "
            "could reach anything)."),
    Setting("IACML_ADMIN_TOKEN", "", str,
            "Admin tokens, as name:token pairs: each may write every submission graph "
            "(graph/submissions/*), as IACML_WRITE_TOKEN's tokens write their own.",
            secret=True),
)


# ---- releases and citation (issue 17: iacml/release/, server/ld/releases.py, cite.py) ----
SETTINGS += (
    Setting("IACML_RELEASES_DIR", "", str,
            "Folder of the releases (one folder per version, made by `iacml release`), "
            "listed at /download/; empty: the releases the build copied into the served "
            "bundle (IACML_BUNDLE_DIR/releases); relative paths are resolved against the "
            "project root."),
)
BY_NAME.update({s.name: s for s in SETTINGS})


# ---- reconciliation service (issue 16: server/reconcile/, iacml/reconcile/) ----
SETTINGS += (
    Setting("IACML_RECONCILE_MAX_BATCH", 50, int,
            "Most queries in one reconciliation batch (queries=) and most ids in one data "
            "extension (extend=); more get 400. OpenRefine sends 10 per batch by default."),
    Setting("IACML_RECONCILE_MAX_CHARS", 200, int,
            "Longest name, property value or suggest prefix a reconciliation request may "
            "send, in characters (each is compared with every name of the graph); longer "
            "get 400."),
    Setting("IACML_RECONCILE_MAX_LIMIT", 25, int,
            "Most candidates returned per reconciliation query and per suggest request; a "
            "larger limit is lowered to it (the API lets a service return fewer)."),
)
BY_NAME.update({s.name: s for s in SETTINGS})
