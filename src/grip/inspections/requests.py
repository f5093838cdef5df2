"""The Annex B record of requests for further information (ILACS framework (Ofsted 170040)
paras 164-167, 244-245 and Annex B).

At the start of the inspection the lead inspector sets up the record and shares it with the DCS,
who enters the local authority's responses (para 167). Each row holds Annex B's columns: who
asked, when, the date a response is required, when it was received, the type of request
(document or information), the case id if any, the reason, the LA's response — and, in Grip,
the document or data supplied and the row's status. No text may name a child, family member or
member of staff (para 191; ``grip.evidence.name_guard``).

Who writes what: inspectors on the team (and, for a real Ofsted inspection, the LA's managers,
who copy Ofsted's requests in) add and close requests; the LA (its managers, the link person
and the DCS) enters responses.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from grip.access import clock
from grip.access.roles import INSPECTOR
from grip.audits.lifecycle import Actor, new_id
from grip.formats import date_time
from grip.inspections.models import Inspection, InspectionRequest
from grip.inspections.records import (
    InspectionError,
    InspectionNotAllowed,
    InspectionNotFound,
    log_event,
    team_role_of,
)

REQUEST_TYPES = {"document": "Document", "information": "Information"}
STATUSES = {
    "open": "Awaiting the local authority",
    "answered": "Answered",
    "closed": "Closed",
    "withdrawn": "Withdrawn",
}
#: Grip roles in the LA that may answer requests (para 167: the DCS enters the responses).
LA_RESPONDERS = frozenset({"dcs", "head_of_service", "qa_lead", "performance_analyst"})
#: Grip roles in the LA that may copy a real Ofsted inspection's requests into the record.
LA_RECORDERS = frozenset({"dcs", "head_of_service", "qa_lead", "performance_analyst"})
_INSPECTING = frozenset({"lead_inspector", "team_inspector", "qa_manager"})
_LA_SIDE = frozenset({"la_link_person", "dcs"})


@dataclass(frozen=True)
class NewRequest:
    """A request as typed: what, why, of which type, about which case, and by when."""

    request: str
    reason: str
    request_type: str
    response_due: dt.datetime
    case_id: str | None = None


def may_ask(db: Session, inspection: Inspection, actor: Actor) -> bool:
    """Whether ``actor`` may add, close or withdraw requests on ``inspection``."""
    if team_role_of(db, inspection, actor.user_id) in _INSPECTING:
        return True
    return inspection.kind == "real" and actor.role in LA_RECORDERS


def may_answer(db: Session, inspection: Inspection, actor: Actor) -> bool:
    """Whether ``actor`` may enter the LA's responses on ``inspection`` (para 167)."""
    if actor.role == INSPECTOR:
        return False
    return actor.role in LA_RESPONDERS or team_role_of(db, inspection, actor.user_id) in _LA_SIDE


def _guard(db: Session, la_code: str, fields: dict[str, str]) -> None:
    from grip.evidence.name_guard import NameIndex, NamesFound, ensure_clean

    try:
        ensure_clean(fields, NameIndex.from_store(db, la_code))
    except NamesFound as exc:
        raise InspectionError(str(exc)) from None


def check_request(spec: NewRequest, now: dt.datetime) -> list[str]:
    """Every problem with a typed request, each naming its field."""
    problems = []
    if not spec.request.strip():
        problems.append("request: say what is asked for")
    if not spec.reason.strip():
        problems.append("reason: say why it is needed (para 244)")
    if spec.request_type not in REQUEST_TYPES:
        problems.append(
            f"request type: {spec.request_type!r} is not one of {', '.join(REQUEST_TYPES)}"
        )
    if spec.response_due <= now:
        problems.append(
            f"response required by: {date_time(spec.response_due)} is not in the future"
        )
    return problems


def add_request(
    db: Session, inspection: Inspection, spec: NewRequest, actor: Actor
) -> InspectionRequest:
    """Add a request to the record (numbered in order), refused with every problem named."""
    if not may_ask(db, inspection, actor):
        raise InspectionNotAllowed("only the inspection team records requests for information")
    now = clock.now()
    problems = check_request(spec, now)
    if problems:
        raise InspectionError("; ".join(problems))
    _guard(db, inspection.la_code, {"request": spec.request, "reason": spec.reason})
    number = db.scalar(
        select(func.coalesce(func.max(InspectionRequest.number), 0)).where(
            InspectionRequest.la_code == inspection.la_code,
            InspectionRequest.inspection_id == inspection.id,
        )
    )
    row = InspectionRequest(
        la_code=inspection.la_code,
        id=new_id(),
        inspection_id=inspection.id,
        number=int(number or 0) + 1,
        requested_by=actor.user_id,
        requested_at=now,
        response_due=spec.response_due,
        request_type=spec.request_type,
        case_id=(spec.case_id or "").strip() or None,
        request=spec.request.strip(),
        reason=spec.reason.strip(),
        status="open",
    )
    db.add(row)
    db.flush()
    log_event(db, inspection, actor, "inspection.request_add", f"request {row.number}")
    return row


def requests(db: Session, inspection: Inspection) -> list[InspectionRequest]:
    """The record, in request order."""
    return list(
        db.scalars(
            select(InspectionRequest)
            .where(
                InspectionRequest.la_code == inspection.la_code,
                InspectionRequest.inspection_id == inspection.id,
            )
            .order_by(InspectionRequest.number)
        )
    )


def get_request(db: Session, inspection: Inspection, request_id: str) -> InspectionRequest:
    """One request of this inspection, or :class:`InspectionNotFound`."""
    row = db.scalar(
        select(InspectionRequest).where(
            InspectionRequest.la_code == inspection.la_code,
            InspectionRequest.inspection_id == inspection.id,
            InspectionRequest.id == request_id,
        )
    )
    if row is None:
        raise InspectionNotFound(f"no request {request_id!r} on this inspection")
    return row


def respond(
    db: Session,
    inspection: Inspection,
    row: InspectionRequest,
    actor: Actor,
    response: str,
    supplied: str = "",
) -> InspectionRequest:
    """The LA's response and what it supplied; the request becomes answered."""
    if not may_answer(db, inspection, actor):
        raise InspectionNotAllowed("only the local authority enters responses (para 167)")
    if row.status not in ("open", "answered"):
        raise InspectionError(f"request {row.number} is {row.status}: it takes no response")
    if not response.strip():
        raise InspectionError("response: say what the local authority answers")
    _guard(db, inspection.la_code, {"response": response, "supplied": supplied})
    row.response = response.strip()
    row.supplied = supplied.strip() or None
    row.received_at = clock.now()
    row.responded_by = actor.user_id
    row.status = "answered"
    db.flush()
    log_event(db, inspection, actor, "inspection.request_respond", f"request {row.number}")
    return row


def set_status(
    db: Session, inspection: Inspection, row: InspectionRequest, actor: Actor, status: str
) -> InspectionRequest:
    """Close an answered request or withdraw an open one (the team's decision, para 244)."""
    if not may_ask(db, inspection, actor):
        raise InspectionNotAllowed("only the inspection team closes or withdraws requests")
    allowed = {"closed": ("answered",), "withdrawn": ("open",)}
    if status not in allowed or row.status not in allowed[status]:
        raise InspectionError(f"request {row.number} is {row.status}: it cannot become {status}")
    row.status = status
    db.flush()
    log_event(db, inspection, actor, "inspection.request_status", f"request {row.number} {status}")
    return row


def outstanding(rows: list[InspectionRequest], now: dt.datetime) -> list[InspectionRequest]:
    """Requests still waiting for the LA, the overdue ones first."""
    waiting = [r for r in rows if r.status == "open"]
    return sorted(waiting, key=lambda r: (clock.as_utc(r.response_due) > now, r.response_due))


def is_overdue(row: InspectionRequest, now: dt.datetime) -> bool:
    """Open and past the date the response was required."""
    return row.status == "open" and clock.as_utc(row.response_due) < now
