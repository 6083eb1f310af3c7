"""The one format registry: every format the service reads or writes, and how one is chosen.

Each :class:`Format` says, once, its media type, the further media types that select
it, its ``format=`` names (with the aliases real clients send: SPARQLWrapper sends
``format=json-ld``, ``format=rdf+xml``, ``format=n3`` and lists such as
``format=application/ld+json,application/x-json+ld``), its file suffix, the
pyoxigraph format that writes it and the rdflib-style parser name of an entry in it.
Content negotiation on ``/sparql``, the resource pages (``/id/...``, ``/dataset``,
``/ontology``, ``/release/...``), the serialisers, ``/validate`` and the Graph Store
all read this table; no other module lists formats.

The rules of :func:`negotiate` (what a serious endpoint does, Fuseki and Oxigraph
alike; RFC 9110 12.5.1 lets a server disregard Accept rather than answer 406):

1. ``format=`` (every value, each possibly a comma-separated list) wins over Accept:
   the first value that names a format of the answer's kind is used. A value that
   names none (unknown, or a format of another kind such as ``format=csv`` on a
   CONSTRUCT) is ignored and Accept decides.
2. Accept is parsed by werkzeug; the most specific range matching a format's own
   media type gives its quality (so ``application/sparql-results+json;q=0, */*``
   refuses JSON), and a further media type of a format counts only when named
   exactly (so ``text/*`` on a SELECT picks CSV, not XML through ``text/xml``).
   HTML is chosen only when ``text/html`` or XHTML is named. Ties go to the default.
3. No Accept, or ``*/*``: the kind's default (JSON for results, Turtle for graphs).
4. An Accept naming only formats of *other* kinds (``text/turtle`` on a SELECT, the
   ``application/sparql-results+json`` rdflib's SPARQLStore sends for a CONSTRUCT,
   ``text/csv`` on an ASK) gets the default of this kind: the client is a SPARQL
   client that reads it. An Accept naming nothing this service writes: 406.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

import pyoxigraph as ox
from werkzeug.datastructures import MIMEAccept
from werkzeug.http import parse_accept_header

Kind = Literal["solutions", "boolean", "graph", "entry", "report", "listing"]
#: The kinds of query answer (the others are entries read and validation reports).
QUERY_KINDS: tuple[Kind, ...] = ("solutions", "boolean", "graph")


@dataclass(frozen=True)
class Format:
    """One format: what it is called, which media types select it, what writes it."""

    name: str
    media_type: str
    kinds: frozenset[str]
    also_accepted: tuple[str, ...] = ()
    names: tuple[str, ...] = ()
    suffix: str | None = None
    rdf: ox.RdfFormat | None = None
    parser: str | None = None
    w3c: str | None = None
    datasets: bool = False
    explicit_only: bool = False
    selectors: frozenset[str] = field(init=False)

    def __post_init__(self) -> None:
        """Index the format by every name a client may select it with."""
        keys = {self.name, self.media_type, *self.also_accepted, *self.names}
        object.__setattr__(self, "selectors", frozenset(k.lower() for k in keys))

    @property
    def content_type(self) -> str:
        """The Content-Type header sent: text and JSON types say their charset."""
        if self.media_type.startswith("text/") or "json" in self.media_type:
            return self.media_type + "; charset=utf-8"
        return self.media_type


def _kinds(*kinds: str) -> frozenset[str]:
    return frozenset(kinds)


#: Every format, in order of preference within each kind (the first is the default).
FORMATS: tuple[Format, ...] = (
    # SPARQL results: written by server.query.results (so the row cap can cut the stream)
    Format("json", "application/sparql-results+json", _kinds("solutions", "boolean"),
           also_accepted=("application/json",), names=("srj",), w3c="SPARQL_Results_JSON"),
    Format("xml", "application/sparql-results+xml", _kinds("solutions", "boolean"),
           also_accepted=("application/xml", "text/xml"), names=("srx",),
           w3c="SPARQL_Results_XML"),
    Format("csv", "text/csv", _kinds("solutions", "listing"), w3c="SPARQL_Results_CSV"),
    Format("tsv", "text/tab-separated-values", _kinds("solutions"), w3c="SPARQL_Results_TSV"),
    # validation reports (/validate, refused writes): the compact summary (before JSON-LD,
    # which application/json would otherwise select) and plain text
    # (browse lists, /browse/<kind>: HTML by default, this JSON and the CSV above)
    Format("json", "application/json", _kinds("report", "listing")),
    Format("human", "text/plain", _kinds("report"), names=("text",)),
    # RDF: graphs answered (CONSTRUCT, DESCRIBE, resource pages), entries read
    Format("turtle", "text/turtle", _kinds("graph", "entry", "report"),
           also_accepted=("application/x-turtle", "application/turtle", "text/n3",
                          "application/n3", "text/rdf+n3"),
           names=("ttl", "n3"),  # Turtle is N3 without its extensions: an N3 reader reads it
           suffix=".ttl", rdf=ox.RdfFormat.TURTLE, parser="turtle", w3c="Turtle"),
    Format("ntriples", "application/n-triples", _kinds("graph", "entry"),
           also_accepted=("text/plain",), names=("nt", "n-triples"), suffix=".nt",
           rdf=ox.RdfFormat.N_TRIPLES, parser="nt", w3c="N-Triples"),
    Format("rdfxml", "application/rdf+xml", _kinds("graph", "entry"),
           also_accepted=("application/xml", "text/xml"), names=("rdf", "rdf+xml", "xml"),
           suffix=".rdf", rdf=ox.RdfFormat.RDF_XML, parser="xml", w3c="RDF_XML"),
    # JSON-LD is written from triples only (no named-graph wrapping), so any JSON-LD
    # reader (rdflib's Graph().parse) gets the triples the Turtle holds
    Format("jsonld", "application/ld+json", _kinds("graph", "entry", "report"),
           also_accepted=("application/json", "application/x-json+ld"),
           names=("json-ld", "json"), suffix=".jsonld", rdf=ox.RdfFormat.JSON_LD,
           parser="json-ld", w3c="JSON-LD"),
    Format("trig", "application/trig", _kinds("graph", "entry"), suffix=".trig",
           rdf=ox.RdfFormat.TRIG, parser="trig", w3c="TriG", datasets=True),
    Format("nquads", "application/n-quads", _kinds("graph", "entry"), names=("nq", "n-quads"),
           suffix=".nq", rdf=ox.RdfFormat.N_QUADS, parser="nquads", w3c="N-Quads",
           datasets=True),
    # pages for people: only when a browser names HTML
    Format("html", "text/html", _kinds("solutions", "boolean", "graph", "report", "listing"),
           also_accepted=("application/xhtml+xml",), suffix=".html", explicit_only=True),
)


class NotAcceptable(Exception):
    """Nothing the client accepts can be served."""


@functools.cache
def formats_for(kind: str) -> tuple[Format, ...]:
    """The formats of ``kind``, the default first."""
    return tuple(f for f in FORMATS if kind in f.kinds)


def get(kind: str, name: str) -> Format:
    """The format of ``kind`` called ``name`` (KeyError when there is none)."""
    for fmt in formats_for(kind):
        if fmt.name == name:
            return fmt
    raise KeyError(f"no {kind} format {name!r}")


def lookup(kind: str, value: str) -> Format | None:
    """The format of ``kind`` a ``format=`` value or media type names (None: none)."""
    wanted = value.strip().lower().split(";")[0].strip()
    for fmt in formats_for(kind):
        if wanted in fmt.selectors:
            return fmt
    return None


#: Media types that say JSON, XML or text but not which RDF syntax: an Accept naming one
#: may be answered in an RDF format, but a request body labelled so is not guessed at.
GENERIC_TYPES = frozenset({"application/json", "application/xml", "text/xml", "text/plain"})


def entry_format(mimetype: str) -> Format | None:
    """The entry format of a request body by its Content-Type (None: not RDF we read)."""
    wanted = mimetype.strip().lower()
    if wanted in GENERIC_TYPES or "/" not in wanted:
        return None
    return next((f for f in formats_for("entry")
                 if wanted == f.media_type or wanted in f.also_accepted), None)


def content_type(kind: str, name: str) -> str:
    """The Content-Type header of format ``name`` of ``kind``."""
    return get(kind, name).content_type


#: Suffix of a page (``.ttl``) → format name, for the graph kind.
SUFFIXES: dict[str, str] = {f.suffix: f.name for f in formats_for("graph") if f.suffix}


def suffix_of(name: str) -> str:
    """The file suffix of graph format ``name`` (``.ttl`` for turtle)."""
    suffix = get("graph", name).suffix
    assert suffix is not None
    return suffix


def by_suffix(suffix: str | None) -> str | None:
    """The graph format a URL suffix names (``ttl`` or ``.ttl``), None if none."""
    if not suffix:
        return None
    return SUFFIXES.get(suffix if suffix.startswith(".") else "." + suffix)


def split_suffix(key: str) -> tuple[str, str | None]:
    """``("id/country/ARG", "turtle")`` for ``id/country/ARG.ttl``; no suffix: None."""
    for suffix, name in SUFFIXES.items():
        if key.endswith(suffix) and len(key) > len(suffix):
            return key[: -len(suffix)], name
    return key, None


def media_types_served() -> frozenset[str]:
    """Every media type that selects some format of a query answer."""
    return frozenset(m for kind in QUERY_KINDS for f in formats_for(kind)
                     for m in (f.media_type, *f.also_accepted))


def _accept(header: str | None) -> MIMEAccept:
    """The Accept header parsed by werkzeug, with media-type parameters other than q
    dropped (``text/turtle;charset=utf-8`` asks for Turtle: werkzeug alone would match
    it only against a type carrying that very parameter)."""
    parsed = parse_accept_header(header, MIMEAccept)
    return MIMEAccept([(media.split(";")[0].strip().lower(), q) for media, q in parsed
                       if "/" in media])


def _quality(fmt: Format, accept: MIMEAccept, explicit_only: bool) -> float:
    """Q of ``fmt``: its own media type by werkzeug's rule (the most specific matching
    range wins, wildcards included); its further media types only when named exactly;
    with ``explicit_only`` (HTML, unless it is the default) no wildcard counts."""
    named = {media: q for media, q in accept}
    if explicit_only:
        return max((named.get(m, 0.0) for m in (fmt.media_type, *fmt.also_accepted)),
                   default=0.0)
    quality = float(accept.quality(fmt.media_type))
    for media in fmt.also_accepted:
        quality = max(quality, named.get(media, 0.0))
    return quality


def _format_values(format_param: str | None) -> Iterable[str]:
    for value in (format_param or "").split(","):
        if value.strip():
            yield value


def negotiate(kind: str, accept: str | None, format_param: str | None = None,
              default: str | None = None) -> Format:
    """The format to answer ``kind`` in, by the rules of this module's docstring.

    ``format_param`` holds the ``format=`` values joined by commas; ``default``
    names the default when it is not the kind's first format. Raises NotAcceptable.
    """
    offered = formats_for(kind)
    first = get(kind, default) if default else offered[0]
    for value in _format_values(format_param):
        found = lookup(kind, value)
        if found is not None:
            return found
    ranges = _accept(accept)
    if not ranges:
        return first
    best, best_q = None, 0.0
    for fmt in (first, *(f for f in offered if f is not first)):
        quality = _quality(fmt, ranges, fmt.explicit_only and fmt is not first)
        if quality > best_q:
            best, best_q = fmt, quality
    if best is not None:
        return best
    served = media_types_served()
    if any(q > 0 and media in served for media, q in ranges):
        return first
    available = ", ".join(f.media_type for f in offered)
    raise NotAcceptable(f"none of the accepted media types ({accept}) can be served "
                        f"for {kind} results; available: {available}")


def report_format(accept: str | None, default: str) -> Format | None:
    """The validation-report format Accept asks for (``default``, a report format name,
    without Accept or for ``*/*``); None when nothing acceptable can be served."""
    try:
        return negotiate("report", accept, default=default)
    except NotAcceptable:
        return None


def report_name(fmt: Format) -> str:
    """The name :func:`iacml.pipeline.render_outcome` gives ``fmt``: rdflib's name of an
    RDF format (``turtle``, ``json-ld``), else the format's own (``json``, ``human``)."""
    return fmt.parser or fmt.name


@functools.lru_cache(maxsize=512)
def negotiate_all(accept: str | None,
                  format_param: str | None) -> tuple[tuple[str, str | None], ...]:
    """Format name per query kind (None where nothing acceptable exists), as pairs.

    Clients send the same few Accept headers again and again, so the answer is
    memoised (a bounded LRU of 512 header/parameter pairs)."""
    out: list[tuple[str, str | None]] = []
    for kind in QUERY_KINDS:
        try:
            out.append((kind, negotiate(kind, accept, format_param).name))
        except NotAcceptable:
            out.append((kind, None))
    return tuple(out)


def write_rdf(triples: Iterable[ox.Triple], name: str, quads: Iterable[ox.Quad] | None = None,
              prefixes: dict[str, str] | None = None) -> bytes:
    """``triples`` in graph format ``name`` (the dataset formats TriG and N-Quads write
    ``quads`` instead when given); ``prefixes`` are declared where the format can."""
    fmt = get("graph", name)
    assert fmt.rdf is not None, f"{name} is not an RDF format"
    items: Iterable[ox.Triple] | Iterable[ox.Quad]
    if fmt.datasets and quads is not None:
        items = quads
    elif fmt.rdf.supports_datasets:  # JSON-LD and the dataset formats: the default graph
        items = (ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in triples)
    else:
        items = triples
    declared = prefixes if fmt.name in {"turtle", "trig", "rdfxml"} else None
    data = ox.serialize(items, format=fmt.rdf, prefixes=declared)
    return data if data is not None else b""
