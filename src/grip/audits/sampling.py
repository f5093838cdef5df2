"""Choosing the monthly audit sample from the case store.

Southwark QA framework 2015, appendix 1 §2a: each month the performance team chooses one case for
every practice group "using the Ofsted criteria". Grip reads those criteria as the selection factors
of ILACS framework (Ofsted 170040) para 150 (age, sex, disability, ethnicity, abuse category,
exploitation or missing, type of placement and out-of-area, large sibling groups, delegated
providers) and the thresholds of para 153 (the stage of the child's journey: early help, assessment,
child in need, child protection, in care, permanence, leaving care).

How a month is chosen, reproducibly from a seed:

1. The candidates are the children with an open allocation (a social worker or personal
   adviser, ``ssd_involvements``) on the first day of the month, in the allocation's team.
2. A child audited in the 12 months before is excluded, unless chosen on purpose.
3. Deliberate picks come first. Then, round by round, each practice group takes the case that
   adds the most factors not yet in the month's sample (weighted: missing children count most,
   as para 150 says they must be in the cohort); ties are broken by the seeded random order.
4. Each pick stores its reason: the factors it brought and the stage it tests.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import random
import re
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import sqlalchemy as sa
import yaml
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from grip import calendar
from grip.access import clock
from grip.access.restrictions import is_restricted
from grip.audits.lifecycle import Actor, InvalidInput, _require, new_id
from grip.audits.models import Audit, SamplePick
from grip.casedata.facts import age_on, allocations_on, open_on_clause
from grip.casedata.models import CASE_TABLES

RULES_FILE = Path(__file__).with_name("sampling.yaml")
MAX_SEED = 2**31 - 1
MONTH_RE = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")

#: Words for each factor kind, used in the stored reason.
_KIND_WORDS = {
    "age": "age {v}",
    "sex": "sex {v}",
    "disability": "a disability",
    "ethnicity": "ethnic group {v}",
    "abuse": "CP category {v}",
    "missing": "missing in the last 12 months",
    "placement": "placement {v}",
    "out_of_area": "placed out of area",
    "sibling_group": "a large sibling group",
    "delegated": "a delegated provider",
    "stage": "stage: {v}",
}
_STAGE_WORDS = {
    "early-help": "early help",
    "assessment": "referral and assessment",
    "cin": "child in need",
    "cp": "child protection",
    "cla": "decision to accommodate / in care",
    "permanence": "permanence planning",
    "care-leaver": "leaving care",
}
_ETHNIC_GROUPS = {
    "W": "White",
    "M": "Mixed",
    "A": "Asian",
    "B": "Black",
    "C": "Other",
    "O": "Other",
}


@dataclass(frozen=True)
class Rules:
    """The sampling rules (``sampling.yaml``)."""

    not_again_within_months: int
    allocation_roles: tuple[str, ...]
    age_bands: tuple[tuple[str, int, int], ...]
    large_sibling_group: int
    out_of_area_miles: float
    missing_lookback_months: int
    weights: Mapping[str, int]
    placement_groups: Mapping[str, str]


def parse_rules(data: Any, source: str = str(RULES_FILE)) -> Rules:
    """Validate the rules data; errors name the file and the key."""
    if not isinstance(data, dict) or data.get("version") != 1:
        raise ValueError(f"{source}: expected a mapping with version: 1")
    try:
        weights = {str(k): int(v) for k, v in data["weights"].items()}
        missing = set(_KIND_WORDS) - set(weights)
        if missing:
            raise ValueError(f"weights: missing {', '.join(sorted(missing))}")
        groups = {
            str(code): str(group)
            for group, codes in data["placement_groups"].items()
            for code in codes
        }
        return Rules(
            not_again_within_months=int(data["not_again_within_months"]),
            allocation_roles=tuple(data["allocation_roles"]),
            age_bands=tuple(
                (str(b["id"]), int(b["min"]), int(b["max"])) for b in data["age_bands"]
            ),
            large_sibling_group=int(data["large_sibling_group"]),
            out_of_area_miles=float(data["out_of_area_miles"]),
            missing_lookback_months=int(data["missing_lookback_months"]),
            weights=weights,
            placement_groups=groups,
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise ValueError(f"{source}: {exc}") from exc


@cache
def rules() -> Rules:
    """The shipped sampling rules."""
    return parse_rules(yaml.safe_load(RULES_FILE.read_text(encoding="utf-8")))


def parse_month(month: str) -> dt.date:
    """The first day of ``YYYY-MM``; :class:`InvalidInput` naming the value otherwise."""
    m = MONTH_RE.match(month or "")
    if not m:
        raise InvalidInput(f"month {month!r}: expected YYYY-MM, e.g. 2026-10")
    return dt.date(int(m.group(1)), int(m.group(2)), 1)


def default_seed(la_code: str, month: str) -> int:
    """The seed used when none is given: fixed for an LA and month, so a rerun repeats."""
    # 31 bits: the seed is stored in an INTEGER column.
    digest = hashlib.sha256(f"{la_code}:{month}".encode()).digest()[:4]
    return int.from_bytes(digest, "big") & MAX_SEED


@dataclass
class Candidate:
    """A case that could be chosen, with the factors it carries."""

    person_id: str
    team_id: str
    team_name: str
    service_id: str | None
    worker_professional_id: str | None
    factors: list[tuple[str, str]] = field(default_factory=list)

    def tags(self) -> list[str]:
        """Factor tags ``kind:value`` (``kind`` alone when it has no value)."""
        return [f"{k}:{v}" if v else k for k, v in self.factors]


@dataclass
class Pick:
    """One chosen case and why."""

    person_id: str
    team_id: str
    team_name: str
    service_id: str | None
    worker_professional_id: str | None
    reason: str
    factors: list[str]
    deliberate: bool


@dataclass
class SampleResult:
    """A month's sample: the picks, the cases excluded and why, and the groups with none."""

    la_code: str
    month: str
    seed: int
    per_group: int
    picks: list[Pick]
    excluded_recent: list[str]
    groups_without_cases: list[str]
    stored: bool = False

    def as_json(self) -> dict[str, Any]:
        """A JSON-ready form (``grip audits sample --json``)."""
        return {
            "la": self.la_code,
            "month": self.month,
            "seed": self.seed,
            "per_group": self.per_group,
            "stored": self.stored,
            "picks": [
                {
                    "person_id": p.person_id,
                    "team_id": p.team_id,
                    "team": p.team_name,
                    "service_id": p.service_id,
                    "deliberate": p.deliberate,
                    "reason": p.reason,
                    "factors": p.factors,
                }
                for p in self.picks
            ],
            "excluded_audited_within_12_months": self.excluded_recent,
            "practice_groups_without_eligible_cases": self.groups_without_cases,
        }


def _ethnic_group(code: str) -> str:
    if code in ("REFU", "NOBT"):
        return "not recorded"
    return _ETHNIC_GROUPS.get(code[:1], "Other")


def candidates(
    db: Session,
    la_code: str,
    on: dt.date,
    r: Rules | None = None,
    delegated_team_ids: Sequence[str] = (),
) -> list[Candidate]:
    """Every child with an open allocation on ``on``, with their para 150 / 153 factors.

    The allocation is the case fact :func:`grip.casedata.facts.allocations_on` in the rules'
    allocation roles; a child whose allocation names no team is in no practice group.
    """
    r = r or rules()
    conn = db.connection()
    alloc = {
        pid: a
        for pid, a in allocations_on(conn, la_code, on, r.allocation_roles).items()
        if a.team_id is not None
    }
    if not alloc:
        return []
    teams = _teams(conn, la_code)
    records = _Records.read(conn, la_code, on, r, set(alloc))
    delegated = set(delegated_team_ids)
    out: list[Candidate] = []
    for pid in sorted(alloc):
        team_id, worker = str(alloc[pid].team_id), alloc[pid].worker_id
        name, service = teams.get(team_id, (team_id, None))
        c = Candidate(pid, team_id, name, service, worker)
        c.factors += records.factors(pid, la_code, on, r)
        if team_id in delegated:
            c.factors.append(("delegated", ""))
        c.factors.append(("stage", records.stage(pid)))
        out.append(c)
    return out


def _teams(conn: Connection, la_code: str) -> dict[str, tuple[str, str | None]]:
    """Each team's name and parent (its service), by team id."""
    dept = CASE_TABLES["ssd_department"]
    q = sa.select(dept.c.dept_team_id, dept.c.dept_team_name, dept.c.dept_team_parent_id).where(
        dept.c.la_code == la_code
    )
    return {
        row.dept_team_id: (row.dept_team_name, row.dept_team_parent_id) for row in conn.execute(q)
    }


@dataclass
class _Records:
    """What the candidates' case records say, read once for every candidate (para 150 / 153)."""

    people: dict[str, Any]
    disabled: set[str]
    family_of: dict[str, str]
    family_size: dict[str, int]
    cp_category: dict[str, str]
    missing: set[str]
    in_care: set[str]
    placement: dict[str, tuple[str, str | None, float | None]]
    permanence: set[str]
    leavers: set[str]
    on_cin_plan: set[str]
    open_referral: set[str]
    early_help: set[str]

    @classmethod
    def read(cls, conn: Connection, la_code: str, on: dt.date, r: Rules, ids: set[str]) -> _Records:
        """The records of the children ``ids`` as they stand on ``on``."""

        def rows(table: str, *cols: str, where: sa.ColumnElement[bool] | None = None) -> list[Any]:
            tb = CASE_TABLES[table]
            q = sa.select(*(tb.c[c] for c in cols)).where(tb.c.la_code == la_code)
            if where is not None:
                q = q.where(where)
            return [x for x in conn.execute(q) if x[0] in ids]

        def open_rows(span: tuple[str, str, str], *cols: str) -> list[Any]:
            table, start, end = span
            return rows(table, *cols, where=_open(table, start, end, on))

        since = calendar.add_months(on, -r.missing_lookback_months)
        missing_start = CASE_TABLES["ssd_missing"].c.miss_missing_episode_start_date
        cp_cols = ("cppl_person_id", "cppl_cp_plan_latest_category")
        return cls(
            people={x[0]: x for x in rows("ssd_person", *_PERSON_COLUMNS)},
            disabled={
                x[0]
                for x in rows("ssd_disability", "disa_person_id", "disa_disability_code")
                if x[1] != "NONE"
            },
            family_of={x[0]: x[1] for x in rows("ssd_family", "fami_person_id", "fami_family_id")},
            family_size=_family_sizes(conn, la_code),
            cp_category={x[0]: x[1] for x in open_rows(_CP_PLAN, *cp_cols)},
            missing={
                x[0]
                for x in rows(
                    "ssd_missing",
                    "miss_person_id",
                    where=sa.and_(missing_start >= since, missing_start <= on),
                )
            },
            in_care={x[0] for x in open_rows(_CLA_EPISODE, "clae_person_id")},
            placement={
                x[0]: (x[1], x[2], x[3]) for x in open_rows(_PLACEMENT, *_PLACEMENT_COLUMNS)
            },
            permanence={
                x[0]
                for x in rows("ssd_permanence", "perm_person_id", "perm_permanence_plan")
                if x[1] is not None
            },
            leavers={x[0] for x in rows("ssd_care_leavers", "clea_person_id")},
            on_cin_plan={x[0] for x in open_rows(_CIN_PLAN, "cinp_person_id")},
            open_referral={x[0] for x in open_rows(_REFERRAL, "cine_person_id")},
            early_help={x[0] for x in open_rows(_EARLY_HELP, "earl_person_id")},
        )

    def factors(self, pid: str, la_code: str, on: dt.date, r: Rules) -> list[tuple[str, str]]:
        """The child's para 150 factors, in the order they are reported."""
        out: list[tuple[str, str]] = []
        person = self.people.get(pid)
        if person is not None:
            age = age_on(person.pers_dob, on) or 0  # a child not yet born counts as under 1
            out += [("age", band) for band, lo, hi in r.age_bands if lo <= age <= hi]
            out.append(("sex", person.pers_sex))
            out.append(("ethnicity", _ethnic_group(person.pers_ethnicity)))
        if pid in self.disabled:
            out.append(("disability", ""))
        if pid in self.cp_category:
            out.append(("abuse", self.cp_category[pid]))
        if pid in self.missing:
            out.append(("missing", ""))
        if pid in self.placement:
            ptype, pla, dist = self.placement[pid]
            out.append(("placement", r.placement_groups.get(ptype, "other")))
            if (pla and pla != la_code) or (dist is not None and dist > r.out_of_area_miles):
                out.append(("out_of_area", ""))
        fam = self.family_of.get(pid)
        if fam is not None and self.family_size.get(fam, 0) >= r.large_sibling_group:
            out.append(("sibling_group", ""))
        return out

    def stage(self, pid: str) -> str:
        """The furthest stage of the journey reached: the threshold the case tests (para 153)."""
        in_care = pid in self.in_care
        if pid in self.leavers and not in_care:
            return "care-leaver"
        if in_care:
            return "permanence" if pid in self.permanence else "cla"
        if pid in self.cp_category:
            return "cp"
        if pid in self.on_cin_plan:
            return "cin"
        if pid in self.open_referral:
            return "assessment"
        if pid in self.early_help:
            return "early-help"
        return "assessment"


#: Records open on the sampling date: (table, start column, end column).
_CP_PLAN = ("ssd_cp_plans", "cppl_cp_plan_start_date", "cppl_cp_plan_end_date")
_CLA_EPISODE = ("ssd_cla_episodes", "clae_cla_episode_start_date", "clae_cla_episode_ceased_date")
_PLACEMENT = ("ssd_cla_placement", "clap_cla_placement_start_date", "clap_cla_placement_end_date")
_CIN_PLAN = ("ssd_cin_plans", "cinp_cin_plan_start_date", "cinp_cin_plan_end_date")
_REFERRAL = ("ssd_cin_episodes", "cine_referral_date", "cine_close_date")
_EARLY_HELP = ("ssd_early_help_episodes", "earl_episode_start_date", "earl_episode_end_date")
_PERSON_COLUMNS = ("pers_person_id", "pers_sex", "pers_ethnicity", "pers_dob")
_PLACEMENT_COLUMNS = (
    "clap_person_id",
    "clap_cla_placement_type",
    "clap_cla_placement_la",
    "clap_cla_placement_distance",
)


def _open(table: str, start: str, end: str, on: dt.date) -> sa.ColumnElement[bool]:
    return open_on_clause(CASE_TABLES[table], start, end, on)


def _family_sizes(conn: Connection, la_code: str) -> dict[str, int]:
    """Children in each family (``ssd_family``)."""
    fam = CASE_TABLES["ssd_family"]
    q = (
        sa.select(fam.c.fami_family_id, sa.func.count())
        .where(fam.c.la_code == la_code)
        .group_by(fam.c.fami_family_id)
    )
    return {str(k): int(n) for k, n in conn.execute(q)}


def recently_audited(db: Session, la_code: str, on: dt.date, months: int) -> set[str]:
    """Children whose audit was allocated in the ``months`` months before ``on``."""
    since = calendar.add_months(on, -months)
    start = dt.datetime.combine(since, dt.time(), tzinfo=dt.UTC)
    q = sa.select(Audit.person_id).where(Audit.la_code == la_code, Audit.allocated_at >= start)
    picked = sa.select(SamplePick.person_id).where(
        SamplePick.la_code == la_code,
        SamplePick.month >= since.strftime("%Y-%m"),
        SamplePick.month < on.strftime("%Y-%m"),
    )
    return set(db.scalars(q)) | set(db.scalars(picked))


def _describe(kind: str, value: str) -> str:
    if kind == "stage":
        value = _STAGE_WORDS.get(value, value)
    return _KIND_WORDS[kind].format(v=value)


def choose(
    cands: Sequence[Candidate],
    per_group: int,
    seed: int,
    r: Rules,
    deliberate: Mapping[str, str] | None = None,
) -> list[Pick]:
    """The greedy, seeded choice described in the module docstring (pure: no database)."""
    rng = random.Random(seed)
    # A fixed random rank per case: ties are broken the same way for the same seed.
    rank = {c.person_id: rng.random() for c in sorted(cands, key=lambda c: c.person_id)}
    by_team: dict[str, list[Candidate]] = defaultdict(list)
    for c in cands:
        by_team[c.team_id].append(c)
    covered: set[str] = set()
    picks: list[Pick] = []
    taken: set[str] = set()
    counts: dict[str, int] = defaultdict(int)

    def take(c: Candidate, reason: str, on_purpose: bool) -> None:
        picks.append(_pick(c, reason, on_purpose))
        covered.update(c.tags())
        taken.add(c.person_id)
        counts[c.team_id] += 1

    for pid, why in sorted((deliberate or {}).items()):
        found = next((x for x in cands if x.person_id == pid), None)
        if found is None:
            raise InvalidInput(
                f"case {pid!r} chosen on purpose has no open allocation on the sampling date"
            )
        take(found, f"Chosen on purpose: {why.strip()}", True)
    for _round in range(per_group):
        for team in sorted(by_team):
            if counts[team] >= per_group:
                continue
            pool = [c for c in by_team[team] if c.person_id not in taken]
            if not pool:
                continue
            best = max(pool, key=lambda c: (_gain(c, covered, r), rank[c.person_id]))
            take(best, _reason(best, covered, len(pool), seed), False)
    return picks


def _pick(c: Candidate, reason: str, deliberate: bool) -> Pick:
    return Pick(
        c.person_id,
        c.team_id,
        c.team_name,
        c.service_id,
        c.worker_professional_id,
        reason,
        c.tags(),
        deliberate,
    )


def _new_factors(c: Candidate, covered: set[str]) -> list[tuple[str, str]]:
    """The case's factors not yet in the month's sample."""
    return [(k, v) for (k, v), tag in zip(c.factors, c.tags(), strict=True) if tag not in covered]


def _gain(c: Candidate, covered: set[str], r: Rules) -> int:
    """The weight of what the case would add to the month's sample."""
    return sum(r.weights[k] for k, _v in _new_factors(c, covered))


def _reason(best: Candidate, covered: set[str], eligible: int, seed: int) -> str:
    """Why the case was chosen: the factors it brings, or the seeded draw when it brings none."""
    new = _new_factors(best, covered)
    stage = next(v for k, v in best.factors if k == "stage")
    if new:
        brought = "; ".join(_describe(k, v) for k, v in new)
        return (
            f"Practice group {best.team_name}: adds {brought} to the month's sample "
            "(ILACS framework (Ofsted 170040) para 150 selection factors, "
            "para 153 thresholds); tests the "
            f"{_STAGE_WORDS.get(stage, stage)} threshold; one of {eligible} eligible "
            "cases."
        )
    return (
        f"Practice group {best.team_name}: its factors were already in the month's "
        f"sample, so chosen at random (seed {seed}) from {eligible} eligible cases; "
        f"tests the {_STAGE_WORDS.get(stage, stage)} threshold."
    )


def sample_month(
    db: Session,
    la_code: str,
    month: str,
    *,
    per_group: int = 1,
    seed: int | None = None,
    deliberate: Mapping[str, str] | None = None,
    delegated_team_ids: Sequence[str] = (),
    store: bool = False,
    actor: Actor | None = None,
    now: dt.datetime | None = None,
) -> SampleResult:
    """Choose (and with ``store``, save) the month's sample. ``deliberate`` maps person ids
    chosen on purpose to the reason; they bypass the 12-month rule."""
    on = parse_month(month)
    if on > (now or clock.now()).date():
        raise InvalidInput(
            f"{month} has not begun: a sample is of cases open in a month that has started",
            "month",
        )
    if per_group < 1 or per_group > 20:
        raise InvalidInput(
            f"cases per practice group {per_group}: expected a number from 1 to 20", "per_group"
        )
    for pid, why in (deliberate or {}).items():
        if not why.strip():
            raise InvalidInput(f"case {pid!r} chosen on purpose needs a reason")
    if seed is not None and not 0 <= seed <= MAX_SEED:
        raise InvalidInput(f"seed {seed}: expected a whole number from 0 to {MAX_SEED}", "seed")
    r = rules()
    seed = default_seed(la_code, month) if seed is None else seed
    if store:
        # No actor: a system job (the CLI, run by someone with access to the database).
        if actor is not None:
            _require("allocate", actor)
        existing = db.scalar(
            sa.select(sa.func.count())
            .select_from(SamplePick)
            .where(SamplePick.la_code == la_code, SamplePick.month == month)
        )
        if existing:
            raise InvalidInput(
                f"{la_code} already has a sample for {month} ({existing} cases); a month is "
                "sampled once so its picks and reasons stand"
            )
    cands = candidates(db, la_code, on, r, delegated_team_ids)
    recent = recently_audited(db, la_code, on, r.not_again_within_months)
    chosen = set(deliberate or {})
    eligible = [c for c in cands if c.person_id not in recent or c.person_id in chosen]
    excluded = sorted(
        c.person_id for c in cands if c.person_id in recent and c.person_id not in chosen
    )
    all_teams = {c.team_id: c.team_name for c in cands}
    picks = choose(eligible, per_group, seed, r, deliberate)
    picked_teams = {p.team_id for p in picks}
    without = sorted(name for tid, name in all_teams.items() if tid not in picked_teams)
    result = SampleResult(la_code, month, seed, per_group, picks, excluded, without)
    if store:
        for p in picks:
            _store_pick(db, la_code, month, p, seed, actor, now)
        db.flush()
        result.stored = True
    return result


def _store_pick(
    db: Session,
    la_code: str,
    month: str,
    p: Pick,
    seed: int,
    actor: Actor | None,
    now: dt.datetime | None,
) -> SamplePick:
    row = SamplePick(
        la_code=la_code,
        id=new_id(),
        month=month,
        person_id=p.person_id,
        team_id=p.team_id,
        service_id=p.service_id,
        reason=p.reason,
        factors=json.dumps(p.factors),
        seed=seed,
        deliberate=p.deliberate,
        picked_at=now or clock.now(),
        picked_by=actor.user_id if actor else None,
    )
    db.add(row)
    return row


def add_on_purpose(
    db: Session,
    la_code: str,
    month: str,
    person_id: str,
    reason: str,
    actor: Actor,
    now: dt.datetime | None = None,
) -> SamplePick:
    """Add one case to a month's stored sample on purpose, with the reason (Southwark QA
    framework 2015, appendix 1 §2a: cases may be chosen for a theme or a concern as well as
    at random). The case must be one of the LA's children with an open allocation on the
    sampling date, not restricted and not already in the month's sample; the 12-month rule
    does not apply to a case chosen on purpose."""
    _require("allocate", actor)
    on = parse_month(month)
    person_id, reason = person_id.strip(), reason.strip()
    if not person_id:
        raise InvalidInput("enter the child's ID", "person_id")
    if not reason:
        raise InvalidInput("say why this case is chosen on purpose", "reason")
    if is_restricted(db, la_code, person_id):
        raise InvalidInput(f"{person_id!r} is not a case you can add to a sample", "person_id")
    if any(p.person_id == person_id for p in picks_for(db, la_code, month)):
        raise InvalidInput(f"{person_id!r} is already in the sample for {month}", "person_id")
    found = next((c for c in candidates(db, la_code, on) if c.person_id == person_id), None)
    if found is None:
        raise InvalidInput(
            f"{person_id!r} has no open allocation on the sampling date: only a child with an "
            "open, allocated case can be audited",
            "person_id",
        )
    seed = next((p.seed for p in picks_for(db, la_code, month)), default_seed(la_code, month))
    row = _store_pick(
        db, la_code, month, _pick(found, f"Chosen on purpose: {reason}", True), seed, actor, now
    )
    db.flush()
    return row


def picks_for(db: Session, la_code: str, month: str) -> list[SamplePick]:
    """The stored picks of a month."""
    return list(
        db.scalars(
            sa.select(SamplePick)
            .where(SamplePick.la_code == la_code, SamplePick.month == month)
            .order_by(SamplePick.team_id, SamplePick.person_id)
        )
    )
