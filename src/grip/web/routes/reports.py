"""Report pages of an inspection: draft the report or letter from the record, write each
section, run the checks before issue, move it through clearing (QA review, factual accuracy
with the LA, final, published), and download the DOCX and PDF. A thin shell over
``grip.reports``: the library decides who may do what from the person's role on the
inspection's team, whatever the route's declared permission admitted.

A refused save or move shows the page again with the GOV.UK error summary linked to the field
and everything typed kept.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from grip.access import audit
from grip.access.principal import Principal
from grip.evidence.name_guard import NameIndex, NamesFound
from grip.inspections import InspectionError, InspectionNotFound, get_inspection
from grip.inspections.models import Inspection
from grip.reports import areas_for_improvement, clearing, drafting, readability, service
from grip.reports import structure as st
from grip.reports.document import paragraphs
from grip.reports.errors import Invalid, Locked, NotAllowed, NotFound, Refused, ReportError
from grip.reports.models import Report
from grip.web.deps import render
from grip.web.routes.evidence import inspection_nav
from grip.web.security import (
    CurrentPrincipal,
    FormBody,
    ScopedDB,
    client_actor,
    csrf_token,
    requires,
)

router = APIRouter(prefix="/inspections/{inspection_id}/report")

READ = [requires("reports:read")]
WRITE = [requires("reports:write")]
COMMENT = [requires("reports:comment")]
STATUS: dict[type[Exception], int] = {
    NotAllowed: 403,
    NotFound: 404,
    InspectionNotFound: 404,
    Locked: 409,
}


def _status(exc: Exception) -> int:
    return next((code for cls, code in STATUS.items() if isinstance(exc, cls)), 422)


def _load(db: Session, principal: Principal, iid: str) -> tuple[Inspection, Report | None]:
    insp = get_inspection(db, principal.la_code, iid)
    report = drafting.get_report(db, insp)
    drafting.require_reader(db, insp, report, principal)
    return insp, report


def _drafted(db: Session, principal: Principal, iid: str) -> tuple[Inspection, Report]:
    insp, report = _load(db, principal, iid)
    if report is None:
        raise NotFound("the report is not drafted yet")
    return insp, report


def _problems(exc: Exception) -> tuple[list[dict[str, str]], dict[str, str]]:
    """The error summary's list (linked to fields) and each field's message."""
    if isinstance(exc, NamesFound):
        fields = {
            h.field: f"“{h.text}” is {h.reason}. Use the job title for staff and no name for a "
            "child or family member (ILACS framework (Ofsted 170040) para 191)"
            for h in exc.hits
        }
    elif isinstance(exc, Invalid):
        fields = dict(exc.errors)
    elif isinstance(exc, Refused):
        return [{"text": p, "href": "#checks"} for p in exc.problems], {}
    else:
        return [{"text": str(exc), "href": "#main-content"}], {}
    return [{"text": v, "href": f"#{k}"} for k, v in fields.items()], fields


def _error(request: Request, principal: Principal, exc: Exception, iid: str) -> HTMLResponse:
    code = _status(exc)
    return render(
        request,
        "evidence/error.html",
        status_code=code,
        title="Page not found" if code == 404 else "There is a problem",
        problems=[str(exc)],
        back=f"/inspections/{iid}/report",
        not_found=code == 404,
        principal=principal,
        subnav_label="This inspection",
        subnav_items=inspection_nav(iid),
    )


def _sections(db: Session, insp: Inspection, report: Report) -> list[dict[str, Any]]:
    current = drafting.texts(db, report)
    return [
        {
            "section": sec,
            "text": current[sec.id].text,
            "version": current[sec.id].version,
            "paragraphs": paragraphs(current[sec.id].text),
        }
        for sec in st.text_sections(report.kind, insp.framework_id)
        if sec.id in current
    ]


def _report_context(db: Session, insp: Inspection, report: Report, check: bool) -> dict[str, Any]:
    names = NameIndex.from_store(db, insp.la_code)
    text = drafting.text_of(db, report)
    return {
        "report": report,
        "kind": st.kind_spec(report.kind),
        "state_label": st.states()[report.state]["label"],
        "sections": _sections(db, insp, report),
        "children": readability.score(text.get("children-summary", "")),
        "checks": [str(p) for p in clearing.problems(db, insp, report, names)] if check else None,
        "comments": clearing.comments(db, report),
        "events": clearing.events(db, report),
        "moves": {k: v for k, v in st.moves().items() if v["from"] == report.state},
        "files": {f.name for f in clearing.published_files(db, report)},
        "editable": report.state in st.data()["editable_states"],
    }


def _page(
    request: Request,
    principal: Principal,
    db: Session,
    insp: Inspection,
    report: Report | None,
    *,
    check: bool = False,
    errors: list[dict[str, str]] | None = None,
    fields: dict[str, str] | None = None,
    form: dict[str, str] | None = None,
) -> HTMLResponse:
    ctx = _report_context(db, insp, report, check) if report is not None else {"report": None}
    return render(
        request,
        "reports/report.html",
        status_code=_code(errors),
        title="Report",
        principal=principal,
        csrf_token=csrf_token(request),
        inspection=insp,
        subnav_label="This inspection",
        subnav_items=inspection_nav(insp.id),
        document_kind=st.kind_spec(st.kind_for(insp.type)),
        timetable=clearing.timetable(insp),
        areas=areas_for_improvement(db, insp.id),
        errors=errors or [],
        fields=fields or {},
        form=form or {},
        **ctx,
    )


def _code(errors: list[dict[str, str]] | None) -> int:
    return 422 if errors else 200


@router.get("", response_class=HTMLResponse, dependencies=READ)
def report_page(
    request: Request, inspection_id: str, principal: CurrentPrincipal, db: ScopedDB
) -> Response:
    """The report or letter: state, due dates, sections, comments, moves and downloads."""
    try:
        insp, report = _load(db, principal, inspection_id)
    except (ReportError, InspectionError) as exc:
        return _error(request, principal, exc, inspection_id)
    check = request.query_params.get("check") == "1"
    return _page(request, principal, db, insp, report, check=check)


@router.post("/draft", dependencies=WRITE)
def draft(
    request: Request, inspection_id: str, principal: CurrentPrincipal, db: ScopedDB
) -> Response:
    """Draft the document para 202 names for the inspection's type from the record."""
    try:
        insp = get_inspection(db, principal.la_code, inspection_id)
        drafting.draft(db, insp, principal)
    except Refused as exc:
        db.rollback()
        errors, _ = _problems(exc)
        return _page(request, principal, db, insp, None, errors=errors)
    except (ReportError, InspectionError) as exc:
        db.rollback()
        return _error(request, principal, exc, inspection_id)
    return RedirectResponse(f"/inspections/{inspection_id}/report", status_code=303)


def _section_page(
    request: Request,
    principal: Principal,
    db: Session,
    insp: Inspection,
    report: Report,
    section_id: str,
    errors: list[dict[str, str]] | None = None,
    fields: dict[str, str] | None = None,
    typed: dict[str, str] | None = None,
) -> HTMLResponse:
    secs = {s["section"].id: s for s in _sections(db, insp, report)}
    if section_id not in secs:
        raise NotFound(f"the report has no section {section_id!r}")
    found = secs[section_id]
    score = readability.score(typed["text"] if typed else found["text"])
    return render(
        request,
        "reports/section.html",
        status_code=_code(errors),
        title=found["section"].heading,
        principal=principal,
        csrf_token=csrf_token(request),
        inspection=insp,
        subnav_label="This inspection",
        subnav_items=inspection_nav(insp.id),
        report=report,
        sec=found,
        score=score if section_id == "children-summary" else None,
        versions=drafting.versions(db, report, section_id),
        editable=report.state in st.data()["editable_states"],
        errors=errors or [],
        fields=fields or {},
        typed=typed,
    )


@router.get("/sections/{section_id}", response_class=HTMLResponse, dependencies=READ)
def section_page(
    request: Request,
    inspection_id: str,
    section_id: str,
    principal: CurrentPrincipal,
    db: ScopedDB,
) -> Response:
    """One section: its text, the edit form for the lead inspector, and every version."""
    try:
        insp, report = _drafted(db, principal, inspection_id)
        return _section_page(request, principal, db, insp, report, section_id)
    except (ReportError, InspectionError) as exc:
        return _error(request, principal, exc, inspection_id)


@router.post("/sections/{section_id}", dependencies=WRITE)
def save_section(
    request: Request,
    inspection_id: str,
    section_id: str,
    principal: CurrentPrincipal,
    db: ScopedDB,
    form: FormBody,
) -> Response:
    """Save a new version of the section (a stale save is refused, the text kept)."""
    typed = {"text": str(form.get("text") or ""), "version": str(form.get("version") or "")}
    try:
        insp, report = _drafted(db, principal, inspection_id)
        version = int(typed["version"]) if typed["version"].isdigit() else -1
        names = NameIndex.from_store(db, insp.la_code)
        drafting.save_text(db, insp, report, section_id, typed["text"], principal, names, version)
    except (Invalid, NamesFound, Locked) as exc:
        db.rollback()
        errors, fields = _problems(exc)
        fields = {"text": next(iter(fields.values()), str(exc))}
        errors = [{"text": fields["text"], "href": "#text"}]
        insp, report = _drafted(db, principal, inspection_id)
        return _section_page(
            request, principal, db, insp, report, section_id, errors, fields, typed
        )
    except (ReportError, InspectionError) as exc:
        db.rollback()
        return _error(request, principal, exc, inspection_id)
    return RedirectResponse(f"/inspections/{inspection_id}/report#{section_id}", status_code=303)


def _again(
    request: Request,
    principal: Principal,
    db: Session,
    iid: str,
    exc: Exception,
    form: dict[str, str],
    suffix: str = "",
) -> HTMLResponse:
    """The report page again after bad input: nothing kept of the attempt, the problems linked
    to their fields (named with ``suffix`` where a page has several such forms), what was
    typed kept."""
    db.rollback()
    errors, fields = _problems(exc)
    if suffix:
        fields = {f"{k}{suffix}": v for k, v in fields.items()}
        errors = [{"text": v, "href": f"#{k}"} for k, v in fields.items()] or errors
        form = {f"{k}{suffix}": v for k, v in form.items()}
    insp, report = _drafted(db, principal, iid)
    return _page(request, principal, db, insp, report, errors=errors, fields=fields, form=form)


@router.post("/moves/{move}", dependencies=WRITE)
def make_move(
    request: Request,
    inspection_id: str,
    move: str,
    principal: CurrentPrincipal,
    db: ScopedDB,
    form: FormBody,
) -> Response:
    """Move the report on through clearing (checks before issue run first)."""
    note = str(form.get("note") or "")
    try:
        insp, report = _drafted(db, principal, inspection_id)
        names = NameIndex.from_store(db, insp.la_code)
        engine = request.app.state.engine
        clearing.move(db, insp, report, move, principal, names, note, outcomes_engine=engine)
    except (Invalid, Refused) as exc:
        return _again(request, principal, db, inspection_id, exc, {"note": note})
    except (ReportError, InspectionError) as exc:
        db.rollback()
        return _error(request, principal, exc, inspection_id)
    return RedirectResponse(f"/inspections/{inspection_id}/report", status_code=303)


@router.post("/comments", dependencies=COMMENT)
def add_comment(
    request: Request, inspection_id: str, principal: CurrentPrincipal, db: ScopedDB, form: FormBody
) -> Response:
    """The LA's factual accuracy comment on one paragraph of the draft (para 215)."""
    kept = {k: str(form.get(k) or "") for k in ("section", "paragraph", "comment")}
    try:
        insp, report = _drafted(db, principal, inspection_id)
        if not kept["paragraph"].isdigit():
            raise Invalid({"paragraph": f"{kept['paragraph']!r}: expected a paragraph number"})
        names = NameIndex.from_store(db, insp.la_code)
        clearing.add_comment(db, insp, report, kept["section"], int(kept["paragraph"]),
                             kept["comment"], principal, names)  # fmt: skip
    except (Invalid, NamesFound) as exc:
        return _again(request, principal, db, inspection_id, exc, kept)
    except (ReportError, InspectionError) as exc:
        db.rollback()
        return _error(request, principal, exc, inspection_id)
    return RedirectResponse(f"/inspections/{inspection_id}/report#comments", status_code=303)


@router.post("/comments/{comment_id}", dependencies=WRITE)
def decide_comment(
    request: Request,
    inspection_id: str,
    comment_id: str,
    principal: CurrentPrincipal,
    db: ScopedDB,
    form: FormBody,
) -> Response:
    """The lead inspector accepts or declines a comment, with a reason."""
    kept = {"decision": str(form.get("decision") or ""), "reason": str(form.get("reason") or "")}
    try:
        insp, report = _drafted(db, principal, inspection_id)
        clearing.decide(db, insp, report, comment_id, kept["decision"], kept["reason"], principal)
    except Invalid as exc:
        return _again(request, principal, db, inspection_id, exc, kept, f"-{comment_id}")
    except (ReportError, InspectionError) as exc:
        db.rollback()
        return _error(request, principal, exc, inspection_id)
    return RedirectResponse(f"/inspections/{inspection_id}/report#comments", status_code=303)


@router.get("/files/{name}.{fmt}", dependencies=READ)
def download(
    request: Request,
    inspection_id: str,
    name: str,
    fmt: str,
    principal: CurrentPrincipal,
    db: ScopedDB,
) -> Response:
    """A file of the document: as published once published, else rendered from the draft. A
    PDF that cannot be typeset is explained on the report page; the DOCX stays available."""
    try:
        insp, report = _load(db, principal, inspection_id)
        if report is None or fmt not in clearing.MEDIA:
            raise NotFound(f"no file {name}.{fmt}")
        data = _file_bytes(db, insp, report, name, fmt)
    except (ReportError, InspectionError) as exc:
        return _error(request, principal, exc, inspection_id)
    audit.record_event(
        request.app.state.engine, action=f"export.report_{fmt}",
        actor=client_actor(request, principal), la_code=principal.la_code,
        object_type="report", object_id=f"{report.id}/{name}",
    )  # fmt: skip
    headers = {"Content-Disposition": f'attachment; filename="{name}-{insp.id}.{fmt}"'}
    return Response(data, media_type=clearing.MEDIA[fmt], headers=headers)


def _file_bytes(db: Session, insp: Inspection, report: Report, name: str, fmt: str) -> bytes:
    if report.state == "published":
        return clearing.published_file(db, report, f"{name}.{fmt}").content
    rendered = service.render_one(db, insp, report, name)
    if rendered is None:
        raise NotFound(f"no file {name}.{fmt} in this {report.kind.replace('-', ' ')}")
    if fmt == "pdf" and rendered.pdf is None:
        raise Refused([f"The PDF could not be made ({rendered.pdf_error}). The DOCX is still "
                       f"available: /inspections/{insp.id}/report/files/{name}.docx"])  # fmt: skip
    return rendered.pdf if fmt == "pdf" and rendered.pdf is not None else rendered.docx
