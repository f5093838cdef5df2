"""Journeys of synthetic families through children's social care, written row by row.

One :class:`Journeys` object generates every family in turn, each from its own seeded
``random.Random``, so a family's story depends only on the seed, the LA code and its index.
A family's children share a first contact; from there the family goes through contacts,
referrals, assessments, strategy discussions and section 47 enquiries, conferences, child in
need and child protection plans (with reviews and visits), pre-proceedings, and care (episodes,
legal statuses, placements, reviews, visits, health checks, missing episodes, permanence and
adoption), then leaving care. Nothing happens after ``as_of``; anything still going on then is
left open (no end date).

Timescales follow Working Together and the Care Planning Regulations 2010 as summarised in
Southwark QA framework 2015 ("Are key meetings held in timescale?": CIN first review within 3 months
then six monthly; ICPC within 15 working days of the strategy discussion, first review conference
within 3 months then six monthly; CIC first review within 4 weeks, second within three months, then
six monthly), with a controlled share late so measures have something to find.
"""

from __future__ import annotations

import random
from bisect import bisect_right
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache
from importlib import resources
from itertools import accumulate, pairwise
from typing import Any

import yaml

from grip.calendar import (
    add_months,
    add_working_days,
    age_in_years,
    date_of_age,
    working_day_on_or_after,
    working_day_on_or_before,
)
from grip.casedata.synth_staff import Staff

Emit = Callable[[str, dict[str, Any]], None]
NextId = Callable[[str], str]

#: First contacts fall in the years before as_of; long enough that care leavers reach 25.
HISTORY_YEARS = 8

# Late shares: the fraction of each statutory event that misses its timescale.
LATE_ASSESSMENT = 0.17  # CIN census: about 83% of assessments within 45 working days
LATE_ICPC = 0.22  # about 78% of ICPCs within 15 working days of the strategy discussion
LATE_REVIEW = 0.09
LATE_CORE_GROUP = 0.12  # first core group later than 10 working days after the ICPC
MISSING_CORE_GROUP = 0.05  # no core group date recorded at all
LATE_VISIT = 0.08

# Re-contact after an episode closes: "soon" lands within a year, which makes the next
# referral (if any) a re-referral; tuned to give about 22% re-referrals.
P_RECONTACT_SOON = 0.58
P_RECONTACT_LATER = 0.15

#: A contact names only children at least this many days from their 18th birthday, so the
#: referral, the start of the assessment and any strategy discussion and s47 enquiry (all within
#: a few working days) and an emergency entry into care (within 20 days) happen while they are
#: still children. Later stages check age themselves: children's services for a child end on
#: the 18th birthday (Children Act 1989 s105: a child is a person under 18).
ADULT_MARGIN_DAYS = 28


#: Permanence plan and outcome by age on entering care: for each upper age bound, rows of
#: (upper bound of the uniform draw, plan, outcome); the first row whose bound exceeds the
#: draw applies, so each row's share is its bound minus the one before.
_PLANS_BY_AGE: tuple[tuple[float, tuple[tuple[float, str, str], ...]], ...] = (
    (5, (
        (0.32, "ADOPTION", "ADOPTION"),
        (0.55, "SGO", "SGO"),
        (0.88, "RETURN_HOME", "HOME"),
        (1.0, "LONG_TERM_FOSTERING", "AT18"),
    )),
    (12, (
        (0.45, "RETURN_HOME", "HOME"),
        (0.6, "SGO", "SGO"),
        (0.65, "CAO", "CAO"),
        (1.0, "LONG_TERM_FOSTERING", "AT18"),
    )),
    (16, (
        (0.48, "RETURN_HOME", "HOME"),
        (0.8, "LONG_TERM_FOSTERING", "AT18"),
        (0.95, "RESIDENTIAL", "AT18"),
        (1.0, "OTHER", "OTHER"),
    )),
    (float("inf"), (
        (0.35, "RETURN_HOME", "HOME"),
        (1.0, "SUPPORTED_LIVING", "AT18"),
    )),
)  # fmt: skip


def _plan_by_age(age: int, r: float) -> tuple[str, str]:
    """The permanence plan and outcome for a child entering care at ``age``, given draw ``r``."""
    rows = next(rows for limit, rows in _PLANS_BY_AGE if age < limit)
    return next((plan, outcome) for bound, plan, outcome in rows if r < bound)


class Weighted:
    """A weighted choice from a YAML mapping, by bisection on cumulative weights."""

    __slots__ = ("codes", "cum", "total")

    def __init__(self, weights: Mapping[str, float]) -> None:
        self.codes = [str(k) for k in weights]
        self.cum = list(accumulate(float(v) for v in weights.values()))
        self.total = self.cum[-1]

    def pick(self, rng: random.Random) -> str:
        """One code, with probability proportional to its weight."""
        return self.codes[bisect_right(self.cum, rng.random() * self.total)]


@cache
def _data(name: str) -> dict[str, Any]:
    text = resources.files("grip.casedata").joinpath(f"synth_data/{name}.yaml").read_text("utf-8")
    data: dict[str, Any] = yaml.safe_load(text)
    return data


@dataclass(frozen=True, slots=True)
class Params:
    """The proportions, loaded once from ``synth_data/proportions.yaml``."""

    w: dict[str, Weighted]
    disability_share: float
    suitable_share: float
    eet_share: float

    @staticmethod
    @cache
    def load() -> Params:
        """Load and normalise the proportions."""
        raw = _data("proportions")
        w: dict[str, Weighted] = {}
        for key, value in raw.items():
            if key in ("first_placement", "move_placement"):
                for band, weights in value.items():
                    w[f"{key}:{band}"] = Weighted(weights)
            elif isinstance(value, dict):
                w[key] = Weighted(value)
        return Params(
            w,
            float(raw["disability_share"]),
            float(raw["care_leaver_suitable_share"]),
            float(raw["care_leaver_eet_share"]),
        )


class Names:
    """Invented names from ``synth_data/names.yaml`` (start + end parts; never real people)."""

    def __init__(self) -> None:
        raw = _data("names")
        self.f_start = [str(x) for x in raw["forename"]["start"]]
        self.f_end = [str(x) for x in raw["forename"]["end"]]
        self.s_start = [str(x) for x in raw["surname"]["start"]]
        self.s_end = [str(x) for x in raw["surname"]["end"]]

    def forename(self, rng: random.Random) -> str:
        """An invented forename."""
        return rng.choice(self.f_start) + rng.choice(self.f_end)

    def surname(self, rng: random.Random) -> str:
        """An invented surname."""
        return rng.choice(self.s_start) + rng.choice(self.s_end)

    def full(self, rng: random.Random) -> tuple[str, str]:
        """An invented forename and surname."""
        return self.forename(rng), self.surname(rng)


def plus(d: date, days: int) -> date:
    """``d`` moved by a number of calendar days."""
    return d + timedelta(days=days)


@dataclass(slots=True)
class Child:
    """One child's fixed facts and running state within the family's journey."""

    pid: str
    dob: date
    sex: str
    ethnicity: str
    uasc: bool
    eighteen: date  # children's services for this child end on the 18th birthday
    disabled: bool = False
    busy_until: date | None = None  # in care (or adopted) until then; None means free
    gone: bool = False  # adopted, SGO, CAO: no further contacts under this record
    care_days_from_14: int = 0  # days looked after since the 14th birthday (eligibility)
    in_care_at_16: bool = False
    left_care: date | None = None  # end of the latest period of care
    in_care_now: bool = False
    care_ends_at_18: bool = False
    locality: int = 0


@dataclass(slots=True)
class Adoption:
    """A child placed for adoption, for matching with an adopter household at the end."""

    pid: str
    family: int
    matched: date
    placed: date
    order: date | None


@dataclass(slots=True)
class Stats:
    """Counters a caller may print; not written to the extract."""

    families: int = 0
    adoptions: list[Adoption] = field(default_factory=list)


@dataclass(slots=True)
class _CarePlan:
    """A period of care's plan as drawn at entry: the permanence plan, how it ends (the
    SSDA903 reason ceased), when it is meant to end and its adoption milestones."""

    plan: str
    outcome: str
    end_target: date
    adm: date | None = None
    po: date | None = None
    matched: date | None = None
    placed: date | None = None
    order: date | None = None
    reversed_on: date | None = None


@dataclass(frozen=True, slots=True)
class _Period:
    """A period of care being written: the child, its id, entry and end (None while open)."""

    child: Child
    cla_id: str
    start: date
    end: date | None


def _care_length(prng: random.Random, outcome: str, start: date, eighteen: date) -> int:
    """Days in care by how the period is to end."""
    if outcome == "HOME":
        return prng.choice((prng.randint(5, 120), prng.randint(60, 500), prng.randint(200, 900)))
    if outcome in ("SGO", "CAO"):
        return prng.randint(300, 1100)
    if outcome == "ADOPTION":
        return prng.randint(500, 1000)
    if outcome == "E15":
        return prng.randint(20, 200)
    if outcome == "OTHER":
        return prng.randint(30, 400)
    return (eighteen - start).days


def _care_plan(prng: random.Random, c: Child, start: date, route: str, age: int) -> _CarePlan:
    """The plan and length of a period of care by age at entry, with adoption milestones."""
    eighteen = c.eighteen
    r = prng.random()
    if route == "uasc":
        plan, outcome = "SUPPORTED_LIVING", "AT18" if r < 0.93 else "E15"
    else:
        plan, outcome = _plan_by_age(age, r)
    length = _care_length(prng, outcome, start, eighteen)
    cp = _CarePlan(plan, outcome, plus(start, max(1, length)))
    if cp.end_target >= eighteen:
        cp.end_target, cp.outcome = eighteen, "AT18"
        if cp.plan in ("RETURN_HOME", "SGO", "CAO", "ADOPTION"):
            cp.plan = "LONG_TERM_FOSTERING"
    # Adoption milestones (SSDA903 adoption fields).
    if cp.plan == "ADOPTION":
        cp.adm = plus(start, prng.randint(90, 260))
        cp.po = plus(cp.adm, prng.randint(30, 150))
        if prng.random() < 0.08:
            cp.reversed_on = plus(cp.po, prng.randint(120, 500))
            cp.plan, cp.outcome = "LONG_TERM_FOSTERING", "AT18"
            cp.end_target = eighteen
        else:
            cp.matched = plus(cp.po, prng.randint(40, 330))
            cp.placed = plus(cp.matched, prng.randint(7, 50))
            cp.order = plus(cp.placed, prng.randint(150, 400))
            cp.end_target = cp.order
    return cp


def _legal_statuses(
    prng: random.Random, route: str, start: date, cp: _CarePlan, end: date | None, last: date
) -> list[tuple[str, date]]:
    """Legal statuses: (code, start), in date order, each ending when the next starts."""
    po = cp.po
    legal: list[tuple[str, date]] = []
    if route == "uasc" or route == "s20":
        legal.append(("V2", start))
        # Some accommodated children later become subject to care proceedings, and every
        # one with an adoption plan does: the placement order (Adoption and Children Act
        # 2002 s21) is made in proceedings, so the interim care order comes before it.
        issued = prng.random() < 0.25
        if route == "s20" and (issued or po is not None):
            latest = 240 if po is None else min(240, (po - start).days - 1)
            legal.append(("C1", plus(start, prng.randint(40, latest))))
    elif route == "emergency":
        legal.append((prng.choice(("L1", "L2")), start))
        legal.append(("C1", plus(start, prng.randint(1, 8))))
    else:
        legal.append(("C1", start))
    if legal[-1][0] == "C1" and cp.outcome != "HOME":
        final = plus(legal[-1][1], prng.randint(120, 300))  # 26-week proceedings, some longer
        # With an adoption plan the care and placement orders are made at the same final
        # hearing unless the care order came first: the placement order (E1) is then the
        # status from that day, with no zero-length care order (C2) before it.
        if po is None or final < po:
            legal.append(("C2", final))
    if po is not None:
        legal.append(("E1", po))
        if cp.reversed_on is not None:
            # The adoption decision reversed, the placement order is revoked (s24) and the
            # care order it suspended has effect again (s29(1)).
            legal.append(("C2", cp.reversed_on))
    legal = [legal[0]] + [
        (code, d) for code, d in legal[1:] if d <= last and (end is None or d < end)
    ]
    if any(b[1] <= a[1] for a, b in pairwise(legal)):
        raise AssertionError(f"generator bug: legal statuses out of order: {legal}")
    return legal


@dataclass(slots=True)
class _Referral:
    """A referral being written: what it is, and what its journey decided for each child."""

    ref: date
    source: str
    need: str
    path: str
    uasc: bool
    ref_ids: dict[str, str]
    contact_ids: dict[str, str]
    team_front: str
    #: Per child: (close date, close reason); absent means still open at as_of.
    closes: dict[str, tuple[date, str]] = field(default_factory=dict)
    #: Per child: when the referral's assessment was authorised (None: not by as_of).
    assessed: dict[str, date | None] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class _Home:
    """What a family's children share."""

    surname: str
    ethnicity: str
    locality: int
    family_id: str
    siblings: bool
    uasc: bool


class Journeys:
    """Generates families and their journeys, emitting rows through ``emit``."""

    def __init__(
        self,
        seed: int,
        la_code: str,
        as_of: date,
        emit: Emit,
        next_id: NextId,
        staff: Staff,
        names: Names,
    ) -> None:
        self.seed = seed
        self.la = la_code
        self.as_of = as_of
        self.emit = emit
        self.next_id = next_id
        self.staff = staff
        self.names = names
        self.p = Params.load()
        self.history_start = add_months(as_of, -12 * HISTORY_YEARS)
        self._span = (as_of - self.history_start).days
        self.stats = Stats()
        self.dobs: dict[str, date] = {}
        self._care_close_reason: dict[str, str] = {}

    # ----------------------------------------------------------------------------------
    # Families and children

    def family(self, index: int, size: int) -> list[str]:
        """Generate family ``index`` with ``size`` children; returns their person ids."""
        rng = random.Random(f"grip-synth|{self.seed}|{self.la}|family|{index}")
        p = self.p
        uasc = size == 1 and rng.random() < 0.016
        t0 = plus(self.history_start, rng.randrange(self._span + 1))
        surname = self.names.surname(rng)
        ethnicity = p.w["ethnicity"].pick(rng)
        locality = rng.randrange(1000)
        if uasc:
            ethnicity = rng.choices(("BAFR", "AOTH", "OOTH", "WOTH", "BOTH"), (35, 30, 20, 10, 5))[
                0
            ]
        home = _Home(surname, ethnicity, locality, self.next_id("family"), size > 1, uasc)
        children = [self._child(rng, t0, age, home) for age in self._ages(rng, size, uasc)]
        self.stats.families += 1
        self._journey(rng, index, children, t0)
        for child in children:
            self._care_leaver(rng, child)
        return [c.pid for c in children]

    def _ages(self, rng: random.Random, size: int, uasc: bool) -> list[int]:
        """The children's ages at first contact, eldest first (siblings a few years apart)."""
        if uasc:
            return [rng.choice((14, 15, 15, 16, 16, 16, 17))]
        band = self.p.w["age_at_first_contact"].pick(rng)
        lo, _, hi = band.partition("-")
        first_age = rng.randint(int(lo), int(hi or lo))
        ages = [first_age]
        while len(ages) < size:
            a = first_age + rng.choice((-6, -5, -4, -3, -2, -1, 1, 2, 3, 4, 5, 6))
            if 0 <= a <= 17 and a not in ages:
                ages.append(a)
            elif rng.random() < 0.3:
                ages.append(max(0, min(17, a)))  # twins or a close age
        ages.sort(reverse=True)
        return ages

    def _child(self, rng: random.Random, t0: date, age: int, home: _Home) -> Child:
        """One child of the family, aged ``age`` at first contact ``t0``: their person row,
        family membership and any disabilities."""
        p, uasc = self.p, home.uasc
        dob = plus(t0, -(int(age * 365.25) + rng.randrange(365)))
        if plus(t0, ADULT_MARGIN_DAYS) >= date_of_age(dob, 18):
            dob = plus(dob, 366)  # still a child for the whole of the first referral
        sex = ("M" if rng.random() < 0.93 else "F") if uasc else p.w["sex"].pick(rng)
        pid = self.next_id("ssd_person")
        self.dobs[pid] = dob
        self.emit(
            "ssd_person",
            {
                "pers_person_id": pid,
                "pers_forename": self.names.forename(rng),
                "pers_surname": self.names.surname(rng) if uasc else home.surname,
                "pers_sex": sex,
                "pers_ethnicity": home.ethnicity,
                "pers_dob": dob,
                "pers_upn": None if age < 4 else f"SYN{rng.randrange(10**10):010d}",
                "pers_is_uasc": uasc,
                "pers_postcode": f"ZZ{1 + home.locality % 20}",
            },
        )
        if home.siblings:
            self.emit(
                "ssd_family",
                {
                    "fami_table_id": self.next_id("ssd_family"),
                    "fami_family_id": home.family_id,
                    "fami_person_id": pid,
                },
            )
        disabled = rng.random() < p.disability_share and not uasc
        if disabled:
            codes = [p.w["disability"].pick(rng)]
            if rng.random() < 0.25:
                extra = p.w["disability"].pick(rng)
                if extra not in codes:
                    codes.append(extra)
            for code in codes:
                self.emit(
                    "ssd_disability",
                    {
                        "disa_table_id": self.next_id("ssd_disability"),
                        "disa_person_id": pid,
                        "disa_disability_code": code,
                    },
                )
        return Child(
            pid,
            dob,
            sex,
            home.ethnicity,
            uasc,
            date_of_age(dob, 18),
            disabled=disabled,
            locality=home.locality,
        )

    def _journey(self, rng: random.Random, index: int, children: list[Child], t0: date) -> None:
        t = t0
        uasc = children[0].uasc
        while t <= self.as_of:
            kids = [
                c
                for c in children
                if not c.gone
                and (c.busy_until is None or c.busy_until < t)
                and c.dob <= t
                and plus(t, ADULT_MARGIN_DAYS) < c.eighteen
            ]
            if not kids:
                return
            end = self._contact(rng, index, kids, t, uasc)
            if end is None:
                return
            uasc = False
            r = rng.random()
            if r < P_RECONTACT_SOON:
                t = plus(end, rng.randint(10, 200))
            elif r < P_RECONTACT_SOON + P_RECONTACT_LATER:
                t = plus(end, rng.randint(366, 4 * 365))
            else:
                return

    # ----------------------------------------------------------------------------------
    # Contact, early help, referral

    def _contact(
        self, rng: random.Random, index: int, kids: list[Child], t: date, uasc: bool
    ) -> date | None:
        """One contact about the family's children; returns when the work ended (None: open)."""
        p = self.p
        source = rng.choice(("5C", "6", "8")) if uasc else p.w["referral_source"].pick(rng)
        outcome = "REFERRAL" if uasc else p.w["contact_outcome"].pick(rng)
        contact_ids: dict[str, str] = {}
        for c in kids:
            cid = self.next_id("ssd_contacts")
            contact_ids[c.pid] = cid
            self.emit(
                "ssd_contacts",
                {
                    "cont_contact_id": cid,
                    "cont_person_id": c.pid,
                    "cont_contact_date": t,
                    "cont_contact_source_code": source,
                    "cont_contact_outcome": outcome,
                },
            )
        if outcome in ("NFA", "INFO_ADVICE"):
            return t
        if outcome == "EARLY_HELP":
            return self._early_help(rng, kids, plus(t, rng.randint(1, 15)), "Contact")
        ref = working_day_on_or_after(t)
        if ref > self.as_of:
            ref = t
        return self._referral(rng, index, kids, ref, source, contact_ids, uasc)

    def _early_help(
        self, rng: random.Random, kids: list[Child], start: date, reason: str
    ) -> date | None:
        if start > self.as_of:
            return None
        kids = self._minors(kids, start)
        if not kids:
            return start  # every child has turned 18: nothing more for children's services
        end: date | None = plus(start, rng.randint(60, 330))
        assert end is not None
        if end > self.as_of:
            end = None
        org = rng.choices(("LA", "SCHOOL", "HEALTH", "VCS", "OTHER"), (55, 25, 10, 7, 3))[0]
        team = self.staff.team_for("EH", kids[0].locality)
        allocs = self.staff.allocate(rng, team, start, end) if org == "LA" else []
        for c in kids:
            c_end = self._until18(c, end)
            mine = self._clip18(c, allocs)
            self.emit(
                "ssd_early_help_episodes",
                {
                    "earl_episode_id": self.next_id("ssd_early_help_episodes"),
                    "earl_person_id": c.pid,
                    "earl_episode_start_date": start,
                    "earl_episode_end_date": c_end,
                    "earl_episode_reason": reason,
                    "earl_episode_end_reason": (
                        None
                        if c_end is None
                        else "Turned 18"
                        if c_end != end
                        else rng.choice(("Needs met", "Needs met", "Disengaged", "Moved"))
                    ),
                    "earl_episode_organisation": org,
                    "earl_episode_worker_id": mine[0][0] if mine else None,
                },
            )
            self._involvements(c, allocs, "EHW", team.team_id)
        return end

    def _involvements(
        self, c: Child, allocs: list[tuple[str, date, date | None]], role: str, team_id: str
    ) -> None:
        for prof, s, e in self._clip18(c, allocs):
            self.emit(
                "ssd_involvements",
                {
                    "invo_involvements_id": self.next_id("ssd_involvements"),
                    "invo_person_id": c.pid,
                    "invo_professional_id": prof,
                    "invo_professional_role": role,
                    "invo_professional_team_id": team_id,
                    "invo_involvement_start_date": s,
                    "invo_involvement_end_date": e,
                },
            )

    def _allocate(
        self, rng: random.Random, kids: list[Child], kind: str, start: date, end: date | None
    ) -> str | None:
        """Allocate the sibling group to one worker sequence; returns the first worker."""
        team = self.staff.team_for(kind, kids[0].locality)
        allocs = self.staff.allocate(rng, team, start, end)
        for c in kids:
            self._involvements(c, allocs, team.role, team.team_id)
        return allocs[0][0] if allocs else None

    def _capped(self, d: date) -> date | None:
        return None if d > self.as_of else d

    @staticmethod
    def _minors(kids: list[Child], day: date) -> list[Child]:
        """The children of ``kids`` still under 18 on ``day`` (a new stage of work starts
        only for them; Children Act 1989 s105)."""
        return [c for c in kids if day < c.eighteen]

    def _until18(self, c: Child, end: date | None) -> date | None:
        """``end`` of a piece of work (None: open at as_of), ended on the child's 18th birthday
        if that comes first: a plan or episode for a child does not run into adulthood."""
        if c.eighteen <= (self.as_of if end is None else end):
            return c.eighteen
        return end

    def _clip18(
        self, c: Child, allocs: list[tuple[str, date, date | None]]
    ) -> list[tuple[str, date, date | None]]:
        """A sibling group's worker allocations as they apply to child ``c``: none from the
        18th birthday on."""
        return [(prof, s, self._until18(c, e)) for prof, s, e in allocs if s < c.eighteen]

    def _referral(
        self,
        rng: random.Random,
        index: int,
        kids: list[Child],
        ref: date,
        source: str,
        contact_ids: dict[str, str],
        uasc: bool,
    ) -> date | None:
        """A referral of the sibling group and everything that follows from it."""
        p = self.p
        ref_ids = {c.pid: self.next_id("ssd_cin_episodes") for c in kids}
        need = "N8" if uasc else p.w["primary_need"].pick(rng)
        path = "CLA" if uasc else p.w["referral_path"].pick(rng)
        r = _Referral(
            ref, source, need, path, uasc, ref_ids, contact_ids,
            self.staff.team_for("FD", kids[0].locality).team_id,
        )  # fmt: skip
        try:
            if path == "NFA_REFERRAL":
                for c in kids:
                    r.closes[c.pid] = (ref, "RC8")
                return ref
            return self._assessment(rng, index, kids, r)
        finally:
            self._emit_referrals(kids, r)

    def _assessment(
        self, rng: random.Random, index: int, kids: list[Child], r: _Referral
    ) -> date | None:
        """The referral's assessment and the path it leads down; when the family's involvement
        ends (None: still open at ``as_of``)."""
        as_of, ref, path = self.as_of, r.ref, r.path
        # Assessment: starts within a couple of working days of referral and is
        # authorised within 45 working days of referral unless late (Working Together).
        a_start = add_working_days(ref, rng.randint(0, 2))
        if rng.random() < LATE_ASSESSMENT:
            a_auth = add_working_days(ref, rng.randint(46, 95))
        else:
            a_auth = add_working_days(ref, rng.randint(8, 45))
        if a_start > as_of:
            return None
        strategy: date | None = None
        if path == "S47":
            strategy = add_working_days(ref, rng.randint(0, 6))
            if strategy > as_of:
                strategy = None
        auth = self._capped(a_auth)
        a_worker = self._allocate(rng, kids, "AS", a_start, auth)
        self._emit_assessments(rng, kids, r, a_start, auth, a_worker)
        if path == "CLA":
            # Child becomes looked after during the assessment (or, for an
            # unaccompanied child, on the day of referral).
            care_start = ref if r.uasc else plus(ref, rng.randint(0, 20))
            if care_start > as_of:
                return None
            route = "uasc" if r.uasc else rng.choice(("s20", "emergency", "proceedings"))
            family_end, group = self._into_care(
                rng, index, kids, care_start, route, r.need, r.ref_ids
            )
            self._close_after_care(kids, group, family_end, r.closes)
            return family_end
        if path in ("NFA", "EH"):
            if auth is None:
                return None
            for c in kids:
                r.closes[c.pid] = (auth, "RC8" if path == "NFA" else "RC9")
            if path == "EH":
                self._early_help(rng, kids, plus(auth, rng.randint(1, 10)), "Step down")
            return auth
        if path == "CIN":
            if auth is None:
                return None
            end = self._cin_plan(rng, index, kids, auth, r.ref_ids, r.need)
            return self._after_plan(rng, index, kids, end, r.ref_ids, r.need, r.closes)
        # Section 47 path.
        if strategy is None:
            return None
        return self._s47(rng, index, kids, strategy, r.ref_ids, r.need, r.closes, a_worker)

    def _emit_assessments(
        self,
        rng: random.Random,
        kids: list[Child],
        r: _Referral,
        a_start: date,
        auth: date | None,
        a_worker: str | None,
    ) -> None:
        """Each child's assessment, with its outcome once authorised."""
        for c in kids:
            # An assessment still going on at the 18th birthday is concluded then (the
            # referral closes that day): no further action from children's services unless
            # an enquiry or care had already begun.
            c_auth = r.assessed[c.pid] = self._until18(c, auth)
            c_outcome = (
                None
                if c_auth is None
                else r.path
                if c_auth == auth or r.path in ("S47", "CLA")
                else "NFA"
            )
            self.emit(
                "ssd_cin_assessments",
                {
                    "cina_assessment_id": self.next_id("ssd_cin_assessments"),
                    "cina_person_id": c.pid,
                    "cina_referral_id": r.ref_ids[c.pid],
                    "cina_assessment_start_date": a_start,
                    "cina_assessment_child_seen": rng.random() < 0.93,
                    "cina_assessment_auth_date": c_auth,
                    "cina_assessment_outcome": c_outcome,
                    "cina_assessment_team_id": self.staff.team_for("AS", c.locality).team_id,
                    "cina_assessment_worker_id": a_worker,
                },
            )

    def _emit_referrals(self, kids: list[Child], r: _Referral) -> None:
        """Each child's referral (episode of need), closed as its journey decided."""
        nfa_referral = r.path == "NFA_REFERRAL"
        for c in kids:
            close = r.closes.get(c.pid)
            if close is not None and c.pid in r.assessed:
                # The assessment runs alongside an enquiry, a short plan or a brief period
                # of care; the referral closes only once it is authorised.
                a = r.assessed[c.pid]
                close = None if a is None else (max(close[0], a), close[1])
            if c.eighteen <= (self.as_of if close is None else close[0]):
                # The episode of a child who is still in need at 18 closes on the
                # birthday: transferred to adult social care (a disabled young person)
                # or services ceased (CIN census reason for closure RC6 / RC7).
                close = (c.eighteen, "RC6" if c.disabled else "RC7")
            self.emit(
                "ssd_cin_episodes",
                {
                    "cine_referral_id": r.ref_ids[c.pid],
                    "cine_person_id": c.pid,
                    "cine_contact_id": r.contact_ids[c.pid],
                    "cine_referral_date": r.ref,
                    "cine_referral_source_code": r.source,
                    "cine_cin_primary_need_code": None if nfa_referral else r.need,
                    "cine_referral_nfa": nfa_referral,
                    "cine_close_reason": None if close is None else close[1],
                    "cine_close_date": None if close is None else close[0],
                    "cine_referral_team_id": r.team_front,
                },
            )

    def _after_plan(
        self,
        rng: random.Random,
        index: int,
        kids: list[Child],
        end: date | None,
        ref_ids: dict[str, str],
        need: str,
        closes: dict[str, tuple[date, str]],
        then: str | None = None,
    ) -> date | None:
        """After a CIN or CP plan ends: close, step down to CIN, or come into care."""
        if end is None:
            return None
        if then == "CLA":
            fam_end, group = self._into_care(rng, index, kids, end, "proceedings", need, ref_ids)
            self._close_after_care(kids, group, fam_end, closes)
            return fam_end
        if then == "CIN":
            cin_end = self._cin_plan(rng, index, kids, end, ref_ids, need)
            return self._after_plan(rng, index, kids, cin_end, ref_ids, need, closes, None)
        for c in kids:
            closes[c.pid] = (end, "RC7")
        return end

    def _close_after_care(
        self,
        kids: list[Child],
        group: list[Child],
        care_start: date,
        closes: dict[str, tuple[date, str]],
    ) -> None:
        """Close the CIN episodes: a child in care's when that period of care ends, the
        others' when care starts for their siblings.

        ``group`` holds only the children who did come into care on ``care_start``: a child
        who had turned 18 by then did not, and the state left on them by an earlier period of
        care (``left_care``) says nothing about this referral.
        """
        for c in kids:
            if any(c is g for g in group):
                if c.left_care is not None and not c.in_care_now:
                    closes[c.pid] = (c.left_care, self._care_close_reason.get(c.pid, "RC7"))
            else:
                closes[c.pid] = (care_start, "RC7")

    # ----------------------------------------------------------------------------------
    # Section 47, conferences and plans

    def _s47(
        self,
        rng: random.Random,
        index: int,
        kids: list[Child],
        strategy: date,
        ref_ids: dict[str, str],
        need: str,
        closes: dict[str, tuple[date, str]],
        worker: str | None,
    ) -> date | None:
        """Strategy discussion, section 47 enquiry and (for some) the ICPC and a plan."""
        as_of = self.as_of
        s_start = strategy if rng.random() < 0.8 else add_working_days(strategy, 1)
        if s_start > as_of:
            # Strategy discussion on the extract date, enquiry from the next working day: the
            # enquiry (and its record, which carries the strategy date) is not there yet.
            return None
        icpc_required = rng.random() < 0.41
        if icpc_required:
            # ICPC within 15 working days of the strategy discussion (Southwark QA framework 2015).
            if rng.random() < LATE_ICPC:
                icpc = add_working_days(strategy, rng.randint(16, 32))
            else:
                icpc = add_working_days(strategy, rng.randint(6, 15))
            s_end = add_working_days(s_start, rng.randint(2, 5))
            if s_end > icpc:
                s_end = icpc
        else:
            icpc = strategy  # unused
            s_end = add_working_days(s_start, rng.randint(3, 15))
        s47_end = self._capped(max(s_end, s_start))
        s47_ids = self._emit_s47s(kids, ref_ids, strategy, s_start, s47_end, icpc_required, worker)
        if s47_end is None:
            return None
        if not icpc_required:
            if rng.random() < 0.35:
                end = self._cin_plan(rng, index, kids, s47_end, ref_ids, need)
                return self._after_plan(rng, index, kids, end, ref_ids, need, closes)
            for c in kids:
                closes[c.pid] = (s47_end, "RC8")
            return s47_end
        if icpc > as_of:
            return None
        kids = self._minors(kids, icpc)
        if not kids:
            return icpc  # turned 18 during the enquiry: no conference for an adult
        cp = rng.random() < 0.88
        icpc_ids = self._emit_icpcs(kids, ref_ids, s47_ids, icpc, cp)
        if not cp:
            end = self._cin_plan(rng, index, kids, icpc, ref_ids, need)
            return self._after_plan(rng, index, kids, end, ref_ids, need, closes)
        end, then = self._cp_plan(rng, kids, icpc, ref_ids, icpc_ids)
        return self._after_plan(rng, index, kids, end, ref_ids, need, closes, then)

    def _emit_each(
        self, kids: list[Child], table: str, id_column: str, row: Callable[[Child], dict[str, Any]]
    ) -> dict[str, str]:
        """One row of ``table`` per child, with a new id in ``id_column``; the ids by child."""
        ids: dict[str, str] = {}
        for c in kids:
            ids[c.pid] = self.next_id(table)
            self.emit(table, {id_column: ids[c.pid], **row(c)})
        return ids

    def _emit_s47s(
        self,
        kids: list[Child],
        ref_ids: dict[str, str],
        strategy: date,
        start: date,
        end: date | None,
        icpc_required: bool,
        worker: str | None,
    ) -> dict[str, str]:
        """Each child's section 47 enquiry (its outcome once it ends); their ids by child."""
        return self._emit_each(
            kids,
            "ssd_s47_enquiry",
            "s47e_s47_enquiry_id",
            lambda c: {
                "s47e_person_id": c.pid,
                "s47e_referral_id": ref_ids[c.pid],
                "s47e_strategy_discussion_date": strategy,
                "s47e_s47_start_date": start,
                "s47e_s47_end_date": end,
                "s47e_s47_nfa": None if end is None else not icpc_required,
                "s47e_s47_icpc_required": None if end is None else icpc_required,
                "s47e_s47_completed_by_team_id": self.staff.team_for("AS", c.locality).team_id,
                "s47e_s47_completed_by_worker_id": worker,
            },
        )

    def _emit_icpcs(
        self,
        kids: list[Child],
        ref_ids: dict[str, str],
        s47_ids: dict[str, str],
        icpc: date,
        cp: bool,
    ) -> dict[str, str]:
        """Each child's initial child protection conference; their ids by child."""
        return self._emit_each(
            kids,
            "ssd_initial_cp_conference",
            "icpc_icpc_id",
            lambda c: {
                "icpc_person_id": c.pid,
                "icpc_s47_enquiry_id": s47_ids[c.pid],
                "icpc_referral_id": ref_ids[c.pid],
                "icpc_icpc_transfer_in": False,
                "icpc_icpc_date": icpc,
                "icpc_icpc_outcome_cp_flag": cp,
                "icpc_icpc_team_id": self.staff.team_for("CPC", c.locality).team_id,
            },
        )

    def _reviews(
        self,
        rng: random.Random,
        start: date,
        first_months: int | None,
        first_wd: int | None,
        second_months: int,
        end: date | None,
    ) -> list[date]:
        """Review dates: the first within a number of months or working days of ``start``, the
        second within ``second_months`` of the first, then at most six-monthly; some late."""
        out: list[date] = []
        last = self.as_of if end is None else end
        prev = start
        k = 0
        while True:
            if k == 0:
                if first_wd is not None:
                    due = add_working_days(start, first_wd)
                else:
                    assert first_months is not None
                    due = add_months(start, first_months)
            else:
                due = add_months(prev, second_months if k == 1 else 6)
            if rng.random() < LATE_REVIEW:
                d = working_day_on_or_after(plus(due, rng.randint(1, 45)))
            else:
                early = rng.randint(0, min(40, max(0, (due - prev).days - 1)))
                d = working_day_on_or_before(plus(due, -early))
            if d <= prev:
                d = plus(prev, 1)
            if d > last:
                return out
            out.append(d)
            prev = d
            k += 1

    def _visits(
        self, rng: random.Random, start: date, end: date | None, every_wd: int
    ) -> list[date]:
        """Visit dates at most ``every_wd`` working days apart, a share late."""
        out: list[date] = []
        last = self.as_of if end is None else end
        v = start
        while True:
            if rng.random() < LATE_VISIT:
                v = add_working_days(v, rng.randint(every_wd + 1, every_wd * 2 + 5))
            else:
                v = add_working_days(v, rng.randint(max(1, every_wd // 2), every_wd))
            if v > last:
                return out
            out.append(v)

    def _core_group(self, icpc: date, c: Child) -> date | None:
        """The first core group after the ICPC that made the plan: within 10 working days
        (Working Together) for most, late for some, never recorded for a few. Drawn from its
        own generator, so adding it left every other synthetic value unchanged."""
        rng = random.Random(f"grip-synth|{self.seed}|{self.la}|core-group|{c.pid}|{icpc}")
        r = rng.random()
        if r < MISSING_CORE_GROUP:
            return None
        late = r < MISSING_CORE_GROUP + LATE_CORE_GROUP
        day = add_working_days(icpc, rng.randint(11, 25) if late else rng.randint(2, 10))
        return self._capped(day)

    def _cp_plan(
        self,
        rng: random.Random,
        kids: list[Child],
        start: date,
        ref_ids: dict[str, str],
        icpc_ids: dict[str, str],
    ) -> tuple[date | None, str | None]:
        """A child protection plan from the ICPC; returns (end, what next)."""
        as_of = self.as_of
        category = self.p.w["cp_category"].pick(rng)
        # Target length: most plans last 3 months to 2 years; some drift past 2 years.
        r = rng.random()
        if r < 0.15:
            target = rng.randint(40, 120)
        elif r < 0.92:
            target = rng.randint(120, 540)
        else:
            target = rng.randint(540, 1100)
        into_care = rng.random() < 0.12
        then: str | None = None
        reviews = self._reviews(rng, start, 3, None, 6, None)
        end: date | None = None
        kept: list[date] = []
        for d in reviews:
            kept.append(d)
            if (d - start).days >= target:
                end = d
                break
        if into_care:
            care_day = plus(start, rng.randint(30, max(31, target)))
            if care_day <= as_of and (end is None or care_day < end):
                end = care_day
                kept = [d for d in kept if d < care_day]
                then = "CLA"
        if end is not None and then is None:
            then = "CIN" if rng.random() < 0.6 else None
        prep = self._pre_proceedings(rng, start, end)
        if prep is not None and prep[2] == "PROCEEDINGS":
            end = prep[3]
            kept = [d for d in kept if end is not None and d < end]
            then = "CLA"
        self._allocate(rng, kids, "LOC", start, end)
        self._allocate(rng, kids, "CPC", start, end)
        visits = self._visits(rng, start, end, 10)
        for c in kids:
            self._emit_cp_plan(
                rng, c, category, (start, end), ref_ids, icpc_ids, kept, visits, prep
            )
        return end, then

    def _pre_proceedings(
        self, rng: random.Random, start: date, end: date | None
    ) -> tuple[date, date | None, str | None, date | None] | None:
        """Pre-proceedings (Public Law Outline) for some children on plans: (decision,
        meeting, outcome, outcome date); proceedings end the plan on the outcome date."""
        as_of = self.as_of
        if rng.random() >= 0.13:
            return None
        decision = plus(start, rng.randint(40, 300))
        if decision > as_of or (end is not None and decision >= end):
            return None
        meeting = self._capped(plus(decision, rng.randint(5, 20)))
        o = rng.random()
        if o < 0.2 and end is None:  # drift: no decision while the plan goes on
            return (decision, meeting, "ONGOING", None)
        odate = plus(decision, rng.randint(60, 160))  # PLO: 16 weeks
        if odate > as_of or (end is not None and odate > end):
            return (decision, meeting, None, None)
        if o < 0.6:
            return (decision, meeting, "STEP_DOWN", odate)
        return (decision, meeting, "PROCEEDINGS", odate)

    def _emit_cp_plan(
        self,
        rng: random.Random,
        c: Child,
        category: str,
        span: tuple[date, date | None],
        ref_ids: dict[str, str],
        icpc_ids: dict[str, str],
        reviews: list[date],
        visits: list[date],
        prep: tuple[date, date | None, str | None, date | None] | None,
    ) -> None:
        """One child's plan with its reviews, visits and pre-proceedings."""
        start, end = span
        # A child who turns 18 while the plan goes on comes off it on the birthday.
        c_end = self._until18(c, end)
        plan_id = self.next_id("ssd_cp_plans")
        latest = category if rng.random() < 0.9 else self.p.w["cp_category"].pick(rng)
        core_group = self._core_group(start, c)
        if core_group is not None and c_end is not None and core_group > c_end:
            core_group = None
        self.emit(
            "ssd_cp_plans",
            {
                "cppl_cp_plan_id": plan_id,
                "cppl_person_id": c.pid,
                "cppl_referral_id": ref_ids[c.pid],
                "cppl_icpc_id": icpc_ids[c.pid],
                "cppl_cp_plan_start_date": start,
                "cppl_cp_plan_end_date": c_end,
                "cppl_first_core_group_date": core_group,
                "cppl_cp_plan_initial_category": category,
                "cppl_cp_plan_latest_category": latest,
            },
        )
        for d in reviews:
            if c_end is not None and d > c_end:
                break
            self.emit(
                "ssd_cp_reviews",
                {
                    "cppr_cp_review_id": self.next_id("ssd_cp_reviews"),
                    "cppr_person_id": c.pid,
                    "cppr_cp_plan_id": plan_id,
                    "cppr_cp_review_date": d,
                    "cppr_cp_review_outcome_continue_cp": d != c_end,
                },
            )
        young = age_in_years(c.dob, start) < 3
        for d in visits:
            if c_end is not None and d > c_end:
                break
            seen = rng.random() < 0.95
            self.emit(
                "ssd_cp_visits",
                {
                    "cppv_cp_visit_id": self.next_id("ssd_cp_visits"),
                    "cppv_person_id": c.pid,
                    "cppv_cp_plan_id": plan_id,
                    "cppv_cp_visit_date": d,
                    "cppv_cp_visit_seen": seen,
                    "cppv_cp_visit_seen_alone": seen and not young and rng.random() < 0.75,
                },
            )
        if prep is not None and prep[0] < c.eighteen:
            # Pre-proceedings for a child who turns 18 before the outcome stop there.
            grown = prep[3] is not None and prep[3] >= c.eighteen
            self.emit(
                "ssd_pre_proceedings",
                {
                    "prep_table_id": self.next_id("ssd_pre_proceedings"),
                    "prep_person_id": c.pid,
                    "prep_pre_pro_decision_date": prep[0],
                    "prep_initial_pre_pro_meeting_date": prep[1]
                    if prep[1] is None or prep[1] < c.eighteen
                    else None,
                    "prep_pre_pro_outcome": None if grown else prep[2],
                    "prep_outcome_date": None if grown else prep[3],
                },
            )

    def _cin_plan(
        self,
        rng: random.Random,
        index: int,
        kids: list[Child],
        start: date,
        ref_ids: dict[str, str],
        need: str,
    ) -> date | None:
        """A child in need plan; returns its end (None: open at as_of)."""
        start = plus(start, rng.randint(0, 7))
        if start > self.as_of:
            return None
        kids = self._minors(kids, start)
        if not kids:
            return start  # turned 18 first: no plan for an adult
        r = rng.random()
        # Most plans close within about a year; some drift open for years.
        length = rng.randint(60, 420) if r < 0.92 else rng.randint(540, 1400)
        end = self._capped(plus(start, length))
        team = self.staff.team_for("LOC", kids[0].locality).team_id
        self._allocate(rng, kids, "LOC", start, end)
        reviews = self._reviews(rng, start, 3, None, 6, end)
        visits = self._visits(rng, start, end, 20)
        for c in kids:
            c_end = self._until18(c, end)  # a child comes off the plan at 18
            plan_id = self.next_id("ssd_cin_plans")
            self.emit(
                "ssd_cin_plans",
                {
                    "cinp_cin_plan_id": plan_id,
                    "cinp_person_id": c.pid,
                    "cinp_referral_id": ref_ids[c.pid],
                    "cinp_cin_plan_start_date": start,
                    "cinp_cin_plan_end_date": c_end,
                    "cinp_cin_plan_team_id": team,
                },
            )
            for d in reviews:
                if c_end is not None and d > c_end:
                    break
                self.emit(
                    "grip_cin_reviews",
                    {
                        "cinr_cin_review_id": self.next_id("grip_cin_reviews"),
                        "cinr_person_id": c.pid,
                        "cinr_cin_plan_id": plan_id,
                        "cinr_cin_review_date": d,
                    },
                )
            for d in visits:
                if c_end is not None and d > c_end:
                    break
                seen = rng.random() < 0.93
                self.emit(
                    "ssd_cin_visits",
                    {
                        "cinv_cin_visit_id": self.next_id("ssd_cin_visits"),
                        "cinv_person_id": c.pid,
                        "cinv_cin_plan_id": plan_id,
                        "cinv_cin_visit_date": d,
                        "cinv_cin_visit_seen": seen,
                        "cinv_cin_visit_seen_alone": seen and rng.random() < 0.6,
                    },
                )
        return end

    # ----------------------------------------------------------------------------------
    # Care

    def _into_care(
        self,
        rng: random.Random,
        index: int,
        kids: list[Child],
        start: date,
        route: str,
        need: str,
        ref_ids: dict[str, str],
    ) -> tuple[date, list[Child]]:
        """Some or all of the sibling group come into care on ``start``.

        Returns the day care started (when the family's other work ends; children in care are
        busy until their period of care ends) and the children who came into care (not one who
        had turned 18 by then).
        """
        together = len(kids) == 1 or rng.random() < 0.7
        group = kids if together else [k for k in kids if rng.random() < 0.6] or kids[:1]
        plan_seed = rng.getrandbits(64)
        entered: list[Child] = []
        for c in group:
            # Siblings who come into care together draw the same plan (same seed), so they
            # share its dates unless their ages send them down different routes.
            prng = random.Random(plan_seed) if together else rng
            if self._care_period(prng, rng, index, c, start, route, need, ref_ids[c.pid], group):
                entered.append(c)
        return start, entered

    def _care_period(
        self,
        prng: random.Random,
        rng: random.Random,
        index: int,
        c: Child,
        start: date,
        route: str,
        need: str,
        ref_id: str,
        group: list[Child],
    ) -> bool:
        """One period of care for child ``c``: ``prng`` draws the shared plan, ``rng`` the rest.

        Returns False (and writes nothing) when the child is 18 by ``start``."""
        age = age_in_years(c.dob, start)
        if c.eighteen <= start:
            return False
        cp = _care_plan(prng, c, start, route, age)
        end = self._capped(cp.end_target)
        last = self.as_of if end is None else end
        legal = _legal_statuses(prng, route, start, cp, end, last)
        places = self._placements(rng, c, start, age, cp, end, last)
        cla_id = self.next_id("cla")
        ceased = self._ceased_code(prng, cp.outcome, c)
        # Reviews: first within 20 working days, second within 3 months, then 6-monthly
        # (Care Planning regs 2010 reg 33; Southwark QA framework 2015). The IRO chairs each one.
        cla_reviews = self._reviews(rng, start, None, 20, 3, end)
        period = _Period(c, cla_id, start, end)
        self._emit_episodes(period, ref_id, need, legal, places, ceased, cla_reviews)
        self._emit_legal_statuses(period, legal)
        visits = self._emit_placements(rng, period, places)
        self._emit_cla_visits(rng, period, visits, age)
        self._emit_cla_reviews(rng, period, cla_reviews)
        self._health(rng, c, start, end)
        self._missing(rng, c, start, end, age)
        # Permanence plan, recorded once the plan is made (by the second review).
        if (last - start).days >= 90:
            self._emit_permanence(rng, period, cp, group)
        if cp.matched is not None and cp.placed is not None and cp.placed <= self.as_of:
            self.stats.adoptions.append(
                Adoption(
                    c.pid,
                    index,
                    cp.matched,
                    cp.placed,
                    self._capped(cp.order) if cp.order else None,
                )
            )
        # Allocations: children in care social worker and IRO for the whole period.
        kids = [c]
        self._allocate(rng, kids, "CIC", start, end)
        self._allocate(rng, kids, "IRO", start, end)
        self._after_care_period(c, start, end, last, cp.outcome)
        return True

    def _placements(
        self,
        rng: random.Random,
        c: Child,
        start: date,
        age: int,
        cp: _CarePlan,
        end: date | None,
        last: date,
    ) -> list[tuple[date, str, str, bool]]:
        """The period's placements: (start, type, provider, long_term flag), by start date."""
        p = self.p
        band = "0-4" if age < 5 else "5-11" if age < 12 else "12-15" if age < 16 else "16-17"
        places: list[tuple[date, str, str, bool]] = []
        ptype = p.w[f"first_placement:{band}"].pick(rng)
        places.append((start, ptype, self._provider(rng, ptype), False))
        t = start
        mean_gap = 420 if age < 12 else 300
        while True:
            t = plus(t, max(7, int(rng.expovariate(1 / mean_gap))))
            if t >= last:
                break
            a = age_in_years(c.dob, t)
            mband = "0-11" if a < 12 else "12-15" if a < 16 else "16-17"
            ptype = p.w[f"move_placement:{mband}"].pick(rng)
            places.append((t, ptype, self._provider(rng, ptype), False))
        # Long-term matches after a year in foster care for children staying to 18.
        if cp.outcome == "AT18" and cp.plan == "LONG_TERM_FOSTERING":
            lt_day = plus(start, rng.randint(300, 600))
            if lt_day < last:
                cur = [pl for pl in places if pl[0] <= lt_day][-1]
                if cur[1] in ("U6", "U3"):
                    places.append((lt_day, "U4" if cur[1] == "U6" else "U1", cur[2], True))
        if cp.placed is not None and cp.placed < last:
            places = [pl for pl in places if pl[0] < cp.placed]
            places.append((cp.placed, rng.choice(("A6", "A6", "A5")), "PR1", True))
        if cp.outcome == "HOME" and end is not None and rng.random() < 0.3:
            home = plus(end, -rng.randint(20, 90))
            if home > start:
                places = [pl for pl in places if pl[0] < home]
                places.append((home, "P1", "PR0", False))
        places.sort(key=lambda pl: pl[0])
        dedup: list[tuple[date, str, str, bool]] = []
        for pl in places:
            if dedup and dedup[-1][0] == pl[0]:
                dedup[-1] = pl
            else:
                dedup.append(pl)
        return dedup

    def _emit_episodes(
        self,
        period: _Period,
        ref_id: str,
        need: str,
        legal: list[tuple[str, date]],
        places: list[tuple[date, str, str, bool]],
        ceased: str,
        cla_reviews: list[date],
    ) -> None:
        """Episodes: a new one at each change of legal status or placement (SSDA903)."""
        c, end = period.child, period.end
        legal_days = {d for _, d in legal}
        place_days = {pl[0] for pl in places}
        changes = sorted(legal_days | place_days)
        for i, d in enumerate(changes):
            nxt = changes[i + 1] if i + 1 < len(changes) else end
            if i == 0:
                reason = "S"
            elif d in legal_days and d in place_days:
                reason = "T"
            elif d in legal_days:
                reason = "L"
            else:
                reason = "P"
            self.emit(
                "ssd_cla_episodes",
                {
                    "clae_cla_episode_id": self.next_id("ssd_cla_episodes"),
                    "clae_person_id": c.pid,
                    "clae_cla_id": period.cla_id,
                    "clae_referral_id": ref_id,
                    "clae_entered_care_date": period.start,
                    "clae_cla_episode_start_date": d,
                    "clae_cla_episode_start_reason": reason,
                    "clae_cla_primary_need_code": need,
                    "clae_cla_episode_ceased_date": nxt,
                    "clae_cla_episode_ceased_reason": ceased
                    if i + 1 == len(changes) and end
                    else None,
                    "clae_cla_last_iro_contact_date": self._latest(cla_reviews, nxt),
                    "clae_cla_team_id": self.staff.team_for("CIC", c.locality).team_id,
                },
            )

    def _emit_legal_statuses(self, period: _Period, legal: list[tuple[str, date]]) -> None:
        """Each legal status, ending when the next starts (the last when the period does)."""
        for i, (code, d) in enumerate(legal):
            self.emit(
                "ssd_legal_status",
                {
                    "lega_legal_status_id": self.next_id("ssd_legal_status"),
                    "lega_person_id": period.child.pid,
                    "lega_legal_status": code,
                    "lega_legal_status_start_date": d,
                    "lega_legal_status_end_date": legal[i + 1][1]
                    if i + 1 < len(legal)
                    else period.end,
                },
            )

    def _emit_placements(
        self, rng: random.Random, period: _Period, places: list[tuple[date, str, str, bool]]
    ) -> list[date]:
        """Each placement, ending when the next starts; returns the statutory visits due."""
        end = period.end
        visits: list[date] = []
        for i, (d, ptype, provider, long_term) in enumerate(places):
            p_end = places[i + 1][0] if i + 1 < len(places) else end
            in_area = provider in ("PR0", "PR1") or rng.random() < 0.55
            change = (
                self.p.w["placement_change_reason"].pick(rng)
                if p_end is not None and i + 1 < len(places)
                else None
            )
            if (
                p_end is not None
                and i + 1 < len(places)
                and places[i + 1][1] in ("U4", "U1")
                and (places[i + 1][2] == provider)
            ):
                change = "PLACE"
            self.emit(
                "ssd_cla_placement",
                {
                    "clap_cla_placement_id": self.next_id("ssd_cla_placement"),
                    "clap_person_id": period.child.pid,
                    "clap_cla_id": period.cla_id,
                    "clap_cla_placement_start_date": d,
                    "clap_cla_placement_end_date": p_end,
                    "clap_cla_placement_type": ptype,
                    "clap_cla_placement_provider": provider,
                    "clap_cla_placement_urn": None
                    if ptype[0] in "PUA"
                    else f"SC{rng.randint(100000, 999999)}",
                    "clap_cla_placement_postcode": f"ZZ{rng.randint(1, 20)}"
                    if in_area
                    else f"ZY{rng.randint(1, 60)}",
                    "clap_cla_placement_la": self.la if in_area else f"X{rng.randint(10, 89)}",
                    "clap_cla_placement_distance": f"{rng.uniform(0.3, 9.5):.1f}"
                    if in_area
                    else f"{rng.uniform(10, 140):.1f}",
                    "clap_cla_placement_change_reason": change,
                    "clap_cla_placement_long_term": long_term,
                },
            )
            visits.extend(self._cla_visits(rng, period.start, d, p_end, long_term))
        return visits

    def _emit_cla_visits(
        self, rng: random.Random, period: _Period, visits: list[date], age: int
    ) -> None:
        """Statutory visits (reg 28), most seeing the child, older children often alone."""
        for d in visits:
            seen = rng.random() < 0.96
            self.emit(
                "ssd_cla_visits",
                {
                    "clav_cla_visit_id": self.next_id("ssd_cla_visits"),
                    "clav_person_id": period.child.pid,
                    "clav_cla_id": period.cla_id,
                    "clav_cla_visit_date": d,
                    "clav_cla_visit_seen": seen,
                    "clav_cla_visit_seen_alone": seen and age >= 4 and rng.random() < 0.7,
                },
            )

    def _emit_cla_reviews(self, rng: random.Random, period: _Period, reviews: list[date]) -> None:
        """Reviews, with how the child took part (PN0 under 4)."""
        for d in reviews:
            a = age_in_years(period.child.dob, d)
            self.emit(
                "ssd_cla_reviews",
                {
                    "clar_cla_review_id": self.next_id("ssd_cla_reviews"),
                    "clar_person_id": period.child.pid,
                    "clar_cla_id": period.cla_id,
                    "clar_cla_review_date": d,
                    "clar_cla_review_participation": "PN0"
                    if a < 4
                    else rng.choice(("PN1", "PN1", "PN2", "PN3", "PN4", "PN5", "PN6", "PN7")),
                },
            )

    def _emit_permanence(
        self, rng: random.Random, period: _Period, cp: _CarePlan, group: list[Child]
    ) -> None:
        """The permanence plan and its adoption milestones (those reached by ``as_of``)."""
        as_of, end, outcome = self.as_of, period.end, cp.outcome
        adm, po, matched, placed = cp.adm, cp.po, cp.matched, cp.placed
        reversed_on = cp.reversed_on
        sib = len(group) > 1
        placed_together = adm and sib and placed and placed <= as_of
        order_made = end is not None and outcome in ("ADOPTION", "SGO", "CAO")
        self.emit(
            "ssd_permanence",
            {
                "perm_table_id": self.next_id("ssd_permanence"),
                "perm_person_id": period.child.pid,
                "perm_cla_id": period.cla_id,
                "perm_permanence_plan": cp.plan,
                "perm_adm_decision_date": self._capped(adm) if adm else None,
                "perm_part_of_sibling_group": sib if adm else None,
                "perm_siblings_placed_together": (len(group) - 1) if placed_together else None,
                "perm_siblings_placed_apart": 0 if placed_together else None,
                "perm_ffa_cp_decision_date": None,
                "perm_placement_order_date": self._capped(po)
                if po and adm and adm <= as_of
                else None,
                "perm_matched_date": self._capped(matched) if matched else None,
                "perm_placed_for_adoption_date": self._capped(placed) if placed else None,
                "perm_placed_ffa_cp_date": None,
                "perm_decision_reversed_date": self._capped(reversed_on) if reversed_on else None,
                "perm_decision_reversed_reason": (
                    rng.choice(("RD1", "RD3", "RD3", "RD4"))
                    if reversed_on and reversed_on <= as_of
                    else None
                ),
                "perm_permanence_order_date": end if order_made else None,
                "perm_permanence_order_type": outcome if order_made else None,
            },
        )

    def _after_care_period(
        self, c: Child, start: date, end: date | None, last: date, outcome: str
    ) -> None:
        """The child's running state for later contacts and for leaving care."""
        fourteen = date_of_age(c.dob, 14)
        sixteen = date_of_age(c.dob, 16)
        from_14 = max(start, fourteen)
        if last > from_14:
            c.care_days_from_14 += (last - from_14).days
        if start <= sixteen <= last:
            c.in_care_at_16 = True
        elif start > sixteen:
            c.in_care_at_16 = True  # entered care at 16 or 17 (relevant or eligible)
        c.left_care = end
        c.in_care_now = end is None
        c.care_ends_at_18 = outcome == "AT18"
        if end is None or outcome in ("ADOPTION", "SGO", "CAO"):
            c.gone = end is not None
            c.busy_until = end or date.max
        else:
            c.busy_until = end
        self._care_close_reason[c.pid] = {
            "ADOPTION": "RC1",
            "SGO": "RC4",
            "CAO": "RC3",
        }.get(outcome, "RC7")

    def _latest(self, dates: list[date], until: date | None) -> date | None:
        """The latest of the sorted ``dates`` on or before ``until`` (as_of when None)."""
        i = bisect_right(dates, self.as_of if until is None else until)
        return dates[i - 1] if i else None

    @staticmethod
    def _provider(rng: random.Random, ptype: str) -> str:
        if ptype == "P1":
            return "PR0"
        if ptype in ("U1", "U2", "U3"):
            return "PR1"
        if ptype in ("U4", "U5", "U6"):
            return "PR1" if rng.random() < 0.55 else "PR4"
        if ptype in ("K2", "H5", "S1", "R1"):
            return rng.choice(("PR4", "PR4", "PR4", "PR1", "PR5"))
        return rng.choice(("PR1", "PR2", "PR3"))

    @staticmethod
    def _ceased_code(rng: random.Random, outcome: str, c: Child) -> str:
        if outcome == "ADOPTION":
            return "E11" if rng.random() < 0.8 else "E12"
        if outcome == "SGO":
            return rng.choice(("E45", "E46", "E47", "E48"))
        if outcome == "CAO":
            return "E41"
        if outcome == "HOME":
            return "E4A" if rng.random() < 0.85 else "E4B"
        if outcome == "E15":
            return "E15"
        if outcome == "OTHER":
            return rng.choice(("E13", "E8", "E9", "E3"))
        return rng.choices(("E17", "E5", "E6", "E13", "E8"), (22, 40, 18, 10, 10))[0]

    def _cla_visits(
        self, rng: random.Random, care_start: date, start: date, end: date | None, long_term: bool
    ) -> list[date]:
        """Visits in one placement (Care Planning regs 2010 reg 28): within a week of the
        placement starting, then at most 6-weekly in the first year, then at most 3-monthly if
        the placement is long-term (intended to last until 18), otherwise 6-weekly."""
        out: list[date] = []
        last = self.as_of if end is None else end
        if rng.random() < LATE_VISIT:
            v = add_working_days(start, rng.randint(6, 15))
        else:
            v = add_working_days(start, rng.randint(1, 5))
        year_end = plus(start, 365)
        while v <= last:
            out.append(v)
            limit = 91 if (long_term and v >= year_end) else 42
            if rng.random() < LATE_VISIT:
                v = plus(v, rng.randint(limit + 1, limit + 40))
            else:
                v = plus(v, rng.randint(limit // 2, limit))
        return out

    def _health(self, rng: random.Random, c: Child, start: date, end: date | None) -> None:
        """Initial health assessment within 20 working days, then annual (6-monthly under 5)
        health assessments, annual dental checks and SDQs for ages 4-16."""
        last = self.as_of if end is None else end
        d = add_working_days(
            start, rng.randint(8, 20) if rng.random() > 0.2 else rng.randint(21, 60)
        )
        while d <= last:
            a = age_in_years(c.dob, d)
            checks = ["HEALTH_ASSESSMENT"]
            if a >= 1 and rng.random() < 0.85:
                checks.append("DENTAL")
            if 4 <= a <= 16 and rng.random() < 0.8:
                checks.append("SDQ")
            for kind in checks:
                self.emit(
                    "ssd_cla_health",
                    {
                        "clah_health_check_id": self.next_id("ssd_cla_health"),
                        "clah_person_id": c.pid,
                        "clah_health_check_type": kind,
                        "clah_health_check_date": d,
                    },
                )
            months = 6 if a < 5 else 12
            d = plus(add_months(d, months), rng.randint(-30, 40))

    def _missing(
        self, rng: random.Random, c: Child, start: date, end: date | None, age: int
    ) -> None:
        """Missing and absent episodes, mostly of teenagers, each with a return interview offer."""
        if rng.random() >= (0.28 if age >= 12 else 0.02):
            return
        last = self.as_of if end is None else end
        t = start
        rate = rng.choice((90, 180, 365))
        while True:
            t = plus(t, max(1, int(rng.expovariate(1 / rate))))
            if t > last:
                return
            back: date | None = plus(t, rng.choice((0, 0, 1, 1, 2, 3, 5)))
            if back is not None and back > self.as_of:
                back = None
            offered = back is not None and rng.random() < 0.88
            self.emit(
                "ssd_missing",
                {
                    "miss_table_id": self.next_id("ssd_missing"),
                    "miss_person_id": c.pid,
                    "miss_missing_episode_start_date": t,
                    "miss_missing_episode_type": "M" if rng.random() < 0.75 else "A",
                    "miss_missing_episode_end_date": back,
                    "miss_missing_rhi_offered": offered if back is not None else None,
                    "miss_missing_rhi_accepted": (offered and rng.random() < 0.55)
                    if back is not None
                    else None,
                },
            )
            if back is None:
                return
            t = back

    # ----------------------------------------------------------------------------------
    # Leaving care

    def _care_leaver(self, rng: random.Random, c: Child) -> None:
        """The care leaver's latest position at as_of (Children (Leaving Care) Act 2000)."""
        if c.care_days_from_14 < 91 or not c.in_care_at_16:
            return
        p = self.p
        as_of = self.as_of
        eligibility = self._leaver_eligibility(rng, c)
        if eligibility is None:
            return
        in_touch = "YES" if eligibility == "ELIGIBLE" else p.w["care_leaver_in_touch"].pick(rng)
        touching = in_touch == "YES"
        if touching:
            suitable = rng.random() < p.suitable_share
            accom = p.w[
                "care_leaver_accommodation_suitable"
                if suitable
                else "care_leaver_accommodation_unsuitable"
            ].pick(rng)
            eet = rng.random() < p.eet_share
            activity = p.w["care_leaver_eet" if eet else "care_leaver_neet"].pick(rng)
            latest = plus(as_of, -rng.randint(0, 75))
        else:
            suitable, accom, activity = False, "0", "0"
            latest = plus(as_of, -rng.randint(90, 400))
            if c.left_care is not None and latest < c.left_care:
                latest = c.left_care  # visited while in care: lost touch on leaving
        review = plus(
            as_of, -rng.randint(0, 170) if rng.random() < 0.85 else -rng.randint(184, 400)
        )
        sixteen = date_of_age(c.dob, 16)
        if review < sixteen:
            # The pathway plan is made once the young person is 16 (an eligible child), so a
            # 16-year-old's latest review falls in the months since the birthday.
            review = plus(sixteen, rng.randint(0, (as_of - sixteen).days))
        team, current = self._personal_adviser(rng, c)
        self.emit(
            "ssd_care_leavers",
            {
                "clea_table_id": self.next_id("ssd_care_leavers"),
                "clea_person_id": c.pid,
                "clea_care_leaver_eligibility": eligibility,
                "clea_care_leaver_in_touch": in_touch,
                "clea_care_leaver_latest_contact": latest,
                "clea_care_leaver_accommodation": accom,
                "clea_care_leaver_accom_suitable": suitable if touching else None,
                "clea_care_leaver_activity": activity,
                "clea_pathway_plan_review_date": review,
                "clea_care_leaver_personal_advisor_id": current,
                "clea_care_leaver_allocated_team_id": team,
            },
        )

    def _leaver_eligibility(self, rng: random.Random, c: Child) -> str | None:
        """ELIGIBLE, RELEVANT or FORMER_RELEVANT at as_of; None for a young person who is
        none of these, or an over-21 no longer receiving a service."""
        age = age_in_years(c.dob, self.as_of)
        if age < 16 or age > 25:
            return None
        if c.in_care_now:
            return None if age >= 18 else "ELIGIBLE"
        if c.left_care is None or (not c.care_ends_at_18 and age_in_years(c.dob, c.left_care) < 16):
            return None
        if age < 18:
            return "RELEVANT"
        if age >= 21 and rng.random() > 0.35:
            return None  # most over-21s no longer receive a leaving care service
        return "FORMER_RELEVANT"

    def _personal_adviser(self, rng: random.Random, c: Child) -> tuple[str, str | None]:
        """The leaving care team's personal advisers from 16 (or leaving care); returns the
        team and the current adviser (None when none is allocated now)."""
        as_of = self.as_of
        sixteen = date_of_age(c.dob, 16)
        pa_start = max(sixteen, plus(c.left_care, 0) if c.left_care else sixteen)
        if c.in_care_now:
            pa_start = max(sixteen, plus(as_of, -rng.randint(10, 300)))
        team = self.staff.team_for("LC", c.locality)
        pa_from = min(pa_start, as_of)
        allocs = self.staff.allocate(rng, team, pa_from, None)
        for prof, s, e in allocs:
            self.emit(
                "ssd_involvements",
                {
                    "invo_involvements_id": self.next_id("ssd_involvements"),
                    "invo_person_id": c.pid,
                    "invo_professional_id": prof,
                    "invo_professional_role": "PA",
                    "invo_professional_team_id": team.team_id,
                    "invo_involvement_start_date": s,
                    "invo_involvement_end_date": e,
                },
            )
        current = allocs[-1][0] if allocs and allocs[-1][2] is None else None
        return team.team_id, current
