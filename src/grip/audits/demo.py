"""A year of synthetic audits for the demo LA, in every state.

``grip demo`` calls :func:`seed_demo_audits` after the synthetic import: for each of the 12
months up to ``as_of`` it samples the month as the performance team would, allocates the picks,
and drives each audit through the lifecycle by the right roles, with dates in the past —
moderation for some, improvement actions in every status, a closed and an open safety concern,
an exemption, chases, IRO copies and head of service discussions. Everything is reproducible
from ``seed``. Synthetic only: never run against a real LA's data.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from grip import calendar
from grip.access.models import Membership, User
from grip.access.scope import Scope, scoped
from grip.audits import actions as ac
from grip.audits import lifecycle as lc
from grip.audits.models import Audit
from grip.audits.sampling import picks_for, sample_month
from grip.audits.templates import GRADES, load_template

ROLES_NEEDED = {
    "auditor": 3,
    "qa_lead": 1,
    "head_of_service": 1,
    "team_manager": 1,
    "social_worker": 1,
}
GRADE_WEIGHTS = {"outstanding": 1, "good": 5, "requires_improvement": 4, "inadequate": 1}
ORDER = list(GRADES)


@dataclass
class DemoSummary:
    """What the seeder made."""

    la_code: str
    audits: int = 0
    by_state: dict[str, int] = field(default_factory=dict)
    actions: int = 0
    safety_concerns: int = 0
    moderated: int = 0
    users_created: list[str] = field(default_factory=list)


def _users(engine: Engine, la_code: str, made: list[str]) -> dict[str, list[lc.As]]:
    """The LA's users by role, creating synthetic ones where a role has too few. Created users
    get a random password nobody is told and must change it: they exist only as names on the
    demo audits."""
    from grip.access.users import create_user

    with scoped(engine, Scope(la_code)) as db:
        rows = db.execute(
            select(Membership.user_id, Membership.role).where(Membership.authority_code == la_code)
        ).all()
        have: dict[str, list[lc.As]] = {}
        for uid, role in sorted(rows):
            have.setdefault(role, []).append(lc.As(uid, role))
        for role, n in ROLES_NEEDED.items():
            while len(have.get(role, [])) < n:
                k = len(have.get(role, [])) + 1
                name = f"demo-audits-{role.replace('_', '-')}-{k}-{la_code.lower()}"
                existing = db.scalar(select(User).where(User.username == name))
                if existing is None:
                    create_user(
                        db,
                        name,
                        f"Demo {role.replace('_', ' ')} {k}",
                        la_code=la_code,
                        role=role,
                        password=None,
                    )
                    made.append(name)
                    existing = db.scalar(select(User).where(User.username == name))
                assert existing is not None
                have.setdefault(role, []).append(lc.As(existing.id, role))
    return have


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=dt.UTC)


def _grade(rng: random.Random) -> str:
    return rng.choices(list(GRADE_WEIGHTS), weights=list(GRADE_WEIGHTS.values()))[0]


def _fill(
    db: Session, audit: Audit, auditor: lc.As, grade: str, rng: random.Random, when: dt.datetime
) -> None:
    t = load_template(audit.template_id)
    answers: dict[str, tuple[str | None, str | None]] = {}
    for k in t.question_keys():
        a = rng.choices(["yes", "partly", "no", "not_applicable"], weights=[5, 3, 2, 1])[0]
        answers[k] = (
            a,
            None if a == "not_applicable" else f"Synthetic evidence for {k.split('.')[-1]}",
        )
    grades: dict[str, tuple[str | None, str | None]] = {}
    for s in t.section_ids():
        i = max(0, min(3, ORDER.index(grade) + rng.choice([-1, 0, 0, 1])))
        grades[s] = (ORDER[i], f"Synthetic reasons for the {s.replace('-', ' ')} grade")
    grades[lc.OVERALL] = (grade, "Synthetic overall reasons: best fit across the sections")
    lc.save_form(
        db, audit, auditor, audit.version, lc.FormInput(answers=answers, grades=grades), now=when
    )


@dataclass(frozen=True)
class _Cast:
    """The people who act on the demo audits."""

    qa: lc.As
    hos: lc.As
    auditors: list[lc.As]
    worker: lc.As
    manager: lc.As


def seed_demo_audits(engine: Engine, la_code: str, as_of: dt.date, seed: int = 1) -> DemoSummary:
    """Create a year of audits for ``la_code`` up to ``as_of`` (synthetic demo LA only).

    Does nothing (and says so in the summary) when the LA already has audits.
    """
    rng = random.Random(seed)
    summary = DemoSummary(la_code)
    with scoped(engine, Scope(la_code)) as db:
        if db.scalar(select(func.count()).select_from(Audit).where(Audit.la_code == la_code)):
            return summary
    people = _users(engine, la_code, summary.users_created)
    cast = _Cast(
        qa=people["qa_lead"][0],
        hos=people["head_of_service"][0],
        auditors=people["auditor"],
        worker=people["social_worker"][0],
        manager=people["team_manager"][0],
    )
    this_month = as_of.replace(day=1)
    unseen = ["family_feedback", "submitted", "reflection", "in_progress", "allocated"]
    # Driven through the lifecycle's public functions, as a person would: ids are random and
    # every step is in the audit trail, like real use.
    for back in range(11, -1, -1):
        month_start = calendar.add_months(this_month, -back)
        with scoped(engine, Scope(la_code)) as db:
            drive = _Driver(db, rng, back, as_of, cast, summary)
            summary.audits += _audit_month(db, la_code, month_start, seed, drive, unseen)
    with scoped(engine, Scope(la_code)) as db:
        for state, n in db.execute(
            select(Audit.state, func.count()).where(Audit.la_code == la_code).group_by(Audit.state)
        ):
            summary.by_state[state] = int(n)
        summary.audits = sum(summary.by_state.values())
    return summary


def _audit_month(
    db: Session,
    la_code: str,
    month_start: dt.date,
    seed: int,
    drive: _Driver,
    unseen: list[str],
) -> int:
    """Sample the month, allocate its picks and drive each audit; the number of picks."""
    back, as_of, cast = drive.back, drive.as_of, drive.cast
    month = month_start.strftime("%Y-%m")
    # Two cases per group in the last two months, so the open states all show.
    res = sample_month(
        db,
        la_code,
        month,
        per_group=2 if back <= 1 else 1,
        seed=seed + back,
        store=True,
        now=_at(month_start, 8),
    )
    for i, pick in enumerate(picks_for(db, la_code, month)):
        start = calendar.add_working_days(calendar.working_day_on_or_after(month_start), 1)
        if _at(start) > _at(as_of, 18):
            break
        auditor = cast.auditors[i % len(cast.auditors)]
        template = "thematic-2015" if i % 7 == 3 else "single-case-2015"
        audit = lc.allocate(
            db,
            la_code=la_code,
            person_id=pick.person_id,
            auditor_id=auditor.user_id,
            actor=cast.qa,
            month=month,
            template_id=template,
            theme="Missing from home and exploitation" if template == "thematic-2015" else None,
            team_id=pick.team_id,
            service_id=pick.service_id,
            pick_id=pick.id,
            worker_user_id=cast.worker.user_id if i % 3 == 0 else None,
            now=_at(start, 9),
        )
        drive.audit(audit, i, unseen)
    return len(res.picks)


class _Driver:
    """Takes each audit of a month as far as its age allows: the older the month, the further
    it got. One random stream drives every choice, so a seed repeats the whole year."""

    def __init__(
        self,
        db: Session,
        rng: random.Random,
        back: int,
        as_of: dt.date,
        cast: _Cast,
        summary: DemoSummary,
    ) -> None:
        self.db, self.rng, self.back, self.as_of = db, rng, back, as_of
        self.cast, self.summary = cast, summary
        self.day = as_of

    def step(self, days: int) -> dt.datetime:
        """Move the audit's clock on ``days`` (never past ``as_of``), at a random hour."""
        self.day = min(self.day + dt.timedelta(days=days), self.as_of)
        return _at(self.day, 10 + self.rng.randint(0, 6))

    def target(self, i: int, unseen: list[str]) -> str:
        """How far the ``i``th audit of the month gets: this month mostly early states; last
        month mid-way; older mostly done."""
        back = self.back
        if back <= 1 and unseen:
            # The last two months' first picks take every open state once, so even a small LA
            # shows the whole lifecycle; later picks follow the usual pattern.
            return unseen.pop(0)
        if back == 0:
            return ["allocated", "in_progress", "in_progress", "reflection"][i % 4]
        if back == 1:
            return ["family_feedback", "submitted", "reflection", "in_progress", "submitted"][i % 5]
        if back == 2 and i % 4 == 1:
            return "submitted"
        return "closed" if i % 6 else "moderated"

    def audit(self, audit: Audit, i: int, unseen: list[str]) -> None:
        """Drive one audit to its target state, by the right roles and with past dates."""
        db, cast, back, as_of = self.db, self.cast, self.back, self.as_of
        auditor = cast.auditors[i % len(cast.auditors)]
        moderator = cast.auditors[(i + 1) % len(cast.auditors)]
        self.day = (
            audit.allocated_at.date() if isinstance(audit.allocated_at, dt.datetime) else as_of
        )
        target = self.target(i, unseen)
        # Overdue: the head of service exempted one (annual leave); the QA lead chased another.
        if back == 1 and i % 5 == 3 and i % 2:
            lc.exempt(
                db,
                audit,
                cast.hos,
                "Auditor on annual leave",
                until=as_of + dt.timedelta(days=14),
                now=self.step(1),
            )
        grade = _grade(self.rng)
        if target == "allocated":
            return
        lc.transition(db, audit, "start", auditor, audit.version, now=self.step(2))
        _fill(db, audit, auditor, grade, self.rng, self.step(3))
        self.actions(audit, auditor)
        if (back == 5 and i == 0) or (back == 0 and i == 1):
            self.safety_concern(audit, auditor)
        if target == "in_progress":
            if back == 1 and audit.exempt_at is None and lc.is_overdue(audit, as_of):
                lc.chase(db, audit, cast.qa, now=_at(as_of, 9))
            return
        self.reflection(audit, auditor)
        if target == "reflection":
            return
        self.family_feedback(audit, auditor, i)
        if target == "family_feedback":
            return
        self.submit(audit, auditor, i)
        if target == "submitted":
            return
        if target == "moderated" or i % 3 == 0:
            self.moderate(audit, moderator, i, close=target == "closed")
        else:
            lc.transition(
                db,
                audit,
                "close_unmoderated",
                cast.qa,
                audit.version,
                note="Not sampled for moderation",
                now=self.step(3),
            )

    def actions(self, audit: Audit, auditor: lc.As) -> None:
        """One to three improvement actions; in older months some done or under way."""
        back, day = self.back, self.day
        for k in range(self.rng.randint(1, 3)):
            action = ac.add_action(
                self.db,
                audit,
                auditor,
                description=[
                    "Update the chronology and genogram",
                    "Hold a review within timescale",
                    "Record the child's wishes and feelings after each visit",
                ][k],
                owner=["Allocated social worker", "Team manager", "Allocated social worker"][k],
                due_date=day + dt.timedelta(days=30 + 15 * k),
                now=_at(day),
            )
            self.summary.actions += 1
            if back >= 3 or (back == 2 and k == 0):
                done = back >= 4 or k == 0
                ac.update_action(
                    self.db,
                    action,
                    auditor,
                    action.version,
                    status="done" if done else "in_progress",
                    evidence="Seen on the case record at the QA lead's check" if done else None,
                    completed_on=min(day + dt.timedelta(days=20), self.as_of) if done else None,
                    now=_at(day),
                )

    def safety_concern(self, audit: Audit, auditor: lc.As) -> None:
        """A safety concern raised by the auditor; closed by the manager in an older month."""
        told = self.step(0)
        concern = ac.raise_safety_concern(
            self.db,
            audit,
            auditor,
            concern="Synthetic: new injury recorded with no strategy discussion on file",
            director_told_at=told,
            others=[ac.Told("Team manager", told, "in_person")],
            now=told,
        )
        self.summary.safety_concerns += 1
        if self.back == 5:
            ac.close_safety_concern(
                self.db,
                concern,
                self.cast.manager,
                "Strategy discussion held the same day; child seen and safe",
                now=self.step(1),
            )

    def reflection(self, audit: Audit, auditor: lc.As) -> None:
        """Reflection with the worker (or the auditor where no worker was named)."""
        db, worker = self.db, self.cast.worker
        lc.transition(db, audit, "request_reflection", auditor, audit.version, now=self.step(1))
        t = load_template(audit.template_id)
        reflector = worker if audit.worker_user_id == worker.user_id else auditor
        lc.save_form(
            db,
            audit,
            reflector,
            audit.version,
            lc.FormInput(
                reflection={q.id: "Synthetic reflection" for q in t.reflection.questions},
                reflection_discussed_on=self.step(3).date(),
            ),
            now=_at(self.day),
        )

    def family_feedback(self, audit: Audit, auditor: lc.As, i: int) -> None:
        """The family's view, or why it could not be obtained."""
        db, rng = self.db, self.rng
        lc.transition(db, audit, "record_family_feedback", auditor, audit.version, now=self.step(1))
        t = load_template(audit.template_id)
        if i % 4 == 2:
            form = lc.FormInput(
                family_not_obtained_reason="Synthetic: three calls unanswered; letter sent"
            )
        else:
            form = lc.FormInput(
                family={
                    q.id: (
                        rng.choice(["yes", "yes", "partly", "no"]) if q.scale else None,
                        "Synthetic comment",
                    )
                    for q in t.family.questions
                },
                family_contacted_on=self.step(2).date(),
                family_respondent=rng.choice(["mother", "father", "carer"]),
                family_method="phone",
            )
        lc.save_form(db, audit, auditor, audit.version, form, now=_at(self.day))

    def submit(self, audit: Audit, auditor: lc.As, i: int) -> None:
        """Submitted; in older months the IRO copy sent and the head of service's discussion."""
        db = self.db
        lc.transition(db, audit, "submit", auditor, audit.version, now=self.step(2))
        if self.back >= 2:
            lc.record_iro_copy(
                db,
                audit,
                auditor,
                "IRO" if i % 2 else "CP chair",
                self.step(1).date(),
                now=_at(self.day),
            )
            if i % 3 == 0:
                lc.record_hos_discussion(
                    db,
                    audit,
                    self.cast.hos,
                    self.step(20).date(),
                    "Discussed with the worker and manager",
                    now=_at(self.day),
                )

    def moderate(self, audit: Audit, moderator: lc.As, i: int, *, close: bool) -> None:
        """Moderated (self-audits run generous: sometimes a grade lower), then maybe closed."""
        db, qa = self.db, self.cast.qa
        lc.appoint_moderator(
            db,
            audit,
            qa,
            moderator.user_id,
            # A second auditor: the demo's moderators are auditors, and an inspector moderates
            # only as an inspector (the assignee check refuses anyone else; it first showed at
            # 60,000 children, the first size with a fifth case in a month).
            "second_auditor",
            now=self.step(1),
        )
        g = audit.overall_grade or "good"
        idx = ORDER.index(g)
        mgrade = ORDER[min(3, idx + 1)] if self.rng.random() < 0.3 else g
        t = load_template(audit.template_id)
        grades: dict[str, tuple[str | None, str | None]] = {
            s: (mgrade, "Synthetic moderator reasons") for s in t.section_ids()
        }
        grades[lc.OVERALL] = (mgrade, "Synthetic moderator overall reasons")
        lc.save_moderation(db, audit, moderator, audit.version, grades, now=self.step(2))
        lc.transition(db, audit, "complete_moderation", moderator, audit.version, now=_at(self.day))
        self.summary.moderated += 1
        if close:
            lc.transition(db, audit, "close", qa, audit.version, now=self.step(3))
