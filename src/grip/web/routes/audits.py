"""Audit pages: the monthly sample and allocation, the audit form (save as you go, with
optimistic locking), reflection, family feedback, moderation, improvement actions, safety
concerns, agreement and reports. A thin shell over ``grip.audits``: every rule is
checked by the library, whatever the route's declared permission already admitted.

A stale save answers 409 with a page (or, for the save-as-you-go script, JSON) saying who
changed the audit and what to do; nothing is lost silently.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from grip import calendar
from grip.access import audit as trail
from grip.access import clock
from grip.access.models import Membership, User
from grip.access.principal import Principal
from grip.audits import actions as ac
from grip.audits import lifecycle as lc
from grip.audits import reports
from grip.audits.casefile import summarise
from grip.audits.models import Audit
from grip.audits.moderation import agreement
from grip.audits.rules import lifecycle
from grip.audits.sampling import parse_month, picks_for, sample_month
from grip.audits.templates import AGREEMENT, ANSWERS, GRADES, all_templates, load_template
from grip.formats import month_year
from grip.web.deps import render
from grip.web.paging import page_of_query
from grip.web.security import (
    CurrentPrincipal,
    FormBody,
    ScopedDB,
    client_actor,
    csrf_token,
    requires,
)

router = APIRouter(prefix="/audits")
#: Audits listed per page: a year of a large LA's audits is several hundred.
AUDITS_PER_PAGE = 50

STATUS = {
    lc.NotAllowed: 403,
    lc.NotFound: 404,
    lc.StaleVersion: 409,
    lc.InvalidTransition: 409,
}


def _status(exc: lc.AuditError) -> int:
    for cls, code in STATUS.items():
        if isinstance(exc, cls):
            return code
    return 422


def _wants_json(request: Request) -> bool:
    return "application/json" in request.headers.get("accept", "")


def _date(form: FormData, name: str) -> dt.date | None:
    value = str(form.get(name) or "").strip()
    if not value:
        return None
    try:
        return calendar.parse_date(value, name.replace("_", " "))
    except calendar.DateInputError as exc:
        raise lc.InvalidInput(str(exc)) from None


def _int(form: FormData, name: str) -> int | None:
    value = str(form.get(name) or "").strip()
    if not value:
        return None
    if not (value.isascii() and value.isdigit()):
        raise lc.InvalidInput(f"{name}: {value[:40]!r} is not a whole number", name)
    return int(value)


def _month_words(month: str) -> str:
    """ "December 2026" for ``2026-12``; the text as typed when it is not a month."""
    try:
        return month_year(parse_month(month))
    except lc.InvalidInput:
        return month


def _people(db: Session, la_code: str, roles: tuple[str, ...]) -> list[tuple[int, str, str]]:
    """(user id, display name, role) of the LA's users holding ``roles``."""
    rows = db.execute(
        select(User.id, User.display_name, Membership.role)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.authority_code == la_code, Membership.role.in_(roles), User.is_active)
        .order_by(User.display_name)
    ).all()
    return [(r[0], r[1], r[2]) for r in rows]


def _fit_for(*jobs: str) -> tuple[str, ...]:
    """The roles whose holders may be given any of ``jobs``: the rule allocation checks."""
    return tuple(sorted(set().union(*(lc.job_roles(j) for j in jobs))))


def _names(db: Session, ids: set[int | None]) -> dict[int, str]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    return {u.id: u.display_name for u in db.scalars(select(User).where(User.id.in_(wanted)))}


def _blind(db: Session, principal: Principal) -> set[str]:
    """Audits the principal moderates blind: no page or export shows them their grades."""
    return lc.blind_audit_ids(db, principal.la_code, principal.user_id)


def _base(request: Request, principal: Principal) -> dict[str, Any]:
    return {
        "principal": principal,
        "csrf_token": csrf_token(request),
        "states": lifecycle().states,
        "grades": GRADES,
        "answers": ANSWERS,
        "agreement_scale": AGREEMENT,
        "subnav_label": "Audits",
        "subnav_items": [
            {"href": "/audits", "text": "Audits"},
            {"href": "/audits/sample", "text": "Sample"},
            {"href": "/audits/actions", "text": "Actions"},
            {"href": "/audits/reports", "text": "Reports"},
        ],
    }


# --- lists -----------------------------------------------------------------------------------


@router.get("", response_class=HTMLResponse, dependencies=[requires("audits:read")])
def index(
    request: Request,
    principal: CurrentPrincipal,
    db: ScopedDB,
    state: str | None = None,
    month: str | None = None,
    mine: bool = False,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> HTMLResponse:
    """Audits: mine first, then everyone's I may see, filtered by state and month, a page at
    a time."""
    today = clock.now().date()
    query = lc.audit_list(
        principal.la_code,
        [state] if state in lifecycle().states else None,
        month=month or None,
        involving=principal.user_id if mine else None,
    )
    paged = page_of_query(db, query, page, AUDITS_PER_PAGE)
    return render(
        request,
        "audits/index.html",
        title="Audits",
        paged=paged,
        month_words=_month_words,
        names=_names(db, {a.auditor_id for a in paged.rows}),
        overdue={a.id for a in paged.rows if lc.is_overdue(a, today)},
        blind=_blind(db, principal),
        overdue_count=len(lc.overdue_audits(db, principal.la_code, today)),
        open_concerns=ac.count_open_concerns(db, principal.la_code),
        filter_state=state,
        filter_month=month,
        mine=mine,
        **_base(request, principal),
    )


@router.get("/actions", response_class=HTMLResponse, dependencies=[requires("audits:read")])
def actions_page(request: Request, principal: CurrentPrincipal, db: ScopedDB) -> HTMLResponse:
    """Overdue improvement actions and open safety concerns."""
    today = clock.now().date()
    return render(
        request,
        "audits/actions.html",
        title="Overdue actions and open safety concerns",
        overdue=ac.overdue_actions(db, principal.la_code, today),
        concerns=ac.open_safety_concerns(db, principal.la_code),
        statuses=ac.ACTION_STATUSES,
        **_base(request, principal),
    )


# --- sample and allocation ------------------------------------------------------------------


@router.get("/sample", response_class=HTMLResponse, dependencies=[requires("audits:read")])
def sample_page(
    request: Request, principal: CurrentPrincipal, db: ScopedDB, month: str | None = None
) -> HTMLResponse:
    """The month's sample with the reason for each pick, and allocation to auditors."""
    return _sample(request, principal, db, month or clock.now().date().strftime("%Y-%m"))


#: Allocation form fields and the id prefix of their inputs on the sample page.
ALLOCATE_FIELDS = {
    "auditor_id": "auditor",
    "worker_user_id": "worker",
    "template_id": "template",
    "theme": "theme",
    "due_date": "due",
}


def _sample(
    request: Request,
    principal: Principal,
    db: Session,
    month: str,
    status_code: int = 200,
    kept: dict[str, str] | None = None,
    error: lc.InvalidInput | None = None,
    run_error: lc.InvalidInput | None = None,
) -> HTMLResponse:
    """The sample page; after a refused allocation or sample run, with the error linked to its
    field and what the person typed or chose kept in the form."""
    picks = (
        [] if run_error and run_error.field == "month" else picks_for(db, principal.la_code, month)
    )
    errors = []
    if run_error is not None:
        errors = [{"text": str(run_error), "href": f"#{run_error.field or 'per_group'}"}]
    if error is not None and kept is not None:
        index = next((i for i, p in enumerate(picks, 1) if p.id == kept.get("pick_id")), 0)
        href = f"#{ALLOCATE_FIELDS.get(error.field or '', 'auditor')}-{index}"
        errors = [{"text": str(error), "href": href}]
    allocated = {
        a.pick_id
        for a in db.scalars(
            select(Audit).where(Audit.la_code == principal.la_code, Audit.month == month)
        )
    }
    return render(
        request,
        "audits/sample.html",
        title=f"Audit sample for {_month_words(month)}",
        month_words=_month_words(month),
        month=month,
        picks=picks,
        allocated=allocated,
        auditors=_people(db, principal.la_code, _fit_for("auditor")),
        workers=_people(db, principal.la_code, ("social_worker", "team_manager")),
        templates=all_templates(),
        status_code=status_code,
        errors=errors,
        kept=kept or {},
        error_field=error.field if error else None,
        **_base(request, principal),
    )


@router.post("/sample", dependencies=[requires("audits:sample")])
def sample_run(
    request: Request, principal: CurrentPrincipal, db: ScopedDB, form: FormBody
) -> Response:
    """Choose and store the month's sample."""
    month = str(form.get("month") or "")
    try:
        per_group = _int(form, "per_group")
        sample_month(
            db,
            principal.la_code,
            month,
            per_group=1 if per_group is None else per_group,
            seed=_int(form, "seed"),
            store=True,
            actor=principal,
        )
    except lc.InvalidInput as exc:
        db.rollback()  # shown again on the sample page, the error linked to its field
        typed = {k: str(form.get(k) or "") for k in ("per_group", "seed")}
        return _sample(request, principal, db, month, 400, kept=typed, run_error=exc)
    except lc.AuditError as exc:
        db.rollback()
        return _error_page(request, principal, exc, back=f"/audits/sample?month={month}")
    return RedirectResponse(f"/audits/sample?month={month}", status_code=303)


@router.post("/allocate", dependencies=[requires("audits:manage")])
def allocate(
    request: Request, principal: CurrentPrincipal, db: ScopedDB, form: FormBody
) -> Response:
    """Allocate a picked case (or a case chosen on the page) to an auditor."""
    month = str(form.get("month") or "")
    pick_id = str(form.get("pick_id") or "") or None
    try:
        auditor = _int(form, "auditor_id")
        if auditor is None:
            raise lc.InvalidInput("choose the auditor", "auditor_id")
        person = str(form.get("person_id") or "").strip()
        team = service = None
        if pick_id:
            pick = next(
                (p for p in picks_for(db, principal.la_code, month) if p.id == pick_id), None
            )
            if pick is None:
                raise lc.NotFound(f"no pick {pick_id!r} in {month}")
            person, team, service = pick.person_id, pick.team_id, pick.service_id
        if not person:
            raise lc.InvalidInput("choose the case to audit")
        audit = lc.allocate(
            db,
            la_code=principal.la_code,
            person_id=person,
            auditor_id=auditor,
            actor=principal,
            month=month or clock.now().date().strftime("%Y-%m"),
            template_id=str(form.get("template_id") or "single-case-2015"),
            theme=str(form.get("theme") or "") or None,
            due_date=_date(form, "due_date"),
            team_id=team,
            service_id=service,
            pick_id=pick_id,
            worker_user_id=_int(form, "worker_user_id"),
        )
    except lc.AuditError as exc:
        db.rollback()
        if isinstance(exc, lc.InvalidInput) and exc.field and pick_id and not _wants_json(request):
            # Shown in place: the error summary links to the field, the choices are kept.
            kept = {k: str(form.get(k) or "") for k in ("pick_id", *ALLOCATE_FIELDS)}
            return _sample(request, principal, db, month, 400, kept, exc)
        return _error_page(request, principal, exc, back=f"/audits/sample?month={month}")
    return RedirectResponse(f"/audits/{audit.id}", status_code=303)


# --- agreement and reports -------------------------------------------------------------------


@router.get("/agreement", response_class=HTMLResponse, dependencies=[requires("audits:report")])
def agreement_page(
    request: Request,
    principal: CurrentPrincipal,
    db: ScopedDB,
    date_from: str | None = None,
    date_to: str | None = None,
) -> Response:
    """Moderation agreement: percentage and Cohen's kappa by team and over time."""
    try:
        f = calendar.parse_date(date_from, "date from") if date_from else None
        t = calendar.parse_date(date_to, "date to") if date_to else None
        report = agreement(db, principal.la_code, f, t)
    except (ValueError, lc.AuditError) as exc:
        return _error_page(request, principal, lc.InvalidInput(str(exc)), back="/audits/agreement")
    return render(
        request,
        "audits/agreement.html",
        title="Moderation agreement",
        report=report,
        **_base(request, principal),
    )


@router.get("/reports", response_class=HTMLResponse, dependencies=[requires("audits:report")])
def reports_page(
    request: Request, principal: CurrentPrincipal, db: ScopedDB, quarter: str | None = None
) -> Response:
    """Grades, strengths and weaknesses, actions, overdue audits and safety concerns by service
    and practice group, by month and quarter; the quarterly P&Q pack."""
    today = clock.now().date()
    try:
        q = quarter or reports.quarter_of(today)
        report = reports.build(db, principal.la_code, q, today, hidden=_blind(db, principal))
    except lc.AuditError as exc:
        return _error_page(request, principal, exc, back="/audits/reports")
    return render(
        request,
        "audits/reports.html",
        title=f"Audit report {q}",
        report=report,
        **_base(request, principal),
    )


@router.get("/reports/{quarter}.{fmt}", dependencies=[requires("audits:report")])
def report_export(
    request: Request, principal: CurrentPrincipal, db: ScopedDB, quarter: str, fmt: str
) -> Response:
    """The quarterly performance and quality pack as XLSX or DOCX (Southwark QA framework 2015,
    §1)."""
    today = clock.now().date()
    try:
        report = reports.build(db, principal.la_code, quarter, today, hidden=_blind(db, principal))
        if fmt == "xlsx":
            body, media = reports.to_xlsx(report), reports.XLSX
        elif fmt == "docx":
            body, media = reports.to_docx(report), reports.DOCX
        else:
            raise lc.NotFound(f"no export format {fmt!r}; expected xlsx or docx")
    except lc.AuditError as exc:
        return _error_page(request, principal, exc, back="/audits/reports")
    trail.record_event(
        request.app.state.engine,
        action=f"export.{fmt}",
        actor=client_actor(request, principal),
        la_code=principal.la_code,
        object_type="audit_report",
        object_id=quarter,
    )
    name = f"grip-audits-{principal.la_code}-{quarter}.{fmt}"
    return Response(
        body, media_type=media, headers={"content-disposition": f'attachment; filename="{name}"'}
    )


# --- one audit ---------------------------------------------------------------------------------


def _error_title(code: int, method: str) -> str:
    """The page's <h1> and <title>: what happened, in the person's terms. A not-found gets
    GOV.UK's "Page not found" page; anything else refused a change (POST) or a page (GET)."""
    if code == 404:
        return "Page not found"
    if method != "GET":
        return "The change was not saved"
    if code == 403:
        return "You do not have access to this page"
    return "The page could not be shown"


def _error_page(request: Request, principal: Principal, exc: lc.AuditError, back: str) -> Response:
    code = _status(exc)
    if _wants_json(request):
        body: dict[str, Any] = {"error": str(exc)}
        if isinstance(exc, lc.StaleVersion):
            body |= {"stale": True, "loaded": exc.loaded, "current": exc.current}
        if isinstance(exc, lc.Incomplete):
            body["problems"] = exc.problems
        return JSONResponse(body, status_code=code)
    return render(
        request,
        "audits/error.html",
        status_code=code,
        title=_error_title(code, request.method),
        not_found=code == 404,
        error=exc,
        stale=isinstance(exc, lc.StaleVersion),
        problems=exc.problems if isinstance(exc, lc.Incomplete) else [str(exc)],
        back=back,
        **_base(request, principal),
    )


def _audit_context(db: Session, audit: Audit, principal: Principal) -> dict[str, Any]:
    template = load_template(audit.template_id)
    visible = lc.auditor_judgements_visible(db, audit, principal)
    mod = lc.moderation_of(db, audit)
    names = _names(
        db,
        {
            audit.auditor_id,
            audit.worker_user_id,
            audit.exempt_by,
            mod.moderator_id if mod else None,
        },
    )
    concerns = ac.concerns_of(db, audit)
    return {
        "audit": audit,
        "tmpl": template,
        "answers_given": lc.answers_of(db, audit) if visible else {},
        "auditor_grades": lc.grades_of(db, audit, "auditor") if visible else {},
        "moderator_grades": lc.grades_of(db, audit, "moderator"),
        "judgements_visible": visible,
        # Blind moderation: the moderator sees no grade of the auditor's until theirs is done.
        "final_grade": audit.final_grade if visible else None,
        "moderation": mod,
        "is_moderator": mod is not None and mod.moderator_id == principal.user_id,
        "is_auditor": audit.auditor_id == principal.user_id,
        "is_worker": audit.worker_user_id == principal.user_id,
        "names": names,
        "transitions": [
            lifecycle().transition(n) for n in lc.available_transitions(db, audit, principal)
        ],
        "editable": {part: audit.state in states for part, states in lc.EDITABLE.items()},
        "summary": summarise(
            db, audit.la_code, audit.person_id, audit.period_start, audit.period_end
        ),
        "actions": ac.actions_of(db, audit),
        "statuses": ac.ACTION_STATUSES,
        "concerns": [(c, ac.notifications_of(db, c)) for c in concerns],
        "history": lc.history_of(db, audit),
        "overdue": lc.is_overdue(audit, clock.now().date()),
        "due": lc.effective_due(audit),
        "moderators": _people(db, audit.la_code, _fit_for("moderator", "inspector")),
        "moderator_kinds": lc.MODERATOR_KINDS,
        "family_methods": lc.FAMILY_METHODS,
        "notify_methods": ac.NOTIFY_METHODS,
        "overall": lc.OVERALL,
        "can": {
            "exempt": lc.allowed("exempt", principal),
            "chase": lc.allowed("chase", principal),
            "appoint": lc.allowed("appoint_moderator", principal),
            "actions": lc.allowed("manage_actions", principal),
            "raise": lc.allowed("raise_safety_concern", principal),
            "close_concern": lc.allowed("close_safety_concern", principal),
            "iro": lc.allowed("record_iro_copy", principal),
            "hos": lc.allowed("record_hos_discussion", principal),
        },
        "discussed_in_time": lc.discussed_in_following_month(audit),
    }


@router.get("/{audit_id}", response_class=HTMLResponse, dependencies=[requires("audits:read")])
def audit_page(
    request: Request, audit_id: str, principal: CurrentPrincipal, db: ScopedDB
) -> Response:
    """The audit: the record summary beside the form for the current step."""
    try:
        audit = lc.get_audit(db, principal.la_code, audit_id)
    except lc.AuditError as exc:
        return _error_page(request, principal, exc, back="/audits")
    return _audit_view(request, principal, db, audit)


def _audit_view(
    request: Request,
    principal: Principal,
    db: Session,
    audit: Audit,
    status_code: int = 200,
    errors: list[dict[str, str]] | None = None,
    kept: dict[str, str] | None = None,
) -> HTMLResponse:
    """The audit page (a read of the audit and of the child's record summary); after a
    refused change, with the error summary linked to the field and the choices kept."""
    ctx = _audit_context(db, audit, principal)
    page = render(
        request,
        "audits/audit.html",
        status_code=status_code,
        title=f"Audit of {audit.person_id}",
        errors=errors or [],
        kept=kept or {},
        **ctx,
        **_base(request, principal),
    )
    # Logged after the page is built (see grip.web.security.record): the page is sent only
    # once both reads are in the trail.
    actor = client_actor(request, principal)
    trail.record_event(
        db, action="audit.read", actor=actor, la_code=principal.la_code,
        object_type="audit", object_id=audit.id,
    )  # fmt: skip
    # The page shows the child's record summary beside the form: that is a read of the
    # child's record too.
    trail.record_event(
        db, action="case.read", actor=actor, la_code=principal.la_code, object_type="case",
        object_id=audit.person_id, detail=f"record summary in audit {audit.id}",
    )  # fmt: skip
    return page


def _form_input(form: FormData, audit: Audit) -> lc.FormInput:
    """Read the posted fields: only the parts present on the page are changed."""
    template = load_template(audit.template_id)
    data = lc.FormInput()
    for key in template.question_keys():
        if f"a.{key}" in form or f"e.{key}" in form:
            data.answers[key] = (
                str(form.get(f"a.{key}") or "") or None,
                str(form.get(f"e.{key}") or ""),
            )
    for section in [*template.section_ids(), lc.OVERALL]:
        if f"g.{section}" in form or f"r.{section}" in form:
            data.grades[section] = (
                str(form.get(f"g.{section}") or "") or None,
                str(form.get(f"r.{section}") or ""),
            )
    for q in template.reflection.questions:
        if f"rf.{q.id}" in form:
            data.reflection[q.id] = str(form.get(f"rf.{q.id}") or "")
    for q in template.family.questions:
        if f"fa.{q.id}" in form or f"ft.{q.id}" in form:
            data.family[q.id] = (
                str(form.get(f"fa.{q.id}") or "") or None,
                str(form.get(f"ft.{q.id}") or ""),
            )
    data.reflection_discussed_on = _date(form, "reflection_discussed_on")
    data.family_contacted_on = _date(form, "family_contacted_on")
    for name in ("family_respondent", "family_method", "family_not_obtained_reason"):
        if name in form and str(form.get(name) or "").strip():
            setattr(data, name, str(form.get(name)))
    return data


def _save(
    request: Request,
    audit_id: str,
    principal: Principal,
    db: Session,
    form: FormData,
    reflection: bool,
) -> Response:
    try:
        audit = lc.get_audit(db, principal.la_code, audit_id)
        version = _int(form, "version")
        if version is None:
            raise lc.InvalidInput("the form did not say which version it was loaded from")
        data = _form_input(form, audit)
        if reflection and (data.answers or data.grades or data.family):
            raise lc.NotAllowed("this page saves the reflection sheet only")
        if not reflection and not principal.can("audits:write"):
            raise lc.NotAllowed("you may not change this audit's answers")
        lc.save_form(db, audit, principal, version, data)
        then = str(form.get("then") or "")
        if then:
            lc.transition(db, audit, then, principal, audit.version)
        new_version = audit.version
    except lc.AuditError as exc:
        db.rollback()
        return _error_page(request, principal, exc, back=f"/audits/{audit_id}")
    if _wants_json(request):
        return JSONResponse({"saved": True, "version": new_version})
    return RedirectResponse(f"/audits/{audit_id}?saved=1", status_code=303)


@router.post("/{audit_id}/save", dependencies=[requires("audits:write")])
def save(
    request: Request, audit_id: str, principal: CurrentPrincipal, db: ScopedDB, form: FormBody
) -> Response:
    """Save the questions, grades or family feedback (and optionally move on a step)."""
    return _save(request, audit_id, principal, db, form, reflection=False)


@router.post("/{audit_id}/reflection", dependencies=[requires("audits:reflect")])
def save_reflection(
    request: Request, audit_id: str, principal: CurrentPrincipal, db: ScopedDB, form: FormBody
) -> Response:
    """Save the worker's reflection sheet (Southwark QA framework 2015, appendix 1 §1.3, §2c)."""
    return _save(request, audit_id, principal, db, form, reflection=True)


def _act(
    request: Request, audit_id: str, principal: Principal, db: Session, form: FormData, fn: Any
) -> Response:
    try:
        audit = lc.get_audit(db, principal.la_code, audit_id)
        fn(audit, form)
    except lc.AuditError as exc:
        db.rollback()
        return _error_page(request, principal, exc, back=f"/audits/{audit_id}")
    return RedirectResponse(f"/audits/{audit_id}", status_code=303)


@router.post("/{audit_id}/transition", dependencies=[requires("audits:write")])
def do_transition(
    request: Request, audit_id: str, principal: CurrentPrincipal, db: ScopedDB, form: FormBody
) -> Response:
    """Move the audit on (or back) one step."""

    def fn(audit: Audit, form: FormData) -> None:
        lc.transition(
            db,
            audit,
            str(form.get("name") or ""),
            principal,
            _int(form, "version"),
            note=str(form.get("note") or "") or None,
        )

    return _act(request, audit_id, principal, db, form, fn)


@router.post("/{audit_id}/moderator", dependencies=[requires("audits:manage")])
def appoint(
    request: Request, audit_id: str, principal: CurrentPrincipal, db: ScopedDB, form: FormBody
) -> Response:
    """Appoint the moderator who will grade blind."""
    kept = {k: str(form.get(k) or "") for k in ("moderator_id", "kind")}
    try:
        audit = lc.get_audit(db, principal.la_code, audit_id)
        mid = _int(form, "moderator_id")
        if mid is None:
            raise lc.InvalidInput("choose the moderator", "moderator_id")
        lc.appoint_moderator(db, audit, principal, mid, kept["kind"] or "second_auditor")
    except lc.AuditError as exc:
        db.rollback()
        if isinstance(exc, lc.InvalidInput) and exc.field and not _wants_json(request):
            # Shown in place on the audit page, linked to the moderator field.
            audit = lc.get_audit(db, principal.la_code, audit_id)
            errors = [{"text": str(exc), "href": f"#{exc.field}"}]
            return _audit_view(request, principal, db, audit, 400, errors, kept)
        return _error_page(request, principal, exc, back=f"/audits/{audit_id}")
    return RedirectResponse(f"/audits/{audit_id}", status_code=303)


@router.post("/{audit_id}/moderation", dependencies=[requires("audits:moderate")])
def moderate(
    request: Request, audit_id: str, principal: CurrentPrincipal, db: ScopedDB, form: FormBody
) -> Response:
    """The moderator's blind grades; with ``complete`` set, completes the moderation."""

    def fn(audit: Audit, form: FormData) -> None:
        template = load_template(audit.template_id)
        grades = {
            s: (str(form.get(f"g.{s}") or "") or None, str(form.get(f"r.{s}") or ""))
            for s in [*template.section_ids(), lc.OVERALL]
            if f"g.{s}" in form or f"r.{s}" in form
        }
        lc.save_moderation(db, audit, principal, _int(form, "version"), grades)
        if form.get("complete"):
            lc.transition(db, audit, "complete_moderation", principal, audit.version)

    return _act(request, audit_id, principal, db, form, fn)


@router.post("/{audit_id}/exempt", dependencies=[requires("audits:exempt")])
def exempt(
    request: Request, audit_id: str, principal: CurrentPrincipal, db: ScopedDB, form: FormBody
) -> Response:
    """Exempt the audit from its timescale (head of service, with a reason; §2f)."""

    def fn(audit: Audit, form: FormData) -> None:
        lc.exempt(db, audit, principal, str(form.get("reason") or ""), _date(form, "until"))

    return _act(request, audit_id, principal, db, form, fn)


@router.post("/{audit_id}/chase", dependencies=[requires("audits:manage")])
def chase(
    request: Request, audit_id: str, principal: CurrentPrincipal, db: ScopedDB, form: FormBody
) -> Response:
    """Record a chase of an overdue audit."""
    return _act(
        request, audit_id, principal, db, form, lambda audit, _f: lc.chase(db, audit, principal)
    )


@router.post("/{audit_id}/actions", dependencies=[requires("audits:write")])
def add_action(
    request: Request, audit_id: str, principal: CurrentPrincipal, db: ScopedDB, form: FormBody
) -> Response:
    """Add an improvement action."""

    def fn(audit: Audit, form: FormData) -> None:
        due = _date(form, "due_date")
        if due is None:
            raise lc.InvalidInput("give the action a due date")
        ac.add_action(
            db,
            audit,
            principal,
            description=str(form.get("description") or ""),
            owner=str(form.get("owner") or ""),
            due_date=due,
        )

    return _act(request, audit_id, principal, db, form, fn)


@router.post("/{audit_id}/actions/{action_id}", dependencies=[requires("audits:write")])
def update_action(
    request: Request,
    audit_id: str,
    action_id: str,
    principal: CurrentPrincipal,
    db: ScopedDB,
    form: FormBody,
) -> Response:
    """Change an action's status, with evidence when done."""

    def fn(audit: Audit, form: FormData) -> None:
        action = ac.get_action(db, principal.la_code, action_id)
        if action.audit_id != audit.id:
            raise lc.NotFound("that action belongs to another audit")
        ac.update_action(
            db,
            action,
            principal,
            _int(form, "version"),
            status=str(form.get("status") or ""),
            evidence=str(form.get("evidence") or ""),
            completed_on=_date(form, "completed_on"),
        )

    return _act(request, audit_id, principal, db, form, fn)


@router.post("/{audit_id}/safety", dependencies=[requires("audits:safety")])
def raise_concern(
    request: Request, audit_id: str, principal: CurrentPrincipal, db: ScopedDB, form: FormBody
) -> Response:
    """Raise an immediate safety concern (§2g): the Director is always told."""

    def fn(audit: Audit, form: FormData) -> None:
        when = str(form.get("director_told_at") or "").strip()
        try:
            told_at = dt.datetime.fromisoformat(when).replace(tzinfo=dt.UTC) if when else None
            if told_at:
                calendar.check_input_date(told_at.date())
        except ValueError:
            raise lc.InvalidInput(
                f"when the Director was told: {when!r} is not a date and time"
            ) from None
        if told_at is None:
            raise lc.InvalidInput(
                "record when the Director of Children's Social Care was told (§2g)"
            )
        others = []
        other = str(form.get("other_told") or "").strip()
        if other:
            others.append(ac.Told(other, told_at, str(form.get("other_method") or "phone")))
        ac.raise_safety_concern(
            db,
            audit,
            principal,
            concern=str(form.get("concern") or ""),
            director_told_at=told_at,
            director_method=str(form.get("director_method") or "phone"),
            others=others,
        )

    return _act(request, audit_id, principal, db, form, fn)


@router.post("/{audit_id}/safety/{concern_id}/close", dependencies=[requires("audits:safety")])
def close_concern(
    request: Request,
    audit_id: str,
    concern_id: str,
    principal: CurrentPrincipal,
    db: ScopedDB,
    form: FormBody,
) -> Response:
    """Close a safety concern with what was done (a manager)."""

    def fn(audit: Audit, form: FormData) -> None:
        concern = ac.get_concern(db, principal.la_code, concern_id)
        if concern.audit_id != audit.id:
            raise lc.NotFound("that concern belongs to another audit")
        ac.close_safety_concern(db, concern, principal, str(form.get("action_taken") or ""))

    return _act(request, audit_id, principal, db, form, fn)


@router.post("/{audit_id}/iro-copy", dependencies=[requires("audits:write")])
def iro_copy(
    request: Request, audit_id: str, principal: CurrentPrincipal, db: ScopedDB, form: FormBody
) -> Response:
    """Record the copy sent to the IRO or CP chair (§2j)."""

    def fn(audit: Audit, form: FormData) -> None:
        sent = _date(form, "sent_on")
        if sent is None:
            raise lc.InvalidInput("give the date the copy was sent")
        lc.record_iro_copy(db, audit, principal, str(form.get("to") or ""), sent)

    return _act(request, audit_id, principal, db, form, fn)


@router.post("/{audit_id}/hos-discussion", dependencies=[requires("audits:manage")])
def hos_discussion(
    request: Request, audit_id: str, principal: CurrentPrincipal, db: ScopedDB, form: FormBody
) -> Response:
    """Record the head of service's discussion of the case (§2i)."""

    def fn(audit: Audit, form: FormData) -> None:
        on = _date(form, "on")
        if on is None:
            raise lc.InvalidInput("give the date of the discussion")
        lc.record_hos_discussion(db, audit, principal, on, str(form.get("note") or ""))

    return _act(request, audit_id, principal, db, form, fn)
