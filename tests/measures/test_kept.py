"""Kept measures runs (grip.measures.kept) equal the plain path and follow the data."""

from __future__ import annotations

import datetime as dt
import threading
from datetime import date
from typing import Any

import pytest
from sqlalchemy import Engine

from grip.access import restrictions
from grip.access.scope import Scope, scoped
from grip.measures import kept
from grip.measures.engine import compute

from .builders import CaseBook

ON = date(2027, 3, 31)


@pytest.fixture
def book(engine: Engine) -> Engine:
    b = CaseBook("LA1")
    for pid in ("C1", "C2", "C3"):
        b.child(pid)
        r = b.referral(pid, date(2026, 12, 7))
        # C1 in time (45th working day is 11 Feb 2027), the others late (Working Together: 45
        # working days).
        b.assessment(pid, r, date(2026, 12, 8), date(2027, 2, 11 if pid == "C1" else 12))
    b.save(engine)
    return engine


def _figures(run: Any) -> list[tuple[Any, ...]]:
    return sorted(
        (v.measure_id, v.dimension, v.slice, v.period_end, v.numerator, v.denominator, v.value)
        for v in run.values
    )


def test_a_kept_run_equals_the_plain_computation(book: Engine) -> None:
    runs = kept.KeptRuns()
    run, _ = runs.get(book, "LA1", ON)
    assert _figures(run) == _figures(compute(book, "LA1", ON, 12))
    again, _ = runs.get(book, "LA1", ON)
    assert again is run  # kept, not computed again


def test_a_new_restriction_gives_a_fresh_run(book: Engine) -> None:
    """Slices leave restricted children out, so restricting a case must not wait for a cache
    to expire before the slices stop counting that child."""
    runs = kept.KeptRuns()
    before, _ = runs.get(book, "LA1", ON)
    with scoped(book, Scope("LA1")) as db:
        restrictions.restrict_case(db, Scope("LA1"), "C2", "test", dt.date(2027, 6, 1), [])
    after, _ = runs.get(book, "LA1", ON)
    assert after is not before
    assert _figures(after) == _figures(compute(book, "LA1", ON, 12))
    assert _figures(after) != _figures(before)


def test_people_opening_the_page_together_share_one_computation(
    book: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[int] = []
    real = kept.compute

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(kept, "compute", counted)
    runs = kept.KeptRuns()
    got: list[Any] = []
    threads = [
        threading.Thread(target=lambda: got.append(runs.get(book, "LA1", ON)[0])) for _ in range(6)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert len(got) == 6 and len(calls) == 1
    assert all(r is got[0] for r in got)


def test_an_old_run_is_computed_again(book: Engine) -> None:
    runs = kept.KeptRuns(max_age=0)
    first, _ = runs.get(book, "LA1", ON)
    assert runs.get(book, "LA1", ON)[0] is not first


def test_kept_child_lists_equal_the_runs_own(book: Engine) -> None:
    runs = kept.KeptRuns()
    run, lock = runs.get(book, "LA1", ON)
    for args in (
        {"only_numerator": None},
        {"only_numerator": False},
        {"dimension": "sex", "slice_value": "All"},
    ):
        with lock:
            first = runs.children(run, "AS_45WD", **args)
            assert first == run.children("AS_45WD", **args)
            assert runs.children(run, "AS_45WD", **args) is first
    assert len(runs.children(run, "AS_45WD")) == 3


def test_kept_headline_counts_equal_the_plain_count_until_the_data_changes(
    book: Engine, tmp_path: Any
) -> None:
    from grip.casedata.extract import example_rows, write_extract
    from grip.casedata.importer import import_extract
    from grip.casedata.summary import headline_counts

    counts = kept.KeptCounts()
    first = counts.get(book, "LA1", ON)
    with book.connect() as conn:
        assert first == headline_counts(conn, "LA1", ON)
    assert counts.get(book, "LA1", ON) is first  # kept, not counted again
    # An import replaces the LA's case data: the next view counts afresh.
    folder = write_extract(
        tmp_path / "x", example_rows(5), {"la_code": "LA1", "as_of": "2027-03-01"}
    )
    assert import_extract(book, folder, "LA1").ok
    after = counts.get(book, "LA1", ON)
    with book.connect() as conn:
        assert after == headline_counts(conn, "LA1", ON) and after != first


def test_warming_keeps_each_las_run_so_the_first_view_reads_it(book: Engine) -> None:
    kept.RUNS.clear()
    try:
        assert "LA1" in kept.warm(book, ON)
        with kept.RUNS._lock:
            keys = [k for k in kept.RUNS._runs if k[1] == "LA1" and k[2] == ON]
        assert len(keys) == 1  # kept: the dashboard's get() is now a read
        run, _ = kept.RUNS.get(book, "LA1", ON)
        assert _figures(run) == _figures(compute(book, "LA1", ON, 12))
    finally:
        kept.RUNS.clear()
