"""Issue 14 item 10: registry entries that no source names are marked as coming from
the reference tables only (never removed); a generated label that no source prints
carries its reference-table provenance. The expectations are read from the sources."""

from __future__ import annotations

import csv
from pathlib import Path

import pyoxigraph as ox

from tests.test_completion import ID, flat, select, text_of

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = "https://w3id.org/iacml/graph/reference"
TABLE = "https://w3id.org/iacml/id/reference-table/"
# Read from the five reports: member states none of them mentions, and two entries of
# the tables they never name (they print "Mexico" and "World Bank", never these).
NEVER_NAMED = ["country/ATG", "country/CUB", "country/DMA", "country/DOM", "country/GUY",
               "country/HTI", "country/NIC", "country/SUR", "city/mexico-city",
               "org/world-bank-group"]
NAMED = ["country/ARG", "country/VEN", "country/ESP", "city/quito", "city/castilla-y-leon",
         "org/world-bank", "org/ford", "ministry/CRI"]


def all_sources() -> str:
    return "\n".join(flat(text_of(k)) for k in ("000", "001", "002", "003", "004"))


def named_in_sources(store: ox.Store, entry: str) -> str | None:
    rows = select(store, f"""SELECT ?v WHERE {{ GRAPH <{REFERENCE}> {{
        <{ID}{entry}> iacml:namedInSources ?v }} }}""")
    assert len(rows) == 1, entry
    return rows[0]["v"]


def test_entries_no_source_names_are_marked(store: ox.Store) -> None:
    text = all_sources()
    with (ROOT / "data" / "reference" / "countries.csv").open(encoding="utf-8") as handle:
        names = {f"country/{r['iso_alpha3']}": r["name_en"] for r in csv.DictReader(handle)}
    for entry in NEVER_NAMED:
        if entry in names:
            assert names[entry] not in text, f"{names[entry]} is printed after all"
        assert named_in_sources(store, entry) == "false", entry
    assert "Mexico City" not in text and "World Bank Group" not in text
    for entry in NAMED:
        assert named_in_sources(store, entry) == "true", entry


def test_no_generated_entry_is_removed(store: ox.Store) -> None:
    """Every row of the reference tables is still a typed registry entry with its table."""
    with (ROOT / "data" / "reference" / "countries.csv").open(encoding="utf-8") as handle:
        entries = {f"country/{r['iso_alpha3']}" for r in csv.DictReader(handle)}
    with (ROOT / "data" / "reference" / "keys.csv").open(encoding="utf-8") as handle:
        entries |= {r["key"] for r in csv.DictReader(handle)}
    rows = select(store, f"""SELECT DISTINCT ?e WHERE {{ GRAPH <{REFERENCE}> {{
        ?e a ?type ; iacml:referenceTable ?table ; iacml:namedInSources ?named }} }}""")
    assert {str(r["e"]).removeprefix(ID) for r in rows} >= entries


def test_a_label_no_source_prints_carries_its_table(store: ox.Store) -> None:
    text = all_sources()
    assert "Ford Motor Company" not in text and "Ford" in text

    def tables_of(entry: str, label: str) -> set[str | None]:
        rows = select(store, f"""SELECT ?t WHERE {{ GRAPH <{REFERENCE}> {{ ?a a owl:Axiom ;
            owl:annotatedSource <{ID}{entry}> ; owl:annotatedTarget "{label}"@en ;
            iacml:referenceTable ?t }} }}""")
        return {r["t"] for r in rows}

    assert tables_of("org/ford", "Ford Motor Company") == {TABLE + "organizations"}
    assert tables_of("city/mexico-city", "Mexico City") == {TABLE + "cities"}
    assert "Argentina" in text and tables_of("country/ARG", "Argentina") == set()
