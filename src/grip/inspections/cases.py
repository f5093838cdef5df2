"""The cases an inspection looks at: its sample, on named lists, each with why it is there.

The lists (``SOURCES``) follow the ILACS framework (Ofsted 170040): the LA's already-audited
cases shared before a standard or short inspection (6-12) or a monitoring visit (up to 6,
paras 131-134), and the inspectors' own sample (paras 135, 150-154). Whoever is on the team as
an inspector sees exactly these cases through ``grip.access`` (``grip.inspections.team``).
Only a child who exists in the LA's case data can be added.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import cast

import sqlalchemy as sa
from sqlalchemy import select
from sqlalchemy.orm import Session

from grip.access import clock
from grip.access.restrictions import restricted_ids
from grip.audits.lifecycle import Actor
from grip.casedata.models import CASE_TABLES
from grip.inspections.models import Inspection, InspectionHousehold, InspectionSampleCase
from grip.inspections.records import InspectionError, log_event
from grip.inspections.rules import rules
from grip.inspections.selection import audited_limits, limits
from grip.inspections.team import sync_team_access

#: The lists a case can be on, with what the framework says about each.
SOURCES = {
    "la-audited": "Already audited by the local authority (paras 131-134)",
    "inspector-sample": "The inspectors' own sample (paras 135, 150-154)",
}


def cases(db: Session, inspection: Inspection) -> list[InspectionSampleCase]:
    """The inspection's cases the session may see, by list then person id."""
    rows = db.scalars(
        select(InspectionSampleCase).where(
            InspectionSampleCase.la_code == inspection.la_code,
            InspectionSampleCase.inspection_id == inspection.id,
        )
    ).all()
    order = list(SOURCES)
    return sorted(rows, key=lambda c: (order.index(c.source), c.person_id))


def _existing_people(db: Session, la_code: str, person_ids: Sequence[str]) -> set[str]:
    person = CASE_TABLES["ssd_person"]
    stmt = select(person.c.pers_person_id).where(
        person.c.la_code == la_code, person.c.pers_person_id.in_(list(person_ids))
    )
    return set(db.connection().scalars(stmt))


def unsampleable(db: Session, la_code: str, person_ids: Sequence[str]) -> list[str]:
    """The problems with ``person_ids`` as cases of an inspection's sample: each must be a child
    in ``la_code``'s case data and not restricted. An unknown and a restricted id get the same
    words, so the answer does not say that a restricted child exists (penetration test,
    December 2026: the inspector's sample took any id, restricted children's included)."""
    known = _existing_people(db, la_code, person_ids)
    restricted = restricted_ids(db, la_code)
    return [
        f"person id {p!r}: not a case in {la_code} that can be sampled (no such child, or "
        "restricted)"
        for p in person_ids
        if p not in known or p in restricted
    ]


def add_cases(
    db: Session,
    inspection: Inspection,
    picks: Sequence[tuple[str, str]],
    source: str,
    actor: Actor,
    *,
    factors: dict[str, list[str]] | None = None,
    audit_ids: dict[str, str] | None = None,
) -> list[InspectionSampleCase]:
    """Add ``picks`` (person id, reason) to the inspection's ``source`` list, all or nothing.

    Refuses an unknown list, a closed inspection, a child not in the LA's case data or
    restricted (:func:`unsampleable`) and a case already in the sample, naming each.
    The team's inspector access follows at once.
    """
    if source not in SOURCES:
        raise InspectionError(f"list: unknown {source!r}; expected one of {', '.join(SOURCES)}")
    if inspection.state not in rules().open_states:
        raise InspectionError("the inspection is closed: its cases can no longer change")
    ids = [pid.strip() for pid, _ in picks]
    have = {c.person_id for c in _all_case_rows(db, inspection)}
    problems = unsampleable(db, inspection.la_code, ids)
    problems += [f"person id {p!r}: already in the sample" for p in ids if p in have]
    if len(set(ids)) != len(ids):
        problems.append("person ids: the same child is listed twice")
    problems += _over_limit(db, inspection, source, len(ids))
    if problems:
        raise InspectionError("; ".join(problems))
    now = clock.now()
    added = []
    for pid, reason in zip(ids, (r for _, r in picks), strict=True):
        row = InspectionSampleCase(
            la_code=inspection.la_code,
            inspection_id=inspection.id,
            person_id=pid,
            source=source,
            reason=reason.strip(),
            factors=json.dumps((factors or {}).get(pid, [])),
            audit_id=(audit_ids or {}).get(pid),
            added_at=now,
            added_by=actor.user_id,
        )
        db.add(row)
        added.append(row)
    db.flush()
    log_event(db, inspection, actor, "inspection.cases_add", f"{len(added)} on {source}")
    sync_team_access(db, inspection)
    return added


def _over_limit(db: Session, inspection: Inspection, source: str, adding: int) -> list[str]:
    if source != "la-audited":
        return []
    _, most, paragraph = audited_limits(inspection.type)
    on_list = sum(1 for c in _all_case_rows(db, inspection) if c.source == source)
    if on_list + adding <= most:
        return []
    if most == 0:
        return [f"list: a {inspection.type} has no list of already-audited cases"]
    return [
        f"list: {on_list + adding} already-audited cases is more than the {most} asked for "
        f"before a {inspection.type} (ILACS framework (Ofsted 170040) para {paragraph})"
    ]


def remove_case(db: Session, inspection: Inspection, person_id: str, actor: Actor) -> None:
    """Take a case out of the sample; the team's inspector access follows at once."""
    t = cast(sa.Table, InspectionSampleCase.__table__)
    gone = db.connection().execute(
        sa.delete(t).where(
            t.c.la_code == inspection.la_code,
            t.c.inspection_id == inspection.id,
            t.c.person_id == person_id,
        )
    )
    if not gone.rowcount:
        raise InspectionError(f"person id {person_id!r}: not in the sample")
    log_event(db, inspection, actor, "inspection.cases_remove", f"person {person_id}")
    sync_team_access(db, inspection)


def _all_case_rows(db: Session, inspection: Inspection) -> list[sa.Row[tuple[str, str]]]:
    # Every case, whatever the session's scope hides, so a duplicate is caught as one.
    t = InspectionSampleCase.__table__
    return list(
        db.connection().execute(
            select(t.c.person_id, t.c.source).where(
                t.c.la_code == inspection.la_code, t.c.inspection_id == inspection.id
            )
        )
    )


def households(db: Session, inspection: Inspection) -> list[InspectionHousehold]:
    """The foster carer and adopter households the inspection evaluates (para 85)."""
    return list(
        db.scalars(
            select(InspectionHousehold)
            .where(
                InspectionHousehold.la_code == inspection.la_code,
                InspectionHousehold.inspection_id == inspection.id,
            )
            .order_by(InspectionHousehold.household_kind, InspectionHousehold.household_id)
        )
    )


def add_household(
    db: Session, inspection: Inspection, kind: str, household_id: str, reason: str, actor: Actor
) -> InspectionHousehold:
    """Add a foster carer or adopter household: up to four of each (ILACS framework (Ofsted
    170040) para 85). An adopter household must be in the LA's adopter data
    (``grip_adopters``); a foster household is the LA's own reference, never a name."""
    spec = limits()["households"].get(kind)
    if spec is None:
        raise InspectionError(f"household: unknown kind {kind!r}; expected foster or adopter")
    ref = household_id.strip()
    if not _HOUSEHOLD_REF.match(ref):
        raise InspectionError(
            f"household reference {household_id!r}: expected the LA's reference (letters, digits,"
            " '-', '/', '_'), never a name"
        )
    if kind == "adopter" and not _adopter_exists(db, inspection.la_code, ref):
        raise InspectionError(f"household reference {ref!r}: no such adopter household")
    same = [h for h in households(db, inspection) if h.household_kind == kind]
    if any(h.household_id == ref for h in same):
        raise InspectionError(f"household reference {ref!r}: already chosen")
    if len(same) >= int(spec["max"]):
        raise InspectionError(
            f"household: already {len(same)} {spec['label'].lower()}s, the most the inspection "
            f"evaluates (ILACS framework (Ofsted 170040) para {spec['paragraph']})"
        )
    row = InspectionHousehold(
        la_code=inspection.la_code,
        inspection_id=inspection.id,
        household_kind=kind,
        household_id=ref,
        reason=reason.strip(),
        added_at=clock.now(),
        added_by=actor.user_id,
    )
    db.add(row)
    db.flush()
    log_event(db, inspection, actor, "inspection.household_add", f"{kind} {ref}")
    return row


_HOUSEHOLD_REF = re.compile(r"^(?=.*\d)[A-Za-z0-9/_-]{2,48}$")


def _adopter_exists(db: Session, la_code: str, ref: str) -> bool:
    t = CASE_TABLES["grip_adopters"]
    stmt = select(t.c.adop_adopter_id).where(t.c.la_code == la_code, t.c.adop_adopter_id == ref)
    return db.connection().scalar(stmt) is not None
