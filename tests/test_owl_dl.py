"""The ontology and the data as OWL 2 DL users load them (issue 14, item 15).

The tools are the ones ontology users run: the OWL API's OWL 2 DL profile checker and
HermiT (Protégé's library and reasoner), and Pellet, from the jars the PyPI package
owlready2 ships, on Debian's Java (``make java``). They read the ontology file and the
artefact docs/design.md tells DL users to load, ``build/iacml-dl.owl``.

The JVM runs take most of this module's time; they run two at a time (two cores).
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pyoxigraph as ox
import pytest

from iacml.dlcheck import DlReport, hermit_check, owlready2_check, pellet_check
from iacml.paths import ProjectPaths
from iacml.pipeline.dlexport import OWL2_DATATYPE_MAP

pytest.importorskip("owlready2", reason="owlready2 is installed by make setup")
if shutil.which("java") is None:
    pytest.skip("no Java runtime: `make java` installs Debian's", allow_module_level=True)

ID = "https://w3id.org/iacml/id/"
IACML = "https://w3id.org/iacml/ontology#"
XSD = "http://www.w3.org/2001/XMLSchema#"
SCHEMA = "https://schema.org/"
# 003, annex: "Virtual cooperation between Peru and Chile on Trade Union Training Schools";
# Chile is a Country, a place: as a party of a cooperation (range iacml:Ministry, a kind of
# organization, disjoint with Country) it is the pitfall-2 mistake the axioms must catch.
WRONG = (ox.NamedNode(ID + "cooperation/20/chl-per-trade-union-training-schools"),
         ox.NamedNode(IACML + "party"), ox.NamedNode(ID + "country/CHL"))


def _with_wrong_triple(artefact: Path, target: Path) -> Path:
    triples = list(ox.parse(path=str(artefact), format=ox.RdfFormat.RDF_XML))
    triples.append(ox.Triple(*WRONG))
    ox.serialize(triples, str(target), format=ox.RdfFormat.RDF_XML)
    return target


@pytest.fixture(scope="module")
def artefact(paths: ProjectPaths) -> Path:
    if not paths.dataset_owl_dl.exists():
        pytest.fail(f"{paths.dataset_owl_dl} is missing: run `make build`")
    return paths.dataset_owl_dl


@pytest.fixture(scope="module")
def reports(paths: ProjectPaths, artefact: Path,
            tmp_path_factory: pytest.TempPathFactory) -> dict[str, DlReport]:
    """Every tool on every document, two JVMs at a time."""
    wrong = _with_wrong_triple(artefact, tmp_path_factory.mktemp("dl") / "wrong.owl")
    ontology = paths.ontology_dir / "iacml.ttl"
    jobs: dict[str, Callable[[], DlReport]] = {
        "hermit ontology": lambda: hermit_check(ontology),
        "hermit data": lambda: hermit_check(artefact),
        # the snippet of docs/design.md: owlready2 loads the file and runs its Pellet
        "pellet data": lambda: owlready2_check(artefact, "pellet"),
        "hermit wrong": lambda: hermit_check(wrong),
        "pellet wrong": lambda: pellet_check(wrong, loader="Jena"),
    }
    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = {name: pool.submit(job) for name, job in jobs.items()}
        return {name: future.result() for name, future in futures.items()}


# Pellet is not run on the ontology alone: the data artefact holds all its axioms, so
# what Pellet finds there it would find in the ontology too (HermiT checks both).
@pytest.mark.parametrize("name", ["hermit ontology", "hermit data", "pellet data"])
def test_in_owl2_dl_consistent_no_unsatisfiable_class(reports: dict[str, DlReport],
                                                      name: str) -> None:
    """0 OWL 2 DL profile violations (OWL API), consistent, no unsatisfiable class."""
    report = reports[name]
    assert report.violations == [], "\n".join(report.violations[:20])
    assert report.consistent is True, report.output[-3000:]
    assert report.unsatisfiable == [], report.unsatisfiable


@pytest.mark.parametrize("name", ["hermit wrong", "pellet wrong"])
def test_a_country_as_a_cooperation_party_is_inconsistent(reports: dict[str, DlReport],
                                                          name: str) -> None:
    report = reports[name]
    assert report.violations == [], "\n".join(report.violations[:20])
    assert report.consistent is False, report.output[-3000:]


def test_the_artefact_has_only_owl2_datatypes(artefact: Path) -> None:
    """HermiT refuses a literal outside the OWL 2 datatype map (xsd:date, xsd:gYear ...)."""
    outside = {t.object.datatype.value for t in ox.parse(path=str(artefact),
                                                         format=ox.RdfFormat.RDF_XML)
               if isinstance(t.object, ox.Literal) and t.object.language is None
               and t.object.datatype.value not in {str(d) for d in OWL2_DATATYPE_MAP}}
    assert outside == set()


def _values(artefact_triples: list[ox.Triple], subject: str, prop: str) -> set[ox.Literal]:
    return {t.object for t in artefact_triples  # type: ignore[misc]
            if t.subject == ox.NamedNode(subject) and t.predicate == ox.NamedNode(prop)}


def test_dates_keep_their_printed_form_and_get_datetime_bounds(artefact: Path) -> None:
    """The route docs/design.md gives DL users for dates: the printed value as a string,
    its earliest and latest day as xsd:dateTime."""
    triples = list(ox.parse(path=str(artefact), format=ox.RdfFormat.RDF_XML))
    # 004: "through which the RIAL/GENDER was created (March, 2022)"
    gender = ID + "org/rial-gender"
    assert _values(triples, gender, SCHEMA + "foundingDate") == {ox.Literal("2022-03")}
    date_time = ox.NamedNode(XSD + "dateTime")
    assert _values(triples, gender, IACML + "earliestFoundingDate") == {
        ox.Literal("2022-03-01T00:00:00", datatype=date_time)}
    assert _values(triples, gender, IACML + "latestFoundingDate") == {
        ox.Literal("2022-03-31T23:59:59", datatype=date_time)}
    # 003: "13 September 2021" (the report's date), a day: both bounds on that day
    report = ID + "report/oea-ser-k-xii-21-1"
    assert _values(triples, report, IACML + "earliestDocumentDate") == {
        ox.Literal("2021-09-13T00:00:00", datatype=date_time)}
