"""Self-evaluation pages: open the year's self-evaluation, write beside Grip's evidence panels,
refresh the evidence, export DOCX and PDF, and readiness at a glance for the DCS (ILACS
framework (Ofsted 170040) paras 33–38, 131–135)."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Annotated, Any, Literal

import sqlalchemy as sa
from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import Field
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from grip.access import audit, clock
from grip.access.principal import Principal
from grip.documents.render import render as render_document
from grip.selfeval import meeting, service
from grip.selfeval.document import to_document
from grip.selfeval.evidence import EvidenceError, open_actions
from grip.selfeval.models import EngagementMeeting, SelfEvaluation
from grip.selfeval.readiness import readiness as readiness_of
from grip.selfeval.structure import load_structure
from grip.store.base import LocalAuthority
from grip.web import forms
from grip.web.deps import render
from grip.web.security import (
    CurrentPrincipal,
    FormBody,
    PathYear,
    ScopedDB,
    client_actor,
    csrf_token,
    requires,
)

router = APIRouter()
READ = [requires("selfeval:read")]
WRITE = [requires("selfeval:write")]
WEAKNESS_ROWS = 3  # blank rows offered for new weaknesses

SUBNAV = {
    "subnav_label": "Self-evaluation",
    "subnav_items": [
        {"href": "/selfeval", "text": "Self-evaluations"},
        {"href": "/selfeval/meetings", "text": "Engagement meeting"},
        {"href": "/selfeval/readiness", "text": "Readiness"},
    ],
}


def _base(request: Request, principal: Principal) -> dict[str, Any]:
    return {"principal": principal, "csrf_token": csrf_token(request), **SUBNAV}


class OpenYear(forms.Form):
    """The year to open and the date its evidence panels are drawn at."""

    year: Annotated[int | None, Field(title="Year", ge=2000, le=2100)] = None
    on: Annotated[dt.date | None, Field(title="Evidence date")] = None


class Saved(forms.Form):
    """The version of the self-evaluation the author's edit was made on."""

    hidden = frozenset({"version"})
    version: Annotated[int, Field(title="Version", ge=0)] = 0


class Refresh(Saved):
    """The new date to draw the evidence panels at, and the version they were drawn on."""

    on: Annotated[dt.date | None, Field(title="Evidence date")] = None


class MeetingDates(forms.Form):
    """The dated fields of the meeting form (attendees and agenda are rows: read by hand)."""

    meeting_on: Annotated[dt.date | None, Field(title="Date of the meeting")] = None
    agenda_agreed_on: Annotated[dt.date | None, Field(title="Date the agenda was agreed")] = None


class Letter(forms.Form):
    received_on: Annotated[dt.date | None, Field(title="Date the letter was received")] = None
    summary: Annotated[str, Field(title="What the letter says", max_length=4000)] = ""


#: Date fields of these forms: an error about one links to its day box.
DATE_FIELDS = frozenset({"on", "meeting_on", "agenda_agreed_on", "received_on"})


def _problems(problems: dict[str, str]) -> forms.FormErrors:
    """The library's problems, field by field, linked to the fields on the page."""
    errors = forms.FormErrors()
    for field, message in problems.items():
        errors.add(field, message, f"{field}-day" if field in DATE_FIELDS else field)
    return errors


@router.get("/selfeval", dependencies=READ)
def index(request: Request, principal: CurrentPrincipal, db: ScopedDB) -> Response:
    """The LA's self-evaluations by year, and the form to open one."""
    rows = db.scalars(
        sa.select(SelfEvaluation)
        .where(SelfEvaluation.la_code == principal.la_code)
        .order_by(SelfEvaluation.year.desc())
    ).all()
    today = clock.now().date()
    return render(
        request,
        "selfeval/index.html",
        **_base(request, principal),
        title="Self-evaluation",
        rows=rows,
        today=today,
        values={"year": str(today.year), "on": today.isoformat()},
        errors={},
    )


@router.post("/selfeval/open", dependencies=WRITE)
def open_year(
    request: Request, principal: CurrentPrincipal, db: ScopedDB, form: FormBody
) -> Response:
    """Open the year's self-evaluation (an existing one is opened, never duplicated)."""
    data, errors = forms.parse(OpenYear, form)
    if data is not None:
        try:
            if data.year is None or data.on is None:
                missing = "year" if data.year is None else "on"
                raise service.SelfEvalError(
                    f"{missing}: enter the {'year' if missing == 'year' else 'evidence date'}"
                )
            se, _ = service.open_year(db, principal.la_code, data.year, principal, data.on,
                                      request.app.state.settings)  # fmt: skip
            db.flush()
            return RedirectResponse(f"/selfeval/{se.year}", status_code=303)
        except (service.SelfEvalError, EvidenceError) as exc:
            db.rollback()
            forms.refuse(
                errors, OpenYear, str(exc), "on" if isinstance(exc, EvidenceError) else None
            )
    return render(
        request, "selfeval/index.html", 400, **_base(request, principal), title="Self-evaluation",
        rows=[], today=clock.now().date(), values=forms.values(form), errors=errors,
    )  # fmt: skip


@dataclass(frozen=True)
class AtYear:
    """A request on one year's self-evaluation: the request, who asks, their session and the
    self-evaluation the address names."""

    request: Request
    principal: Principal
    db: Session
    se: SelfEvaluation

    def page(self, status: int = 200, **extra: Any) -> Response:
        """The self-evaluation document page; ``extra`` overrides what it shows (a refused
        edit, errors, the panels that moved)."""
        se, db = self.se, self.db
        edit = extra.pop("edit", None) or service.edit_of(se)
        versions = service.versions(db, se)
        ctx = {
            "title": f"Self-evaluation {se.year}",
            "se": se,
            "s": load_structure(),
            "panels": json.loads(se.panels),
            "edit": edit,
            "weaknesses": list(edit.weaknesses) + [{"text": "", "action_id": ""}] * WEAKNESS_ROWS,
            "actions": open_actions(db, self.principal.la_code),
            "versions": versions,
            "people": service.people(db, (v.changed_by for v in versions)),
            "may_write": self.principal.can("selfeval:write"),
            "errors": {},
            "values": {"on": clock.now().date()},
            "moved": [],
            "today": clock.now().date(),
        }
        ctx.update(extra)
        base = _base(self.request, self.principal)
        return render(self.request, "selfeval/document.html", status, **base, **ctx)


def self_evaluation_of(year: PathYear, principal: CurrentPrincipal, db: ScopedDB) -> SelfEvaluation:
    """The year's self-evaluation in the person's LA, or the not-found page."""
    found = service.get(db, principal.la_code, year)
    if found is None:
        raise HTTPException(
            404, f"There is no self-evaluation for {year}: open or start one from Self-evaluations"
        )
    return found


SelfEvaluationAt = Annotated[SelfEvaluation, Depends(self_evaluation_of)]


def at_year(
    request: Request, principal: CurrentPrincipal, db: ScopedDB, se: SelfEvaluationAt
) -> AtYear:
    """The route's request, principal, session and self-evaluation, as one."""
    return AtYear(request, principal, db, se)


#: ``at: At``: a route of one year's self-evaluation.
At = Annotated[AtYear, Depends(at_year)]


@router.get("/selfeval/readiness", dependencies=READ)
def readiness(request: Request, principal: CurrentPrincipal, db: ScopedDB) -> Response:
    """Readiness at a glance for the DCS."""
    r = readiness_of(db, principal.la_code, clock.now().date())
    return render(
        request,
        "selfeval/readiness.html",
        **_base(request, principal),
        title="Readiness at a glance",
        r=r,
    )


# --- the annual engagement meeting (paras 39-48) ---------------------------------------------

ATTENDEE_ROWS = 6  # attendee rows offered (more appear once these are filled and saved)


def _meeting_values(m: EngagementMeeting | None = None) -> dict[str, Any]:
    """The form's values for ``m`` (or blank for a new meeting)."""
    if m is None:
        return {
            "meeting_on": "",
            "agenda_agreed_on": "",
            "notes": "",
            "attendees": [],
            "agenda": [],
            "agenda_other": "",
        }
    topics = set(load_structure().meeting["agenda_topics"])
    agenda = meeting.agenda_of(m)
    return {
        "meeting_on": m.meeting_on,
        "agenda_agreed_on": m.agenda_agreed_on,
        "received_on": m.letter_received_on,
        "summary": m.letter_summary,
        "notes": m.notes,
        "attendees": meeting.attendees_of(m),
        "agenda": [t for t in agenda if t in topics],
        "agenda_other": "\n".join(t for t in agenda if t not in topics),
    }


def _meeting_input(form: Any) -> tuple[dict[str, Any], meeting.MeetingInput | None, dict[str, str]]:
    """The form as typed, the meeting it describes (None if a date is unreadable) and the
    errors found reading it."""
    # Blank rows are dropped here, so an error's attendee number is its row on the page again.
    rows = [
        {"name": str(n).strip(), "role": str(r).strip()}
        for n, r in zip(form.getlist("attendee-name"), form.getlist("attendee-role"), strict=False)
        if str(n).strip() or str(r).strip()
    ]
    values: dict[str, Any] = forms.values(form) | {
        "notes": str(form.get("notes") or ""),
        "attendees": rows,
        "agenda": [str(t) for t in form.getlist("agenda")],
        "agenda_other": str(form.get("agenda_other") or ""),
    }
    dates, read = forms.parse(MeetingDates, form)
    errors = dict(read)
    if dates is not None and dates.meeting_on is None:
        errors["meeting_on"] = "Enter the date of the meeting"
    if dates is None or dates.meeting_on is None:
        return values, None, errors
    meeting_on, agreed = dates.meeting_on, dates.agenda_agreed_on
    other = [line.strip() for line in values["agenda_other"].splitlines() if line.strip()]
    data = meeting.MeetingInput(
        meeting_on=meeting_on,
        attendees=rows,
        agenda=values["agenda"] + other,
        agenda_agreed_on=agreed,
        notes=values["notes"],
    )
    return values, data, errors


def _meetings_page(
    request: Request, principal: Principal, db: Session, status: int = 200, **extra: Any
) -> Response:
    ofsted, la_roles = meeting.roles()
    ctx: dict[str, Any] = {
        "title": "Annual engagement meeting",
        "rows": meeting.meetings(db, principal.la_code),
        "values": _meeting_values(),
        "errors": {},
        "today": clock.now().date(),
        "s": load_structure(),
        "ofsted_roles": ofsted,
        "la_roles": la_roles,
        "attendee_rows": ATTENDEE_ROWS,
        "letter_due": meeting.letter_due,
        "letter_overdue": meeting.letter_overdue,
        "attendees_of": meeting.attendees_of,
        "agenda_of": meeting.agenda_of,
    }
    ctx.update(extra)
    template = "selfeval/meeting.html" if ctx.get("m") is not None else "selfeval/meetings.html"
    if ctx.get("m") is not None:
        ctx["title"] = f"Annual engagement meeting {ctx['m'].year}"
    return render(request, template, status, **_base(request, principal), **ctx)


@router.get("/selfeval/meetings", dependencies=READ)
def meetings_index(request: Request, principal: CurrentPrincipal, db: ScopedDB) -> Response:
    """The LA's annual engagement meetings, each with its letter's status, and the form to
    record this year's."""
    return _meetings_page(request, principal, db)


@router.post("/selfeval/meetings", dependencies=WRITE)
def meeting_record(
    request: Request, principal: CurrentPrincipal, db: ScopedDB, form: FormBody
) -> Response:
    """Record a meeting; errors are shown in place, with what was typed kept."""
    return _save_meeting(request, principal, db, form, None)


def _save_meeting(
    request: Request, principal: Principal, db: Session, form: FormData, m: EngagementMeeting | None
) -> Response:
    """Record a new meeting (``m`` None) or change ``m``; a refusal shows the form again."""
    values, data, errors = _meeting_input(form)
    try:
        if data is None:
            raise meeting.MeetingError(errors)
        if m is None:
            m = meeting.record_meeting(db, principal.la_code, data, principal)
        else:
            meeting.update_meeting(db, m, data, principal)
    except meeting.MeetingError as exc:
        db.rollback()
        problems = _problems(exc.problems)
        return _meetings_page(
            request, principal, db, 400, m=m, values=values, errors=problems, existing=exc.existing
        )
    return RedirectResponse(f"/selfeval/meetings/{m.id}", status_code=303)


def meeting_of(meeting_id: str, principal: CurrentPrincipal, db: ScopedDB) -> EngagementMeeting:
    """The meeting the address names, in the person's LA, or the not-found page."""
    found = meeting.get_meeting(db, principal.la_code, meeting_id)
    if found is None:
        raise HTTPException(404, "There is no such annual engagement meeting in this authority")
    return found


MeetingAt = Annotated[EngagementMeeting, Depends(meeting_of)]


@router.get("/selfeval/meetings/{meeting_id}", dependencies=READ)
def meeting_page(
    request: Request, principal: CurrentPrincipal, db: ScopedDB, m: MeetingAt
) -> Response:
    """One meeting: who came, the agenda, notes and Ofsted's letter (due, received or
    overdue)."""
    return _meetings_page(request, principal, db, m=m, values=_meeting_values(m))


@router.post("/selfeval/meetings/{meeting_id}", dependencies=WRITE)
def meeting_update(
    request: Request, principal: CurrentPrincipal, db: ScopedDB, m: MeetingAt, form: FormBody
) -> Response:
    """Change a recorded meeting (add the notes after it, correct who came)."""
    return _save_meeting(request, principal, db, form, m)


@router.post("/selfeval/meetings/{meeting_id}/letter", dependencies=WRITE)
def meeting_letter(
    request: Request, principal: CurrentPrincipal, db: ScopedDB, m: MeetingAt, form: FormBody
) -> Response:
    """Record Ofsted's letter to the DCS (para 48)."""
    letter = forms.values(form)
    try:
        data, read = forms.parse(Letter, form)
        if data is None or data.received_on is None:
            raise meeting.MeetingError(dict(read) or {"received_on": "Enter the date"})
        meeting.record_letter(db, m, data.received_on, data.summary, principal, clock.now().date())
    except meeting.MeetingError as exc:
        db.rollback()
        return _meetings_page(
            request,
            principal,
            db,
            400,
            m=m,
            values=_meeting_values(m) | letter,
            errors=_problems(exc.problems),
        )
    return RedirectResponse(f"/selfeval/meetings/{m.id}", status_code=303)


@router.get("/selfeval/{year}", dependencies=READ)
def document(at: At) -> Response:
    """The self-evaluation: the author's text beside Grip's evidence panels."""
    return at.page()


def _edit_from(form: Any) -> service.Edit:
    s = load_structure()
    keys = [*s.questions, *(a.id for a in s.areas)]
    narrative = {k: str(form.get(f"narrative-{k}") or "") for k in keys}
    principles = {
        p: {"ticked": form.get(f"principle-{p}") == "yes", "note": str(form.get(f"note-{p}") or "")}
        for p in s.principles
    }
    texts, links = form.getlist("weakness-text"), form.getlist("weakness-action")
    weaknesses = [
        {"text": str(t).strip(), "action_id": str(a)}
        for t, a in zip(texts, links, strict=False)
        if str(t).strip() or str(a)
    ]
    return service.Edit(
        {k: v for k, v in narrative.items() if v.strip()},
        principles,
        weaknesses,
        [str(x) for x in form.getlist("removed")],
    )


@router.post("/selfeval/{year}", dependencies=WRITE)
def save(at: At, form: FormBody) -> Response:
    """Save the author's edit, refused if someone saved since it was loaded."""
    edit = _edit_from(form)
    loaded, _ = forms.parse(Saved, form)
    try:
        service.save(at.db, at.se, at.principal, loaded.version if loaded else 0, edit)
        at.db.flush()
    except service.Conflict as exc:
        at.db.rollback()
        return at.page(409, edit=edit, errors={"narrative": str(exc)},
                       theirs=service.edit_of(exc.current))  # fmt: skip
    except service.SelfEvalError as exc:
        at.db.rollback()
        return at.page(400, edit=edit, errors={"narrative": str(exc)})
    return RedirectResponse(f"/selfeval/{at.se.year}", status_code=303)


@router.post("/selfeval/{year}/refresh", dependencies=WRITE)
def refresh(at: At, form: FormBody) -> Response:
    """Re-draw every panel at a new date; the author's text is untouched (para 35)."""
    data, errors = forms.parse(Refresh, form)
    try:
        if data is None or data.on is None:
            raise service.SelfEvalError(errors.get("on") or "Enter the evidence date")
        lines = service.refresh(at.db, at.se, at.principal, data.on, data.version,
                                at.request.app.state.settings)  # fmt: skip
        at.db.flush()
    except (service.SelfEvalError, EvidenceError) as exc:
        at.db.rollback()
        return at.page(400, errors=_problems({"on": str(exc)}), values=forms.values(form))
    return at.page(moved=lines or ["Nothing moved."])


@router.get("/selfeval/{year}/export.{fmt}", dependencies=READ)
def export(at: At, fmt: Literal["docx", "pdf"]) -> Response:
    """The self-evaluation as DOCX or PDF (grip.documents)."""
    request, principal, db, se = at.request, at.principal, at.db, at.se
    name = db.scalar(sa.select(LocalAuthority.name).where(LocalAuthority.code == principal.la_code))
    result = render_document(to_document(se, name or principal.la_code))
    if fmt == "pdf" and result.pdf is None:
        return at.page(500, errors={"export": f"The PDF could not be made ({result.pdf_error}). "
                                              "The DOCX is still available."})  # fmt: skip
    audit.record_event(
        request.app.state.engine,
        action=f"export.selfeval_{fmt}",
        actor=client_actor(request, principal),
        la_code=principal.la_code,
        object_type="selfeval",
        object_id=f"{se.id}@{se.version}",
    )
    media = {
        "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "pdf": "application/pdf",
    }[fmt]
    data = result.docx if fmt == "docx" else result.pdf
    name = f"self-evaluation-{principal.la_code}-{se.year}.{fmt}"
    headers = {"Content-Disposition": f'attachment; filename="{name}"'}
    return Response(data, media_type=media, headers=headers)
