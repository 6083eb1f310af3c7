"""Content negotiation: Accept header with q-values, and the ``format=`` parameter."""

from __future__ import annotations

import functools

from server.results import BOOLEAN_FORMATS, FORMAT_ALIASES, GRAPH_FORMATS, SOLUTION_FORMATS

FormatTable = dict[str, tuple[str, tuple[str, ...]]]
TABLES: dict[str, FormatTable] = {"solutions": SOLUTION_FORMATS, "boolean": BOOLEAN_FORMATS,
                                  "graph": GRAPH_FORMATS}


class NotAcceptable(Exception):
    """Nothing the client accepts can be served."""


def parse_accept(header: str | None) -> list[tuple[str, float]]:
    """Media ranges of an Accept header with their q-values (malformed q = 0)."""
    ranges = []
    for part in (header or "").split(","):
        fields = [f.strip() for f in part.split(";")]
        media = fields[0].lower()
        if not media:
            continue
        q = 1.0
        for param in fields[1:]:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = min(1.0, max(0.0, float(value)))
                except ValueError:
                    q = 0.0
        ranges.append((media, q))
    return ranges


def _quality(media_types: tuple[str, ...], ranges: list[tuple[str, float]]) -> float:
    """q of a format: the most specific range matching any of its media types wins
    (so ``application/sparql-results+json;q=0, */*`` refuses JSON); 0 if none."""
    best, best_specificity = 0.0, -1
    for media_type in media_types:
        kind = media_type.split("/")[0]
        for media, q in ranges:
            if media == media_type:
                specificity = 2
            elif media == kind + "/*":
                specificity = 1
            elif media == "*/*":
                specificity = 0
            else:
                continue
            if specificity > best_specificity or (specificity == best_specificity and q > best):
                best, best_specificity = q, specificity
    return best


def negotiate(kind: str, accept: str | None, format_param: str | None = None) -> str:
    """Name of the format to answer ``kind`` results in (raises NotAcceptable).

    ``format=`` (a name such as ``json``/``turtle`` or a media type) wins over
    Accept.  Without Accept the first format of the table (JSON for results,
    Turtle for graphs) is used; HTML is only chosen when asked for by name.
    """
    table = TABLES[kind]
    if format_param:
        wanted = FORMAT_ALIASES.get(format_param.strip().lower(), format_param.strip().lower())
        if wanted in table:
            return wanted
        for name, (_sent, accepted) in table.items():
            if wanted in accepted:
                return name
        raise NotAcceptable(f"format={format_param} cannot be served for {kind} results; "
                            f"use one of {', '.join(table)}")
    ranges = parse_accept(accept)
    if not ranges:
        return next(iter(table))
    best_name, best_q = None, 0.0
    for name, (_sent, accepted) in table.items():
        q = _quality(accepted, ranges)
        if name == "html" and not any(m in {"text/html", "application/xhtml+xml"}
                                      for m, _q in ranges):
            q = 0.0
        if q > best_q:
            best_name, best_q = name, q
    if best_name is None:
        offered = ", ".join(sent for sent, _a in table.values())
        raise NotAcceptable(f"none of the accepted media types ({accept}) can be served "
                            f"for {kind} results; available: {offered}")
    return best_name


@functools.lru_cache(maxsize=512)
def _negotiate_all(accept: str | None,
                   format_param: str | None) -> tuple[tuple[str, str | None], ...]:
    out: dict[str, str | None] = {}
    for kind in TABLES:
        try:
            out[kind] = negotiate(kind, accept, format_param)
        except NotAcceptable:
            out[kind] = None
    return tuple(out.items())


def negotiate_all(accept: str | None, format_param: str | None) -> dict[str, str | None]:
    """Format per result kind (None where nothing acceptable exists).

    Clients send the same few Accept headers again and again, so the answer is
    memoised (a bounded LRU of 512 header/parameter pairs)."""
    return dict(_negotiate_all(accept, format_param))


def media_type(kind: str, name: str) -> str:
    """Content-Type sent for format ``name`` of ``kind``."""
    sent = TABLES[kind][name][0]
    return sent + "; charset=utf-8" if sent.startswith("text/") or "json" in sent else sent
