"""Issue 16 acceptance: names as people write them, matched through ``/reconcile``.

Every expected answer is written here from the reference tables (``data/reference/``:
the ISO names and codes of the 35 OAS member states, the keys of the organizations) and
from passages of the reports (``data/sources/``, quoted beside each case), never from the
service's output. Every alias the service knows must cite a passage or a table row that
shows it (the last tests): the matcher cannot be fitted to this batch.
"""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from server.reconcile.graphdata import facts
from tests.recon_schemas import check

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = ROOT / "data" / "reference"


def _rows(name: str) -> list[dict[str, str]]:
    with (REFERENCE / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


COUNTRIES = [r for r in _rows("countries.csv") if r["iso_alpha3"] != "ESP"]  # the 35 OAS states
ORGANIZATION_KEYS = {r["name_en"]: r["key"] for r in _rows("keys.csv")
                     if r["table"] == "organizations"}

# As people write them: no accents, "&", other word orders, common short forms and codes.
# Each is checked against the reference row of its ISO alpha-3 code.
WRITTEN = {
    "USA": "USA", "United States of America": "USA", "Estados Unidos": "USA",
    "Trinidad & Tobago": "TTO", "Saint Kitts & Nevis": "KNA", "St Kitts and Nevis": "KNA",
    "Mexico": "MEX", "MÉXICO": "MEX", "Peru": "PER", "Perú": "PER", "Panama": "PAN",
    "Haiti": "HTI", "Haití": "HTI", "Canada": "CAN", "Canadá": "CAN", "Brasil": "BRA",
    "Belice": "BLZ", "Granada": "GRD", "Surinam": "SUR", "Santa Lucia": "LCA",
    "San Vicente y las Granadinas": "VCT", "San Cristobal y Nieves": "KNA",
    "Republica Dominicana": "DOM", "Bahamas": "BHS", "The Bahamas": "BHS",
    "Bolivia (Plurinational State of)": "BOL", "Venezuela, Bolivarian Republic of": "VEN",
    "Antigua & Barbuda": "ATG", "Tobago and Trinidad": "TTO", "guatemala": "GTM",
}
# "St Kitts" is no name of the tables or the reports: found first, but not certain.
NOT_CERTAIN = {"St Kitts and Nevis"}


@pytest.fixture(scope="module")
def client(app: Flask) -> FlaskClient:
    """A test client of the app (the conftest app: rate limit off)."""
    return app.test_client()


def _batch(client: FlaskClient, queries: dict[str, dict[str, Any]]) -> dict[str, Any]:
    answers: dict[str, Any] = {}
    items = list(queries.items())
    for start in range(0, len(items), 50):  # IACML_RECONCILE_MAX_BATCH
        chunk = json.dumps(dict(items[start:start + 50]))
        response = client.post("/reconcile", data={"queries": chunk})
        assert response.status_code == 200, response.get_data(as_text=True)
        body = response.get_json()
        check("reconciliation-result-batch", body)
        answers.update(body)
    return answers


def _top(answer: dict[str, Any]) -> dict[str, Any]:
    assert answer["result"], "no candidate"
    return answer["result"][0]


def test_oas_member_states_by_every_name_of_their_row(client: FlaskClient) -> None:
    """English, Spanish and ISO names, alpha-3 and alpha-2 codes of each of the 35 rows."""
    assert len(COUNTRIES) == 35
    queries, expected = {}, {}
    for row in COUNTRIES:
        for column in ("name_en", "name_es", "iso_name_en", "iso_alpha3", "iso_alpha2"):
            key = f"{row['iso_alpha3']}-{column}"
            queries[key] = {"query": row[column], "type": "Country"}
            expected[key] = "country/" + row["iso_alpha3"]
    answers = _batch(client, queries)
    for key, want in expected.items():
        top = _top(answers[key])
        assert (top["id"], top["match"]) == (want, True), (queries[key], answers[key])


@pytest.mark.parametrize("typed", [True, False], ids=["type Country", "no type"])
def test_countries_as_people_write_them(client: FlaskClient, typed: bool) -> None:
    queries = {f"w{i}": {"query": text, **({"type": "Country"} if typed else {})}
               for i, text in enumerate(WRITTEN)}
    answers = _batch(client, queries)
    for i, (text, alpha3) in enumerate(WRITTEN.items()):
        top = _top(answers[f"w{i}"])
        assert top["id"] == f"country/{alpha3}", (text, answers[f"w{i}"])
        assert top["match"] is (text not in NOT_CERTAIN), (text, answers[f"w{i}"])
        assert sum(c["match"] for c in answers[f"w{i}"]["result"]) <= 1


def test_organizations_of_the_reference_table_by_name(client: FlaskClient) -> None:
    """Each row's English name, and its Spanish name where the table gives one."""
    cases = [(name, key) for name, key in ORGANIZATION_KEYS.items()]
    cases += [(row["name_es"], ORGANIZATION_KEYS[row["name_en"]])
              for row in _rows("organizations.csv")
              if row["name_es"] and row["name_en"] in ORGANIZATION_KEYS]
    assert len(cases) > len(ORGANIZATION_KEYS) + 10
    queries = {f"o{i}": {"query": name, "type": "Organization"}
               for i, (name, _) in enumerate(cases)}
    answers = _batch(client, queries)
    for i, (name, key) in enumerate(cases):
        top = _top(answers[f"o{i}"])
        assert (top["id"], top["match"]) == (key, True), (name, answers[f"o{i}"])


# (as printed in a report, the resource). Acronyms from the "Name (ACRONYM)" passages of
# the reports, full names as the reports print them (spelling included).
PRINTED = [
    ("ILO", "org/ilo"),  # "International Labor Organization (ILO)"
    ("International Labor Organization", "org/ilo"),
    ("OAS", "org/oas"),  # "Organization of American States (OAS)"
    ("PAHO", "org/paho"),  # "Pan American Health Organization (PAHO)"
    ("Pan-American Health Organization", "org/paho"),
    ("IDB", "org/idb"),  # "Inter-American Development Bank (IDB)"
    ("IADB", "org/idb"),  # "ILO, IADB, World Bank, the Economic Commission ..."
    ("COSATE", "org/cosate"),  # "Trade Union Technical Advisory Council (COSATE)"
    ("Trade Union Technical Advisory Council", "org/cosate"),
    ("CEATAL", "org/ceatal"),  # "Business Technical Advisory Committee on Labor Matters (CEATAL)"
    ("Business Technical Advisory Committee on Labor Matters", "org/ceatal"),
    ("RIAL", "org/rial"),  # "Inter-American Network for Labor Administration (RIAL)"
    ("Inter-American Network for Labor Administration", "org/rial"),
    ("RIAL/GENDER", "org/rial-gender"),  # "the network of gender focal points (RIAL/GENDER)"
    ("CIM", "org/cim"),  # "Inter-American Commission of Women (CIM)"
    ("CIE", "org/cie"),  # "Inter-American Committee on Education (CIE)"
    ("Inter-American Committee on Education", "org/cie"),
    ("OISS", "org/oiss"),  # "Ibero-American Social Security Organization (OISS)"
    ("ISSO", "org/oiss"),  # "inputs from PAHO, ILO and the ISSO"
    ("ECLAC", "org/eclac"),  # "Economic Commission for Latin America and the Caribbean (ECLAC)"
    ("IOM", "org/iom"),  # "International Organization for Migration (IOM)"
    ("OECD", "org/oecd"),  # "Organization for Economic Co-operation and Development (OECD)"
    ("Organization for Economic Co-operation and Development", "org/oecd"),
    ("CAF", "org/caf"),  # "Latin American Development Bank (CAF)"
    ("Latin American Development Bank", "org/caf"),
    ("IOE", "org/ioe"),  # "International Organisation of Employers (IOE)"
    ("SEDI", "org/oas-sedi"),  # "OAS Executive Secretariat for Integral Development (SEDI)"
    ("CIDI", "org/cidi"),
    ("MIT", "org/mit"),  # "Massachusetts Institute of Technology (MIT)"
    ("J-Wel", "org/mit-jwel"),  # "J-Wel of the Massachusetts Institute of Technology"
    ("ILO-CINTERFOR", "org/ilo-cinterfor"),  # "under the leadership of ILO-CINTERFOR"
    ("UNESCO", "org/unesco"),
    ("Mercosur", "org/mercosur"),
    ("Fundacion Telefonica", "org/fundacion-telefonica"),  # "Google, Fundacion Telefonica"
    ("World Health Organization", "org/who"),
    ("Internet Society", "org/internet-society"),
]


def test_organizations_the_reports_name_by_name_and_acronym(client: FlaskClient) -> None:
    queries = {f"p{i}": {"query": text} for i, (text, _) in enumerate(PRINTED)}
    answers = _batch(client, queries)
    for i, (text, key) in enumerate(PRINTED):
        top = _top(answers[f"p{i}"])
        assert (top["id"], top["match"]) == (key, True), (text, answers[f"p{i}"])


# (a fragment of the title as the report prints it, the year it gives, the activity)
ACTIVITIES = [
    # "a RIAL Workshop on “Strategies to Improve Compliance with Labor Legislation” was
    # held on December 6 and 7, 2018 in San José, Costa Rica"
    ("Strategies to Improve Compliance", "2018", "activity/20/compliance-workshop-san-jose"),
    # "workshop on child labor “Moving towards better horizons for children and adolescents
    # in the Americas” was held on February 21 and 22, 2013"
    ("better horizons for children", "2013", "activity/17/rial-workshop-child-labor"),
    # "on April 18, 2013, along with a second RIAL workshop “Towards fairer labor
    # conditions: promoting labor inclusion with equity”"
    ("Towards fairer labor conditions", "2013", "activity/17/rial-workshop-labor-inclusion"),
    # "Holding of the Webinar on “Social Dialogue with Results”, ... on March 19th, 2019"
    ("Social Dialogue with Results", "2019", "activity/20/webinar-social-dialogue-castilla-leon"),
    # "Hemispheric Dialogue on Telework and caregiving co-responsibility for a
    # gender-responsive recovery. Virtual. May 26, 2021"
    ("Telework and caregiving co-responsibility", "2021", "activity/20/gender-dialogue-2"),
    # "Hemispheric Dialogue to advance the institutionalization of a gender approach in the
    # Ministries of Labor. Virtual. November 28, 2020."
    ("institutionalization of a gender approach", "2020", "activity/20/gender-dialogue-1"),
    # "a RIAL Workshop on skills for the future: Contributions from the Ministries of
    # Education and Labor” took place on May 16 and 17, 2019, in Santiago, Chile"
    ("skills for the future", "2019", "activity/20/skills-workshop-santiago"),
    # "“Social Dialogue for a rights-based transition from the informal to formal
    # employment,” held from October 20 to 21, 2022 in Buenos Aires"
    ("transition from the informal to formal employment", "2022",
     "activity/21/informality-workshop-buenos-aires"),
    # "Inter-Sectoral Workshop “Youth Employment: coordination between Education and Labor
    # in the Americas” that took place in Brasilia in 2016"
    ("Youth Employment coordination between Education and Labor", "2016",
     "activity/youth-employment-workshop-brasilia"),
    # "“Towards a Stronger Coordination between Education and Labor in the Americas" which
    # took place from May 4 to 5, 2023 in Buenos Aires"
    ("Coordination between Education and Labor", "2023",
     "activity/21/education-labor-workshop-buenos-aires"),
    # "Webinars co-organized by ILO, PAHO and OAS on mental health at work, ... April 2018"
    ("mental health at work", "2018", "activity/20/webinars-mental-health-at-work"),
]


def test_activities_by_title_fragment_and_year(client: FlaskClient) -> None:
    queries = {f"a{i}": {"query": text, "type": "Activity",
                         "properties": [{"pid": "year", "v": year}]}
               for i, (text, year, _) in enumerate(ACTIVITIES)}
    answers = _batch(client, queries)
    for i, (text, year, key) in enumerate(ACTIVITIES):
        top = _top(answers[f"a{i}"])
        assert top["id"] == key, (text, year, answers[f"a{i}"])
        assert {"id": "property_year", "value": True} in top["features"]


def test_the_year_decides_between_namesakes(client: FlaskClient) -> None:
    """Two activities print the words "Coordination between Education and Labor" (2016 in
    Brasilia, 2023 in Buenos Aires): the year puts the right one first."""
    for year, key in (("2016", "activity/youth-employment-workshop-brasilia"),
                      ("2023", "activity/21/education-labor-workshop-buenos-aires")):
        body = _batch(client, {"q": {"query": "Coordination between Education and Labor",
                                     "properties": [{"pid": "year", "v": year}]}})
        assert _top(body["q"])["id"] == key


NOT_HELD = ["France", "World Trade Organization", "UNICEF", "European Union",
            "Ministry of Magic", "Atlantis", "Organization of African Unity", "ZZ", "XYZ"]


def test_names_the_graph_does_not_hold_are_never_certain(client: FlaskClient) -> None:
    answers = _batch(client, {f"n{i}": {"query": text} for i, text in enumerate(NOT_HELD)})
    for i, text in enumerate(NOT_HELD):
        assert not any(c["match"] for c in answers[f"n{i}"]["result"]), (text, answers[f"n{i}"])


def test_a_ministry_by_its_country(client: FlaskClient) -> None:
    """The country property (by name or code) makes "Ministry of Labor" certain."""
    for value in ("Costa Rica", "CRI", {"id": "country/CRI"}):
        body = _batch(client, {"q": {"query": "Ministry of Labor", "type": "Ministry",
                                     "properties": [{"pid": "country", "v": value}]}})
        top = _top(body["q"])
        assert top["id"] == "ministry/CRI" and {"id": "property_country", "value": True} \
            in top["features"]


# ---- every alias cites where it comes from ----


def _aliases(app: Flask) -> list[tuple[str, str, str, str]]:
    with app.test_request_context("/reconcile"):
        known = facts()
    return [(name.text, name.origin, entity.iri, entity.name)
            for entity in known.matcher.entities.values() for name in entity.names
            if name.alias]


def test_every_alias_cites_a_passage_or_a_table_row(app: Flask) -> None:
    aliases = _aliases(app)
    assert len(aliases) > 35 * 3
    tables = {"countries.csv": _rows("countries.csv"),
              "organizations.csv": _rows("organizations.csv")}
    for text, origin, iri, _ in aliases:
        assert origin, f"alias {text!r} of {iri} cites nothing"
        row = re.fullmatch(r"data/reference/(\w+\.csv) row (\d+) (\w+)", origin)
        line = re.fullmatch(r"(data/sources/[\w.]+\.txt):(\d+)", origin)
        whole = re.fullmatch(r"data/sources/[\w.]+\.txt", origin)
        if row:
            cells = tables[row.group(1)][int(row.group(2)) - 2]
            if row.group(1) == "countries.csv":
                assert cells[row.group(3)] == text, (text, origin)
                assert iri.endswith("/country/" + cells["iso_alpha3"]), (text, origin, iri)
            else:  # an acronym the organization's name prints
                assert f"({text})" in cells[row.group(3)], (text, origin)
                assert iri.endswith("/id/" + ORGANIZATION_KEYS[cells["name_en"]]), (text, iri)
        elif line:
            printed = (ROOT / line.group(1)).read_text(encoding="utf-8").splitlines()
            assert f"({text})" in printed[int(line.group(2)) - 1], (text, origin)
        else:
            assert whole, f"alias {text!r} of {iri} cites {origin!r}, not a passage or a row"
            printed = " ".join((ROOT / origin).read_text(encoding="utf-8").split())
            assert text in printed, (text, origin)


def test_no_curated_alias_is_refused(app: Flask) -> None:
    """data/reference/aliases.csv: every row's quote is in its source (else it is refused
    and named here)."""
    with app.test_request_context("/reconcile"):
        assert facts().problems == []


def test_an_alias_without_a_source_is_refused(tmp_path: Path) -> None:
    """A row of aliases.csv whose quote no source prints is not used."""
    from iacml.reconcile.aliases import from_table

    table = tmp_path / "aliases.csv"
    table.write_text("alias,resource,lang,source,quote\n"
                     "Caribbean Republic,country/TTO,en,data/sources/003_835abb1dd6776d62.txt,"
                     "the Caribbean Republic\n", encoding="utf-8")
    found, problems = from_table(table, ROOT / "data" / "sources", "https://w3id.org/iacml/",
                                 ROOT)
    assert found == [] and len(problems) == 1
