"""The vectorised engine agrees with the per-child rules, child by child, on a synthetic LA.

``grip.measures.rules`` is the readable statement of every timescale (Working Together: 45
working days for an assessment, 15 for an ICPC; CP and CIN reviews at 3 then 6 months; Care
Planning Regulations reg 33 CLA reviews at 20 working days, 3 then 6 months, and reg 28 visits).
``child_compliance`` applies those rules to one child's rows; here every child-level row the
engine lists behind a timescale figure must match what the rules say for that child, and every
timescale the rules find in the engine's window must be in the engine's list.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine

from grip.calendar import add_months
from grip.casedata.importer import import_extract
from grip.casedata.synth import synthesise
from grip.measures import rules
from grip.measures.compliance import child_compliance
from grip.measures.engine import ChildRow, compute

ON = date(2026, 10, 31)
#: Measures over events in the 12-month window (one row per assessment, ICPC or review).
EVENTS = (
    "AS_45WD",
    "S47_ICPC_15WD",
    "CP_CORE_GROUP_10WD",
    "CP_REVIEW_FIRST",
    "CP_REVIEW_LATER",
    "CIN_REVIEW_FIRST",
    "CIN_REVIEW_LATER",
    "CLA_REVIEW_FIRST",
    "CLA_REVIEW_SECOND",
    "CLA_REVIEW_LATER",
)
#: Snapshot measures on the date (one row per child: visited in time on every open plan).
SNAPSHOTS = ("CP_VISITS_IN_TIME", "CIN_VISITS_IN_TIME", "CLA_VISITS_IN_TIME")
#: Events matched by the date they happened (authorised, held); reviews by their due date.
BY_DONE = ("AS_45WD", "S47_ICPC_15WD")


def _same(row: ChildRow, due: rules.Due) -> bool:
    return (
        (due.status == "on_time") == (row.in_numerator == 1)
        and due.working_days_late == row.working_days_late
        and due.due == row.due
    )


@pytest.mark.parametrize("seed", [11, 12])
def test_engine_rows_match_rules_for_every_child(engine: Engine, tmp_path: Path, seed: int) -> None:
    synthesise(tmp_path / "extract", 300, seed, ON, la_code="X98")
    result = import_extract(engine, tmp_path / "extract", "X98", skip_invalid=True)
    assert result.ok, result.message
    run = compute(engine, "X98", ON, 12)

    rows: dict[str, list[ChildRow]] = defaultdict(list)
    for mid in EVENTS + SNAPSHOTS:
        for r in run.children(mid):
            assert r.person_id is not None
            rows[r.person_id].append(r)
    # Children the rules give a timescale in the window but the engine lists nowhere.
    window_start = add_months(ON, -12)
    checked = 0
    for pid in sorted(set(rows) | _children_with_timescales(engine)):
        items: dict[str, list[rules.Due]] = defaultdict(list)
        for it in child_compliance(engine, "X98", pid, ON).items:
            items[it.measure_id].append(it.due)
        engine_rows = rows.get(pid, [])
        for r in engine_rows:
            if r.measure_id in EVENTS:
                key = (lambda d: d.done) if r.measure_id in BY_DONE else (lambda d: d.due)
                want = r.done if r.measure_id in BY_DONE else r.due
                matches = [d for d in items[r.measure_id] if key(d) == want and _same(r, d)]
                assert matches, (pid, r, items[r.measure_id])
            else:
                dues = items[r.measure_id]
                assert dues, (pid, r)
                assert (r.in_numerator == 1) == all(d.compliant for d in dues), (pid, r, dues)
                late = max(d.working_days_late for d in dues)
                assert r.working_days_late == late, (pid, r, dues)
            checked += 1
        # Completeness: assessments and ICPCs done in the window, and children with an open
        # plan or placement to visit, are all in the engine's lists.
        for mid in BY_DONE:
            done = sorted(
                d.done for d in items[mid] if d.done is not None and window_start < d.done <= ON
            )
            listed = sorted(r.done for r in engine_rows if r.measure_id == mid and r.done)
            assert done == listed, (pid, mid, done, listed)
        for mid in SNAPSHOTS:
            if items[mid]:
                assert any(r.measure_id == mid for r in engine_rows), (pid, mid, items[mid])
    # The synthetic LA exercises every kind of row, so the comparison is not vacuous.
    assert checked > 100
    for mid in EVENTS + SNAPSHOTS:
        assert any(r.measure_id == mid for rs in rows.values() for r in rs), mid


def _children_with_timescales(engine: Engine) -> set[str]:
    """Every child with an assessment, conference, plan or period of care in the store."""
    from sqlalchemy import union

    from grip.casedata.models import CASE_TABLES

    cols = [
        ("ssd_cin_assessments", "cina_person_id"),
        ("ssd_initial_cp_conference", "icpc_person_id"),
        ("ssd_cp_plans", "cppl_person_id"),
        ("ssd_cin_plans", "cinp_person_id"),
        ("ssd_cla_episodes", "clae_person_id"),
    ]
    q = union(*[CASE_TABLES[t].select().with_only_columns(CASE_TABLES[t].c[c]) for t, c in cols])
    with engine.connect() as conn:
        return {r[0] for r in conn.execute(q)}
