"""``iacml coverage`` (issue 14 item 14): the committed sentence split, the marks, the
rule that decides what covers a sentence, and every source covered or marked."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from iacml import coverage, sentences
from iacml.paths import ProjectPaths

SOURCES = ("000", "001", "002", "003", "004")


@pytest.mark.parametrize("key", SOURCES)
def test_committed_split_is_sound(paths: ProjectPaths, key: str) -> None:
    """Spans in order, disjoint, their text the source's, no printed character left out."""
    text = coverage.source_files(paths)[key].read_text(encoding="utf-8")
    split = sentences.read(coverage.sentences_dir(paths) / f"{key}.tsv")
    assert len(split) > 100
    assert sentences.problems(text, split) == []


def test_problems_are_found() -> None:
    text = "One sentence. Two sentence.\nThree"
    good = sentences.split(text)
    assert [s.text for s in good] == ["One sentence.", "Two sentence.", "Three"]
    assert sentences.problems(text, good[:2])  # "Three" left out
    assert sentences.problems(text, [good[1], good[0], good[2]])  # out of order
    moved = sentences.Sentence(good[0].start, good[0].end, "Another text.")
    assert sentences.problems(text, [moved, *good[1:]])


def test_splitter_keeps_enumerators_page_breaks_and_leaders() -> None:
    text = ("III. AREAS OF CONSENSUS\n\n1. Social dialogue mattered. It was agreed.\n"
            "A virtual course was designed to counteract\n\nthis type of violence.\n"
            "Conclusions\t8\n4. Strengthening social dialogue.....\t7\n"
            "Washington, D.C. on September 21. Next one.")
    assert [s.text for s in sentences.split(text)] == [
        "III. AREAS OF CONSENSUS", "1. Social dialogue mattered.", "It was agreed.",
        "A virtual course was designed to counteract this type of violence.",
        "Conclusions 8", "4. Strengthening social dialogue..... 7",
        "Washington, D.C. on September 21.", "Next one."]


def test_a_passage_is_over_a_sentence_inside_it_or_holding_half_of_it() -> None:
    s = sentences.Sentence(100, 200, "x")
    assert coverage.is_over((120, 130), s)      # a fact quoted from inside it
    assert coverage.is_over((50, 150), s)       # holds half of it
    assert coverage.is_over((90, 210), s)       # holds all of it
    assert not coverage.is_over((50, 140), s)   # only touches its start
    assert not coverage.is_over((200, 260), s)  # ends where the next begins


def test_stored_section_text_is_not_a_fact() -> None:
    """The passage of a section's stored text covers nothing; the same span backing
    an activity covers its sentences."""
    text = "I. INTRODUCTION\nA workshop was held in Quito. It was useful."
    store = ox.Store()
    iacml, prov = "https://w3id.org/iacml/ontology#", "http://www.w3.org/ns/prov#"
    oa, base = "http://www.w3.org/ns/oa#", "https://w3id.org/iacml/id/"
    xsd_int = ox.NamedNode("http://www.w3.org/2001/XMLSchema#nonNegativeInteger")

    def passage(start: int, end: int, owner: str, graph: str) -> None:
        g, p = ox.NamedNode(graph), ox.NamedNode(f"{base}passage/x/{start}-{end}")
        pos = ox.NamedNode(f"{p.value}/position")
        for s, pr, o in ((ox.NamedNode(owner), prov + "wasDerivedFrom", p),
                         (p, oa + "hasSource", ox.NamedNode(base + "source/x")),
                         (p, oa + "hasSelector", pos),
                         (pos, oa + "start", ox.Literal(str(start), datatype=xsd_int)),
                         (pos, oa + "end", ox.Literal(str(end), datatype=xsd_int))):
            store.add(ox.Quad(s, ox.NamedNode(pr), o, g))

    section = base + "report/x/sec_I"
    store.add(ox.Quad(ox.NamedNode(section), ox.NamedNode(ox.NamedNode(
        "http://www.w3.org/1999/02/22-rdf-syntax-ns#type").value), ox.NamedNode(
        iacml + "ReportSection"), ox.NamedNode("urn:g1")))
    store.add(ox.Quad(ox.NamedNode(section), ox.NamedNode(iacml + "text"),
                      ox.Literal("A workshop was held in Quito. It was useful.", language="en"),
                      ox.NamedNode("urn:g1")))
    passage(16, len(text), section, "urn:g1")
    assert coverage.fact_spans(store, {"x": text}) == {}
    passage(16, len(text), base + "activity/x/workshop", "urn:g2")
    assert coverage.fact_spans(store, {"x": text}) == {"x": [(16, len(text))]}


def test_marks_are_few_listed_and_current(paths: ProjectPaths, store: ox.Store) -> None:
    """Every mark has a reason from the closed list, names an uncovered sentence of the
    split with its text, and no source has more than 10 % of its sentences marked."""
    marks = coverage.read_marks(coverage.sentences_dir(paths) / "marks.csv")
    assert all(m.reason in coverage.MARK_REASONS for m in marks)
    results = coverage.measure(paths, store)
    assert coverage.stale_marks(paths, results) == []
    for r in results:
        assert len(r.marked) <= coverage.MAX_MARKED_SHARE * r.total, r.source
        for sentence, mark in r.marked:
            assert sentence.text.startswith(mark.text.rstrip("…")), (r.source, mark.start)


def test_every_sentence_of_every_source_is_covered_or_marked(paths: ProjectPaths,
                                                             store: ox.Store) -> None:
    """Issue 14's acceptance: 100 % covered-or-marked for all five sources."""
    results = coverage.measure(paths, store)
    assert [r.source for r in results] == list(SOURCES)
    uncovered = [f"{r.source}@{s.start}: {s.text[:80]}" for r in results for s in r.uncovered]
    assert uncovered == [], f"{len(uncovered)} sentences neither covered nor marked"
    assert all(r.covered_or_marked_share == 1.0 for r in results)


def test_cli_prints_the_report_and_never_rewrites_a_split(
        paths: ProjectPaths, capsys: pytest.CaptureFixture[str]) -> None:
    from iacml.cli import main

    assert main(["coverage", "--summary", "--check"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].startswith("source  sentences  covered")
    assert all(f"{key} " in out for key in SOURCES)
    before = (coverage.sentences_dir(paths) / "003.tsv").read_bytes()
    assert main(["coverage", "--split", "003"]) == 2
    assert "committed data" in capsys.readouterr().err
    assert (coverage.sentences_dir(paths) / "003.tsv").read_bytes() == before


def test_editing_guide_states_the_closed_lists(paths: ProjectPaths) -> None:
    """docs/editing.md names every mark reason and the columns of both CSV files."""
    guide = (paths.root / "docs" / "editing.md").read_text(encoding="utf-8")
    section = guide.split("## Coverage")[1].split("\n## ")[0]
    assert all(f"`{reason}`" in section for reason in coverage.MARK_REASONS)
    assert f"`{','.join(coverage.MARKS_COLUMNS)}`" in section
    from iacml.iris import RETIRED_COLUMNS
    assert f"`{','.join(RETIRED_COLUMNS)}`" in guide
    marks = (coverage.sentences_dir(paths) / "marks.csv").read_text(encoding="utf-8")
    assert marks.splitlines()[0] == ",".join(coverage.MARKS_COLUMNS)
