"""Read the untrusted inputs of the reconciliation service into bounded queries.

Every refusal is a :class:`BadInput` whose message says what to change; the route turns
it into a 400. Bounds (``IACML_RECONCILE_*`` in :mod:`server.settings`): queries per
batch, characters per name, candidates per query (a larger ``limit`` is lowered to it,
as the API lets a service answer fewer), properties per query, ids per extension.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from server.untrusted import Refused, parse_untrusted_json

MAX_KEY_CHARS = 100  # batch keys ("q0", "q1", ...) are the client's: keep them short
MAX_PROPERTIES = 10
MAX_VALUES = 10
MAX_DEPTH = 8  # the deepest valid input: batch > query > properties > value > id


class BadInput(Exception):
    """An input the service refuses (400), with the reason for the person who sent it."""


@dataclass
class Query:
    """One reconciliation query, bounded."""

    text: str
    types: set[str] | None
    limit: int
    properties: dict[str, list[str]] = field(default_factory=dict)


def parse_json(text: str, what: str) -> Any:
    """``text`` as JSON (through the one door for untrusted text), refused with a
    message when malformed or nested too deep."""
    try:
        return parse_untrusted_json(text, what, MAX_DEPTH)
    except Refused as exc:
        hint = (": no valid reconciliation input is" if "nested" in exc.message else
                ': send a JSON object, for example {"q0": {"query": "Barbados"}}')
        raise BadInput(exc.message + hint) from None


def _text(value: Any, what: str, most: int) -> str:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        raise BadInput(f"{what} must be a string")
    if len(value) > most:
        raise BadInput(f"{what} is longer than {most} characters "
                       "(IACML_RECONCILE_MAX_CHARS): send a shorter name")
    return value.strip()


def _types(value: Any, schema_space: str) -> set[str] | None:
    if value is None:
        return None
    items = value if isinstance(value, list) else [value]
    if len(items) > MAX_VALUES or not all(isinstance(t, str) for t in items):
        raise BadInput(f"type must be a type id or a list of at most {MAX_VALUES} of them")
    # a type may be given by its id ("Ministry") or its full IRI
    return {t.removeprefix(schema_space) for t in items} or None


def _value(value: Any, most: int) -> str:
    if isinstance(value, Mapping):
        value = value.get("id")
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise BadInput('a property value must be a string, a number or {"id": "..."}')
    return _text(value, "a property value", most)


def query(raw: Any, config: Mapping[str, Any], schema_space: str) -> Query:
    """One query object (or a bare string) as a bounded :class:`Query`."""
    most = config["IACML_RECONCILE_MAX_CHARS"]
    if isinstance(raw, str):
        raw = {"query": raw}
    if not isinstance(raw, Mapping):
        raise BadInput('each query must be an object such as {"query": "Barbados"}')
    text = _text(raw.get("query", ""), "query", most)
    limit = raw.get("limit", config["IACML_RECONCILE_MAX_LIMIT"])
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
        raise BadInput("limit must be a positive integer")
    properties: dict[str, list[str]] = {}
    given = raw.get("properties", [])
    if not isinstance(given, list) or len(given) > MAX_PROPERTIES:
        raise BadInput(f"properties must be a list of at most {MAX_PROPERTIES} "
                       '{"pid": ..., "v": ...} objects')
    for item in given:
        if not isinstance(item, Mapping) or "pid" not in item or "v" not in item:
            raise BadInput('each property must be an object {"pid": "country", "v": "Peru"}')
        values = item["v"] if isinstance(item["v"], list) else [item["v"]]
        if len(values) > MAX_VALUES:
            raise BadInput(f"a property takes at most {MAX_VALUES} values")
        pid = _text(item["pid"], "pid", MAX_KEY_CHARS)
        properties.setdefault(pid, []).extend(_value(v, most) for v in values)
    if not text and not properties:
        raise BadInput("a query needs a name (query) or properties to match")
    return Query(text, _types(raw.get("type"), schema_space),
                 min(limit, config["IACML_RECONCILE_MAX_LIMIT"]), properties)


def batch(text: str, config: Mapping[str, Any], schema_space: str) -> dict[str, Query]:
    """The ``queries`` parameter: a JSON object of named queries, at most the batch size."""
    raw = parse_json(text, "queries")
    if not isinstance(raw, Mapping) or not raw:
        raise BadInput('queries must be a non-empty JSON object such as '
                       '{"q0": {"query": "Barbados"}}')
    most = config["IACML_RECONCILE_MAX_BATCH"]
    if len(raw) > most:
        raise BadInput(f"{len(raw)} queries in one batch; at most {most} "
                       "(IACML_RECONCILE_MAX_BATCH): send smaller batches")
    if any(len(key) > MAX_KEY_CHARS for key in raw):
        raise BadInput(f"a query key is longer than {MAX_KEY_CHARS} characters")
    return {key: query(value, config, schema_space) for key, value in raw.items()}


def extension(text: str, config: Mapping[str, Any]) -> tuple[list[str], list[str]]:
    """The ``extend`` parameter: ids (at most the batch size) and property ids."""
    raw = parse_json(text, "extend")
    if not isinstance(raw, Mapping) or not isinstance(raw.get("ids"), list) \
            or not isinstance(raw.get("properties"), list):
        raise BadInput('extend must be a JSON object {"ids": [...], "properties": '
                       '[{"id": "wikidata"}]}')
    most = config["IACML_RECONCILE_MAX_BATCH"]
    if len(raw["ids"]) > most or len(raw["properties"]) > MAX_PROPERTIES * 2:
        raise BadInput(f"extend takes at most {most} ids (IACML_RECONCILE_MAX_BATCH) and "
                       f"{MAX_PROPERTIES * 2} properties")
    ids = [_text(i, "an id", MAX_KEY_CHARS * 2) for i in raw["ids"]]
    props = []
    for item in raw["properties"]:
        if not isinstance(item, Mapping) or not isinstance(item.get("id"), str):
            raise BadInput('each property to extend must be an object {"id": "wikidata"}')
        props.append(_text(item["id"], "a property id", MAX_KEY_CHARS))
    return ids, props
