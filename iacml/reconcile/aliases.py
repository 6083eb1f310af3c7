"""Names of resources that their labels in the graph do not hold, each with its source.

Four kinds, and no other:

- acronyms as the reports define them: "Pan American Health Organization (PAHO)" in a
  source text, where the words before the parentheses are a label of one resource;
- the names and codes of a country in ``data/reference/countries.csv`` (English, Spanish
  and ISO names, ISO 3166 alpha-2 and alpha-3 codes), cited by row and column;
- acronyms the organizations table prints in a name ("... Human Rights (IACHR)");
- the rows of ``data/reference/aliases.csv``: a name, the resource, and a verbatim quote
  of a source text that prints it (checked here: a row whose quote is not in its source
  is refused, not used).

Every :class:`Alias` says where it comes from (``source``) and quotes it (``quote``);
``tests/test_reconcile_matching.py`` re-reads every citation.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from iacml.reconcile.folding import fold, without_acronym

ACRONYM = re.compile(r"\(([A-Z][A-Za-z]*(?:[/-][A-Za-z]+)*)\)")
COUNTRY_COLUMNS = (("name_en", "en"), ("name_es", "es"), ("iso_name_en", "en"),
                   ("iso_alpha3", ""), ("iso_alpha2", ""))


@dataclass(frozen=True)
class Alias:
    """A name of the resource ``iri``, where it comes from and the text that shows it."""

    text: str
    iri: str
    lang: str
    source: str  # "data/sources/<file>:<line>" or "data/reference/<table>.csv row <n> <column>"
    quote: str   # verbatim from the source: the passage, or the table cell
    code: bool = False  # an identifier (ISO code): matched whole, never by likeness


def _relative(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def from_sources(sources_dir: Path, labels: Mapping[str, list[str]], root: Path) -> list[Alias]:
    """Acronyms the sources define as "<a label of one resource> (<ACRONYM>)"."""
    by_name: dict[str, set[str]] = {}
    for iri, texts in labels.items():
        for text in texts:
            name, _ = without_acronym(text)
            if len(fold(name).split()) >= 2:  # one word before "(X)" defines nothing
                by_name.setdefault(fold(name), set()).add(iri)
    found: list[Alias] = []
    for path in sorted(sources_dir.glob("*.txt")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            for acronym in ACRONYM.finditer(line):
                if sum(ch.isupper() for ch in acronym.group(1)) < 2:
                    continue
                words = list(re.finditer(r"\S+", line[:acronym.start()]))
                # the shortest run of words just before "(X)" that is a label: in "J-Wel of
                # the Massachusetts Institute of Technology (MIT)", MIT is the Institute
                for size in range(2, min(len(words), 16) + 1):
                    start = words[-size].start()
                    iris = by_name.get(fold(line[start:acronym.start()]))
                    if iris and len(iris) == 1:
                        quote = line[start:acronym.end()]
                        found.append(Alias(acronym.group(1), next(iter(iris)), "",
                                           f"{_relative(path, root)}:{number}", quote))
                        break
    return found


def from_countries(table: Path, base_iri: str, root: Path) -> list[Alias]:
    """Names and ISO codes of each country of the reference table, by row and column."""
    found = []
    with table.open(encoding="utf-8", newline="") as handle:
        for row_number, row in enumerate(csv.DictReader(handle), 2):  # row 1: the header
            iri = f"{base_iri}id/country/{row['iso_alpha3']}"
            for column, lang in COUNTRY_COLUMNS:
                value = row.get(column, "").strip()
                if value:
                    found.append(Alias(value, iri, lang,
                                       f"{_relative(table, root)} row {row_number} {column}",
                                       value, code=column.startswith("iso_alpha")))
    return found


def from_organizations(table: Path, keys: Path, base_iri: str, root: Path) -> list[Alias]:
    """Acronyms the organizations table prints in a name: "... Human Rights (IACHR)"."""
    with keys.open(encoding="utf-8", newline="") as handle:
        key_of = {r["name_en"]: r["key"] for r in csv.DictReader(handle)
                  if r["table"] == "organizations"}
    found = []
    with table.open(encoding="utf-8", newline="") as handle:
        for row_number, row in enumerate(csv.DictReader(handle), 2):
            _, acronym = without_acronym(row["name_en"])
            if acronym and row["name_en"] in key_of:
                found.append(Alias(acronym, base_iri + "id/" + key_of[row["name_en"]], "",
                                   f"{_relative(table, root)} row {row_number} name_en",
                                   row["name_en"]))
    return found


def from_table(table: Path, sources_dir: Path, base_iri: str,
               root: Path) -> tuple[list[Alias], list[str]]:
    """Rows of ``aliases.csv`` whose quote is in their source and prints the alias; the
    other rows as problems."""
    found: list[Alias] = []
    problems: list[str] = []
    if not table.exists():
        return found, problems
    with table.open(encoding="utf-8", newline="") as handle:
        for row_number, row in enumerate(csv.DictReader(handle), 2):
            source = sources_dir / Path(row["source"]).name
            text = " ".join(source.read_text(encoding="utf-8").split()) if source.is_file() else ""
            quote = " ".join(row["quote"].split())
            if not quote or quote not in text or fold(row["alias"]) not in fold(quote):
                problems.append(f"{_relative(table, root)} row {row_number}: the quote is not "
                                f"in {row['source']} or does not print {row['alias']!r}")
                continue
            found.append(Alias(row["alias"], base_iri + "id/" + row["resource"], row["lang"],
                               f"{_relative(source, root)}", row["quote"]))
    return found, problems


def load_aliases(root: Path, labels: Mapping[str, list[str]],
                 base_iri: str) -> tuple[list[Alias], list[str]]:
    """Every alias of the three kinds for the checkout ``root``, and the refused rows."""
    sources = root / "data" / "sources"
    reference = root / "data" / "reference"
    curated, problems = from_table(reference / "aliases.csv", sources, base_iri, root)
    aliases = (from_sources(sources, labels, root)
               + from_countries(reference / "countries.csv", base_iri, root)
               + from_organizations(reference / "organizations.csv", reference / "keys.csv",
                                    base_iri, root) + curated)
    return aliases, problems
