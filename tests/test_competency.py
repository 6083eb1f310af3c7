"""The competency questions: each ``queries/competency/qNN.rq`` against the built graph,
compared with the answer written from the source texts in ``qNN.json``."""

from __future__ import annotations

import json
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pyoxigraph as ox
import pytest

from iacml.namespaces import sparql_prefixes
from iacml.store import term_text

COMPETENCY = Path(__file__).resolve().parent.parent / "queries" / "competency"
QUERIES = sorted(COMPETENCY.glob("q*.rq"))


def normalize(value: object) -> object:
    """Numbers compare by value ("3.0E4" = 30000); everything else as text."""
    if value is None:
        return None
    text = str(value)
    try:
        number = Decimal(text)
    except InvalidOperation:
        return text
    return number.normalize() if number.is_finite() else text


def test_competency_questions_exist() -> None:
    """Each .rq has its expected answer and vice versa."""
    assert QUERIES, "no competency queries found"
    for query in QUERIES:
        assert query.with_suffix(".json").exists(), f"{query.name} has no expected answer"
    for expected in COMPETENCY.glob("q*.json"):
        assert expected.with_suffix(".rq").exists(), f"{expected.name} has no query"


@pytest.mark.parametrize("query_path", QUERIES, ids=[q.stem for q in QUERIES])
def test_competency_question(store: ox.Store, query_path: Path) -> None:
    expected = json.loads(query_path.with_suffix(".json").read_text(encoding="utf-8"))
    result = store.query(sparql_prefixes() + query_path.read_text(encoding="utf-8"))
    if "boolean" in expected:
        assert isinstance(result, ox.QueryBoolean)
        assert bool(result) is expected["boolean"], expected["answer"]
        return
    assert isinstance(result, ox.QuerySolutions), "competency queries are SELECT or ASK"
    names = [v.value for v in result.variables]
    got = [{n: normalize(term_text(row[n])) for n in names} for row in result]
    want = [{k: normalize(v) for k, v in row.items()} for row in expected["rows"]]
    assert want, f"{query_path.name}: the expected answer has no rows"
    assert set(want[0]) == set(names), f"variables {names} but expected {sorted(want[0])}"
    as_set = {tuple(sorted(r.items(), key=lambda kv: kv[0])) for r in got}
    want_set = {tuple(sorted(r.items(), key=lambda kv: kv[0])) for r in want}
    assert as_set == want_set, (
        f"{expected['question']}\nexpected (from {expected.get('sources')}): "
        f"{expected['answer']}\nmissing: {want_set - as_set}\nunexpected: {as_set - want_set}")
    if expected.get("ordered"):
        assert got == want, "rows are right but not in the expected order"
