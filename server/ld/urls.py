"""Mapping between the project's IRIs and the local server's paths.

The ``IACML_BASE_IRI`` setting (default ``https://w3id.org/iacml/``) is the
part of every project IRI that the server's root stands for: the IRI
``{base}id/country/ARG`` is answered at ``/id/country/ARG`` and the ontology
``{base}ontology#Ministry`` is documented at ``/ontology#Ministry``.
"""

from __future__ import annotations

from urllib.parse import quote

from flask import current_app, has_request_context, request

from server.ui.htmlsafety import safe_href

DEFAULT_BASE = "https://w3id.org/iacml/"
PREFIXES = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "schema": "https://schema.org/",
    "org": "http://www.w3.org/ns/org#",
    "eli": "http://data.europa.eu/eli/ontology#",
    "prov": "http://www.w3.org/ns/prov#",
    "oa": "http://www.w3.org/ns/oa#",
    "time": "http://www.w3.org/2006/time#",
    "void": "http://rdfs.org/ns/void#",
    "dcat": "http://www.w3.org/ns/dcat#",
    "sd": "http://www.w3.org/ns/sparql-service-description#",
    "sh": "http://www.w3.org/ns/shacl#",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "wd": "http://www.wikidata.org/entity/",
    "geonames": "https://sws.geonames.org/",
    "dbr": "http://dbpedia.org/resource/",
}


def base() -> str:
    """The configured base IRI (always ending with a slash)."""
    value = str(current_app.config.get("IACML_BASE_IRI") or DEFAULT_BASE)
    return value if value.endswith("/") else value + "/"


def project_prefixes() -> dict[str, str]:
    """Prefixes of the project namespaces under the configured base, then the others."""
    root = base()
    return {"iacml": root + "ontology#", "id": root + "id/", "graph": root + "graph/",
            **PREFIXES}


def iri_of(path: str) -> str:
    """The IRI a local path (``id/country/ARG``, no leading slash) stands for."""
    return base() + path.lstrip("/")


def local_href(iri: str) -> str | None:
    """Local URL of a project IRI (None for an IRI outside the base), in the page's
    language (under the request's script root, which holds the ``/es`` prefix)."""
    root = base()
    if not iri.startswith(root):
        return None
    path = _local_path(iri[len(root):])
    if path is None:
        return None
    return (request.script_root if has_request_context() else "") + path


def _local_path(rest: str) -> str | None:
    if rest.startswith("id/"):
        return "/" + quote(rest, safe="/:#-_.~")
    if rest.startswith("ontology"):
        return "/ontology" + rest[len("ontology"):]
    if rest.startswith("graph/"):
        return "/" + quote(rest, safe="/-_.~")
    if rest.startswith("dataset"):  # its parts are sections of the page: dataset#class-3
        return "/" + quote(rest, safe="#-_.~")
    return None


def curie(iri: str) -> str:
    """The shortest prefixed name of ``iri``, or the IRI itself."""
    best = None
    for prefix, namespace in project_prefixes().items():
        if iri.startswith(namespace) and (best is None or len(namespace) > len(best[1])):
            best = (prefix, namespace)
    if best is None:
        return iri
    return f"{best[0]}:{iri[len(best[1]):]}"


def href(iri: str) -> str | None:
    """Where a link to ``iri`` goes: the local page of a project IRI, else the IRI itself
    if it is http, https or mailto; None (shown as text, never a link) otherwise."""
    return local_href(iri) or safe_href(iri)
