"""The self-evaluation's lifecycle: open (or draft) the year's document, refresh its evidence,
save the author's text with an optimistic version check, link weaknesses to actions, and keep
every version with who changed what. ILACS framework (Ofsted 170040) paras 33–38."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from grip.access import clock
from grip.access.audit import Actor as EventActor
from grip.access.audit import record_event
from grip.access.models import User
from grip.access.roles import policy
from grip.audits.lifecycle import Actor
from grip.measures.standards import VisitDefaults
from grip.selfeval import evidence
from grip.selfeval.models import SelfEvaluation, SelfEvaluationVersion
from grip.selfeval.structure import load_structure

WRITE = "selfeval:write"


class SelfEvalError(ValueError):
    """Bad input or a refused change; the message names the field and what was expected."""


class NotAllowed(SelfEvalError):
    """The actor's role may not write the self-evaluation."""


class Conflict(SelfEvalError):
    """Someone saved after the editor loaded the document; nothing was saved."""

    def __init__(self, loaded: int, current: SelfEvaluation, their_change: str) -> None:
        super().__init__(
            f"Someone else saved this self-evaluation after you opened it (you loaded version "
            f"{loaded}, it is now version {current.version}): {their_change}. Nothing you sent "
            "was saved; your text is kept below so you can merge it with theirs."
        )
        self.loaded = loaded
        self.current = current
        self.their_change = their_change


@dataclass(frozen=True)
class Edit:
    """What the author sends: their text per section, the principles ticked with notes, the
    weaknesses with linked actions and the panels they removed."""

    narrative: dict[str, str]
    principles: dict[str, dict[str, Any]]
    weaknesses: list[dict[str, str]]
    removed: list[str]


def require_write(actor: Actor) -> None:
    """Refuse an actor whose role may not write the self-evaluation or record the meeting."""
    if not policy().allows(actor.role, WRITE):
        raise NotAllowed(f"a {actor.role} may not write the self-evaluation")


def get(db: Session, la_code: str, year: int) -> SelfEvaluation | None:
    """The LA's self-evaluation for ``year``, if there is one."""
    return db.scalar(
        sa.select(SelfEvaluation).where(
            SelfEvaluation.la_code == la_code, SelfEvaluation.year == year
        )
    )


def latest(db: Session, la_code: str) -> SelfEvaluation | None:
    """The LA's most recent self-evaluation (the latest year), if it has one."""
    return db.scalar(
        sa.select(SelfEvaluation)
        .where(SelfEvaluation.la_code == la_code)
        .order_by(SelfEvaluation.year.desc())
        .limit(1)
    )


def open_year(
    db: Session,
    la_code: str,
    year: int,
    actor: Actor,
    on: dt.date,
    settings: VisitDefaults | None = None,
) -> tuple[SelfEvaluation, bool]:
    """The year's self-evaluation and whether it was created now: an existing one is opened,
    never duplicated; a new one is drafted with evidence at ``on``."""
    existing = get(db, la_code, year)
    if existing is not None:
        return existing, False
    require_write(actor)
    if not 2000 <= year <= on.year + 1:
        raise SelfEvalError(f"year {year}: expected a year from 2000 to {on.year + 1}")
    evidence.check_date(db, la_code, on, clock.now().date())
    se = SelfEvaluation(
        la_code=la_code,
        id=uuid.uuid4().hex,
        year=year,
        version=1,
        evidence_on=on,
        panels=json.dumps(evidence.draft(db, la_code, on, settings)),
        narrative="{}",
        principles="{}",
        weaknesses="[]",
        removed="[]",
        updated_at=clock.now(),
        updated_by=actor.user_id,
    )
    db.add(se)
    _keep_version(db, se, actor, f"drafted with evidence at {on}")
    return se, True


def refresh(
    db: Session,
    se: SelfEvaluation,
    actor: Actor,
    on: dt.date,
    loaded_version: int,
    settings: VisitDefaults | None = None,
) -> list[str]:
    """Re-draw every panel at ``on`` (para 35), never touching the author's text; returns
    what moved."""
    require_write(actor)
    evidence.check_date(db, se.la_code, on, clock.now().date())
    _check_version(db, se, loaded_version)
    before = json.loads(se.panels)
    after = evidence.draft(db, se.la_code, on, settings)
    lines = evidence.moved(before, after)
    se.panels, se.evidence_on = json.dumps(after), on
    _bump(db, se, actor, f"evidence refreshed to {on}: " + ("; ".join(lines) or "nothing moved"))
    return lines


def save(db: Session, se: SelfEvaluation, actor: Actor, loaded_version: int, edit: Edit) -> None:
    """Save the author's edit, all or nothing, if nobody saved since ``loaded_version``."""
    require_write(actor)
    _check_version(db, se, loaded_version)
    _validate(db, se.la_code, edit)
    changed = [
        name
        for name, old, new in (
            ("narrative", json.loads(se.narrative), edit.narrative),
            ("principles", json.loads(se.principles), edit.principles),
            ("weaknesses", json.loads(se.weaknesses), edit.weaknesses),
            ("removed panels", json.loads(se.removed), edit.removed),
        )
        if old != new
    ]
    se.narrative = json.dumps(edit.narrative)
    se.principles = json.dumps(edit.principles)
    se.weaknesses = json.dumps(edit.weaknesses)
    se.removed = json.dumps(edit.removed)
    _bump(db, se, actor, "edited " + (", ".join(changed) or "nothing"))


def _validate(db: Session, la_code: str, edit: Edit) -> None:
    s = load_structure()
    sections = set(s.questions) | {a.id for a in s.areas}
    for key in edit.narrative:
        if key not in sections:
            raise SelfEvalError(f"narrative section {key!r}: expected one of {sorted(sections)}")
    for key in edit.principles:
        if key not in s.principles:
            raise SelfEvalError(f"principle {key!r}: expected one of {sorted(s.principles)}")
    for i, w in enumerate(edit.weaknesses, start=1):
        if not w.get("text", "").strip():
            raise SelfEvalError(f"weakness {i}: the text is empty; say what the weakness is")
        if w.get("action_id") and not evidence.action_exists(db, la_code, w["action_id"]):
            raise SelfEvalError(
                f"weakness {i}: action {w['action_id']!r} is not an action of this LA (neither "
                "an audit's improvement action nor an action plan's)"
            )


def _check_version(db: Session, se: SelfEvaluation, loaded: int) -> None:
    if se.version != loaded:
        last = db.scalar(
            sa.select(SelfEvaluationVersion).where(
                SelfEvaluationVersion.la_code == se.la_code,
                SelfEvaluationVersion.selfeval_id == se.id,
                SelfEvaluationVersion.version == se.version,
            )
        )
        names = people(db, [last.changed_by] if last else [])
        who = names.get(last.changed_by or 0, "another user") if last else "another user"
        change = f"{who} {last.change}" if last else "a later save"
        raise Conflict(loaded, se, change)


def _bump(db: Session, se: SelfEvaluation, actor: Actor, change: str) -> None:
    se.version += 1
    se.updated_at, se.updated_by = clock.now(), actor.user_id
    _keep_version(db, se, actor, change)


def _keep_version(db: Session, se: SelfEvaluation, actor: Actor, change: str) -> None:
    snapshot = {
        k: getattr(se, k) for k in ("panels", "narrative", "principles", "weaknesses", "removed")
    }
    snapshot["evidence_on"] = se.evidence_on.isoformat()
    db.add(
        SelfEvaluationVersion(
            la_code=se.la_code,
            selfeval_id=se.id,
            version=se.version,
            changed_at=clock.now(),
            changed_by=actor.user_id,
            change=change,
            snapshot=json.dumps(snapshot),
        )
    )
    db.flush()
    record_event(
        db,
        action="selfeval.save",
        actor=EventActor(user_id=actor.user_id),
        la_code=se.la_code,
        object_type="selfeval",
        object_id=f"{se.id}@{se.version}",
        detail=change[:500],
    )


def versions(db: Session, se: SelfEvaluation) -> list[SelfEvaluationVersion]:
    """Every saved version, newest first."""
    return list(
        db.scalars(
            sa.select(SelfEvaluationVersion)
            .where(
                SelfEvaluationVersion.la_code == se.la_code,
                SelfEvaluationVersion.selfeval_id == se.id,
            )
            .order_by(SelfEvaluationVersion.version.desc())
        )
    )


def people(db: Session, user_ids: Iterable[int | None]) -> dict[int, str]:
    """Display names of the given users, by id (a deleted user is simply absent)."""
    ids = {i for i in user_ids if i is not None}
    if not ids:
        return {}
    rows = db.execute(sa.select(User.id, User.display_name).where(User.id.in_(ids)))
    return {uid: name for uid, name in rows}


def edit_of(se: SelfEvaluation) -> Edit:
    """The document's current author content, as an :class:`Edit`."""
    return Edit(
        narrative=json.loads(se.narrative),
        principles=json.loads(se.principles),
        weaknesses=json.loads(se.weaknesses),
        removed=json.loads(se.removed),
    )
