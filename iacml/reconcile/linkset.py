"""The linkset as a table: every resource people can match, with its labels, types and
external identifiers, as gzip-compressed CSV and JSON beside the RDF dumps.

A spreadsheet user gets in one file what ``owl:sameAs`` in ``graph/links`` says, without
RDF: one row per resource, several values of one column joined with " | ".
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
import json
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

COLUMNS = ("id", "iri", "name", "types", "label_en", "label_es", "wikidata", "geonames",
           "dbpedia", "iso_alpha2", "iso_alpha3")
FILES = {"linkset.csv.gz": ("text/csv", "CSV"), "linkset.json.gz": ("application/json", "JSON")}


def _write(folder: Path, name: str, data: bytes) -> dict[str, Any]:
    packed = gzip.compress(data, compresslevel=6, mtime=0)  # same data, same bytes
    tmp = folder / f".{name}.{os.getpid()}.tmp"
    tmp.write_bytes(packed)
    tmp.replace(folder / name)
    return {"file": name, "size": len(packed), "sha256": hashlib.sha256(packed).hexdigest(),
            "uncompressed": len(data)}


def write_linkset(rows: Sequence[Mapping[str, Sequence[str] | str]],
                  folder: Path) -> list[dict[str, Any]]:
    """Write the table of ``rows`` (column -> value or values) as CSV and JSON into
    ``folder``; return one manifest entry per file, as the RDF dumps have."""
    ordered = sorted(rows, key=lambda r: str(r["id"]))
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(COLUMNS)
    for row in ordered:
        writer.writerow([v if isinstance(v := row.get(c, ""), str) else " | ".join(v)
                         for c in COLUMNS])
    as_json = [{c: row.get(c, "" if c in ("id", "iri", "name") else []) for c in COLUMNS}
               for row in ordered]
    payloads = {"linkset.csv.gz": text.getvalue().encode("utf-8"),
                "linkset.json.gz": json.dumps(as_json, ensure_ascii=False,
                                              indent=1).encode("utf-8")}
    entries = []
    for name, (media, title) in FILES.items():
        entry = _write(folder, name, payloads[name])
        entry.update({"media_type": media, "graph": None, "quads": None,
                      "title": f"Linkset table ({title}): every resource with its labels, "
                               "types and Wikidata, GeoNames, DBpedia and ISO identifiers"})
        entries.append(entry)
    return entries
