"""The self-evaluation's lifecycle (ILACS framework (Ofsted 170040) paras 33–38)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json

import pytest
import sqlalchemy as sa

from grip.audits.reports import build
from grip.measures.definitions import load_definitions
from grip.measures.engine import compute
from grip.selfeval import service
from grip.selfeval.evidence import EvidenceError
from grip.selfeval.structure import load_structure
from grip.store.db import la_engine

from .conftest import LA, TODAY, LAWorld

pytestmark = pytest.mark.slow


def test_panels_equal_what_measures_and_audits_compute(la: LAWorld) -> None:
    """Evidence panels are the measures engine's and the audit report's figures for the
    same date, unchanged (no second calculation)."""
    on = dt.date(2026, 9, 30)
    with la.session(la.dcs) as db, db.begin():
        se, created = service.open_year(db, LA, 2026, la.dcs, on)
        panels = json.loads(se.panels)
        report = build(db, LA, "2026-Q3", on)
    assert created
    headline = [m for m in load_definitions().measures if m.headline]
    run = compute(la_engine(la.engine, LA), LA, on, 13, measure_ids=[m.id for m in headline])
    got = {p["measure_id"]: p for ps in panels["areas"].values() for p in ps}
    assert set(got) == {m.id for m in headline}
    for mid, p in got.items():
        whole = run.whole(mid)
        assert p["value"] == run.at(mid, on).value
        assert p["year_ago"] == whole[0].value and p["year_ago_on"] == "2025-09-30"
        assert p["trend"] == [[v.period_end.isoformat(), v.value] for v in whole[1:]]
    run.con.close()
    assert panels["audits"]["audits"] == report.audits
    assert panels["audits"]["moderation_percent"] == report.moderation_percent


def test_second_open_for_a_year_returns_the_existing_one(la: LAWorld) -> None:
    with la.session(la.dcs) as db, db.begin():
        first, _ = service.open_year(db, LA, 2026, la.dcs, TODAY)
    with la.session(la.qa) as db, db.begin():
        again, created = service.open_year(db, LA, 2026, la.qa, dt.date(2026, 8, 31))
        assert not created and again.id == first.id and again.evidence_on == TODAY


def test_latest_is_the_most_recent_year(la: LAWorld) -> None:
    """The pre-inspection analysis reads the latest self-evaluation (ILACS paras 65-69)."""
    with la.session(la.dcs) as db, db.begin():
        assert service.latest(db, LA) is None
        service.open_year(db, LA, 2025, la.dcs, dt.date(2025, 9, 30))
        newer, _ = service.open_year(db, LA, 2026, la.dcs, TODAY)
    with la.session(la.qa) as db:
        found = service.latest(db, LA)
        assert found is not None and found.id == newer.id and found.year == 2026


def test_refresh_redraws_panels_and_never_the_authors_text(la: LAWorld) -> None:
    """Para 35: refresh with the most up-to-date data; the narrative is the author's."""
    text = {"know": "Practice is improving.\n\nThe front door is timely.", "how": "Audits."}
    with la.session(la.dcs) as db, db.begin():
        se, _ = service.open_year(db, LA, 2026, la.dcs, dt.date(2026, 6, 30))
        edit = dataclasses.replace(service.edit_of(se), narrative=text)
        service.save(db, se, la.dcs, 1, edit)
        before = se.panels
        lines = service.refresh(db, se, la.dcs, TODAY, 2)
        assert se.panels != before and se.evidence_on == TODAY and lines
        assert json.loads(se.narrative) == text
        history = service.versions(db, se)
    assert [v.version for v in history] == [3, 2, 1]
    assert history[0].change.startswith("evidence refreshed to 2026-10-15")
    assert history[1].change == "edited narrative" and history[1].changed_by == la.dcs.user_id


def test_refresh_to_a_future_date_or_before_the_data_is_refused(la: LAWorld) -> None:
    with la.session(la.dcs) as db, db.begin():
        se, _ = service.open_year(db, LA, 2026, la.dcs, TODAY)
        with pytest.raises(EvidenceError, match="after today"):
            service.refresh(db, se, la.dcs, TODAY + dt.timedelta(days=1), 1)
        with pytest.raises(EvidenceError, match="before LA1's data starts"):
            service.refresh(db, se, la.dcs, dt.date(1990, 1, 1), 1)
        assert se.version == 1


def test_concurrent_edit_the_later_save_is_refused_with_the_other_change(la: LAWorld) -> None:
    with la.session(la.dcs) as db, db.begin():
        se, _ = service.open_year(db, LA, 2026, la.dcs, TODAY)
    with la.session(la.dcs) as db, db.begin():
        se = service.get(db, LA, 2026)
        assert se is not None
        service.save(db, se, la.dcs, 1, service.Edit({"know": "DCS text"}, {}, [], []))
    with la.session(la.qa) as db, db.begin():
        se = service.get(db, LA, 2026)
        assert se is not None
        with pytest.raises(service.Conflict, match="edited narrative") as caught:
            service.save(db, se, la.qa, 1, service.Edit({"know": "QA text"}, {}, [], []))
        assert json.loads(caught.value.current.narrative) == {"know": "DCS text"}
        assert json.loads(se.narrative) == {"know": "DCS text"}


def test_only_roles_that_may_write_can(la: LAWorld) -> None:
    with (
        la.session(la.analyst) as db,
        db.begin(),
        pytest.raises(service.NotAllowed, match="performance_analyst"),
    ):
        service.open_year(db, LA, 2026, la.analyst, TODAY)


def test_weakness_must_link_to_an_action_of_this_la(la: LAWorld) -> None:
    """Para 38: a weakness is read beside its plan, so a link must be a real action."""
    with la.session(la.dcs) as db, db.begin():
        se, _ = service.open_year(db, LA, 2026, la.dcs, TODAY)
        bad = service.Edit({}, {}, [{"text": "Drift in plans", "action_id": "nope"}], [])
        with pytest.raises(service.SelfEvalError, match="weakness 1: action 'nope'"):
            service.save(db, se, la.dcs, 1, bad)
        with pytest.raises(service.SelfEvalError, match="principle 'x'"):
            service.save(db, se, la.dcs, 1, service.Edit({}, {"x": {"ticked": True}}, [], []))
        assert se.version == 1


def test_structure_answers_the_three_questions_of_para_33() -> None:
    s = load_structure()
    assert s.questions["how"] == "How do you know it?"
    assert len(s.principles) == 5  # para 36
    assert any("Feedback from children" in p for p in s.prompts)  # para 37


def test_each_area_shows_the_audits_of_its_own_children(la: LAWorld) -> None:
    """Per judgement area, the audit panel is the quarter's audit report with the other
    cohort's audits left out: children in care and care leavers for their area, the rest for
    help and protection; the impact of leaders shares the LA-wide panel."""
    from grip.audits.demo import seed_demo_audits
    from grip.audits.lifecycle import allocate
    from grip.casedata.models import CASE_TABLES
    from grip.selfeval.evidence import audit_cohorts

    seed_demo_audits(la.engine, LA, TODAY)
    on = dt.date(2026, 9, 30)
    cla = CASE_TABLES["ssd_cla_episodes"]
    with la.session(la.qa) as db, db.begin():
        # One more audit, of a child looked after in August 2026 (the demo's sample may hold none).
        in_care_child = db.scalar(
            sa.select(cla.c.clae_person_id)
            .where(
                cla.c.la_code == LA,
                cla.c.clae_cla_episode_start_date <= dt.date(2026, 8, 31),
                sa.or_(
                    cla.c.clae_cla_episode_ceased_date.is_(None),
                    cla.c.clae_cla_episode_ceased_date >= dt.date(2026, 8, 1),
                ),
            )
            .limit(1)
        )
        assert in_care_child is not None
        allocate(
            db,
            la_code=LA,
            person_id=in_care_child,
            auditor_id=la.qa.user_id,
            actor=la.qa,
            month="2026-08",
        )
    with la.session(la.dcs) as db, db.begin():
        se, _ = service.open_year(db, LA, 2026, la.dcs, on)
        panels = json.loads(se.panels)
        cohorts = audit_cohorts(db, LA, "2026-Q3")
        in_care = build(
            db, LA, "2026-Q3", on, hidden={i for i, c in cohorts.items() if c != "in_care"}
        )
    area = panels["area_audits"]
    assert set(cohorts.values()) == {"in_care", "not_in_care"}, "the demo audits both cohorts"
    assert (
        area["children_in_care"]["audits"]
        == in_care.audits
        == sum(1 for c in cohorts.values() if c == "in_care")
    )
    assert area["children_in_care"]["grades"] == next(
        (g.counts for g in in_care.grades if g.level == "all"), {}
    )
    assert (
        area["children_in_care"]["audits"] + area["help_and_protection"]["audits"]
        == panels["audits"]["audits"]
    )
    assert area["leadership"]["audits"] == panels["audits"]["audits"]


def test_readiness_gives_the_pathways_next_expected_activity(la: LAWorld) -> None:
    """The next activity is grip.inspections.pathway's, not worked out again: after a good
    standard inspection, pathway 1's short inspection about three years on (ILACS framework
    (Ofsted 170040) paras 13, 17-18)."""
    from grip.inspections import pathway
    from grip.selfeval.readiness import readiness

    with la.session(la.dcs) as db, db.begin():
        assert readiness(db, LA, TODAY).next_step is None
        pathway.record_history(
            db, LA, pathway.PastActivity("standard", dt.date(2024, 3, 8), overall="good"), la.dcs
        )
    with la.session(la.dcs) as db, db.begin():
        r = readiness(db, LA, TODAY)
        expected = pathway.plan_for(db, LA, TODAY)
    assert r.plan == expected and r.next_step == expected.steps[0]
    assert r.next_step is not None and "short inspection" in r.next_step.what


def test_versions_and_the_audit_trail_say_who_changed_what(la: LAWorld) -> None:
    """Para 35: versions kept, with who changed what; each save is in the audit trail."""
    from grip.access.models import AuditEvent

    with la.session(la.dcs) as db, db.begin():
        se, _ = service.open_year(db, LA, 2026, la.dcs, dt.date(2026, 6, 30))
        service.save(db, se, la.dcs, 1, service.Edit({"know": "DCS text"}, {}, [], []))
    with la.session(la.qa) as db, db.begin():
        se = service.get(db, LA, 2026)
        assert se is not None
        service.refresh(db, se, la.qa, dt.date(2026, 9, 30), 2)
        versions = service.versions(db, se)
        names = service.people(db, (v.changed_by for v in versions))
        snapshot = json.loads(versions[0].snapshot)
    assert [(v.version, v.changed_by) for v in versions] == [
        (3, la.qa.user_id),
        (2, la.dcs.user_id),
        (1, la.dcs.user_id),
    ]
    assert versions[0].change.startswith("evidence refreshed to 2026-09-30")
    assert versions[1].change == "edited narrative"
    assert versions[2].change == "drafted with evidence at 2026-06-30"
    assert json.loads(snapshot["narrative"]) == {"know": "DCS text"}
    assert snapshot["evidence_on"] == "2026-09-30"
    assert names == {la.dcs.user_id: "Test dcs", la.qa.user_id: "Test qa_lead"}
    with la.engine.connect() as conn:
        events = conn.execute(
            sa.select(AuditEvent.user_id, AuditEvent.object_id)
            .where(AuditEvent.action == "selfeval.save")
            .order_by(AuditEvent.id)
        ).all()
    assert [(u, o.rsplit("@", 1)[1]) for u, o in events] == [
        (la.dcs.user_id, "1"),
        (la.dcs.user_id, "2"),
        (la.qa.user_id, "3"),
    ]
