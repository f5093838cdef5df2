"""The measures against statute: each change worked out by hand on a child, its source cited.

Dates straddle England bank holidays where it matters: Easter 2026 (Good Friday 3 April, Easter
Monday 6 April) and Christmas 2026 (Friday 25 December, Boxing Day's substitute Monday 28
December, New Year's Day Friday 1 January 2027).
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Engine

from grip.annex_a.builder import build
from grip.annex_a.spec import load_spec
from grip.measures.definitions import load_definitions
from grip.measures.engine import MeasuresRun, compute

from .builders import CaseBook


def _v(run: MeasuresRun, mid: str) -> tuple[float, float | None, float | None]:
    v = run.at(mid)
    return v.numerator, v.denominator, v.value


def _people(run: MeasuresRun, mid: str) -> set[str | None]:
    return {r.person_id for r in run.children(mid)}


def test_referral_decisions_are_timed_from_the_referral_being_received(engine: Engine) -> None:
    """Working Together 2018 ch. 1: a decision within one working day of receipt.

    A received Thu 2 Apr 2026, no further action the same day: in time. B received Thu 2 Apr,
    undecided on 30 Jun: due Tue 7 Apr (Easter), overdue. C received Tue 30 Jun, undecided: not
    yet due, so not counted.
    """
    b = CaseBook()
    a, bb, c = b.child("A"), b.child("B"), b.child("C")
    b.referral(a, date(2026, 4, 2), close=date(2026, 4, 2), nfa=True)
    b.referral(bb, date(2026, 4, 2))
    b.referral(c, date(2026, 6, 30))
    b.save(engine)
    run = compute(engine, "T01", date(2026, 6, 30), 1)
    assert _v(run, "FD_DECISION_1WD") == (1, 2, 50.0)
    [late] = run.compliance("FD_DECISION_1WD")
    assert (late.person_id, late.due, late.done) == ("B", date(2026, 4, 7), None)


def test_short_breaks_are_left_out_of_care_measures_as_out_of_list_8(engine: Engine) -> None:
    """Care Planning regs 2010 reg 48: a short-breaks-only period (V3/V4 throughout) is not
    counted as in care, for the measures and for Annex A list 8 alike (grip.casedata.facts)."""
    b = CaseBook()
    sb, ordinary = b.child("SB", dob=date(2014, 1, 1)), b.child("V2", dob=date(2014, 1, 1))
    sb_cla = b.cla(sb, date(2026, 1, 5))
    b.legal_status(sb, "V3", date(2026, 1, 5))
    b.placement(sb, sb_cla, date(2026, 1, 5))
    v2_cla = b.cla(ordinary, date(2026, 1, 5))
    b.legal_status(ordinary, "V2", date(2026, 1, 5))
    b.placement(ordinary, v2_cla, date(2026, 1, 5))
    b.save(engine)
    run = compute(engine, "T01", date(2026, 6, 30), 1)
    assert _v(run, "CLA_OPEN")[0] == 1
    for mid in ("CLA_OPEN", "CLA_REVIEW_FIRST", "CLA_VISITS_IN_TIME", "CLA_3PLUS_PLACEMENTS"):
        assert _people(run, mid) == {"V2"}, mid
    annex = build(engine, "T01", date(2026, 6, 30), load_spec("ilacs-2017"))
    list8 = next(lst for lst in annex.lists if lst.spec.number == 8)
    assert [row[0] for row in list8.rows] == ["V2"]


def test_children_placed_for_adoption_are_visited_under_reg_36_not_reg_28(engine: Engine) -> None:
    """Adoption Agencies Regulations 2005 reg 36: visited within a week of the placement, then
    weekly until the first review (within four weeks); not Care Planning reg 28.

    On Tue 30 Jun 2026: AD placed Mon 15 Jun, seen Mon 22 Jun: next due Mon 29 Jun, late by 1
    working day. AE placed Fri 26 Jun, not yet seen: due Fri 3 Jul, in time. AF placed 1 May:
    past the first review, frequency set by the review, left out. All three are out of the
    reg 28 measure; a fostered child is in it.
    """
    b = CaseBook()
    ad, ae, af, fo = (b.child(p) for p in ("AD", "AE", "AF", "FO"))
    for pid, placed, ptype in (
        (ad, date(2026, 6, 15), "A4"),
        (ae, date(2026, 6, 26), "A6"),
        (af, date(2026, 5, 1), "A5"),
        (fo, date(2026, 6, 26), "U6"),
    ):
        cla = b.cla(pid, date(2025, 6, 1))
        b.placement(pid, cla, placed, ptype=ptype)
        if pid == ad:
            b.cla_visit(pid, cla, date(2026, 6, 22))
    b.save(engine)
    run = compute(engine, "T01", date(2026, 6, 30), 1)
    assert _people(run, "CLA_VISITS_IN_TIME") == {"FO"}
    assert _v(run, "AD_PLACED_VISITS") == (1, 2, 50.0)
    [late] = run.compliance("AD_PLACED_VISITS")
    assert (late.person_id, late.due, late.working_days_late) == ("AD", date(2026, 6, 29), 1)


def test_initial_health_assessment_within_20_working_days(engine: Engine) -> None:
    """Promoting the health and well-being of looked-after children (2015): the initial health
    assessment within 20 working days of entering care.

    Entered Mon 7 Dec 2026: the 20th working day after is Thu 7 Jan 2027 (25 and 28 December
    and 1 January are bank holidays). H1 assessed 7 Jan: in time; H2 on 8 Jan: late by 1;
    H3 never: overdue on 31 Mar 2027.
    """
    b = CaseBook()
    for pid, ha in (("H1", date(2027, 1, 7)), ("H2", date(2027, 1, 8)), ("H3", None)):
        b.child(pid)
        b.cla(pid, date(2026, 12, 7))
        if ha is not None:
            b.health(pid, "HEALTH_ASSESSMENT", ha)
    b.save(engine)
    run = compute(engine, "T01", date(2027, 3, 31), 1)
    assert _v(run, "CLA_IHA_20WD") == (1, 3, 33.3)
    late = {r.person_id: (r.due, r.working_days_late) for r in run.compliance("CLA_IHA_20WD")}
    assert late["H2"] == (date(2027, 1, 7), 1)
    assert late["H3"][0] == date(2027, 1, 7) and late["H3"][1] > 50


def test_under_fives_have_health_assessments_six_monthly(engine: Engine) -> None:
    """Care Planning regs 2010 reg 7: health reviewed six-monthly before the fifth birthday.

    On 30 Jun 2026: U1 (aged 3) assessed 5 Feb 2026, within 6 months; U2 (aged 3) assessed
    20 Dec 2025, not; O1 (aged 6) is over 5 and left out.
    """
    b = CaseBook()
    for pid, dob, ha in (
        ("U1", date(2023, 1, 1), date(2026, 2, 5)),
        ("U2", date(2023, 1, 1), date(2025, 12, 20)),
        ("O1", date(2020, 1, 1), date(2026, 2, 5)),
    ):
        b.child(pid, dob=dob)
        b.cla(pid, date(2025, 1, 6))
        b.health(pid, "HEALTH_ASSESSMENT", ha)
    b.save(engine)
    run = compute(engine, "T01", date(2026, 6, 30), 1)
    assert _v(run, "CLA_HEALTH_UNDER5") == (1, 2, 50.0)
    assert _people(run, "CLA_HEALTH_UNDER5") == {"U1", "U2"}


def test_a_conference_needed_but_never_held_is_flagged_for_the_child(engine: Engine) -> None:
    """Working Together 2018 ch. 1: an ICPC within 15 working days of the strategy discussion.

    N1's enquiry (strategy 1 Apr 2026) needed a conference; none by 30 Jun: flagged. N2's was
    held. N3's strategy discussion was 25 Jun: its 15 working days have not passed.
    """
    b = CaseBook()
    for pid, strategy, held in (
        ("N1", date(2026, 4, 1), None),
        ("N2", date(2026, 4, 1), date(2026, 4, 20)),
        ("N3", date(2026, 6, 25), None),
    ):
        b.child(pid)
        rid = b.referral(pid, strategy)
        sid = b.s47(pid, rid, strategy, icpc_required=True)
        if held is not None:
            b.icpc(pid, rid, sid, held)
    b.save(engine)
    run = compute(engine, "T01", date(2026, 6, 30), 1)
    assert [r.person_id for r in run.drift()["DRIFT_ICPC_NOT_HELD"]] == ["N1"]


def test_care_leavers_in_apprenticeships_and_f5_p5_count_as_eet(engine: Engine) -> None:
    """SSDA903 activity codes: F4/P4 apprenticeship, F5/P5 other training or employment."""
    b = CaseBook()
    for pid, code in (("L1", "F5"), ("L2", "P4"), ("L3", "P5"), ("L4", "G5")):
        b.child(pid, dob=date(2006, 1, 1))
        b.care_leaver(pid, clea_care_leaver_activity=code)
    b.save(engine)
    run = compute(engine, "T01", date(2026, 6, 30), 1)
    assert _v(run, "CL_EET") == (3, 4, 75.0)


def test_first_cla_review_is_20_working_days_and_adopter_measures_cite_their_source() -> None:
    """CPR reg 33: 20 working days (the Southwark QA framework's "4 weeks" is local wording);
    the adopter stages come from the Adoption Agencies Regulations 2005 and the 2013 guidance."""
    defs = load_definitions()
    first = defs.by_id()["CLA_REVIEW_FIRST"]
    assert (first.rule.kind, first.rule.n) == ("working_days", 20)
    assert "4 weeks" in first.definition and "local wording" in first.definition
    for mid in ("AD_STAGE1_DAYS", "AD_STAGE2_DAYS", "AD_PLACED_VISITS"):
        assert defs.by_id()[mid].source == ["AAR"]
    assert "Adoption Agencies Regulations 2005" in defs.sources["AAR"]
