"""Per-child timescale rules over plain dates: the readable statement of every timescale.

These functions are the specification the vectorised engine (``grip.measures.engine``) must
agree with; the tests check one against the other. They use ``grip.calendar`` conventions:
"within n working days of a" means ``working_days_between(a, done) <= n`` (the start day does not
count, the end day does); "within n months" means on or before ``add_months(a, n)`` (the
corresponding date, clamped to the month end).

Sources: Working Together (referral decision 1 working day, assessment 45 working days, ICPC 15
working days of the strategy discussion, first core group 10 working days after the ICPC, CP
reviews 3 then 6 months); Southwark QA framework 2015 audit tool "Are key meetings held in
timescale?" (CIN review 3 then 6 months; CP 15 working days, 3 then 6 months; CLA 4 weeks, 3
months, then six-monthly); Care Planning, Placement and Case Review
(England) Regulations 2010 reg 33 (CLA reviews: 20 working days, 3 months, 6 months) and
reg 28(2) (visits: within 1 week of a placement, 6-weekly in its first year, then 3-monthly if
the placement is to last until 18, otherwise 6-weekly).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from grip.calendar import add_months, add_working_days, working_days_between
from grip.measures.definitions import load_definitions

Status = Literal["on_time", "late", "overdue", "not_yet_due"]


@dataclass(frozen=True)
class Interval:
    """A timescale: n working days, n calendar months or n calendar days."""

    kind: Literal["working_days", "months", "days"]
    n: int

    def due(self, start: date) -> date:
        """The last day that is still in time for something due ``n`` units after ``start``."""
        if self.kind == "working_days":
            return add_working_days(start, self.n)
        if self.kind == "months":
            return add_months(start, self.n)
        return start + timedelta(days=self.n)

    def in_time(self, start: date, done: date) -> bool:
        """True when ``done`` is within the timescale of ``start``."""
        if self.kind == "working_days":
            return working_days_between(start, done) <= self.n
        return done <= self.due(start)

    def late_by(self, start: date, when: date) -> int:
        """Working days past the timescale on ``when`` (0 when in time): 'overdue by N'."""
        if self.in_time(start, when):
            return 0
        if self.kind == "working_days":
            return working_days_between(start, when) - self.n
        return max(working_days_between(self.due(start), when), 1)


WD: Literal["working_days"] = "working_days"


def defined(measure_id: str) -> Interval:
    """The timescale a measure states in ``definitions.yaml`` (the one place its number lives)."""
    rule = load_definitions().by_id()[measure_id].rule
    if rule.n is None or rule.kind not in ("working_days", "calendar_months", "calendar_days"):
        raise ValueError(f"definitions.yaml: {measure_id} states no timescale")
    kind = {"working_days": WD, "calendar_months": "months", "calendar_days": "days"}[rule.kind]
    return Interval(kind, rule.n)  # type: ignore[arg-type]


def _param(measure_id: str, name: str) -> int:
    return int(load_definitions().by_id()[measure_id].params[name])


@dataclass(frozen=True)
class Due:
    """One timescale for one child: what, from when, due when, done when, and its status."""

    what: str
    start: date
    due: date
    done: date | None
    status: Status
    working_days_late: int

    @property
    def compliant(self) -> bool:
        """True unless late or overdue."""
        return self.status in ("on_time", "not_yet_due")


def check(what: str, start: date, interval: Interval, done: date | None, on: date) -> Due:
    """One timescale: ``done`` (or not yet, as of ``on``) against ``start`` plus ``interval``."""
    due = interval.due(start)
    if done is not None and done <= on:
        if interval.in_time(start, done):
            return Due(what, start, due, done, "on_time", 0)
        return Due(what, start, due, done, "late", interval.late_by(start, done))
    if interval.in_time(start, on):
        return Due(what, start, due, None, "not_yet_due", 0)
    return Due(what, start, due, None, "overdue", interval.late_by(start, on))


def referral_decision(referral: date, decision: date | None, on: date) -> Due:
    """Referral decision within 1 working day (Working Together)."""
    return check("Referral decision", referral, defined("FD_DECISION_1WD"), decision, on)


def assessment(referral: date, authorised: date | None, on: date) -> Due:
    """Assessment authorised within 45 working days of the referral (Working Together)."""
    return check("Assessment authorised", referral, defined("AS_45WD"), authorised, on)


def icpc(strategy: date, held: date | None, on: date) -> Due:
    """ICPC within 15 working days of the strategy discussion (Working Together; Southwark QA
    framework 2015)."""
    return check("Initial conference", strategy, defined("S47_ICPC_15WD"), held, on)


def core_group(conference: date, held: date | None, on: date) -> Due:
    """First core group within 10 working days of the initial child protection conference
    (Working Together to Safeguard Children, 2018, chapter 1)."""
    return check("First core group", conference, defined("CP_CORE_GROUP_10WD"), held, on)


def band_of(value: int, bands: Sequence[tuple[int, int | None]]) -> int:
    """1-based index of the band holding ``value`` (bands are inclusive; None is open-ended)."""
    for i, (lo, hi) in enumerate(bands, start=1):
        if value >= lo and (hi is None or value <= hi):
            return i
    raise ValueError(f"{value} is in none of the bands {list(bands)}")


def review_chain(
    what: str,
    start: date,
    reviews: Sequence[date],
    end: date | None,
    on: date,
    intervals: Sequence[Interval],
) -> list[Due]:
    """Every review of a plan or period of care, against its due date, as of ``on``.

    Review k is due ``intervals[k-1]`` after the previous review (the first after ``start``);
    past the last interval the last one repeats (6-monthly). Reviews after ``on`` are not yet
    known. The next review after the last one held is listed too: overdue when the plan was
    still open on ``on`` and past due, not yet due otherwise; a plan that ended before the next
    review fell due owes none.
    """
    held = sorted(r for r in reviews if r <= on)
    out: list[Due] = []
    prev = start
    for k, r in enumerate(held):
        iv = intervals[min(k, len(intervals) - 1)]
        out.append(check(f"{what} {k + 1}", prev, iv, r, on))
        prev = r
    k = len(held)
    iv = intervals[min(k, len(intervals) - 1)]
    due = iv.due(prev)
    closed = end is not None and end <= on
    if not (closed and end is not None and end <= due):
        if closed and end is not None:
            # Ended after the review fell due without it: late up to the end.
            out.append(check(f"{what} {k + 1}", prev, iv, None, end))
        else:
            out.append(check(f"{what} {k + 1}", prev, iv, None, on))
    return out


CP_REVIEWS = (defined("CP_REVIEW_FIRST"), defined("CP_REVIEW_LATER"))
CIN_REVIEWS = (defined("CIN_REVIEW_FIRST"), defined("CIN_REVIEW_LATER"))
CLA_REVIEWS = (
    defined("CLA_REVIEW_FIRST"),
    defined("CLA_REVIEW_SECOND"),
    defined("CLA_REVIEW_LATER"),
)


def visit_status(
    what: str, start: date, visits: Sequence[date], on: date, interval: Interval
) -> Due:
    """Whether a child is visited within ``interval`` on ``on``: from the last visit, or start."""
    last = max((v for v in visits if start <= v <= on), default=None)
    base = last if last is not None else start
    return check(what, base, interval, None, on)


def reg28_interval(placement_start: date, long_term: bool, last_visit: date | None) -> Interval:
    """The reg 28(2) interval that applies to the next visit of a child in care.

    Within 1 week of the placement starting (no visit since); then at most 6 weeks during the
    first year of the placement; after that at most 3 months where the placement is intended to
    last until the child is 18, otherwise 6 weeks.
    """
    m = "CLA_VISITS_IN_TIME"
    if last_visit is None or last_visit < placement_start:
        return Interval("days", _param(m, "first_visit_days"))
    if long_term and last_visit >= add_months(placement_start, _param(m, "first_year_months")):
        return Interval("months", _param(m, "long_term_months"))
    return Interval("days", _param(m, "interval_days"))


def cla_visit_status(
    placement_start: date, long_term: bool, visits: Sequence[date], on: date
) -> Due:
    """Care Planning regs reg 28(2) visit status of a child in care on ``on``."""
    last = max((v for v in visits if placement_start <= v <= on), default=None)
    iv = reg28_interval(placement_start, long_term, last)
    base = last if last is not None else placement_start
    return check("Statutory visit (reg 28)", base, iv, None, on)
