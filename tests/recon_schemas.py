"""Validate JSON against the Reconciliation Service API 0.2 schemas, resolved locally.

The schemas (``tests/reconciliation-api-0.2/schemas``) name each other by relative file
name under their ``$id``; every one is put in the resolver's store under that ``$id``, so
no ``$ref`` is ever fetched from the network.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema

SUITE = Path(__file__).resolve().parent / "reconciliation-api-0.2"
SCHEMAS = SUITE / "schemas"


@cache
def _store() -> dict[str, dict[str, Any]]:
    store = {}
    for path in sorted(SCHEMAS.glob("*.json")):
        schema = json.loads(path.read_text(encoding="utf-8"))
        if "$id" in schema:
            store[schema["$id"]] = schema
    return store


@cache
def validator(name: str) -> jsonschema.Draft7Validator:
    """The draft-07 validator of ``schemas/<name>.json`` (the suite's README says draft-07;
    ``$schema`` names no draft, so none is guessed from it)."""
    schema = json.loads((SCHEMAS / f"{name}.json").read_text(encoding="utf-8"))
    resolver = jsonschema.RefResolver(schema.get("$id", ""), schema, store=_store())
    return jsonschema.Draft7Validator(schema, resolver=resolver)


def errors(name: str, document: Any) -> list[str]:
    """Messages of every way ``document`` breaks schema ``name`` (empty: valid)."""
    return [f"{'/'.join(map(str, e.absolute_path)) or '(root)'}: {e.message}"
            for e in validator(name).iter_errors(document)]


def check(name: str, document: Any) -> None:
    """Fail with every message when ``document`` breaks schema ``name``."""
    found = errors(name, document)
    assert not found, f"not a valid {name}: " + "; ".join(found[:10])
