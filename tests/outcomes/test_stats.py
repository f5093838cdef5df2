"""Statistics as in Kent SIF outcomes mapping (Dec 2014) §5: counts, transitions, checks."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from grip.outcomes.queries import ReportRow
from grip.outcomes.stats import (
    GRADES,
    check_stated,
    grade_counts,
    kent_checks,
    kent_internal_checks,
    movement,
    transitions,
)


def _row(n: int, la: str, year: int, grades: dict[str, str], region: str = "London") -> ReportRow:
    return ReportRow(
        id=n, la_code=la, la_name=la, region=region, framework="ilacs-2017",
        inspection_type="standard", fieldwork_start=None, fieldwork_end=dt.date(year, 6, 1),
        published=None, origin="grip", source_file=None, judgements=grades,
    )  # fmt: skip


def test_kent_stated_figures_that_disagree_with_its_own_annex_are_found() -> None:
    """Kent SIF outcomes mapping (Dec 2014) §5.1 against its Annex 1 (32 rows): 17 LAs
    requires improvement (18 stated), 10 LSCBs good (11 stated), 7 LSCBs inadequate (6 stated),
    so 68.8% of LSCBs below good (65% stated) and 32 of 152 LAs inspected (22% stated)."""
    wrong = {c.id: c for c in kent_checks() if not c.agrees}
    assert set(wrong) == {
        "la-ri",
        "lscb-good",
        "lscb-inadequate",
        "lscb-failing",
        "share-inspected",
    }
    assert (wrong["la-ri"].stated, wrong["la-ri"].recomputed) == (18, 17)
    assert (wrong["lscb-good"].stated, wrong["lscb-good"].recomputed) == (11, 10)
    assert (wrong["lscb-inadequate"].stated, wrong["lscb-inadequate"].recomputed) == (6, 7)
    assert wrong["lscb-failing"].recomputed == 68.8
    assert wrong["share-inspected"].recomputed == 21.1


def test_kent_percentage_disagrees_with_its_own_stated_counts() -> None:
    """Kent SIF outcomes mapping (Dec 2014) §5.1: 71% "failing" against its own counts
    0 + 9 + 18 + 6 = 33 LAs, of which 24 are below good: 72.7%."""
    wrong = [c for c in kent_internal_checks() if not c.agrees]
    assert [(c.id, c.recomputed) for c in wrong] == [("la-failing", 72.7)]


def test_a_stated_figure_equal_to_the_rows_agrees() -> None:
    rows = [{"overall": "good"}, {"overall": "inadequate"}, {"overall": "good"}]
    stated = [
        {"id": "g", "section": "x", "text": "2 good", "measure": "count",
         "judgement": "overall", "grades": ["good"], "value": 2},
        {"id": "p", "section": "x", "text": "33% below", "measure": "percent",
         "judgement": "overall", "grades": ["inadequate"], "value": 33},
    ]  # fmt: skip
    assert [c.agrees for c in check_stated(stated, rows, 152)] == [True, True]


def test_transitions_follow_each_la_in_fieldwork_order() -> None:
    rows = [
        _row(3, "A", 2023, {"overall": "good"}),
        _row(1, "A", 2018, {"overall": "inadequate"}),
        _row(2, "B", 2019, {"overall": "good"}),
        _row(4, "B", 2024, {"overall": "good"}),
        _row(5, "C", 2024, {"overall": "outstanding"}),
    ]
    table = transitions(rows)
    assert table["inadequate"]["good"] == 1 and table["good"]["good"] == 1
    assert movement(table) == {"improved": 1, "same": 1, "declined": 0}


grades = st.sampled_from(GRADES)
rows_strategy = st.lists(
    st.tuples(st.sampled_from("ABCDE"), st.integers(2013, 2025), grades, grades,
              st.sampled_from(["London", "South East"])),
    max_size=40,
)  # fmt: skip


@settings(deadline=None)  # timing is not the property: a loaded machine must not fail it
@given(rows_strategy)
def test_counts_and_transitions_add_up(raw: list[tuple[str, int, str, str, str]]) -> None:
    rows = [
        _row(i, la, year, {"overall": o, "leaders": lead}, region)
        for i, (la, year, o, lead, region) in enumerate(raw)
    ]
    for by in ("all", "period", "region"):
        counts = grade_counts(rows, by)
        assert sum(c.total for c in counts if c.judgement == "overall") == len(rows)
        for c in counts:
            assert list(c.counts) == GRADES
            if c.total:
                assert abs(sum(c.percentages().values()) - 100) < 0.5
    moves = sum(movement(transitions(rows)).values())
    assert moves == len(rows) - len({la for la, *_ in raw})
