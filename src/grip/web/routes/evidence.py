"""Evidence pages of an inspection: the evidence record (entries, versions, QA notes, search and
coverage), the judgement meeting, findings, the feedback meeting and agreement with the LA's
audits. A thin shell over ``grip.evidence``: the library decides who may do what from the
person's role on the inspection's team, whatever the route's declared permission admitted.

A refused save shows the form again with the GOV.UK error summary linked to each field and
everything typed kept; a name found by the name guard is listed with the field and the words.
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from grip import frameworks
from grip.access.models import User
from grip.access.principal import Principal
from grip.audits.templates import GRADES
from grip.evidence import agreement as agr
from grip.evidence import feedback as fb
from grip.evidence import findings as fnd
from grip.evidence import judgements as jdg
from grip.evidence import record as rec
from grip.evidence.headings import evidence_headings
from grip.evidence.meeting import descriptors_around
from grip.evidence.name_guard import NameIndex, NamesFound
from grip.inspections import InspectionError, InspectionNotFound, get_inspection
from grip.inspections.models import Inspection
from grip.web.deps import render
from grip.web.security import CurrentPrincipal, FormBody, ScopedDB, csrf_token, record, requires

router = APIRouter(prefix="/inspections/{inspection_id}")

STATUS: dict[type[Exception], int] = {
    rec.NotAllowed: 403,
    rec.NotFound: 404,
    InspectionNotFound: 404,
    rec.Locked: 409,
}

READ = [requires("evidence:read")]
WRITE = [requires("evidence:write")]


def _status(exc: Exception) -> int:
    return next((code for cls, code in STATUS.items() if isinstance(exc, cls)), 422)


def inspection_nav(inspection_id: str) -> list[dict[str, str]]:
    """The "This inspection" navigation of an inspection's evidence and report pages."""
    base = f"/inspections/{inspection_id}"
    return [
        {"href": f"{base}/evidence", "text": "Evidence record"},
        {"href": f"{base}/judgements", "text": "Judgements"},
        {"href": f"{base}/findings", "text": "Findings"},
        {"href": f"{base}/feedback", "text": "Feedback"},
        {"href": f"{base}/agreement", "text": "Agreement with audits"},
        {"href": f"{base}/report", "text": "Report"},
    ]


def _base(request: Request, principal: Principal, insp: Inspection) -> dict[str, Any]:
    r = rec.rules()
    return {
        "principal": principal,
        "csrf_token": csrf_token(request),
        "inspection": insp,
        "subnav_label": "This inspection",
        "subnav_items": inspection_nav(insp.id),
        "sources": r.sources,
        "markers": r.markers,
        "headings": evidence_headings(insp.framework_id),
        "framework": frameworks.load(insp.framework_id),
    }


def _error(request: Request, principal: Principal, exc: Exception, iid: str) -> HTMLResponse:
    return render(
        request,
        "evidence/error.html",
        status_code=_status(exc),
        title="There is a problem" if _status(exc) != 404 else "Page not found",
        problems=[str(exc)],
        back=f"/inspections/{iid}/evidence",
        not_found=_status(exc) == 404,
        principal=principal,
        subnav_label="This inspection",
        subnav_items=inspection_nav(iid),
    )


def _names(db: Session, ids: set[int | None]) -> dict[int, str]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    return {u.id: u.display_name for u in db.scalars(select(User).where(User.id.in_(wanted)))}


def _form_entry(form: FormData) -> rec.EntryInput:
    return rec.EntryInput(
        source=str(form.get("source") or ""),
        marker=str(form.get("marker") or ""),
        headings=[str(h) for h in form.getlist("headings")],
        cases=[str(c) for c in form.getlist("cases")],
        statement=str(form.get("statement") or ""),
        evidence=str(form.get("evidence") or ""),
        impact=str(form.get("impact") or ""),
    )


def _problems(exc: Exception) -> tuple[list[dict[str, str]], dict[str, str]]:
    """The error summary's list (linked to fields) and each field's message."""
    if isinstance(exc, NamesFound):
        by_field: dict[str, str] = {}
        for h in exc.hits:
            msg = f"“{h.text}” is {h.reason}"
            by_field[h.field] = f"{by_field[h.field]}; {msg}" if h.field in by_field else msg
        fields = {
            k: f"{v}. Use the case reference or initials for children and family, and the job "
            "title for staff (ILACS framework (Ofsted 170040) para 191)"
            for k, v in by_field.items()
        }
    elif isinstance(exc, rec.Invalid):
        fields = dict(exc.errors)
    else:
        return [{"text": str(exc), "href": "#main-content"}], {}
    return [{"text": f"{k}: {v}", "href": f"#{k}"} for k, v in fields.items()], fields


# --- the evidence record ---------------------------------------------------------------------


@router.get("/evidence", response_class=HTMLResponse, dependencies=READ)
def record_page(
    request: Request,
    inspection_id: str,
    principal: CurrentPrincipal,
    db: ScopedDB,
    heading: str = "",
    judgement: str = "",
    inspector: str = "",
    case: str = "",
    marker: str = "",
    q: str = "",
) -> Response:
    """The record, searchable and filtered, with the evidence coverage per heading."""
    try:
        insp = get_inspection(db, principal.la_code, inspection_id)
        who = int(inspector) if inspector.isdigit() else None
        f = rec.Filters(heading, judgement, who, case.strip(), marker, q)
        rows = rec.entries(db, insp, principal, f)
    except (rec.EvidenceError, InspectionNotFound) as exc:
        return _error(request, principal, exc, inspection_id)
    record(request, "evidence.list", "inspection", insp.id, db=db)
    db.commit()
    return render(
        request,
        "evidence/record.html",
        title="Evidence record",
        entries=rows,
        refs={e.id: json.loads(e.headings) for e in rows},
        cases=rec.entry_cases(db, insp),
        authors=_names(db, {e.author_id for e in rows}),
        coverage=rec.coverage(db, insp),
        filters=f,
        can_write=rec.has_team_role(db, insp, principal, rec.rules().writers),
        can_note=rec.has_team_role(db, insp, principal, rec.rules().qa_roles),
        record_notes=[n for n in rec.qa_notes(db, insp) if n.entry_id is None],
        **_base(request, principal, insp),
    )


def _entry_form(
    request: Request, principal: Principal, db: Session, insp: Inspection, **ctx: Any
) -> HTMLResponse:
    status = ctx.pop("status_code", 200)
    return render(
        request,
        "evidence/entry_form.html",
        status_code=status,
        title=ctx.pop("title", "Record evidence"),
        sample=sorted(rec.sample_cases(db, insp)),
        **ctx,
        **_base(request, principal, insp),
    )


@router.get("/evidence/new", response_class=HTMLResponse, dependencies=WRITE)
def new_entry_page(
    request: Request, inspection_id: str, principal: CurrentPrincipal, db: ScopedDB
) -> Response:
    """An empty entry form: source, headings, cases, marker and the three parts of para 188."""
    try:
        insp = get_inspection(db, principal.la_code, inspection_id)
        rec.require_team_role(db, insp, principal, rec.rules().writers, "recording evidence")
    except (rec.EvidenceError, InspectionNotFound) as exc:
        return _error(request, principal, exc, inspection_id)
    return _entry_form(request, principal, db, insp, data=rec.EntryInput(), errors=[], fields={})


@router.post("/evidence/new", dependencies=WRITE)
def new_entry(
    request: Request, inspection_id: str, principal: CurrentPrincipal, db: ScopedDB, form: FormBody
) -> Response:
    """Save a new entry, or show the form again with every problem and the text kept."""
    data = _form_entry(form)
    try:
        insp = get_inspection(db, principal.la_code, inspection_id)
        entry = rec.record_entry(db, insp, data, principal, NameIndex.from_store(db, insp.la_code))
    except (rec.Invalid, NamesFound) as exc:
        db.rollback()
        errors, fields = _problems(exc)
        return _entry_form(
            request, principal, db, insp, data=data, errors=errors, fields=fields, status_code=422
        )
    except (rec.EvidenceError, InspectionNotFound) as exc:
        return _error(request, principal, exc, inspection_id)
    db.commit()
    return RedirectResponse(f"/inspections/{inspection_id}/evidence/{entry.id}", status_code=303)


@router.get("/evidence/{entry_id}", response_class=HTMLResponse, dependencies=READ)
def entry_page(
    request: Request, inspection_id: str, entry_id: str, principal: CurrentPrincipal, db: ScopedDB
) -> Response:
    """One entry: its current text, every version, the QA notes, and the edit form."""
    try:
        insp = get_inspection(db, principal.la_code, inspection_id)
        rec.require_reader(db, insp, principal.user_id, "the evidence record")
        entry = rec.get_entry(db, insp, entry_id)
    except (rec.EvidenceError, InspectionNotFound) as exc:
        return _error(request, principal, exc, inspection_id)
    return _entry_detail(request, principal, db, insp, entry, None, [], {})


def _entry_detail(
    request: Request,
    principal: Principal,
    db: Session,
    insp: Inspection,
    entry: Any,
    data: rec.EntryInput | None,
    errors: list[dict[str, str]],
    fields: dict[str, str],
    status_code: int = 200,
) -> HTMLResponse:
    versions = rec.versions(db, entry)
    cases = rec.entry_cases(db, insp).get(entry.id, [])
    for person_id in cases:
        record(request, "case.read", "case", person_id, detail=f"evidence entry {entry.id}", db=db)
    db.commit()
    current = data or rec.EntryInput(
        entry.source, entry.marker, json.loads(entry.headings), cases,
        entry.statement, entry.evidence, entry.impact,
    )  # fmt: skip
    notes = [n for n in rec.qa_notes(db, insp) if n.entry_id == entry.id]
    return render(
        request,
        "evidence/entry.html",
        status_code=status_code,
        title="Evidence entry",
        entry=entry,
        entry_cases=cases,
        versions=versions,
        notes=notes,
        people=_names(db, {v.saved_by for v in versions} | {n.author_id for n in notes}),
        data=current,
        errors=errors,
        fields=fields,
        sample=sorted(rec.sample_cases(db, insp)),
        can_write=rec.has_team_role(db, insp, principal, rec.rules().writers),
        can_note=rec.has_team_role(db, insp, principal, rec.rules().qa_roles),
        **_base(request, principal, insp),
    )


@router.post("/evidence/notes", dependencies=WRITE)
def add_record_note(
    request: Request, inspection_id: str, principal: CurrentPrincipal, db: ScopedDB, form: FormBody
) -> Response:
    """The quality assurance manager's note on the whole record once reviewed (para 190)."""
    try:
        insp = get_inspection(db, principal.la_code, inspection_id)
        names = NameIndex.from_store(db, insp.la_code)
        rec.add_qa_note(db, insp, str(form.get("note") or ""), principal, names)
    except (rec.EvidenceError, NamesFound, InspectionNotFound) as exc:
        return _error(request, principal, exc, inspection_id)
    db.commit()
    return RedirectResponse(f"/inspections/{inspection_id}/evidence", status_code=303)


@router.post("/evidence/{entry_id}", dependencies=WRITE)
def edit_entry(
    request: Request,
    inspection_id: str,
    entry_id: str,
    principal: CurrentPrincipal,
    db: ScopedDB,
    form: FormBody,
) -> Response:
    """Save a new version of the entry (the earlier ones are kept)."""
    data = _form_entry(form)
    version = str(form.get("version") or "")
    try:
        insp = get_inspection(db, principal.la_code, inspection_id)
        entry = rec.get_entry(db, insp, entry_id)
        if not version.isdigit():
            raise rec.Invalid({"version": f"{version!r} is not a version number"})
        names = NameIndex.from_store(db, insp.la_code)
        rec.edit_entry(db, insp, entry_id, data, principal, names, int(version))
    except (rec.Invalid, NamesFound) as exc:
        db.rollback()
        errors, fields = _problems(exc)
        return _entry_detail(request, principal, db, insp, entry, data, errors, fields, 422)
    except (rec.EvidenceError, InspectionNotFound) as exc:
        return _error(request, principal, exc, inspection_id)
    db.commit()
    return RedirectResponse(f"/inspections/{inspection_id}/evidence/{entry_id}", status_code=303)


@router.post("/evidence/{entry_id}/notes", dependencies=WRITE)
def add_note(
    request: Request,
    inspection_id: str,
    entry_id: str,
    principal: CurrentPrincipal,
    db: ScopedDB,
    form: FormBody,
) -> Response:
    """The quality assurance manager's note on the entry (para 190)."""
    try:
        insp = get_inspection(db, principal.la_code, inspection_id)
        names = NameIndex.from_store(db, insp.la_code)
        rec.add_qa_note(db, insp, str(form.get("note") or ""), principal, names, entry_id)
    except (rec.EvidenceError, NamesFound, InspectionNotFound) as exc:
        return _error(request, principal, exc, inspection_id)
    db.commit()
    return RedirectResponse(f"/inspections/{inspection_id}/evidence/{entry_id}", status_code=303)


# --- the judgement meeting -------------------------------------------------------------------


def _meeting_context(db: Session, insp: Inspection, principal: Principal) -> dict[str, Any]:
    proposals = {p.judgement_id: p for p in jdg.proposals(db, insp)}
    found = jdg.meeting(db, insp)
    descriptors = {
        jid: descriptors_around(insp.framework_id, jid, p.grade) for jid, p in proposals.items()
    }
    return {
        "proposals": proposals,
        "chosen": {jid: json.loads(p.entry_ids) for jid, p in proposals.items()},
        "facts": json.loads(found.facts) if found else {},
        "confirmed": found is not None and found.confirmed_at is not None,
        "verdict": jdg.check(db, insp),
        "descriptors": descriptors,
        "coverage": rec.coverage(db, insp),
        "by_judgement": _by_judgement(insp, rec.entries(db, insp, principal)),
        "graded": insp.type in rec.rules().graded_types,
    }


def _by_judgement(insp: Inspection, entries: list[Any]) -> dict[str, list[Any]]:
    """The entries evidencing each judgement's headings (overall effectiveness has none)."""
    judgement_of = {h.ref: h.judgement_id for h in evidence_headings(insp.framework_id)}
    out: dict[str, list[Any]] = {}
    for e in entries:
        for jid in {judgement_of.get(r) for r in json.loads(e.headings)} - {None}:
            out.setdefault(str(jid), []).append(e)
    return out


@router.get("/judgements", response_class=HTMLResponse, dependencies=READ)
def meeting_page(
    request: Request, inspection_id: str, principal: CurrentPrincipal, db: ScopedDB
) -> Response:
    """The judgement meeting: grades with their evidence, the engine's verdict with the
    paragraphs, the descriptors either side of each proposed grade, and coverage per heading."""
    try:
        insp = get_inspection(db, principal.la_code, inspection_id)
        rec.require_reader(db, insp, principal.user_id, "the judgement meeting")
    except (rec.EvidenceError, InspectionNotFound) as exc:
        return _error(request, principal, exc, inspection_id)
    return render(
        request,
        "evidence/meeting.html",
        title="Judgement meeting",
        errors=[],
        can_confirm_role=rec.has_team_role(db, insp, principal, rec.rules().leads),
        **_meeting_context(db, insp, principal),
        **_base(request, principal, insp),
    )


def _meeting_error(
    request: Request, principal: Principal, db: Session, insp: Inspection, exc: Exception
) -> HTMLResponse:
    db.rollback()
    problems = exc.problems if isinstance(exc, jdg.JudgementsRefused) else None
    errors = [{"text": p, "href": "#verdict"} for p in problems] if problems else _problems(exc)[0]
    return render(
        request,
        "evidence/meeting.html",
        status_code=422,
        title="Judgement meeting",
        errors=errors,
        can_confirm_role=rec.has_team_role(db, insp, principal, rec.rules().leads),
        **_meeting_context(db, insp, principal),
        **_base(request, principal, insp),
    )


@router.post("/judgements", dependencies=WRITE)
def save_meeting(
    request: Request, inspection_id: str, principal: CurrentPrincipal, db: ScopedDB, form: FormBody
) -> Response:
    """Save the proposed grades, their evidence and the findings the rules depend on."""
    try:
        insp = get_inspection(db, principal.la_code, inspection_id)
        fw = frameworks.load(insp.framework_id)
        for j in fw.judgements:
            grade = str(form.get(f"grade-{j.id}") or "")
            if grade:
                ids = [str(i) for i in form.getlist(f"entries-{j.id}")]
                reasons = str(form.get(f"reasons-{j.id}") or "")
                jdg.propose(db, insp, j.id, grade, ids, principal, reasons)
        answers = {f.id: str(form.get(f"fact-{f.id}") or "") for f in fw.facts}
        facts = {k: v == "yes" for k, v in answers.items() if v in ("yes", "no")}
        jdg.set_facts(db, insp, facts, principal)
    except InspectionNotFound as exc:
        return _error(request, principal, exc, inspection_id)
    except (rec.Invalid, rec.Locked, rec.NotAllowed) as exc:
        if isinstance(exc, rec.NotAllowed):
            return _error(request, principal, exc, inspection_id)
        return _meeting_error(request, principal, db, insp, exc)
    db.commit()
    return RedirectResponse(f"/inspections/{inspection_id}/judgements", status_code=303)


@router.post("/judgements/confirm", dependencies=WRITE)
def confirm_meeting(
    request: Request, inspection_id: str, principal: CurrentPrincipal, db: ScopedDB
) -> Response:
    """Confirm the grades (lead inspector), only when the engine allows the set."""
    try:
        insp = get_inspection(db, principal.la_code, inspection_id)
        jdg.confirm(db, insp, principal)
    except InspectionNotFound as exc:
        return _error(request, principal, exc, inspection_id)
    except (jdg.JudgementsRefused, rec.Invalid, rec.Locked) as exc:
        return _meeting_error(request, principal, db, insp, exc)
    except rec.EvidenceError as exc:
        return _error(request, principal, exc, inspection_id)
    db.commit()
    return RedirectResponse(f"/inspections/{inspection_id}/judgements", status_code=303)


# --- findings, feedback, agreement -----------------------------------------------------------


@router.get("/findings", response_class=HTMLResponse, dependencies=READ)
def findings_page(
    request: Request, inspection_id: str, principal: CurrentPrincipal, db: ScopedDB
) -> Response:
    """Findings without grades; the LA sees them once feedback is given."""
    try:
        insp = get_inspection(db, principal.la_code, inspection_id)
        rows = fnd.findings(db, insp, principal)
    except (rec.EvidenceError, InspectionNotFound) as exc:
        return _error(request, principal, exc, inspection_id)
    return _findings(request, principal, db, insp, rows)


def _findings(
    request: Request,
    principal: Principal,
    db: Session,
    insp: Inspection,
    rows: list[fnd.FindingView],
    errors: list[dict[str, str]] | None = None,
    fields: dict[str, str] | None = None,
    form: dict[str, Any] | None = None,
) -> HTMLResponse:
    team = rec.can_read_record(db, insp, principal.user_id)
    return render(
        request,
        "evidence/findings.html",
        status_code=422 if errors else 200,
        title="Findings",
        findings=rows,
        kinds=fnd.kinds_for(insp),
        can_write=team and not fb.feedback_given(db, insp),
        all_entries=rec.entries(db, insp, principal) if team else [],
        errors=errors or [],
        fields=fields or {},
        form=form or {},
        **_base(request, principal, insp),
    )


@router.post("/findings", dependencies=WRITE)
def add_finding(
    request: Request, inspection_id: str, principal: CurrentPrincipal, db: ScopedDB, form: FormBody
) -> Response:
    """Record a finding tied to evidence; any grade is refused (para 108)."""
    kind, text = str(form.get("kind") or ""), str(form.get("text") or "")
    against, ids = str(form.get("against") or ""), [str(i) for i in form.getlist("entries")]
    kept: dict[str, Any] = {"kind": kind, "text": text, "against": against, "entries": ids}
    try:
        insp = get_inspection(db, principal.la_code, inspection_id)
        names = NameIndex.from_store(db, insp.la_code)
        grade = str(form.get("grade") or "") or None
        fnd.add_finding(db, insp, kind, text, ids, principal, names, against=against, grade=grade)
    except (rec.Invalid, NamesFound) as exc:
        db.rollback()
        errors, fields = _problems(exc)
        return _findings(request, principal, db, insp, fnd.findings(db, insp), errors, fields, kept)
    except (rec.EvidenceError, InspectionNotFound) as exc:
        return _error(request, principal, exc, inspection_id)
    db.commit()
    return RedirectResponse(f"/inspections/{inspection_id}/findings", status_code=303)


def _feedback(
    request: Request,
    principal: Principal,
    db: Session,
    insp: Inspection,
    errors: list[dict[str, str]] | None = None,
    fields: dict[str, str] | None = None,
    form: dict[str, str] | None = None,
) -> HTMLResponse:
    row = fb.feedback(db, insp)
    given = row is not None and row.given_at is not None
    if not given and not rec.can_read_record(db, insp, principal.user_id):
        raise rec.NotAllowed("the feedback meeting is recorded by the inspection's team")
    return render(
        request,
        "evidence/feedback.html",
        status_code=422 if errors else 200,
        title="Feedback meeting",
        feedback=row,
        given=json.loads(row.given) if given and row else {},
        can_give=not given and rec.has_team_role(db, insp, principal, rec.rules().leads),
        errors=errors or [],
        fields=fields or {},
        form=form or {},
        **_base(request, principal, insp),
    )


@router.get("/feedback", response_class=HTMLResponse, dependencies=READ)
def feedback_page(
    request: Request, inspection_id: str, principal: CurrentPrincipal, db: ScopedDB
) -> Response:
    """The feedback meeting: the form for the lead inspector, then its locked record."""
    try:
        insp = get_inspection(db, principal.la_code, inspection_id)
        return _feedback(request, principal, db, insp)
    except (rec.EvidenceError, InspectionNotFound) as exc:
        return _error(request, principal, exc, inspection_id)


@router.post("/feedback", dependencies=WRITE)
def give_feedback(
    request: Request, inspection_id: str, principal: CurrentPrincipal, db: ScopedDB, form: FormBody
) -> Response:
    """Record the feedback meeting and lock it (paras 197-201)."""
    kept = {"attendees": str(form.get("attendees") or ""), "note": str(form.get("note") or "")}
    try:
        insp = get_inspection(db, principal.la_code, inspection_id)
        names = NameIndex.from_store(db, insp.la_code)
        fb.give_feedback(db, insp, kept["attendees"], kept["note"], principal, names)
    except (rec.Invalid, NamesFound) as exc:
        db.rollback()
        errors, fields = _problems(exc)
        return _feedback(request, principal, db, insp, errors, fields, kept)
    except (rec.EvidenceError, InspectionError) as exc:
        db.rollback()
        return _error(request, principal, exc, inspection_id)
    db.commit()
    return RedirectResponse(f"/inspections/{inspection_id}/feedback", status_code=303)


@router.get("/agreement", response_class=HTMLResponse, dependencies=READ)
def agreement_page(
    request: Request, inspection_id: str, principal: CurrentPrincipal, db: ScopedDB
) -> Response:
    """Inspectors' grades beside the LA's audit grades, with agreement and kappa (para 59)."""
    try:
        insp = get_inspection(db, principal.la_code, inspection_id)
        rec.require_reader(db, insp, principal.user_id, "the inspectors' case grades")
    except (rec.EvidenceError, InspectionNotFound) as exc:
        return _error(request, principal, exc, inspection_id)
    return _agreement(request, principal, db, insp)


def _agreement(
    request: Request,
    principal: Principal,
    db: Session,
    insp: Inspection,
    errors: list[dict[str, str]] | None = None,
    fields: dict[str, str] | None = None,
) -> HTMLResponse:
    audited = {
        p: a.final_grade for p in sorted(rec.sample_cases(db, insp))
        if (a := agr.la_audit(db, insp, p)) is not None and a.final_grade
    }  # fmt: skip
    return render(
        request,
        "evidence/agreement.html",
        status_code=422 if errors else 200,
        title="Agreement with the local authority's audits",
        report=agr.agreement(db, insp),
        audited=audited,
        grades=GRADES,
        errors=errors or [],
        fields=fields or {},
        **_base(request, principal, insp),
    )


@router.post("/agreement", dependencies=WRITE)
def grade_case(
    request: Request, inspection_id: str, principal: CurrentPrincipal, db: ScopedDB, form: FormBody
) -> Response:
    """Record an inspector's grade of an LA-audited case."""
    try:
        insp = get_inspection(db, principal.la_code, inspection_id)
        person = str(form.get("case") or "")
        agr.record_evaluation(db, insp, person, str(form.get("grade") or ""), principal)
    except rec.Invalid as exc:
        db.rollback()
        errors, fields = _problems(exc)
        return _agreement(request, principal, db, insp, errors, fields)
    except (rec.EvidenceError, InspectionNotFound) as exc:
        return _error(request, principal, exc, inspection_id)
    record(request, "case.read", "case", person, detail="inspector's grade", db=db)
    db.commit()
    return RedirectResponse(f"/inspections/{inspection_id}/agreement", status_code=303)
