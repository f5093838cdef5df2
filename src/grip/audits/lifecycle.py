"""The audit lifecycle: allocate, answer (with optimistic locking), move through the states,
moderate blind, exempt, chase.

allocated → in progress → reflection with the worker → family feedback → submitted →
moderated → closed (Southwark QA framework 2015, §3 and Appendix 1 §2; the transition × role table
is data in ``lifecycle.yaml``). Every function takes the acting user (anything with ``user_id`` and
``role``, such as a :class:`grip.access.principal.Principal`) and refuses what their role may not
do with :class:`NotAllowed`, whatever the web routes already checked.

Optimistic locking: every save names the audit version the editor loaded. If the
audit has moved on since, :class:`StaleVersion` is raised with who saved last and when, and
nothing is written; SQLAlchemy's ``version_id_col`` also catches a save racing between our
check and the write.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Protocol

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified
from sqlalchemy.orm.exc import StaleDataError

from grip import calendar
from grip.access import audit as trail
from grip.access import clock, users
from grip.access.roles import INSPECTOR, policy
from grip.audits.models import Audit, AuditAnswer, AuditGrade, AuditHistory, Moderation
from grip.audits.rules import lifecycle
from grip.audits.templates import AGREEMENT, ANSWERS, GRADES, Template, load_template
from grip.formats import date_time

OVERALL = "_overall"
#: Who graded: the auditor, or the moderator (blind second grading).
GRADERS = ("auditor", "moderator")
MODERATOR_KINDS = {"second_auditor": "Second auditor", "inspector": "Inspector (mock inspection)"}
FAMILY_METHODS = {"phone": "Telephone", "in_person": "In person", "video": "Video call"}
#: States in which each part of the form may be edited.
EDITABLE = {
    "questions": frozenset({"in_progress", "reflection", "family_feedback"}),
    "reflection": frozenset({"reflection", "family_feedback"}),
    "family": frozenset({"family_feedback"}),
}
#: Working days an auditor has to complete an allocated audit, by default.
DEFAULT_DUE_WORKING_DAYS = 20


def new_id() -> str:
    """A new row id (random)."""
    return uuid.uuid4().hex


class Actor(Protocol):
    """Who is acting: a user id and their role in the audit's LA."""

    @property
    def user_id(self) -> int: ...

    @property
    def role(self) -> str: ...


@dataclass(frozen=True)
class As:
    """A simple :class:`Actor` for the CLI, tests and the demo seeder."""

    user_id: int
    role: str


class AuditError(ValueError):
    """Base of the lifecycle errors."""


class NotAllowed(AuditError):
    """The actor's role (or their relation to the audit) does not allow this."""


class InvalidTransition(AuditError):
    """The audit is not in a state the transition leaves."""


class Incomplete(AuditError):
    """The audit lacks what the next step needs; ``problems`` lists each gap."""

    def __init__(self, message: str, problems: list[str]) -> None:
        super().__init__(message + ": " + "; ".join(problems))
        self.problems = problems


class InvalidInput(AuditError):
    """A value is not one of those expected; the message names the field and the choices.
    ``field``, when known, is the form field at fault (the page links its error to it)."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


def within(text: str, limit: int, label: str, field: str | None = None) -> str:
    """``text`` trimmed, or :class:`InvalidInput` when it is longer than ``limit`` characters:
    what was typed is never cut short without saying."""
    text = text.strip()
    if len(text) > limit:
        raise InvalidInput(
            f"{label} must be {limit} characters or fewer – you entered {len(text)}", field
        )
    return text


#: The permission each job needs (the person given it must be able to open its pages), or,
#: for an inspector moderating in a mock inspection, the role.
JOBS = {
    "auditor": "audits:write",
    "worker": "audits:reflect",
    "moderator": "audits:moderate",
    "inspector": INSPECTOR,
}


def job_roles(job: str) -> frozenset[str]:
    """The roles whose holders may be given ``job`` (``JOBS``)."""
    need = JOBS[job]
    return frozenset({need}) if need in policy().roles else policy().roles_for(need)


def check_person(db: Session, la_code: str, user_id: int, job: str, field: str) -> None:
    """Raise :class:`InvalidInput` (linked to ``field``) unless ``user_id`` is someone of
    ``la_code`` whose role fits ``job``: see :func:`grip.access.users.check_assignee`."""
    try:
        users.check_assignee(db, la_code, user_id, job_roles(job), field=field, job=job)
    except users.NotEligible as exc:
        raise InvalidInput(str(exc), field) from None


class NotFound(AuditError):
    """No such audit in this LA (or one the actor may not see)."""


class StaleVersion(AuditError):
    """The audit changed since the editor loaded it; nothing was saved."""

    def __init__(
        self, audit_id: str, loaded: int, current: int, by: int | None, at: dt.datetime | None
    ) -> None:
        when = date_time(at) if at else "recently"
        super().__init__(
            f"This audit was changed by someone else ({'user ' + str(by) if by else 'another user'}"
            f", {when}) after you opened it: you loaded version {loaded}, it is now version "
            f"{current}. Nothing you sent was saved. Open the audit again to see their changes, "
            "then make yours."
        )
        self.audit_id = audit_id
        self.loaded = loaded
        self.current = current
        self.by = by
        self.at = at


# --- helpers -------------------------------------------------------------------------------


def get_audit(db: Session, la_code: str, audit_id: str) -> Audit:
    """The audit, or :class:`NotFound` (also for audits the session's scope hides)."""
    found = db.scalar(select(Audit).where(Audit.la_code == la_code, Audit.id == audit_id))
    if found is None:
        raise NotFound(f"no audit {audit_id!r} in {la_code}")
    return found


def _history(
    db: Session,
    audit: Audit,
    actor: Actor | None,
    event: str,
    now: dt.datetime,
    *,
    from_state: str | None = None,
    to_state: str | None = None,
    note: str | None = None,
) -> None:
    seq = db.scalar(
        select(func.coalesce(func.max(AuditHistory.seq), 0)).where(
            AuditHistory.la_code == audit.la_code, AuditHistory.audit_id == audit.id
        )
    )
    db.add(
        AuditHistory(
            la_code=audit.la_code,
            id=new_id(),
            audit_id=audit.id,
            seq=int(seq or 0) + 1,
            at=now,
            user_id=actor.user_id if actor else None,
            role=actor.role if actor else None,
            event=event,
            from_state=from_state,
            to_state=to_state,
            note=note,
        )
    )
    trail.record_event(
        db,
        action=f"audit.{event}"[:60],
        actor=trail.Actor(user_id=actor.user_id) if actor else None,
        la_code=audit.la_code,
        object_type="audit",
        object_id=audit.id,
        # In words: the trail is read by people (an LA admin), not only by Grip.
        detail=f"{_words(from_state)} to {_words(to_state)}" if to_state else None,
    )


def _words(state: str | None) -> str:
    """An audit state in words ("In progress"); "none" before the first state."""
    return lifecycle().states.get(state, state) if state else "none"


def _touch(audit: Audit, actor: Actor | None, now: dt.datetime) -> None:
    audit.updated_at = now
    audit.updated_by = actor.user_id if actor else None
    # Always an UPDATE, so the version moves on even when only child rows (answers) changed
    # and the timestamp happens to be equal (a frozen clock, or two saves in one microsecond).
    flag_modified(audit, "updated_at")


def check_version(audit: Audit, expected_version: int | None) -> None:
    """Refuse a save made from an older version of the audit."""
    if expected_version is not None and expected_version != audit.version:
        raise StaleVersion(
            audit.id, expected_version, audit.version, audit.updated_by, audit.updated_at
        )


def flush_or_stale(db: Session, audit: Audit, expected_version: int | None) -> None:
    """Flush, turning a lost race on the version column into :class:`StaleVersion`."""
    try:
        db.flush()
    except StaleDataError:
        db.rollback()
        raise StaleVersion(
            audit.id, expected_version or 0, (expected_version or 0) + 1, None, None
        ) from None


def allowed(action: str, actor: Actor) -> bool:
    """Whether ``actor``'s role may take ``action`` (a key of ``actions`` in the data)."""
    return actor.role in lifecycle().action_roles(action)


def _require(action: str, actor: Actor) -> None:
    if not allowed(action, actor):
        roles = ", ".join(sorted(lifecycle().action_roles(action)))
        raise NotAllowed(f"a {actor.role} may not {action.replace('_', ' ')}; only: {roles}")


def moderation_of(db: Session, audit: Audit) -> Moderation | None:
    """The audit's moderation, if one has been appointed."""
    return db.get(Moderation, {"la_code": audit.la_code, "audit_id": audit.id})


def can_transition(db: Session, audit: Audit, name: str, actor: Actor) -> bool:
    """Whether ``actor`` may make transition ``name`` on ``audit`` now (state and role)."""
    t = lifecycle().transition(name)
    if audit.state not in t.from_states:
        return False
    if actor.role in t.roles:
        return True
    if actor.role not in t.assigned:
        return False
    if name == "complete_moderation":
        mod = moderation_of(db, audit)
        return mod is not None and mod.moderator_id == actor.user_id
    return audit.auditor_id == actor.user_id


def available_transitions(db: Session, audit: Audit, actor: Actor) -> list[str]:
    """The transitions ``actor`` may make on ``audit`` now."""
    return [
        t.name
        for t in lifecycle().from_state(audit.state)
        if can_transition(db, audit, t.name, actor)
    ]


# --- allocation ------------------------------------------------------------------------------


def _check_not_allocated(db: Session, la_code: str, pick_id: str, person_id: str) -> None:
    """A case chosen in a month's sample is audited once: a second allocation of the same
    pick (a form sent twice, two people at once, a page left open) is refused."""
    taken = db.scalar(
        select(Audit.id).where(Audit.la_code == la_code, Audit.pick_id == pick_id).limit(1)
    )
    if taken is not None:
        raise InvalidInput(f"{person_id} is already allocated for audit", "pick_id")


def allocate(
    db: Session,
    *,
    la_code: str,
    person_id: str,
    auditor_id: int,
    actor: Actor,
    month: str,
    template_id: str = "single-case-2015",
    theme: str | None = None,
    due_date: dt.date | None = None,
    team_id: str | None = None,
    service_id: str | None = None,
    pick_id: str | None = None,
    worker_professional_id: str | None = None,
    worker_user_id: int | None = None,
    now: dt.datetime | None = None,
) -> Audit:
    """Allocate an audit of ``person_id``'s case to an auditor (Southwark QA framework 2015,
    appendix 1 §2a).

    The audit covers the 12 months before allocation (§2b; the template's ``period_months``);
    the due date defaults to 20 working days on.
    """
    _require("allocate", actor)
    now = now or clock.now()
    try:
        template = load_template(template_id)
    except KeyError as exc:
        raise InvalidInput(f"template: {exc.args[0]}", "template_id") from None
    if template.theme_required and not (theme or "").strip():
        raise InvalidInput(f"template {template_id} needs a theme (what the deep dive is about)")
    check_person(db, la_code, auditor_id, "auditor", "auditor_id")
    if pick_id is not None:
        _check_not_allocated(db, la_code, pick_id, person_id)
    if worker_user_id is not None:
        check_person(db, la_code, worker_user_id, "worker", "worker_user_id")
    if auditor_id == worker_user_id:
        raise InvalidInput("the auditor cannot audit their own case", "auditor_id")
    today = now.date()
    audit = Audit(
        la_code=la_code,
        id=new_id(),
        template_id=template.id,
        template_version=template.version,
        theme=within(theme or template.title, 200, "the theme", "theme"),
        person_id=person_id,
        team_id=team_id,
        service_id=service_id,
        month=month,
        pick_id=pick_id,
        state="allocated",
        auditor_id=auditor_id,
        worker_professional_id=worker_professional_id,
        worker_user_id=worker_user_id,
        allocated_by=actor.user_id,
        allocated_at=now,
        due_date=due_date or calendar.add_working_days(today, DEFAULT_DUE_WORKING_DAYS),
        period_start=calendar.add_months(today, -template.period_months),
        period_end=today,
        chase_count=0,
        updated_at=now,
        updated_by=actor.user_id,
    )
    db.add(audit)
    db.flush()
    _history(db, audit, actor, "allocated", now, to_state="allocated")
    return audit


# --- the form ----------------------------------------------------------------------------------


@dataclass
class FormInput:
    """What one save of the form carries. Only the parts present are changed."""

    answers: dict[str, tuple[str | None, str | None]] = field(default_factory=dict)
    """``{"<section>.<question>": (answer, evidence)}``"""
    grades: dict[str, tuple[str | None, str | None]] = field(default_factory=dict)
    """``{section_id or "_overall": (grade, reason)}``"""
    reflection: dict[str, str | None] = field(default_factory=dict)
    family: dict[str, tuple[str | None, str | None]] = field(default_factory=dict)
    """``{question_id: (scale answer or None, text)}``"""
    reflection_discussed_on: dt.date | None = None
    family_contacted_on: dt.date | None = None
    family_respondent: str | None = None
    family_method: str | None = None
    family_not_obtained_reason: str | None = None

    def touches(self) -> set[str]:
        """Which parts of the form this save changes."""
        parts = set()
        if self.answers or self.grades:
            parts.add("questions")
        if self.reflection or self.reflection_discussed_on:
            parts.add("reflection")
        if (
            self.family
            or self.family_contacted_on
            or self.family_respondent
            or self.family_method
            or self.family_not_obtained_reason
        ):
            parts.add("family")
        return parts


def _clean(text: str | None) -> str | None:
    if text is None:
        return None
    text = text.strip()
    return text or None


def _put_answer(db: Session, audit: Audit, item: str, answer: str | None, text: str | None) -> None:
    row = db.get(AuditAnswer, {"la_code": audit.la_code, "audit_id": audit.id, "item": item})
    if row is None:
        row = AuditAnswer(la_code=audit.la_code, audit_id=audit.id, item=item)
        db.add(row)
    row.answer = answer
    row.text = _clean(text)


def _put_grade(
    db: Session, audit: Audit, grader: str, section: str, grade: str | None, reason: str | None
) -> None:
    key = {"la_code": audit.la_code, "audit_id": audit.id, "grader": grader, "section_id": section}
    row = db.get(AuditGrade, key)
    if row is None:
        row = AuditGrade(**key)
        db.add(row)
    row.grade = grade
    row.reason = _clean(reason)


def _check_choice(value: str | None, choices: Mapping[str, str], what: str) -> str | None:
    if value in (None, ""):
        return None
    if value not in choices:
        raise InvalidInput(f"{what}: {value!r} is not one of {', '.join(choices)}")
    return value


def save_form(
    db: Session,
    audit: Audit,
    actor: Actor,
    expected_version: int | None,
    data: FormInput,
    now: dt.datetime | None = None,
) -> Audit:
    """Save part of the audit form (save as you go), refusing a stale version.

    The auditor edits the questions and grades while the audit is in progress, in reflection or
    in family feedback; the worker (or the auditor) the reflection sheet in reflection and
    family feedback; the auditor the family questionnaire in family feedback.
    """
    now = now or clock.now()
    check_version(audit, expected_version)
    template = load_template(audit.template_id)
    parts = data.touches()
    _check_may_edit(audit, actor, parts)
    answers = _answer_rows(template, data)
    grades = _grade_rows(template, data)
    _put_audit_fields(audit, data, grades)
    if parts:
        _touch(audit, actor, now)
    # Claim the audit before writing its answers: a save racing from the same version waits on
    # this UPDATE and is then refused as stale, rather than colliding on an answer's row.
    flush_or_stale(db, audit, expected_version)
    for item, answer, text in answers:
        _put_answer(db, audit, item, answer, text)
    for section, grade, reason in grades:
        _put_grade(db, audit, "auditor", section, grade, reason)
    db.flush()
    return audit


def _check_may_edit(audit: Audit, actor: Actor, parts: set[str]) -> None:
    is_auditor = actor.user_id == audit.auditor_id
    is_worker = audit.worker_user_id is not None and actor.user_id == audit.worker_user_id
    for part in sorted(parts):
        if audit.state not in EDITABLE[part]:
            states = ", ".join(sorted(_words(s).lower() for s in EDITABLE[part]))
            raise InvalidTransition(
                f"the {part} part of this audit cannot be changed while it is "
                f"{lifecycle().states[audit.state].lower()} (only when {states})"
            )
        if part == "reflection":
            if not (is_auditor or is_worker) or not allowed("reflect", actor):
                raise NotAllowed(
                    "only the audit's auditor or the allocated worker may write the "
                    "reflection sheet"
                )
        elif not is_auditor:
            raise NotAllowed("only the audit's auditor may change its answers and grades")


def _answer_rows(template: Template, data: FormInput) -> list[tuple[str, str | None, str | None]]:
    """The answer rows this save writes, as (item, answer, text), each checked."""
    rows: list[tuple[str, str | None, str | None]] = []
    keys = set(template.question_keys())
    for key, (answer, evidence) in data.answers.items():
        if key not in keys:
            raise InvalidInput(f"question {key!r} is not on template {template.id}")
        rows.append((f"q:{key}", _check_choice(answer, ANSWERS, f"answer to {key}"), evidence))
    reflection_ids = {q.id for q in template.reflection.questions}
    for qid, text in data.reflection.items():
        if qid not in reflection_ids:
            raise InvalidInput(f"reflection question {qid!r} is not on template {template.id}")
        rows.append((f"reflection:{qid}", None, text))
    family_qs = {q.id: q for q in template.family.questions}
    for qid, (answer, text) in data.family.items():
        if qid not in family_qs:
            raise InvalidInput(f"family question {qid!r} is not on template {template.id}")
        scale = family_qs[qid].scale
        a = _check_choice(answer, AGREEMENT, f"family answer to {qid}") if scale else None
        rows.append((f"family:{qid}", a, text))
    return rows


def _grade_rows(template: Template, data: FormInput) -> list[tuple[str, str | None, str | None]]:
    """The auditor's grades this save writes, as (section, grade, reason), each checked."""
    sections = set(template.section_ids()) | {OVERALL}
    rows: list[tuple[str, str | None, str | None]] = []
    for section, (grade, reason) in data.grades.items():
        if section not in sections:
            raise InvalidInput(f"section {section!r} is not on template {template.id}")
        rows.append((section, _check_choice(grade, GRADES, f"grade for {section}"), reason))
    return rows


def _put_audit_fields(
    audit: Audit, data: FormInput, grades: list[tuple[str, str | None, str | None]]
) -> None:
    for section, grade, reason in grades:
        if section == OVERALL:
            audit.overall_grade = grade
            audit.overall_reason = _clean(reason)
    if data.reflection_discussed_on is not None:
        audit.reflection_discussed_on = data.reflection_discussed_on
    if data.family_contacted_on is not None:
        audit.family_contacted_on = data.family_contacted_on
    if data.family_respondent is not None:
        audit.family_respondent = _clean(data.family_respondent)
    if data.family_method is not None:
        audit.family_method = _check_choice(data.family_method, FAMILY_METHODS, "contact method")
    if data.family_not_obtained_reason is not None:
        audit.family_not_obtained_reason = _clean(data.family_not_obtained_reason)


def answers_of(db: Session, audit: Audit) -> dict[str, AuditAnswer]:
    """Every answer on the audit, by item key (``q:…``, ``reflection:…``, ``family:…``)."""
    rows = db.scalars(
        select(AuditAnswer).where(
            AuditAnswer.la_code == audit.la_code, AuditAnswer.audit_id == audit.id
        )
    )
    return {r.item: r for r in rows}


def grades_of(db: Session, audit: Audit, grader: str) -> dict[str, AuditGrade]:
    """The grades given by ``grader`` (auditor or moderator), by section id."""
    rows = db.scalars(
        select(AuditGrade).where(
            AuditGrade.la_code == audit.la_code,
            AuditGrade.audit_id == audit.id,
            AuditGrade.grader == grader,
        )
    )
    return {r.section_id: r for r in rows}


# --- checks before each step -------------------------------------------------------------------


def _gaps_questions(
    template: Template, answers: Mapping[str, AuditAnswer], grades: Mapping[str, AuditGrade]
) -> list[str]:
    gaps = []
    for s in template.sections:
        for q in s.questions:
            a = answers.get(f"q:{s.id}.{q.id}")
            if a is None or a.answer is None:
                gaps.append(f"{s.title}: answer '{q.text}'")
            elif a.answer != "not_applicable" and not a.text:
                gaps.append(f"{s.title}: give the evidence for '{q.text}'")
        g = grades.get(s.id)
        if g is None or g.grade is None:
            gaps.append(f"{s.title}: grade the section")
        elif not g.reason:
            gaps.append(f"{s.title}: give the reasons for the grade")
    return gaps


def _gaps_overall(grades: Mapping[str, AuditGrade]) -> list[str]:
    g = grades.get(OVERALL)
    if g is None or g.grade is None:
        return ["grade the audit as a whole"]
    if not g.reason:
        return [
            "give the reasons for the overall grade (Southwark QA framework 2015, appendix 1 §4)"
        ]
    return []


def gaps_for(db: Session, audit: Audit, name: str) -> list[str]:
    """What the audit lacks before transition ``name`` may be made (empty when ready)."""
    template = load_template(audit.template_id)
    answers = answers_of(db, audit)
    gaps: list[str] = []
    if name == "request_reflection":
        gaps += _gaps_questions(template, answers, grades_of(db, audit, "auditor"))
    elif name == "record_family_feedback":
        for q in template.reflection.questions:
            a = answers.get(f"reflection:{q.id}")
            if a is None or not a.text:
                gaps.append(f"reflection sheet: answer '{q.text}'")
        if audit.reflection_discussed_on is None:
            gaps.append("record the date the reflection was discussed with the worker (§2c)")
    elif name == "submit":
        gaps += _gaps_questions(template, answers, grades_of(db, audit, "auditor"))
        if not audit.family_not_obtained_reason:
            for q in template.family.questions:
                a = answers.get(f"family:{q.id}")
                if q.scale and (a is None or a.answer is None):
                    gaps.append(f"family questionnaire: answer '{q.text}'")
            if audit.family_contacted_on is None:
                gaps.append("record the date the family was contacted (§2d)")
            if not audit.family_respondent:
                gaps.append("record who in the family answered (a relationship, not a name)")
            if not audit.family_method:
                gaps.append("record how the family was contacted")
        gaps += _gaps_overall(grades_of(db, audit, "auditor"))
    elif name == "complete_moderation":
        mod = moderation_of(db, audit)
        if mod is None:
            gaps.append("appoint a moderator")
        else:
            mg = grades_of(db, audit, "moderator")
            for s in template.sections:
                g = mg.get(s.id)
                if g is None or g.grade is None or not g.reason:
                    gaps.append(f"moderation: grade '{s.title}' with reasons")
            gaps += [f"moderation: {x}" for x in _gaps_overall(mg)]
    elif name == "close_unmoderated":
        mod = moderation_of(db, audit)
        if mod is not None and mod.completed_at is None:
            gaps.append("a moderator has been appointed: complete the moderation first")
    elif name == "return" and moderation_of(db, audit) is not None:
        gaps.append("a moderator has been appointed: the audit can no longer be returned")
    return gaps


def transition(
    db: Session,
    audit: Audit,
    name: str,
    actor: Actor,
    expected_version: int | None = None,
    note: str | None = None,
    now: dt.datetime | None = None,
) -> Audit:
    """Make lifecycle step ``name``: checks state, role (and assignment), completeness and
    version, then moves the audit and records who did it and when."""
    now = now or clock.now()
    try:
        t = lifecycle().transition(name)
    except KeyError as exc:
        raise InvalidInput(str(exc.args[0])) from None
    check_version(audit, expected_version)
    if audit.state not in t.from_states:
        raise InvalidTransition(
            f"'{t.label}' is not possible while the audit is "
            f"{lifecycle().states[audit.state].lower()}"
        )
    if not can_transition(db, audit, name, actor):
        who = ", ".join(sorted(t.roles)) or "nobody by role"
        assigned = ", ".join(sorted(t.assigned))
        raise NotAllowed(
            f"a {actor.role} may not '{t.label.lower()}' on this audit; allowed: {who}"
            + (f"; or, when it is assigned to them: {assigned}" if assigned else "")
        )
    gaps = gaps_for(db, audit, name)
    if gaps:
        raise Incomplete(f"'{t.label}' needs more first", gaps)
    if name == "return" and not (note or "").strip():
        raise InvalidInput("say why the audit is returned")
    before = audit.state
    audit.state = t.to
    if name == "submit":
        audit.submitted_at = now
        audit.final_grade = audit.overall_grade
    elif name == "complete_moderation":
        mod = moderation_of(db, audit)
        assert mod is not None
        mg = grades_of(db, audit, "moderator")
        mod.completed_at = now
        mod.auditor_grade = audit.overall_grade
        mod.moderator_grade = mg[OVERALL].grade
        audit.moderated_at = now
        # The moderated grade is final.
        audit.final_grade = mod.moderator_grade
    elif name in ("close", "close_unmoderated"):
        audit.closed_at = now
    elif name == "return":
        audit.submitted_at = None
        audit.final_grade = None
    _touch(audit, actor, now)
    flush_or_stale(db, audit, expected_version)
    _history(db, audit, actor, name, now, from_state=before, to_state=t.to, note=_clean(note))
    return audit


# --- moderation --------------------------------------------------------------------------------


def appoint_moderator(
    db: Session,
    audit: Audit,
    actor: Actor,
    moderator_id: int,
    kind: str = "second_auditor",
    now: dt.datetime | None = None,
) -> Moderation:
    """Appoint a second auditor, or an inspector in a mock inspection, to grade blind."""
    _require("appoint_moderator", actor)
    now = now or clock.now()
    if kind not in MODERATOR_KINDS:
        raise InvalidInput(f"moderator kind {kind!r} is not one of {', '.join(MODERATOR_KINDS)}")
    if audit.state != "submitted":
        raise InvalidTransition("a moderator is appointed once the audit is submitted")
    job = "inspector" if kind == "inspector" else "moderator"
    check_person(db, audit.la_code, moderator_id, job, "moderator_id")
    if moderator_id in (audit.auditor_id, audit.worker_user_id):
        raise InvalidInput(
            "the moderator must be someone other than the auditor and the worker", "moderator_id"
        )
    if moderation_of(db, audit) is not None:
        raise InvalidInput("this audit already has a moderator")
    mod = Moderation(
        la_code=audit.la_code,
        audit_id=audit.id,
        moderator_id=moderator_id,
        kind=kind,
        appointed_by=actor.user_id,
        appointed_at=now,
    )
    db.add(mod)
    _touch(audit, actor, now)
    db.flush()
    _history(db, audit, actor, "moderator_appointed", now, note=f"{kind} user {moderator_id}")
    return mod


def auditor_judgements_visible(db: Session, audit: Audit, actor: Actor) -> bool:
    """Whether ``actor`` may see the auditor's answers and grades: not the moderator until
    their own blind grading is complete."""
    mod = moderation_of(db, audit)
    return not (mod is not None and mod.moderator_id == actor.user_id and mod.completed_at is None)


def blind_audit_ids(db: Session, la_code: str, user_id: int) -> set[str]:
    """The audits whose grades ``user_id`` must not see yet: those they are appointed to
    moderate and have not finished (blind moderation). Every page, list and export that shows
    a grade leaves these out or hides the grade."""
    rows = db.scalars(
        select(Moderation.audit_id).where(
            Moderation.la_code == la_code,
            Moderation.moderator_id == user_id,
            Moderation.completed_at.is_(None),
        )
    )
    return set(rows)


def grade_shown(audit: Audit, blind: set[str]) -> str | None:
    """The audit's final grade as ``blind`` lets the viewer see it (``None`` when hidden)."""
    return None if audit.id in blind else audit.final_grade


def save_moderation(
    db: Session,
    audit: Audit,
    actor: Actor,
    expected_version: int | None,
    grades: Mapping[str, tuple[str | None, str | None]],
    now: dt.datetime | None = None,
) -> Audit:
    """The moderator's blind grades (``{section or "_overall": (grade, reason)}``)."""
    now = now or clock.now()
    check_version(audit, expected_version)
    mod = moderation_of(db, audit)
    if mod is None or mod.moderator_id != actor.user_id:
        raise NotAllowed("only the appointed moderator may grade this audit")
    if audit.state != "submitted":
        raise InvalidTransition(
            "moderation grades can be changed only before moderation is complete"
        )
    template = load_template(audit.template_id)
    sections = set(template.section_ids()) | {OVERALL}
    for section, (grade, reason) in grades.items():
        if section not in sections:
            raise InvalidInput(f"section {section!r} is not on template {template.id}")
        _put_grade(
            db,
            audit,
            "moderator",
            section,
            _check_choice(grade, GRADES, f"grade for {section}"),
            reason,
        )
    _touch(audit, actor, now)
    flush_or_stale(db, audit, expected_version)
    return audit


# --- timescales: exemption and chasing (Southwark QA framework 2015, appendix 1 §2f) -------


def exempt(
    db: Session,
    audit: Audit,
    actor: Actor,
    reason: str,
    until: dt.date | None = None,
    now: dt.datetime | None = None,
) -> Audit:
    """Exempt an audit from its timescale: only a head of service, with a reason (§2f: the only
    exception is the auditor's annual or sick leave). ``until`` sets a new due date."""
    _require("exempt", actor)
    now = now or clock.now()
    if not (reason or "").strip():
        raise InvalidInput(
            "an exemption needs a reason (Southwark QA framework 2015, appendix 1 §2f)"
        )
    if audit.state not in lifecycle().open_states:
        raise InvalidTransition(
            "only an audit not yet submitted can be exempted from its timescale"
        )
    if until is not None and until < now.date():
        raise InvalidInput(f"the new due date {until.isoformat()} is in the past")
    audit.exempt_by = actor.user_id
    audit.exempt_at = now
    audit.exempt_reason = reason.strip()
    audit.exempt_until = until
    _touch(audit, actor, now)
    db.flush()
    _history(db, audit, actor, "exempted", now, note=reason.strip())
    return audit


def effective_due(audit: Audit) -> dt.date | None:
    """The date the audit must be submitted by; ``None`` when exempt with no new date."""
    if audit.exempt_at is not None:
        return audit.exempt_until
    return audit.due_date


def is_overdue(audit: Audit, on: dt.date) -> bool:
    """Whether the audit is open and past its (possibly exempted) due date on ``on``."""
    due = effective_due(audit)
    return audit.state in lifecycle().open_states and due is not None and due < on


def overdue_audits(db: Session, la_code: str, on: dt.date) -> list[Audit]:
    """Open audits past their due date on ``on``, most overdue first."""
    rows = db.scalars(
        select(Audit).where(Audit.la_code == la_code, Audit.state.in_(lifecycle().open_states))
    ).all()
    late = [a for a in rows if is_overdue(a, on)]
    return sorted(late, key=lambda a: (effective_due(a) or on, a.id))


def chase(db: Session, audit: Audit, actor: Actor, now: dt.datetime | None = None) -> Audit:
    """Record a chase of an overdue audit (the QA lead tracks completion, §2h)."""
    _require("chase", actor)
    now = now or clock.now()
    if not is_overdue(audit, now.date()):
        raise InvalidInput("only an overdue audit is chased")
    audit.last_chased_at = now
    audit.chase_count = (audit.chase_count or 0) + 1
    _touch(audit, actor, now)
    db.flush()
    _history(db, audit, actor, "chased", now)
    return audit


# --- after submission: the IRO copy and the head of service's discussion -------------------------


def record_iro_copy(
    db: Session,
    audit: Audit,
    actor: Actor,
    to: str,
    sent_on: dt.date,
    now: dt.datetime | None = None,
) -> Audit:
    """Record the copy of the audit and improvement plan sent to the child's IRO or CP chair
    (Southwark QA framework 2015, appendix 1 §2j)."""
    _require("record_iro_copy", actor)
    now = now or clock.now()
    if audit.state not in ("submitted", "moderated", "closed"):
        raise InvalidTransition("the copy goes to the IRO or CP chair once the audit is submitted")
    if not (to or "").strip():
        raise InvalidInput("say who the copy went to (a job title, e.g. 'IRO' or 'CP chair')")
    audit.iro_copy_to = within(to, 100, "who the copy went to", "to")
    audit.iro_copy_sent_on = sent_on
    _touch(audit, actor, now)
    db.flush()
    _history(db, audit, actor, "iro_copy", now, note=audit.iro_copy_to)
    return audit


def record_hos_discussion(
    db: Session, audit: Audit, actor: Actor, on: dt.date, note: str, now: dt.datetime | None = None
) -> Audit:
    """Record the head of service's discussion of the audited case with the worker and manager,
    expected in the month after the audit (Southwark QA framework 2015, appendix 1 §2i)."""
    _require("record_hos_discussion", actor)
    now = now or clock.now()
    if audit.state not in ("submitted", "moderated", "closed"):
        raise InvalidTransition("the discussion follows a submitted audit")
    if not (note or "").strip():
        raise InvalidInput("record what was discussed")
    audit.hos_discussed_on = on
    audit.hos_discussed_by = actor.user_id
    audit.hos_discussion_note = note.strip()
    _touch(audit, actor, now)
    db.flush()
    _history(db, audit, actor, "hos_discussion", now)
    return audit


def discussed_in_following_month(audit: Audit) -> bool:
    """Whether the head of service's discussion fell by the end of the month after submission."""
    if audit.hos_discussed_on is None or audit.submitted_at is None:
        return False
    sub = audit.submitted_at.date()
    end = calendar.add_months(sub.replace(day=1), 2) - dt.timedelta(days=1)
    return sub <= audit.hos_discussed_on <= end


def history_of(db: Session, audit: Audit) -> list[AuditHistory]:
    """The audit's history, oldest first."""
    return list(
        db.scalars(
            select(AuditHistory)
            .where(AuditHistory.la_code == audit.la_code, AuditHistory.audit_id == audit.id)
            .order_by(AuditHistory.seq)
        )
    )


def audits_for(db: Session, la_code: str, states: Iterable[str] | None = None) -> list[Audit]:
    """The LA's audits (optionally in ``states``), newest month first."""
    return list(db.scalars(audit_list(la_code, states)))


def under_way(db: Session, la_code: str, person_id: str) -> list[Audit]:
    """The child's audits not yet closed: restricting the case changes who can finish them
    (only those on its access list see a restricted child's audits)."""
    return list(
        db.scalars(
            select(Audit)
            .where(Audit.la_code == la_code, Audit.person_id == person_id, Audit.state != "closed")
            .order_by(Audit.allocated_at)
        )
    )


def audit_months(db: Session, la_code: str) -> list[str]:
    """The months (``YYYY-MM``) the LA has audits in, newest first: the choices of a filter."""
    q = select(Audit.month).where(Audit.la_code == la_code).distinct()
    return list(db.scalars(q.order_by(Audit.month.desc())))


def audit_list(
    la_code: str,
    states: Iterable[str] | None = None,
    month: str | None = None,
    involving: int | None = None,
) -> Select[Audit]:
    """The query for the LA's audits, newest month first: optionally only those in ``states``,
    of ``month``, or that user ``involving`` does (as auditor) or whose case they hold."""
    q = select(Audit).where(Audit.la_code == la_code)
    if states is not None:
        q = q.where(Audit.state.in_(list(states)))
    if month:
        q = q.where(Audit.month == month)
    if involving is not None:
        q = q.where(or_(Audit.auditor_id == involving, Audit.worker_user_id == involving))
    return q.order_by(Audit.month.desc(), Audit.allocated_at.desc(), Audit.id)
