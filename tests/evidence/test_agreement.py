"""Inspectors' grades of cases the LA audited, beside the LA's (ILACS framework (Ofsted 170040)
para 59), with agreement by team and overall through the audits module's Cohen's kappa; and
inspectors seeing only their own inspection's evidence."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import Engine

from grip.access.scope import Scope, scoped
from grip.audits.models import Audit
from grip.audits.moderation import cohen_kappa
from grip.evidence import agreement as agr
from grip.evidence import record as rec
from grip.inspections import add_cases, get_inspection

from .conftest import LA, Team, build_team
from .test_record import entry

NOW = dt.datetime(2026, 10, 5, tzinfo=dt.UTC)


def _audit(db: Any, person: str, team_id: str, grade: str, auditor: int) -> str:
    a = Audit(
        la_code=LA, id=f"A{person}", template_id="t", template_version=1, theme="x",
        person_id=person, team_id=team_id, month="2026-09", state="closed", auditor_id=auditor,
        allocated_at=NOW, due_date=NOW.date(), period_start=NOW.date(), period_end=NOW.date(),
        final_grade=grade, updated_at=NOW, version=1,
    )  # fmt: skip
    db.add(a)
    db.flush()
    return a.id


def test_para_59_agreement_with_the_las_audits_by_team_and_overall(team: Team) -> None:
    la_grades = {"P1": ("T1", "good"), "P2": ("T1", "requires_improvement"),
                 "P3": ("T2", "good"), "P4": ("T2", "inadequate")}  # fmt: skip
    ours = {"P1": "good", "P2": "inadequate", "P3": "good", "P4": "inadequate"}
    with team.session(team.la_staff) as db:
        for p, (t, g) in la_grades.items():
            _audit(db, p, t, g, team.la_staff.id)
    with team.session(team.inspector) as db:
        insp = get_inspection(db, LA, team.inspection_id)
        for p, g in ours.items():
            agr.record_evaluation(db, insp, p, g, team.actor(team.inspector))
        with pytest.raises(rec.Invalid, match="expected one of"):
            agr.record_evaluation(db, insp, "P1", "adequate", team.actor(team.inspector))
        report = agr.agreement(db, insp)
    pairs = [(la_grades[p][1], ours[p]) for p in sorted(ours)]
    assert report.overall.n == 4 and report.overall.agreed == 3
    assert report.overall.kappa == pytest.approx(cohen_kappa(pairs))
    assert [(r.group, r.n, r.agreed) for r in report.by_team] == [("T1", 2, 1), ("T2", 2, 2)]


def test_a_case_without_an_la_audit_cannot_be_compared(team: Team) -> None:
    with team.session(team.inspector) as db:
        insp = get_inspection(db, LA, team.inspection_id)
        with pytest.raises(rec.Invalid, match="completed LA audit"):
            agr.record_evaluation(db, insp, "P1", "good", team.actor(team.inspector))


def test_inspectors_see_only_their_own_inspections_evidence(
    engine: Engine, make_user: Any, team: Team
) -> None:
    with team.session(team.inspector) as db:
        insp = get_inspection(db, LA, team.inspection_id)
        rec.record_entry(db, insp, entry(), team.actor(team.inspector), team.names(db))
    other = make_user("inspector", LA)
    with scoped(engine, Scope(LA, other.id, other.role)) as db:
        insp = get_inspection(db, LA, team.inspection_id)
        with pytest.raises(rec.NotAllowed):
            rec.entries(db, insp, rec_actor(other))
        assert not rec.can_read_record(db, insp, other.id)


def test_case_links_follow_the_inspectors_sample(engine: Engine, make_user: Any) -> None:
    """An inspector's session shows the case links of their sample only (grip.access scoping)."""
    team = build_team(engine, make_user)
    with team.session(team.la_staff) as db:
        insp = get_inspection(db, LA, team.inspection_id)
        add_cases(db, insp, [("P5", "late addition")], "inspector-sample", rec_actor(team.la_staff))
    with team.session(team.inspector) as db:
        insp = get_inspection(db, LA, team.inspection_id)
        e = rec.record_entry(
            db, insp, entry(cases=["P1", "P5"]), rec_actor(team.inspector), team.names(db)
        )
        assert rec.entry_cases(db, insp)[e.id] == ["P1", "P5"]


def rec_actor(user: Any) -> Any:
    from grip.audits.lifecycle import As

    return As(user.id, user.role)
