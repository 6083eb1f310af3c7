"""The map's country outlines (issue 15 item 5), as `npm run vendor` writes them from the
world-atlas package: every OAS member state of the reference table has one, the small
island states the coarse Natural Earth file lacks included, and none is inside out."""

from __future__ import annotations

import csv
import json
import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
OUTLINES = ROOT / "server" / "static" / "vendor" / "map" / "americas.geojson"
pytestmark = pytest.mark.skipif(
    not OUTLINES.exists() and os.environ.get("CI", "").lower() not in {"1", "true", "yes"},
    reason="the map files are not vendored (npm ci; npm run vendor)")
#: OAS member states missing from world-atlas's 1:110m file (the issue names them)
SMALL_STATES = {"ATG", "BRB", "DMA", "GRD", "KNA", "LCA", "VCT"}


def _features() -> dict[str, dict[str, object]]:
    data = json.loads(OUTLINES.read_text(encoding="utf-8"))
    return {str(f["id"]): f for f in data["features"]}


def _members() -> dict[str, str]:
    """ISO 3166-1 numeric code -> alpha-3 of the countries of the reference table in the
    Americas (Spain, an observer, is drawn elsewhere: not on this map)."""
    with (ROOT / "data" / "reference" / "countries.csv").open(encoding="utf-8") as handle:
        return {row["iso_numeric"]: row["iso_alpha3"] for row in csv.DictReader(handle)
                if row["iso_alpha3"] != "ESP"}


def test_every_member_state_has_an_outline() -> None:
    features = _features()
    members = _members()
    assert len(members) == 35
    assert sorted(a3 for n, a3 in members.items() if n not in features) == []
    assert SMALL_STATES <= set(members.values())
    assert {a3 for n, a3 in members.items()
            if features[n]["properties"]["scale"] == "10m"} == SMALL_STATES  # type: ignore[index]


def _ring_area(ring: list[list[float]]) -> float:
    return sum(a[0] * b[1] - b[0] * a[1] for a, b in zip(ring, ring[1:], strict=False)) / 2


def test_outer_rings_wind_as_d3_geo_reads_them() -> None:
    """d3-geo takes an outer ring drawn clockwise as the land inside it; an outer ring
    turned the other way would paint the whole sphere but the island."""
    inverted = [f["properties"]["name"] for f in _features().values()  # type: ignore[index]
                for polygon in f["geometry"]["coordinates"]  # type: ignore[index]
                if _ring_area(polygon[0]) > 0]
    assert inverted == []
