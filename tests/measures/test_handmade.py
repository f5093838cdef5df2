"""Every measure on hand-made children, each figure worked out by hand with its rule cited.

Dates are chosen to straddle England bank holidays: Easter 2026 (Good Friday 3 April, Easter
Monday 6 April), Christmas 2026 (Friday 25 December; Boxing Day's substitute Monday 28
December), New Year 2027 (Friday 1 January) and the August bank holiday (31 August 2026).
"""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import Engine

from grip.measures.compliance import child_compliance
from grip.measures.engine import MeasuresRun, compute, set_la_standards

from .builders import CaseBook


def _v(run: MeasuresRun, mid: str) -> tuple[float, float | None, float | None]:
    v = run.at(mid)
    return v.numerator, v.denominator, v.value


def test_front_door_across_easter(engine: Engine) -> None:
    b = CaseBook()
    c1, c2, c3 = b.child("C1"), b.child("C2"), b.child("C3")
    # Working Together 2018 ch. 1: a decision on the response within 1 working day of the
    # referral being received. Referrals received Thu 2 Apr 2026; Good Friday and Easter Monday
    # are holidays, so an assessment started Tue 7 Apr is the 1st working day after (in time)
    # and one started Wed 8 Apr the 2nd (late by 1).
    k1 = b.contact(c1, date(2026, 4, 2), outcome="REFERRAL")
    r1 = b.referral(c1, date(2026, 4, 2), contact_id=k1)
    b.assessment(c1, r1, date(2026, 4, 7), None)
    k2 = b.contact(c2, date(2026, 4, 2))
    b.referral(c2, date(2025, 6, 1))  # earlier referral: outside the window, but re-referral base
    r2 = b.referral(c2, date(2026, 4, 2), contact_id=k2)
    b.assessment(c2, r2, date(2026, 4, 8), None)
    b.contact(c3, date(2026, 5, 1), outcome="NFA")
    b.save(engine)
    set_la_standards(engine, "T01", child_population=50_000)

    run = compute(engine, "T01", date(2026, 6, 30))
    assert _v(run, "FD_CONTACTS") == (3, None, 3)
    assert _v(run, "FD_CONTACTS_RATE") == (3, 5.0, 0.6)  # 3 per 50,000 = 0.6 per 10,000
    # Window (30 Jun 2025, 30 Jun 2026]: the 1 Jun 2025 referral is out.
    assert _v(run, "FD_REFERRALS") == (2, None, 2)
    assert _v(run, "FD_REFERRALS_RATE") == (2, 5.0, 0.4)
    # C1's contact says referral; C2's contact is named by its referral; C3's is NFA.
    assert _v(run, "FD_CONVERSION") == (2, 3, 66.7)
    # CIN census: re-referral = within 12 months of a previous referral (2 Apr 2026 <= 1 Jun 2026).
    assert _v(run, "FD_REREFERRAL") == (1, 2, 50.0)
    assert _v(run, "FD_DECISION_1WD") == (1, 2, 50.0)
    late = run.compliance("FD_DECISION_1WD")
    assert sorted((r.person_id, r.due, r.working_days_late) for r in late) == [
        ("C2", date(2026, 4, 7), 1)
    ]


def test_assessments_across_christmas(engine: Engine) -> None:
    b = CaseBook()
    c4, c5 = b.child("C4"), b.child("C5")
    # Working Together: assessment within 45 working days of referral. From Mon 7 Dec 2026 the
    # 45th working day is Thu 11 Feb 2027 (25 and 28 Dec and 1 Jan are holidays).
    r4 = b.referral(c4, date(2026, 12, 7))
    b.assessment(c4, r4, date(2026, 12, 8), date(2027, 2, 11), outcome="CIN", seen=True)
    r5 = b.referral(c5, date(2026, 12, 7))
    b.assessment(c5, r5, date(2026, 12, 8), date(2027, 2, 12), outcome="NFA", seen=False)
    b.save(engine)

    run = compute(engine, "T01", date(2027, 3, 31))
    assert _v(run, "AS_45WD") == (1, 2, 50.0)
    [late] = run.compliance("AS_45WD")
    assert (late.person_id, late.due, late.working_days_late) == ("C5", date(2027, 2, 11), 1)
    # CIN statistics bands: 45 working days is in 31-45 (band 4), 46 in 46-60 (band 5).
    assert _v(run, "AS_DURATION_B4") == (1, 2, 50.0)
    assert _v(run, "AS_DURATION_B5") == (1, 2, 50.0)
    assert _v(run, "AS_DURATION_B1") == (0, 2, 0.0)
    assert _v(run, "FD_NFA_AFTER_ASSESSMENT") == (1, 2, 50.0)
    assert _v(run, "AS_SEEN") == (1, 2, 50.0)


def test_s47_and_icpc_across_easter(engine: Engine) -> None:
    b = CaseBook()
    c6, c7 = b.child("C6"), b.child("C7")
    # Working Together / Southwark QA framework 2015: ICPC within 15 working days of the strategy
    # discussion. From Fri 20 Mar 2026 the 15th working day is Tue 14 Apr (3 and 6 Apr are
    # holidays).
    r6 = b.referral(c6, date(2026, 3, 19))
    s6 = b.s47(c6, r6, date(2026, 3, 20))
    b.icpc(c6, r6, s6, date(2026, 4, 14), plan=True)
    r7 = b.referral(c7, date(2025, 9, 30))
    b.s47(c7, r7, date(2025, 10, 1))
    s7 = b.s47(c7, r7, date(2026, 3, 20))
    b.icpc(c7, r7, s7, date(2026, 4, 15), plan=False)
    b.save(engine)

    run = compute(engine, "T01", date(2026, 6, 30))
    assert _v(run, "S47_ICPC_15WD") == (1, 2, 50.0)
    assert [(r.person_id, r.working_days_late) for r in run.compliance("S47_ICPC_15WD")] == [
        ("C7", 1)
    ]
    assert _v(run, "S47_ICPC_BANDS_B2") == (1, 2, 50.0)  # 15 working days: 11-15
    assert _v(run, "S47_ICPC_BANDS_B3") == (1, 2, 50.0)  # 16 working days: 16-20
    assert _v(run, "S47_ICPC_TO_PLAN") == (1, 2, 50.0)
    # Three enquiries started in the window; C7's second is within 12 months of the first.
    assert _v(run, "S47_REPEAT") == (1, 3, 33.3)
    drift = run.drift()["DRIFT_REPEAT_S47"]
    assert [d.person_id for d in drift] == ["C7"]


def test_first_core_group_across_the_august_bank_holiday(engine: Engine) -> None:
    """Working Together to Safeguard Children (2018) ch. 1: the core group first meets within 10
    working days of the initial child protection conference. From an ICPC on Mon 17 Aug 2026
    the working days are 18-21, 24-28 Aug (1-9), then Mon 31 Aug is the August bank holiday,
    so the 10th working day is Tue 1 Sep (in time) and Wed 2 Sep is the 11th (late by 1)."""
    b = CaseBook()
    icpc = date(2026, 8, 17)
    kids = {}
    for pid, core_group, end in (
        ("G1", date(2026, 9, 1), None),  # 10th working day: in time
        ("G2", date(2026, 9, 2), None),  # 11th working day: late by 1
        ("G3", None, None),  # never met: overdue on the date
        ("G4", None, date(2026, 8, 25)),  # plan ended before the core group fell due: left out
    ):
        c = b.child(pid)
        r = b.referral(c, date(2026, 7, 20))
        s = b.s47(c, r, date(2026, 7, 27))
        i = b.icpc(c, r, s, icpc, plan=True)
        kids[pid] = b.cp_plan(c, r, icpc, end=end, icpc_id=i, core_group=core_group)
    b.save(engine)

    run = compute(engine, "T01", date(2026, 9, 30))
    assert _v(run, "CP_CORE_GROUP_10WD") == (1, 3, 33.3)
    # G3 on Wed 30 Sep: 9 working days in August after the ICPC and 22 in September (1-30),
    # 31 in all, 21 past the 10.
    late = run.compliance("CP_CORE_GROUP_10WD")
    assert sorted((r.person_id, r.due, r.working_days_late) for r in late) == [
        ("G2", date(2026, 9, 1), 1),
        ("G3", date(2026, 9, 1), 21),
    ]
    # On Mon 31 Aug (a bank holiday, before the due day) nothing has fallen due yet.
    assert _v(run_at := compute(engine, "T01", date(2026, 8, 31)), "CP_CORE_GROUP_10WD")[1] == 0
    assert run_at.at("CP_CORE_GROUP_10WD").value is None
    # The per-child statement of the rule says the same for each child.
    g2 = child_compliance(engine, "T01", "G2", date(2026, 9, 30)).items
    assert [
        (i.due.status, i.due.working_days_late) for i in g2 if i.measure_id == "CP_CORE_GROUP_10WD"
    ] == [("late", 1)]
    g4 = child_compliance(engine, "T01", "G4", date(2026, 9, 30)).items
    assert not [i for i in g4 if i.measure_id == "CP_CORE_GROUP_10WD"]


@pytest.fixture
def cp_book(engine: Engine) -> Engine:
    b = CaseBook()
    b.team("T1", "Team One")
    b.worker("W1", "T1")
    c8 = b.child("C8")
    r8 = b.referral(c8, date(2025, 11, 1))
    # Plan from 30 Nov 2025: first review due 3 months on, clamped to 28 Feb 2026 (WT; Southwark QA
    # framework 2015)
    # First core group Wed 10 Dec 2025: the 8th working day after the plan began (Sun 30 Nov).
    p8 = b.cp_plan(c8, r8, date(2025, 11, 30), category="NEG", core_group=date(2025, 12, 10))
    b.cp_review(c8, p8, date(2026, 2, 27))  # in time
    # Next due 27 Aug 2026 (6 months); held Tue 1 Sep: 28 Aug is working day 1, 31 Aug a bank
    # holiday, 1 Sep working day 2: late by 2.
    b.cp_review(c8, p8, date(2026, 9, 1))
    # LA standard 10 working days: last seen visit Fri 18 Dec 2026, due Wed 6 Jan 2027.
    b.cp_visit(c8, p8, date(2026, 12, 18), alone=True)
    b.cp_visit(c8, p8, date(2027, 1, 20), seen=False)  # child not seen: not a statutory visit
    b.allocate(c8, "W1", date(2025, 11, 1))
    c9 = b.child("C9")
    r9 = b.referral(c9, date(2023, 12, 1))
    b.cp_plan(c9, r9, date(2024, 1, 10), end=date(2026, 2, 1), category="PHY")
    p9 = b.cp_plan(c9, r9, date(2026, 10, 2), category="EMO")
    b.cp_visit(c9, p9, date(2027, 1, 20), alone=False)
    b.save(engine)
    return engine


def test_child_protection(cp_book: Engine) -> None:
    run = compute(cp_book, "T01", date(2027, 1, 29))
    assert _v(run, "CP_OPEN") == (2, None, 2)
    # First reviews due in (29 Jan 2026, 29 Jan 2027]: C8's (28 Feb 2026, held in time) and
    # C9's (2 Jan 2027, not held: overdue).
    assert _v(run, "CP_REVIEW_FIRST") == (1, 2, 50.0)
    # C9's first review was due Sat 2 Jan 2027: 20 working days late on Fri 29 Jan.
    [c9] = run.compliance("CP_REVIEW_FIRST")
    assert (c9.person_id, c9.due, c9.working_days_late) == ("C9", date(2027, 1, 2), 20)
    assert _v(run, "CP_REVIEW_LATER") == (0, 1, 0.0)
    assert _v(run, "CP_REVIEWS_IN_TIME") == (1, 2, 50.0)
    # C8: last seen visit 18 Dec 2026; 27 working days by 29 Jan, 17 past the standard of 10.
    assert _v(run, "CP_VISITS_IN_TIME") == (1, 2, 50.0)
    [v8] = run.compliance("CP_VISITS_IN_TIME")
    assert (v8.person_id, v8.due, v8.working_days_late) == ("C8", date(2027, 1, 6), 17)
    assert (v8.team, v8.worker) == ("Team One", "Worker W1 (W1)")
    # Visits in the 3 months to the date: 18 Dec (alone), 20 Jan (not alone, not seen), 20 Jan.
    assert _v(run, "CP_VISITS_ALONE") == (1, 3, 33.3)
    # C9's first plan (10 Jan 2024 - 1 Feb 2026) ended in the window after 2 years or more.
    assert _v(run, "CP_2YEARS") == (1, 1, 100.0)
    # C9's new plan (2 Oct 2026) is a second plan, within 2 years of the last one ending.
    assert _v(run, "CP_SECOND_EVER") == (1, 1, 100.0)
    assert _v(run, "CP_SECOND_2Y") == (1, 1, 100.0)
    assert _v(run, "CP_CATEGORY_NEG") == (1, 2, 50.0)
    assert _v(run, "CP_CATEGORY_EMO") == (1, 2, 50.0)
    assert _v(run, "CP_CATEGORY_PHY") == (0, 2, 0.0)
    # A stricter LA standard (20 working days) makes C8 overdue by 7 instead.
    set_la_standards(cp_book, "T01", cp_visit_working_days=20)
    run = compute(cp_book, "T01", date(2027, 1, 29), months=1)
    [v8] = run.compliance("CP_VISITS_IN_TIME")
    assert v8.working_days_late == 7


def test_child_compliance_api(cp_book: Engine) -> None:
    cc = child_compliance(cp_book, "T01", "C8", date(2027, 1, 29))
    got = [(i.measure_id, i.due.due, i.due.status, i.due.working_days_late) for i in cc.items]
    assert got == [
        ("CP_CORE_GROUP_10WD", date(2025, 12, 12), "on_time", 0),
        ("CP_REVIEW_FIRST", date(2026, 2, 28), "on_time", 0),
        ("CP_REVIEW_LATER", date(2026, 8, 27), "late", 2),
        ("CP_REVIEW_LATER", date(2027, 3, 1), "not_yet_due", 0),
        ("CP_VISITS_IN_TIME", date(2027, 1, 6), "overdue", 17),
    ]
    assert not cc.compliant
    assert [i.measure_id for i in cc.failing] == ["CP_VISITS_IN_TIME", "CP_REVIEW_LATER"]


def test_children_in_care(engine: Engine) -> None:
    b = CaseBook()
    c10 = b.child("C10", dob=date(2010, 3, 1), uasc=True)
    # Care Planning regs reg 33: first review within 20 working days of entering care. From
    # Thu 10 Dec 2026 that is Tue 12 Jan 2027; held Wed 13 Jan: late by 1.
    l10 = b.cla(c10, date(2026, 12, 10))
    b.cla_review(c10, l10, date(2027, 1, 13))
    b.placement(c10, l10, date(2026, 12, 10), date(2026, 12, 14), ptype="T0", reason="PLACE")
    b.placement(c10, l10, date(2026, 12, 14), date(2027, 1, 5), reason="CREQB")
    b.placement(c10, l10, date(2027, 1, 5))
    # reg 28(2): visit within a week of each placement. Last visit 15 Dec; the placement from
    # 5 Jan needed a visit by 12 Jan: 13 working days late on 29 Jan.
    b.cla_visit(c10, l10, date(2026, 12, 15))
    b.missing(c10, date(2026, 12, 20), date(2026, 12, 20), kind="A")
    c11 = b.child("C11", dob=date(2012, 5, 1))
    l11 = b.cla(c11, date(2024, 1, 15))
    for d in ("2024-02-09", "2024-05-01", "2024-11-01", "2025-04-20", "2025-10-15",
              "2026-04-10", "2026-10-09"):  # fmt: skip
        b.cla_review(c11, l11, date.fromisoformat(d))
    b.placement(c11, l11, date(2024, 1, 15), ptype="U4", la="X99", long_term=True)
    # After a year in a placement meant to last to 18: 3-monthly; 1 Dec 2026 + 3 months.
    b.cla_visit(c11, l11, date(2026, 12, 1))
    b.health(c11, "HEALTH_ASSESSMENT", date(2026, 6, 1))
    b.health(c11, "DENTAL", date(2025, 12, 1))  # more than 12 months before: not in time
    b.missing(c11, date(2026, 8, 1), date(2026, 8, 2), kind="M", offered=True, accepted=False)
    b.permanence(c11, l11, perm_permanence_plan="LONG_TERM_FOSTERING")
    b.save(engine)
    set_la_standards(engine, "T01", child_population=20_000)

    run = compute(engine, "T01", date(2027, 1, 29))
    assert _v(run, "CLA_OPEN") == (2, None, 2)
    assert _v(run, "CLA_RATE") == (2, 2.0, 1.0)
    assert _v(run, "CLA_REVIEW_FIRST") == (0, 1, 0.0)
    [r] = run.compliance("CLA_REVIEW_FIRST")
    assert (r.person_id, r.due, r.done, r.working_days_late) == (
        "C10",
        date(2027, 1, 12),
        date(2027, 1, 13),
        1,
    )
    # C11's reviews due in the window (6-monthly): 15 Apr 2026 and 10 Oct 2026, both in time.
    assert _v(run, "CLA_REVIEW_LATER") == (2, 2, 100.0)
    assert _v(run, "CLA_REVIEW_SECOND")[1] == 0
    assert _v(run, "CLA_REVIEWS_IN_TIME") == (2, 2, 100.0)
    assert _v(run, "CLA_VISITS_IN_TIME") == (1, 2, 50.0)
    [v] = run.compliance("CLA_VISITS_IN_TIME")
    assert (v.person_id, v.due, v.working_days_late) == ("C10", date(2027, 1, 12), 13)
    assert _v(run, "CLA_3PLUS_PLACEMENTS") == (1, 2, 50.0)
    # Long-term stability: C11 (14, in care 36 months, same placement 36 months); C10 too new.
    assert _v(run, "CLA_LONG_TERM_STABILITY") == (1, 1, 100.0)
    assert _v(run, "CLA_HEALTH_ASSESSMENT") == (1, 1, 100.0)
    assert _v(run, "CLA_DENTAL") == (0, 1, 0.0)
    assert _v(run, "CLA_MISSING_CHILDREN") == (1, 2, 50.0)
    assert _v(run, "CLA_MISSING_EPISODES") == (1, None, 1)
    assert _v(run, "CLA_ABSENT_EPISODES") == (1, None, 1)
    assert _v(run, "CLA_RHI_OFFERED") == (1, 1, 100.0)
    assert _v(run, "CLA_RHI_ACCEPTED") == (0, 1, 0.0)
    assert _v(run, "CLA_OUT_OF_AREA") == (1, 2, 50.0)
    assert _v(run, "CLA_UASC") == (1, 2, 50.0)
    assert _v(run, "CLA_PERMANENCE_PLAN") == (1, 1, 100.0)
    moves = run.drift()["DRIFT_PLACEMENT_MOVES"]
    assert [(d.person_id, d.detail) for d in moves] == [
        ("C10", "1 placement end(s) not for the care plan: CREQB")
    ]
    # The per-child API agrees: C10's reg 28 visit is 13 working days overdue.
    cc = child_compliance(engine, "T01", "C10", date(2027, 1, 29))
    visit = [i for i in cc.items if i.measure_id == "CLA_VISITS_IN_TIME"]
    assert [(i.due.status, i.due.working_days_late) for i in visit] == [("overdue", 13)]


def test_care_leavers_adoption_workforce_drift(engine: Engine) -> None:
    b = CaseBook()
    b.team("T1", "Team One")
    b.team("T2", "Team Two")
    b.worker("W1", "T1")
    b.worker("W2", "T2")
    c12, c13 = b.child("C12", dob=date(2007, 1, 1)), b.child("C13", dob=date(2006, 1, 1))
    b.care_leaver(
        c12,
        clea_care_leaver_accom_suitable=True,
        clea_care_leaver_activity="F2",
        clea_pathway_plan_review_date=date(2026, 9, 1),
        clea_care_leaver_personal_advisor_id="W1",
    )
    b.care_leaver(
        c13,
        clea_care_leaver_in_touch="NO",
        clea_care_leaver_accom_suitable=False,
        clea_care_leaver_activity="G5",
        clea_pathway_plan_review_date=date(2026, 6, 1),
    )
    c14, c15 = b.child("C14", dob=date(2023, 6, 1)), b.child("C15", dob=date(2022, 6, 1))
    l14 = b.cla(c14, date(2024, 1, 1), date(2025, 3, 1))
    b.permanence(
        c14,
        l14,
        perm_placement_order_date=date(2024, 6, 1),
        perm_matched_date=date(2024, 9, 1),
        perm_placed_for_adoption_date=date(2024, 10, 1),
        perm_permanence_order_date=date(2025, 3, 1),
        perm_permanence_order_type="ADOPTION",
    )
    l15 = b.cla(c15, date(2023, 1, 1), date(2024, 8, 1))
    b.permanence(
        c15,
        l15,
        perm_placement_order_date=date(2023, 5, 1),
        perm_matched_date=date(2024, 1, 1),
        perm_placed_for_adoption_date=date(2024, 3, 1),
        perm_permanence_order_date=date(2024, 8, 1),
        perm_permanence_order_type="ADOPTION",
    )
    b.adopter(
        adop_stage1_start_date=date(2026, 3, 1),
        adop_stage1_end_date=date(2026, 5, 1),
        adop_stage2_start_date=date(2026, 5, 10),
        adop_approval_date=date(2026, 9, 10),
    )
    for pid, worker in (("C16", "W1"), ("C17", None), ("C18", "W1"), ("C19", "W2")):
        b.child(pid)
        b.referral(pid, date(2026, 11, 1))
        if worker:
            b.allocate(pid, worker, date(2026, 11, 2))
    c20 = b.child("C20")
    b.referral(c20, date(2025, 6, 1))  # open 20 months, nothing since: drift
    c21 = b.child("C21")
    b.pre_proceedings(c21, date(2026, 8, 1))
    b.save(engine)

    run = compute(engine, "T01", date(2027, 1, 29))
    assert _v(run, "CL_IN_TOUCH") == (1, 2, 50.0)
    assert _v(run, "CL_SUITABLE_ACCOMMODATION") == (1, 2, 50.0)
    assert _v(run, "CL_EET") == (1, 2, 50.0)
    # Care Leavers regs: pathway plan reviewed at least every 6 months (after 29 Jul 2026).
    assert _v(run, "CL_PATHWAY_PLAN") == (1, 2, 50.0)
    assert _v(run, "CL_PA_ALLOCATED") == (1, 2, 50.0)
    # A1: 274 and 425 days from entering care to placed; A2: 92 and 245 days to match.
    assert _v(run, "AD_A1_DAYS") == (699, 2, 349.5)
    assert _v(run, "AD_A1_WITHIN") == (2, 2, 100.0)
    assert _v(run, "AD_A2_DAYS") == (337, 2, 168.5)
    assert _v(run, "AD_A2_WITHIN") == (1, 2, 50.0)
    assert _v(run, "AD_STAGE1_DAYS") == (61, 1, 61.0)
    assert _v(run, "AD_STAGE2_DAYS") == (123, 1, 123.0)
    # Open cases: C16, C18 (W1), C19 (W2) allocated, C17 and C20 not.
    assert _v(run, "WF_CASELOAD") == (3, 2, 1.5)
    assert _v(run, "WF_UNALLOCATED") == (2, None, 2)
    teams = {
        v.slice: (v.numerator, v.denominator, v.value) for v in run.slices("WF_CASELOAD", "team")
    }
    assert teams == {"Team One": (2, 1, 2.0), "Team Two": (1, 1, 1.0)}
    drift = run.drift()
    assert [d.person_id for d in drift["DRIFT_OPEN_LONG"]] == ["C20"]
    assert [d.person_id for d in drift["DRIFT_PRE_PROCEEDINGS"]] == ["C21"]


def test_trend_has_every_month_and_slices_by_sex(cp_book: Engine) -> None:
    run = compute(cp_book, "T01", date(2027, 1, 31), months=12)
    trend = run.whole("CP_OPEN")
    assert [v.period_end for v in trend][:3] == [date(2026, 2, 28), date(2026, 3, 31),
                                                 date(2026, 4, 30)]  # fmt: skip
    assert len(trend) == 12
    # C9's first plan ended 1 Feb 2026; C9's second started 2 Oct 2026.
    assert [v.numerator for v in trend] == [1] * 8 + [2] * 4
    assert {v.slice: v.numerator for v in run.slices("CP_OPEN", "sex")} == {"F": 2}


def test_unknown_la_is_a_clear_error(engine: Engine) -> None:
    from grip.measures.engine import MeasuresError

    with pytest.raises(MeasuresError, match="unknown LA code 'NOPE'"):
        compute(engine, "NOPE", date(2027, 1, 1))
