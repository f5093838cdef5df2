"""Invariants of every measure on random case books (Hypothesis).

- A numerator never exceeds its denominator (a percentage is between 0 and 100).
- Slices add up to the whole: for each slicing dimension (team, worker, age band, sex,
  ethnicity, disability), the slices' numerators and denominators sum to the whole LA's.
- Adding a child who meets every timescale never lowers a compliance rate (the ILACS framework
(Ofsted 170040) para 241
  "accurate" picture: one child's good practice cannot make a figure worse).

Each example is its own LA in the test's database, built from random children with referrals,
assessments, s47 enquiries and conferences, CP and CIN plans with reviews and visits, and
periods of care with placements, reviews and visits, all around the run's date.
"""

from __future__ import annotations

import itertools
from datetime import date, timedelta
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine

from grip.measures.definitions import load_definitions
from grip.measures.engine import DIMENSIONS, MeasuresRun, compute

from .builders import CaseBook

ON = date(2026, 10, 31)
EARLIEST = date(2024, 9, 1)
_la_numbers = itertools.count(1)

days = st.integers(min_value=0, max_value=(ON - EARLIEST).days)
gaps = st.integers(min_value=0, max_value=120)


@st.composite
def child_specs(draw: Any) -> dict[str, Any]:
    """One random child: who they are, who holds the case, and what happened when."""
    plan = st.none() | st.tuples(
        days,
        st.none() | st.integers(min_value=1, max_value=500),  # plan length, open if None
        st.lists(gaps, max_size=4),  # gaps between reviews
        st.lists(st.tuples(st.integers(0, 60), st.booleans()), max_size=5),  # visits, seen
    )
    return {
        "dob": date(2004, 1, 1) + timedelta(days=draw(st.integers(0, 8000))),
        "sex": draw(st.sampled_from(["F", "M"])),
        "ethnicity": draw(st.sampled_from(["WBRI", "AIND", "MWBC", "BAFR"])),
        "disabled": draw(st.booleans()),
        "worker": draw(st.sampled_from([None, "W1", "W2", "W3"])),
        "contact": draw(st.none() | st.integers(0, 3)),  # working days before the referral
        "referral": draw(days),
        "assessment": draw(st.none() | st.tuples(gaps, st.none() | gaps, st.booleans())),
        "icpc": draw(st.none() | st.tuples(st.integers(0, 30), st.booleans())),
        "cp": draw(plan),
        "cin": draw(plan),
        "cla": draw(plan),
        "long_term": draw(st.booleans()),
    }


def _d(offset: int) -> date:
    return EARLIEST + timedelta(days=offset)


def _add_child(b: CaseBook, pid: str, spec: dict[str, Any]) -> None:
    b.child(pid, dob=spec["dob"], sex=spec["sex"], ethnicity=spec["ethnicity"])
    if spec["disabled"]:
        b.disability(pid)
    if spec["worker"]:
        team = "T1" if spec["worker"] in ("W1", "W2") else "T2"
        b.allocate(pid, spec["worker"], EARLIEST, team=team)
    ref_day = _d(spec["referral"])
    contact = None
    if spec["contact"] is not None:
        contact = b.contact(pid, ref_day - timedelta(days=spec["contact"]), outcome="REFERRAL")
    rid = b.referral(pid, ref_day, contact_id=contact)
    if spec["assessment"] is not None:
        start_gap, auth_gap, seen = spec["assessment"]
        start = ref_day + timedelta(days=start_gap)
        auth = None if auth_gap is None else start + timedelta(days=auth_gap)
        b.assessment(pid, rid, start, auth, seen=seen)
    if spec["icpc"] is not None:
        gap, plan = spec["icpc"]
        s47 = b.s47(pid, rid, ref_day)
        b.icpc(pid, rid, s47, ref_day + timedelta(days=gap), plan=plan)
    for kind in ("cp", "cin", "cla"):
        if spec[kind] is None:
            continue
        start_off, length, review_gaps, visits = spec[kind]
        start = _d(start_off)
        end = None if length is None else start + timedelta(days=length)
        if kind == "cp":
            plan_id = b.cp_plan(pid, rid, start, end)
        elif kind == "cin":
            plan_id = b.cin_plan(pid, rid, start, end)
        else:
            plan_id = b.cla(pid, start, end)
            b.placement(pid, plan_id, start, end, long_term=spec["long_term"])
        held = start
        for g in review_gaps:
            held = held + timedelta(days=30 + g)
            {"cp": b.cp_review, "cin": b.cin_review, "cla": b.cla_review}[kind](pid, plan_id, held)
        seen_on = start
        for g, seen in visits:
            seen_on = seen_on + timedelta(days=g)
            if kind == "cp":
                b.cp_visit(pid, plan_id, seen_on, seen=seen)
            elif kind == "cin":
                b.cin_visit(pid, plan_id, seen_on, seen=seen)
            else:
                b.cla_visit(pid, plan_id, seen_on, seen=seen)


def _book(specs: list[dict[str, Any]]) -> CaseBook:
    b = CaseBook(f"H{next(_la_numbers)}")
    b.team("T1", "Team one")
    b.team("T2", "Team two")
    for w, t in (("W1", "T1"), ("W2", "T1"), ("W3", "T2")):
        b.worker(w, t)
    for i, spec in enumerate(specs):
        _add_child(b, f"C{i}", spec)
    return b


def _add_compliant_child(b: CaseBook, pid: str) -> None:
    """A child who meets every timescale on ``ON``, allocated to no one (so no one's caseload
    changes): referral decided the next working day, assessment (child seen) in 10 days, ICPC
    4 days after the strategy discussion, and an open CP plan, its first core group 5 working
    days after the ICPC, visited 2 days ago, whose first review is not yet due."""
    b.child(pid, dob=date(2016, 3, 1))
    contact = b.contact(pid, date(2026, 9, 14), outcome="REFERRAL")  # Monday
    rid = b.referral(pid, date(2026, 9, 15), contact_id=contact)
    b.assessment(pid, rid, date(2026, 9, 15), date(2026, 9, 25), seen=True)
    s47 = b.s47(pid, rid, date(2026, 9, 16))
    icpc = b.icpc(pid, rid, s47, date(2026, 9, 22))
    plan = b.cp_plan(pid, rid, date(2026, 9, 22), icpc_id=icpc, core_group=date(2026, 9, 29))
    b.cp_visit(pid, plan, date(2026, 10, 29), seen=True, alone=True)


PERCENT = [m for m in load_definitions().measures if m.unit == "percent"]
HIGHER_BETTER = [m.id for m in PERCENT if m.polarity == "higher_is_better"]


def _check_num_le_den_and_slices(run: MeasuresRun) -> None:
    for m in PERCENT:
        for v in run.values:
            if v.measure_id != m.id:
                continue
            assert v.numerator >= 0
            assert v.denominator is not None
            assert v.numerator <= v.denominator, v
            if v.value is not None:
                assert 0 <= v.value <= 100, v
    for m in run.definitions.measures:
        whole = run.at(m.id)
        for dim in DIMENSIONS:
            parts = run.slices(m.id, dim)
            assert abs(sum(v.numerator for v in parts) - whole.numerator) < 1e-9, (m.id, dim)
            if m.unit not in ("count", "per_10k"):
                assert whole.denominator is not None
                total = sum(v.denominator or 0 for v in parts)
                assert abs(total - whole.denominator) < 1e-9, (m.id, dim, parts, whole)


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(specs=st.lists(child_specs(), min_size=1, max_size=8))
def test_numerators_within_denominators_and_slices_add_up(
    engine: Engine, specs: list[dict[str, Any]]
) -> None:
    b = _book(specs)
    b.save(engine)
    run = compute(engine, b.la, ON, 12)
    _check_num_le_den_and_slices(run)


@settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(specs=st.lists(child_specs(), max_size=6))
def test_adding_a_compliant_child_never_lowers_a_compliance_rate(
    engine: Engine, specs: list[dict[str, Any]]
) -> None:
    before_book = _book(specs)
    before_book.save(engine)
    before = compute(engine, before_book.la, ON, 12)
    after_book = _book(specs)
    _add_compliant_child(after_book, "NEW")
    after_book.save(engine)
    after = compute(engine, after_book.la, ON, 12)
    _check_num_le_den_and_slices(after)

    # The new child really is counted, and in every numerator it is counted in the denominator.
    counted = set()
    for mid in HIGHER_BETTER:
        for r in after.children(mid):
            if r.person_id == "NEW" and r.in_denominator:
                counted.add(mid)
                assert r.in_numerator == r.in_denominator, (mid, r)
    assert {"AS_45WD", "AS_SEEN", "S47_ICPC_15WD", "CP_VISITS_IN_TIME"} <= counted
    for mid in counted:
        old, new = before.at(mid).value, after.at(mid).value
        assert new is not None
        if old is not None:
            assert new >= old, (mid, old, new)
