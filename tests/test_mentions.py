"""Issue 14 item 8: every organization a source names is mentioned by that source
(``iacml:mentions`` from its report, in its graph), the IACML and its own organs
included. The names are patterns of how the sources print them, read from the sources;
the test first checks each pattern against the source it is listed for."""

from __future__ import annotations

import re

import pyoxigraph as ox
import pytest

from tests.test_completion import ID, flat, graph, select, text_of

REPORTS = {"000": "report/wg2-2018-2021", "001": "report/wg2-2012-2013",
           "002": "report/wg1-2018-2021", "003": "report/oea-ser-k-xii-21-1",
           "004": "report/wg1-2021-2024"}

# Organizations any source may name, with the way the sources print them.
NAMES = {
    "process/iacml": r"\bIACML\b|Inter-American Conference of Ministers? of Labor",
    "org/oas": r"\bOAS\b|Organization of American States|ORGANIZATION OF AMERICAN STATES",
    "org/oas-general-secretariat": r"General Secretariat|GENERAL SECRETARIAT",
    "org/iacml-technical-secretariat": r"Technical Secretariat|the Secretariat\b",
    "org/oas-sedi": r"Executive Secretariat for Integral Development",
    "org/oas-dhdee": r"Department of Human Development, Education and Employment",
    "org/cidi": r"Inter-American Council for Integral Development",
    "org/rial": r"\bRIAL\b|Inter-American Network for Labor Administration",
    "org/rial-gender": r"RIAL/GENDER|network of gender focal points",
    "org/cosate": r"\bCOSATE\b|Trade Union Technical Advisory Council",
    "org/ceatal": r"\bCEATAL\b|Business Technical Advisory Committee",
    "org/ilo": r"\bILO\b|International Labou?r Organization",
    "org/ilo-cinterfor": r"CINTERFOR|Cinterfor",
    "org/paho": r"\bPAHO\b|Pan[- ]American Health Organization",
    "org/iom": r"\bIOM\b|International Organization for Migration",
    "org/oiss": r"\bOISS\b|\bISSO\b|Ibero-American Social Security Organization",
    "org/idb": r"\bIDB\b|\bIADB\b|Inter-American Development Bank",
    "org/world-bank": r"World Bank",
    "org/eclac": r"\bECLAC\b|Economic Commission for Latin America",
    "org/caf": r"\bCAF\b",
    "org/cim": r"\bCIM\b|Inter-American Commission of Women",
    "org/cie": r"\bCIE\b|Inter-American Committee on Education",
    "org/unesco": r"UNESCO",
    "org/who": r"World Health Organization",
    "org/iachr": r"Inter-American Commission on Human Rights",
    "org/brookings": r"Brookings Institution",
    "org/oxford-economics": r"Oxford Economics",
    "org/mercosur": r"Mercosur",
    "org/oecd": r"\bOECD\b|Organization for Economic Co-operation",
    "org/ioe": r"\bIOE\b|International Organisation of Employers",
    "org/google": r"Google",
    "org/fundacion-telefonica": r"Fundacion Telefonica",
    "org/nestle": r"Nestlé",
    "org/ford": r"\bFord\b",
    "org/internet-society": r"Internet Society",
    "org/structuralia": r"Structuralia",
    "org/mit": r"Massachusetts Institute of Technology",
    "org/mit-jwel": r"J-Wel",
    "org/coursera": r"Coursera",
    "org/educational-portal-of-the-americas": r"Educational Portal of the Americas",
    "org/lac-free-of-child-labor-initiative": r"Latin America and the Caribbean [Ff]ree of Child "
                                              r"Labor",
    "process/inter-american-meeting-ministers-education":
        r"Inter-American Meeting of Ministers of Education",
    "ministry/CAN/labour-program": r"Labou?r Program",
    "ministry/PER/tripartite-council-secretariat": r"Secretariat of the Tripartite Council",
}

# Organs of one cycle and Ministries, as each source names them.
NAMED_IN = {
    "000": {"cycle/20/wg/2": r"Working Group 2 is titled", "cycle/20/authorities":
            r"the IACML authorities decided", "ministry/CRI":
            r"Ministry of Labor and Social Security of Costa Rica"},
    "001": {"cycle/17/wg/2": r"Working Group 2 \(WG2\)", "ministry/TTO":
            r"thank Trinidad and Tobago for its commitment"},
    "002": {"cycle/20/wg/1": r"Working Group 1 is titled"},
    "003": {"cycle/20/wg/1": r"- Working Group 1:", "cycle/20/wg/2": r"- Working Group 2:",
            "cycle/20/troika": r"led by the troika", "cycle/20/authorities":
            r"the IACML authorities modified", "ministry/CAN":
            r"Employment and Social Development Canada|Costa Rica and Canada",
            "ministry/ECU": r"Minister of Labor of Ecuador", "ministry/BRA":
            r"Ministers of Labor of Brazil", "ministry/CHL": r"Brazil and Chile",
            "ministry/ARG": r"Minister of Labor of Argentina", "ministry/CRI":
            r"Ministers of Labor of Costa Rica", "ministry/MEX":
            r"Ministries of Labor of Mexico", "ministry/BRB":
            r"Ministries of Labor of Mexico, Barbados", "ministry/PER":
            r"Ministry of Labor of Peru", "ministry/HND":
            r"Ministries of Labor of Ecuador, Peru, Honduras", "ministry/KNA":
            r"Honduras, Barbados, Saint Kitts and Nevis", "ministry/GRD":
            r"Saint Kitts and Nevis, Grenada, and Saint Lucia received", "ministry/LCA":
            r"Grenada, and Saint Lucia received", "ministry/COL":
            r"the Colombian Ministry of Labor", "ministry/VCT":
            r"the Ministries of Saint Vincent and the Grenadines"},
    "004": {"cycle/21/wg/1": r"Working Group 1 is entitled", "cycle/21/wg/2":
            r"Group 2 of the IACML", "ministry/ARG": r"the Ministry of Labor of Argentina",
            "ministry/ARG/education": r"Ministries of Labor and Education of Argentina",
            "ministry/CRI": r"Ministry of Labor and Social Security of Costa Rica"},
}


def named_by(key: str) -> set[str]:
    text = flat(text_of(key))
    found = {iri for iri, pattern in NAMES.items() if re.search(pattern, text)}
    for iri, pattern in NAMED_IN[key].items():
        assert re.search(pattern, text), f"{key}: {pattern!r} is not printed"
        found.add(iri)
    return found


@pytest.mark.parametrize("key", sorted(REPORTS))
def test_every_named_organization_is_mentioned(store: ox.Store, key: str) -> None:
    rows = select(store, f"""SELECT ?o WHERE {{ GRAPH <{graph(key)}> {{
        <{ID}{REPORTS[key]}> iacml:mentions ?o }} }}""")
    mentioned = {str(r["o"]).removeprefix(ID) for r in rows}
    named = named_by(key)
    assert "process/iacml" in named
    assert sorted(named - mentioned) == []
