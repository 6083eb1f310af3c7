"""The schema validator of the reconciliation tests is known to work: the 0.2 suite's own
valid examples pass and its invalid ones fail (issue 16, acceptance)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.recon_schemas import SCHEMAS, SUITE, errors

EXAMPLES = SUITE / "examples"


def _examples(kind: str) -> list[tuple[str, Path]]:
    found = []
    for folder in sorted(EXAMPLES.iterdir()):
        if (SCHEMAS / f"{folder.name}.json").exists():
            found += [(folder.name, path) for path in sorted((folder / kind).glob("*.json"))]
    return found


VALID = _examples("valid")
INVALID = _examples("invalid")


def test_the_suite_is_here() -> None:
    """Copied whole (tests must pass without ../shared): every schema with examples."""
    assert len(VALID) == 28 and len(INVALID) == 16
    assert {name for name, _ in VALID} >= {
        "manifest", "reconciliation-query-batch", "reconciliation-result-batch",
        "suggest-entities-response", "suggest-types-response",
        "suggest-properties-response", "data-extension-query", "data-extension-response"}


@pytest.mark.parametrize(("schema", "path"), VALID, ids=lambda v: getattr(v, "name", v))
def test_valid_example_passes(schema: str, path: Path) -> None:
    assert errors(schema, json.loads(path.read_text(encoding="utf-8"))) == []


@pytest.mark.parametrize(("schema", "path"), INVALID, ids=lambda v: getattr(v, "name", v))
def test_invalid_example_fails(schema: str, path: Path) -> None:
    assert errors(schema, json.loads(path.read_text(encoding="utf-8")))


def test_references_resolve_locally() -> None:
    """manifest.json refers to type.json by relative name: a bad default type is caught
    through that reference (so $ref resolution works, offline)."""
    manifest = {"versions": ["0.2"], "name": "x", "identifierSpace": "http://a/",
                "schemaSpace": "http://b/", "defaultTypes": [{"id": "T"}]}
    assert any("name" in message for message in errors("manifest", manifest))
    manifest["defaultTypes"] = [{"id": "T", "name": "Type"}]
    assert errors("manifest", manifest) == []
