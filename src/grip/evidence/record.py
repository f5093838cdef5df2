"""The evidence record: entries with every version kept, the QA manager's notes, search and
filter, and the evidence coverage per heading.

ILACS framework (Ofsted 170040) paras 181-192. Who may do what is decided by the person's role
on the inspection's team (``grip.inspections``), not by their role in the LA: inspectors write
(para 186), the quality assurance manager adds notes (para 190), and nobody off the team sees
the record. Every save is checked in full before anything is written, and names of children,
family members and staff are refused by the name guard (para 191).
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

import yaml
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from grip.access import audit as trail
from grip.access import clock
from grip.audits.lifecycle import Actor, new_id
from grip.evidence import name_guard
from grip.evidence.headings import evidence_headings
from grip.evidence.models import EvidenceCase, EvidenceEntry, EvidenceVersion, QANote
from grip.inspections.models import Inspection, InspectionSampleCase
from grip.inspections.records import team_role_of


class EvidenceError(ValueError):
    """Base of the evidence errors; the message says what was wrong and what was expected."""


class NotAllowed(EvidenceError):
    """The person's role on the team (or their absence from it) does not allow this."""


class NotFound(EvidenceError):
    """No such entry (or nothing the person may see)."""


class Locked(EvidenceError):
    """The record or meeting is locked (feedback given, judgements confirmed)."""


class Invalid(EvidenceError):
    """Bad input: ``errors`` maps each field to what was wrong, for the form to show in place."""

    def __init__(self, errors: Mapping[str, str]) -> None:
        self.errors = dict(errors)
        super().__init__("; ".join(f"{k}: {v}" for k, v in self.errors.items()))


@dataclass(frozen=True)
class Rules:
    """The code lists of ``record.yaml``."""

    sources: dict[str, str]
    markers: dict[str, str]
    findings: dict[str, dict[str, str]]
    graded_types: tuple[str, ...]
    writers: tuple[str, ...]
    qa_roles: tuple[str, ...]
    readers: tuple[str, ...]
    leads: tuple[str, ...]
    max_field_chars: int


@cache
def rules() -> Rules:
    """The shipped code lists."""
    raw: dict[str, Any] = yaml.safe_load(
        (resources.files("grip.evidence") / "record.yaml").read_text(encoding="utf-8")
    )
    return Rules(
        sources=dict(raw["sources"]),
        markers=dict(raw["markers"]),
        findings={k: dict(v) for k, v in raw["findings"].items()},
        graded_types=tuple(raw["graded_types"]),
        writers=tuple(raw["writers"]),
        qa_roles=tuple(raw["qa_roles"]),
        readers=tuple(raw["readers"]),
        leads=tuple(raw["leads"]),
        max_field_chars=int(raw["max_field_chars"]),
    )


@dataclass
class EntryInput:
    """What an inspector submits for an entry (the three parts of para 188 and the rest)."""

    source: str = ""
    marker: str = ""
    headings: list[str] = field(default_factory=list)
    cases: list[str] = field(default_factory=list)
    statement: str = ""
    evidence: str = ""
    impact: str = ""

    def texts(self) -> dict[str, str]:
        """The free-text fields, for the name guard."""
        return {"statement": self.statement, "evidence": self.evidence, "impact": self.impact}


def require_team_role(
    db: Session, inspection: Inspection, actor: Actor, allowed: Sequence[str], doing: str
) -> str:
    """The actor's team role, or :class:`NotAllowed` when it is not one of ``allowed``."""
    role = team_role_of(db, inspection, actor.user_id)
    if role is None or role not in allowed:
        who = "you are not on this inspection's team" if role is None else f"a {role}"
        raise NotAllowed(f"{doing} is for the team's {', '.join(allowed)}: {who}")
    return role


def has_team_role(
    db: Session, inspection: Inspection, actor: Actor, allowed: Sequence[str]
) -> bool:
    """Whether the actor holds one of ``allowed`` on the inspection's team."""
    return team_role_of(db, inspection, actor.user_id) in allowed


def can_read_record(db: Session, inspection: Inspection, user_id: int) -> bool:
    """Whether ``user_id`` may read this inspection's evidence record: its inspecting team only
    (an inspector sees only their own inspection's evidence)."""
    return team_role_of(db, inspection, user_id) in rules().readers


def require_reader(db: Session, inspection: Inspection, user_id: int, what: str) -> None:
    """:class:`NotAllowed` unless ``user_id`` is on the inspecting team (``what`` names the
    page or record refused)."""
    if not can_read_record(db, inspection, user_id):
        raise NotAllowed(f"{what} is for the inspection's team only")


def sample_cases(db: Session, inspection: Inspection) -> set[str]:
    """The case references in the inspection's sample."""
    return set(
        db.scalars(
            select(InspectionSampleCase.person_id).where(
                InspectionSampleCase.la_code == inspection.la_code,
                InspectionSampleCase.inspection_id == inspection.id,
            )
        )
    )


def validate(db: Session, inspection: Inspection, data: EntryInput) -> dict[str, str]:
    """Every problem with ``data``, by field (empty when it may be saved)."""
    r = rules()
    errors: dict[str, str] = {}
    if data.source not in r.sources:
        errors["source"] = f"choose where the evidence came from: one of {', '.join(r.sources)}"
    if data.marker not in r.markers:
        errors["marker"] = f"choose what the entry shows: one of {', '.join(r.markers)}"
    known = {h.ref for h in evidence_headings(inspection.framework_id)}
    if not data.headings:
        errors["headings"] = "choose at least one heading the entry evidences (para 182)"
    elif bad := [h for h in data.headings if h not in known]:
        errors["headings"] = f"{', '.join(bad)} is not a heading of {inspection.framework_id}"
    if not data.statement.strip():
        errors["statement"] = "write the evaluative statement (para 188)"
    outside = sorted(set(data.cases) - sample_cases(db, inspection))
    if outside:
        errors["cases"] = (
            f"case {', '.join(outside)} is not in this inspection's sample; evidence about a "
            "case is recorded only for the cases sampled"
        )
    for name, text in data.texts().items():
        if len(text) > r.max_field_chars:
            errors[name] = f"{len(text)} characters; keep it under {r.max_field_chars} (para 185)"
    return errors


def _check(db: Session, inspection: Inspection, data: EntryInput, names: Any) -> None:
    errors = validate(db, inspection, data)
    if errors:
        raise Invalid(errors)
    name_guard.ensure_clean(data.texts(), names)


def _clean(data: EntryInput) -> EntryInput:
    return EntryInput(
        source=data.source.strip(),
        marker=data.marker.strip(),
        headings=list(dict.fromkeys(h.strip() for h in data.headings if h.strip())),
        cases=list(dict.fromkeys(c.strip() for c in data.cases if c.strip())),
        statement=data.statement.strip(),
        evidence=data.evidence.strip(),
        impact=data.impact.strip(),
    )


def record_entry(
    db: Session,
    inspection: Inspection,
    data: EntryInput,
    actor: Actor,
    names: name_guard.NameIndex,
) -> EvidenceEntry:
    """Add an entry, timed now (contemporaneous, para 182), as its version 1.

    Refuses (nothing written): someone not writing on this team (:class:`NotAllowed`), a
    record locked by feedback (:class:`Locked`), bad input (:class:`Invalid`, by field), and
    any name or personal detail (:class:`grip.evidence.name_guard.NamesFound`).
    """
    require_team_role(db, inspection, actor, rules().writers, "recording evidence")
    _not_locked(db, inspection)
    data = _clean(data)
    _check(db, inspection, data, names)
    now = clock.now()
    entry = EvidenceEntry(
        la_code=inspection.la_code,
        id=new_id(),
        inspection_id=inspection.id,
        author_id=actor.user_id,
        recorded_at=now,
        updated_at=now,
        version=0,
        **_fields(data),
    )
    db.add(entry)
    _save_version(db, entry, data, actor, now)
    return entry


def edit_entry(
    db: Session,
    inspection: Inspection,
    entry_id: str,
    data: EntryInput,
    actor: Actor,
    names: name_guard.NameIndex,
    expected_version: int,
) -> EvidenceEntry:
    """Save a new version of an entry; the earlier versions stay as they were. A save based on
    an older version than the current one is refused rather than silently overwriting."""
    require_team_role(db, inspection, actor, rules().writers, "editing evidence")
    _not_locked(db, inspection)
    entry = get_entry(db, inspection, entry_id)
    if entry.version != expected_version:
        raise Locked(
            f"the entry was changed (version {entry.version}) since you opened version "
            f"{expected_version}; reopen it to see the latest text"
        )
    data = _clean(data)
    _check(db, inspection, data, names)
    for key, value in _fields(data).items():
        setattr(entry, key, value)
    _save_version(db, entry, data, actor, clock.now())
    return entry


def _fields(data: EntryInput) -> dict[str, Any]:
    return {
        "source": data.source,
        "marker": data.marker,
        "headings": json.dumps(data.headings),
        "statement": data.statement,
        "evidence": data.evidence,
        "impact": data.impact,
    }


def _save_version(
    db: Session, entry: EvidenceEntry, data: EntryInput, actor: Actor, now: Any
) -> None:
    entry.version += 1
    entry.updated_at = now
    db.add(
        EvidenceVersion(
            la_code=entry.la_code,
            entry_id=entry.id,
            number=entry.version,
            saved_by=actor.user_id,
            saved_at=now,
            cases=json.dumps(data.cases),
            **_fields(data),
        )
    )
    db.execute(
        delete(EvidenceCase).where(
            EvidenceCase.la_code == entry.la_code, EvidenceCase.entry_id == entry.id
        )
    )
    db.add_all(
        EvidenceCase(la_code=entry.la_code, entry_id=entry.id, person_id=c) for c in data.cases
    )
    db.flush()
    trail.record_event(
        db,
        action="evidence.save",
        actor=trail.Actor(user_id=actor.user_id),
        la_code=entry.la_code,
        object_type="evidence_entry",
        object_id=entry.id,
        detail=f"version {entry.version}",
    )


def _not_locked(db: Session, inspection: Inspection) -> None:
    from grip.evidence.feedback import feedback_given

    if feedback_given(db, inspection):
        raise Locked("feedback has been given: the evidence record is closed (para 197)")


def get_entry(db: Session, inspection: Inspection, entry_id: str) -> EvidenceEntry:
    """The entry of this inspection, or :class:`NotFound`."""
    entry = db.scalar(
        select(EvidenceEntry).where(
            EvidenceEntry.la_code == inspection.la_code,
            EvidenceEntry.inspection_id == inspection.id,
            EvidenceEntry.id == entry_id,
        )
    )
    if entry is None:
        raise NotFound(f"no evidence entry {entry_id!r} in this inspection")
    return entry


def versions(db: Session, entry: EvidenceEntry) -> list[EvidenceVersion]:
    """Every saved version of the entry, first first."""
    return list(
        db.scalars(
            select(EvidenceVersion)
            .where(EvidenceVersion.la_code == entry.la_code, EvidenceVersion.entry_id == entry.id)
            .order_by(EvidenceVersion.number)
        )
    )


def entry_cases(db: Session, inspection: Inspection) -> dict[str, list[str]]:
    """Entry id -> the case references it concerns (only cases the session may see)."""
    rows = db.execute(
        select(EvidenceCase.entry_id, EvidenceCase.person_id)
        .join(
            EvidenceEntry,
            (EvidenceEntry.la_code == EvidenceCase.la_code)
            & (EvidenceEntry.id == EvidenceCase.entry_id),
        )
        .where(
            EvidenceEntry.la_code == inspection.la_code,
            EvidenceEntry.inspection_id == inspection.id,
        )
        .order_by(EvidenceCase.person_id)
    ).all()
    out: dict[str, list[str]] = defaultdict(list)
    for entry_id, person_id in rows:
        out[entry_id].append(person_id)
    return dict(out)


@dataclass(frozen=True)
class Filters:
    """Search and filter of the record (any left empty matches everything)."""

    heading: str = ""
    judgement: str = ""
    inspector: int | None = None
    case: str = ""
    marker: str = ""
    text: str = ""


def entries(
    db: Session, inspection: Inspection, viewer: Actor, filters: Filters | None = None
) -> list[EvidenceEntry]:
    """The record's entries matching ``filters``, newest first; refused off the team."""
    require_reader(db, inspection, viewer.user_id, "the evidence record")
    f = filters or Filters()
    q = select(EvidenceEntry).where(
        EvidenceEntry.la_code == inspection.la_code, EvidenceEntry.inspection_id == inspection.id
    )
    if f.inspector is not None:
        q = q.where(EvidenceEntry.author_id == f.inspector)
    if f.marker:
        q = q.where(EvidenceEntry.marker == f.marker)
    rows = list(db.scalars(q.order_by(EvidenceEntry.recorded_at.desc(), EvidenceEntry.id)))
    by_heading = {h.ref: h.judgement_id for h in evidence_headings(inspection.framework_id)}
    cases = entry_cases(db, inspection) if f.case else {}
    needle = f.text.casefold().strip()
    out = []
    for e in rows:
        refs = json.loads(e.headings)
        if f.heading and f.heading not in refs:
            continue
        if f.judgement and f.judgement not in {by_heading.get(r) for r in refs}:
            continue
        if f.case and f.case not in cases.get(e.id, []):
            continue
        if needle and needle not in f"{e.statement}\n{e.evidence}\n{e.impact}".casefold():
            continue
        out.append(e)
    return out


@dataclass(frozen=True)
class Coverage:
    """How much evidence a heading has: entries, distinct cases and distinct inspectors."""

    ref: str
    title: str
    judgement_id: str
    entries: int
    cases: int
    inspectors: int


def coverage(db: Session, inspection: Inspection) -> list[Coverage]:
    """Evidence per heading, in the framework's order, so a thin heading shows before the
    judgement meeting (paras 186-187: identify gaps early)."""
    rows = list(
        db.scalars(
            select(EvidenceEntry).where(
                EvidenceEntry.la_code == inspection.la_code,
                EvidenceEntry.inspection_id == inspection.id,
            )
        )
    )
    cases = entry_cases(db, inspection)
    out = []
    for h in evidence_headings(inspection.framework_id):
        mine = [e for e in rows if h.ref in json.loads(e.headings)]
        out.append(
            Coverage(
                h.ref,
                h.title,
                h.judgement_id,
                len(mine),
                len({c for e in mine for c in cases.get(e.id, [])}),
                len({e.author_id for e in mine}),
            )
        )
    return out


def add_qa_note(
    db: Session,
    inspection: Inspection,
    text: str,
    actor: Actor,
    names: name_guard.NameIndex,
    entry_id: str | None = None,
) -> QANote:
    """The quality assurance manager's note on an entry or the whole record (para 190)."""
    require_team_role(db, inspection, actor, rules().qa_roles, "adding a QA note")
    if entry_id:
        get_entry(db, inspection, entry_id)
    if not text.strip():
        raise Invalid({"note": "write the note"})
    name_guard.ensure_clean({"note": text}, names)
    note = QANote(
        la_code=inspection.la_code,
        id=new_id(),
        inspection_id=inspection.id,
        entry_id=entry_id or None,
        author_id=actor.user_id,
        at=clock.now(),
        text=text.strip(),
    )
    db.add(note)
    db.flush()
    return note


def qa_notes(db: Session, inspection: Inspection) -> list[QANote]:
    """The QA manager's notes, oldest first."""
    return list(
        db.scalars(
            select(QANote)
            .where(QANote.la_code == inspection.la_code, QANote.inspection_id == inspection.id)
            .order_by(QANote.at)
        )
    )


def entry_ids_of(db: Session, inspection: Inspection, ids: Sequence[str]) -> list[str]:
    """``ids`` deduplicated, or :class:`Invalid` naming any that is not this record's entry."""
    wanted = list(dict.fromkeys(i.strip() for i in ids if i.strip()))
    known = set(
        db.scalars(
            select(EvidenceEntry.id).where(
                EvidenceEntry.la_code == inspection.la_code,
                EvidenceEntry.inspection_id == inspection.id,
            )
        )
    )
    bad = [i for i in wanted if i not in known]
    if bad:
        raise Invalid({"entries": f"{', '.join(bad)} is not an entry of this evidence record"})
    return wanted
