"""How to cite the dataset, a release of it, or one resource in it (issue 17).

One :class:`Citation` is rendered in every form people and reference managers
use: a sentence, BibTeX, RIS, CSL-JSON, ``CITATION.cff`` and schema.org
``Dataset`` markup. The server offers them on its pages (the release they show);
``iacml release`` rewrites ``CITATION.cff`` for the new release. What is not
counted from the data (title, creator, licence) is stated here once.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from .void import LICENSE

TITLE = "IACML open knowledge graph"
CREATOR = "IACML open knowledge graph project"
ABSTRACT = ("Activities, working groups, cooperation, documents and reports of the "
            "Inter-American Conference of Ministers of Labor (IACML) of the Organization of "
            "American States, transcribed from its reports; every fact carries the verbatim "
            "passage it was read from.")
LICENSE_SPDX = "CC-BY-4.0"
KEYWORDS = ("IACML", "Inter-American Conference of Ministers of Labor",
            "Organization of American States", "labor", "linked data", "knowledge graph")


@dataclass(frozen=True)
class Citation:
    """What is cited: the dataset (a release, or an unreleased build) or one resource."""

    title: str
    version: str  # the release's version, or "unreleased build <id>"
    date: str  # YYYY-MM-DD: the release's date, or the build's
    url: str  # the IRI cited: the release's, or the resource's
    released: bool = True
    container: str = ""  # for a resource: the dataset it is cited in

    @property
    def year(self) -> str:
        """The year of :attr:`date`."""
        return self.date[:4]

    @property
    def key(self) -> str:
        """A citation key: ``iacml_kg_2026_12_10`` (a resource adds its name)."""
        name = "" if not self.container else "_" + re.sub(r"\W+", "_", self.url.rsplit(
            "/", 1)[-1].lower()).strip("_")[:40]
        return "iacml_kg" + name + "_" + re.sub(r"\W+", "_", self.version).strip("_")


def dataset(version: str, date: str, iri: str, released: bool = True) -> Citation:
    """The citation of the dataset at ``version`` (a release, or an unreleased build)."""
    return Citation(TITLE, version, date, iri, released)


def resource(label: str, iri: str, of: Citation) -> Citation:
    """The citation of one resource of the dataset version ``of``."""
    return Citation(label, of.version, of.date, iri, of.released, container=of.title)


def text(c: Citation) -> str:
    """A reference in prose (author, year, title, version, kind, IRI)."""
    cited = f"{c.title}. In {c.container}" if c.container else c.title
    return f"{CREATOR}. ({c.year}). {cited} (Version {c.version}) [Data set]. {c.url}"


_BIBTEX_SPECIAL = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "&": r"\&", "%": r"\%",
                   "$": r"\$", "#": r"\#", "_": r"\_", "~": r"\textasciitilde{}",
                   "^": r"\textasciicircum{}"}


def _bib(value: str) -> str:
    return "".join(_BIBTEX_SPECIAL.get(ch, ch) for ch in value)


def bibtex(c: Citation) -> str:
    """A BibTeX ``@misc`` entry (as DataCite exports datasets); the corporate author
    is braced so that BibTeX does not split it into names."""
    fields = [("author", "{" + _bib(CREATOR) + "}"), ("title", "{" + _bib(c.title) + "}")]
    if c.container:
        fields.append(("howpublished", _bib(f"{c.container}, version {c.version}")))
    fields += [("version", _bib(c.version)), ("year", c.year), ("month", str(int(c.date[5:7]))),
               ("date", c.date), ("publisher", _bib(CREATOR)), ("url", c.url),
               ("note", "Dataset" if not c.container else "Dataset entry")]
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@misc{{{c.key},\n{body}\n}}\n"


def _ris(value: str) -> str:
    return " ".join(value.split())  # a tag's value is one line


def ris(c: Citation) -> str:
    """An RIS record (type DATA)."""
    lines = [("TY", "DATA"), ("TI", c.title), ("AU", CREATOR), ("PY", c.year),
             ("DA", c.date.replace("-", "/") + "/"), ("ET", c.version), ("PB", CREATOR),
             ("UR", c.url)]
    if c.container:
        lines.append(("T2", c.container))
    lines.append(("ER", ""))
    return "".join(f"{tag}  - {_ris(value)}".rstrip(" ") + "\r\n" if tag == "ER"
                   else f"{tag}  - {_ris(value)}\r\n" for tag, value in lines)


def csl_json(c: Citation) -> list[dict[str, Any]]:
    """A CSL-JSON item list (what Zotero, Mendeley and citeproc read)."""
    item: dict[str, Any] = {
        "id": c.key, "type": "dataset", "title": c.title, "author": [{"literal": CREATOR}],
        "issued": {"date-parts": [[int(part) for part in c.date.split("-")]]},
        "version": c.version, "publisher": CREATOR, "URL": c.url}
    if c.container:
        item["container-title"] = c.container
    return [item]


def _yaml(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a YAML string


def cff(c: Citation | None, base: str) -> str:
    """``CITATION.cff`` for the release ``c`` (None: no release yet)."""
    lines = ["# Written by `iacml release` (iacml/citation.py): change it there, not here.",
             "cff-version: 1.2.0",
             "message: " + _yaml("If you use this dataset, please cite the release you used "
                                 "(and the IRI of each resource you cite)." if c else
                                 "No release has been made yet: cite the IRI of what you used "
                                 "and the date you read it."),
             "type: dataset", "title: " + _yaml(TITLE), "abstract: " + _yaml(ABSTRACT),
             "authors:", "  - name: " + _yaml(CREATOR), f"license: {LICENSE_SPDX}",
             "url: " + _yaml(base), "keywords:", *[f"  - {_yaml(k)}" for k in KEYWORDS]]
    if c is not None:
        lines += ["version: " + _yaml(c.version), f"date-released: {_yaml(c.date)}",
                  "identifiers:", "  - type: url", "    value: " + _yaml(c.url),
                  "    description: " + _yaml(f"Release {c.version} of the dataset")]
    return "\n".join(lines) + "\n"


def schema_org(c: Citation, description: str, distributions: list[dict[str, str]],
               temporal: str, spatial: list[dict[str, Any]]) -> dict[str, Any]:
    """schema.org ``Dataset`` markup (JSON-LD) of the dataset version ``c``:
    ``distributions`` are dicts with ``contentUrl`` and ``encodingFormat``."""
    return {
        "@context": "https://schema.org/", "@type": "Dataset", "@id": c.url,
        "name": c.title, "description": description, "url": c.url,
        "license": LICENSE, "version": c.version, "datePublished": c.date,
        "isAccessibleForFree": True, "keywords": list(KEYWORDS),
        "creator": {"@type": "Organization", "name": CREATOR},
        "publisher": {"@type": "Organization", "name": CREATOR},
        "citation": text(c),
        "distribution": [{"@type": "DataDownload", **d} for d in distributions],
        "temporalCoverage": temporal, "spatialCoverage": spatial,
    }
