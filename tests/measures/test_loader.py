"""Copying an LA's case tables into DuckDB: minimum data, and rows that hold the separators."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Engine, func, select

from grip.casedata.format import load_format
from grip.casedata.models import CASE_TABLES
from grip.measures.engine import compute
from grip.measures.loader import COLUMNS

from .builders import CaseBook


def test_columns_exist_and_leave_identity_behind() -> None:
    fmt = load_format()
    for table, cols in COLUMNS.items():
        assert set(cols) <= set(fmt.tables[table].columns), table
    copied = {c for cols in COLUMNS.values() for c in cols}
    # Minimum data: the measures need dates and codes, never who the child is.
    assert not copied & {"pers_forename", "pers_surname", "pers_upn", "pers_postcode"}


def test_ids_and_text_holding_newlines_or_separators_still_load_whole(engine: Engine) -> None:
    b = CaseBook()
    b.team("T\x1f1", "Duty\nand\x1fAssessment")  # free text and an id with separators
    b.worker("W1", "T\x1f1")
    for pid in ("C1", "C\n2"):  # an id that would split its row in the fast path
        b.child(pid)
        b.allocate(pid, "W1", date(2026, 11, 1), team="T\x1f1")
        r = b.referral(pid, date(2026, 12, 7))
        # Working Together: from Mon 7 Dec 2026 the 45th working day is Thu 11 Feb 2027.
        auth = date(2027, 2, 11) if pid == "C1" else date(2027, 2, 12)
        b.assessment(pid, r, date(2026, 12, 8), auth)
    b.save(engine)
    run = compute(engine, "T01", date(2027, 3, 31))
    with engine.connect() as conn:
        for table in COLUMNS:
            t = CASE_TABLES[table]
            n = conn.execute(select(func.count()).where(t.c.la_code == "T01")).scalar_one()
            assert run.row_counts[table] == n, table
    v = run.at("AS_45WD")
    assert (v.numerator, v.denominator) == (1, 2)
    # Every row kept its team: the slice holds both children, not a broken-off fragment (SQLite's
    # text path turns the separators in free text into spaces; PostgreSQL's CSV keeps them).
    [team] = run.slices("AS_45WD", "team")
    name = team.slice.replace("\n", " ").replace("\x1f", " ")
    assert (name, team.numerator, team.denominator) == ("Duty and Assessment", 1, 2)
