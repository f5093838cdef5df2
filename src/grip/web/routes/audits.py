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
from pydantic import Field
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from grip import calendar
from grip.access import clock
from grip.access.models import Membership, User
from grip.access.principal import Principal
from grip.audits import actions as ac
from grip.audits import lifecycle as lc
from grip.audits import reports
from grip.audits.casefile import summarise
from grip.audits.models import Audit
from grip.audits.moderation import agreement, smallest_meaningful_sample
from grip.audits.rules import lifecycle
from grip.audits.sampling import MAX_SEED, add_on_purpose, parse_month, picks_for, sample_month
from grip.audits.templates import AGREEMENT, ANSWERS, GRADES, all_templates, load_template
from grip.formats import month_year
from grip.web import forms
from grip.web.deps import render
from grip.web.paging import page_of_query
from grip.web.security import CurrentPrincipal, FormBody, ScopedDB, csrf_token, record, requires

router = APIRouter(prefix="/audits")
#: The area's own pages, each shown to those who may open it.
SUBNAV = [
    ("audits:read", {"href": "/audits", "text": "Audits"}),
    ("audits:overview", {"href": "/audits/sample", "text": "Sample"}),
    ("audits:overview", {"href": "/audits/actions", "text": "Actions"}),
    ("audits:report", {"href": "/audits/reports", "text": "Reports"}),
]
#: Roles of the allocated worker who fills in the reflection sheet.
WORKER_ROLES = ("social_worker", "team_manager")
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
        "subnav_items": [item for perm, item in SUBNAV if principal.can(perm)],
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
    # Need to know: without the overview, only the audits one is the worker or auditor of.
    mine = mine or not principal.can("audits:overview")
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
        months=[(m, _month_words(m)) for m in lc.audit_months(db, principal.la_code)],
        values={"state": state or "", "month": month or "", "mine": "true" if mine else ""},
        **_base(request, principal),
    )


@router.get("/actions", response_class=HTMLResponse, dependencies=[requires("audits:overview")])
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


@router.get("/sample", response_class=HTMLResponse, dependencies=[requires("audits:overview")])
def sample_page(
    request: Request, principal: CurrentPrincipal, db: ScopedDB, month: str | None = None
) -> HTMLResponse:
    """The month's sample with the reason for each pick, and allocation to auditors."""
    if month is None:
        return _sample(request, principal, db, _this_month())
    errors = forms.FormErrors()
    try:
        _check_month(month)
    except lc.InvalidInput as exc:
        errors.add("month", str(exc))
        return _sample(request, principal, db, _this_month(), 400, errors)
    return _sample(request, principal, db, month)


class SampleRun(forms.Form):
    """The month's sample: how many cases per practice group, and the seed of the draw."""

    month: Annotated[str, Field(title="Month")]
    per_group: Annotated[int, Field(title="Cases per practice group", ge=1, le=20)] = 1
    seed: Annotated[int | None, Field(title="Seed", ge=0, le=MAX_SEED)] = None


class Allocation(forms.Form):
    """Cases of the month's sample given to one auditor (``person_id``: one case outside the
    sample, for API clients)."""

    month: Annotated[str, Field(title="Month")] = ""
    pick_ids: Annotated[list[str], Field(title="Cases to allocate", default_factory=list)]
    person_id: Annotated[str | None, Field(title="Child", max_length=48)] = None
    auditor_id: Annotated[int | None, Field(title="Auditor")] = None
    worker_user_id: Annotated[int | None, Field(title="Allocated worker")] = None
    template_id: Annotated[str, Field(title="Template", max_length=100)] = "single-case-2015"
    theme: Annotated[str | None, Field(title="Theme", max_length=200)] = None
    due_date: Annotated[dt.date | None, Field(title="Due date")] = None


class OnPurpose(forms.Form):
    """A case added to the month's sample on purpose, and why."""

    month: Annotated[str, Field(title="Month")]
    person_id: Annotated[str, Field(title="Child's ID", max_length=48)]
    reason: Annotated[str, Field(title="Why this case is chosen", max_length=500)]


def _this_month() -> str:
    return clock.now().date().strftime("%Y-%m")


def _check_month(month: str) -> None:
    """A sample month is a real month that has begun."""
    if parse_month(month) > clock.now().date():
        raise lc.InvalidInput(f"{month_year(parse_month(month))} has not begun yet", "month")


def _recent_months(count: int = 36) -> list[tuple[str, str]]:
    """(``YYYY-MM``, "December 2026") for this month and the ``count - 1`` before it."""
    first = clock.now().date().replace(day=1)
    days = (calendar.add_months(first, -n) for n in range(count))
    return [(d.strftime("%Y-%m"), month_year(d)) for d in days]


def _refused(errors: forms.FormErrors, model: type[forms.Form], exc: lc.AuditError) -> None:
    """The library's refusal shown beside its field; each gap of an incomplete audit linked to
    the audit form."""
    if isinstance(exc, lc.Incomplete):
        for n, problem in enumerate(exc.problems):
            errors.add(f"gap-{n}", problem, "audit-form")
        return
    forms.refuse(errors, model, str(exc), getattr(exc, "field", None))


def _sample(
    request: Request,
    principal: Principal,
    db: Session,
    month: str,
    status_code: int = 200,
    errors: forms.FormErrors | None = None,
    values: dict[str, Any] | None = None,
) -> HTMLResponse:
    """The sample page; after a refusal, the errors linked to their fields and what the
    person typed or chose kept in the form."""
    picks = picks_for(db, principal.la_code, month)
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
        months=_recent_months(),
        picks=picks,
        allocated=allocated,
        auditors=[(u, name) for u, name, _r in _people(db, principal.la_code, _fit_for("auditor"))],
        workers=[(u, name) for u, name, _r in _people(db, principal.la_code, WORKER_ROLES)],
        template_options=[(t.id, t.title) for t in all_templates()],
        status_code=status_code,
        errors=errors or forms.FormErrors(),
        values={"month": month, "per_group": "1"} | (values or {}),
        **_base(request, principal),
    )


@router.post("/sample", dependencies=[requires("audits:sample")])
def sample_run(
    request: Request, principal: CurrentPrincipal, db: ScopedDB, form: FormBody
) -> Response:
    """Choose and store the month's sample."""
    data, errors = forms.parse(SampleRun, form)
    month = data.month if data else str(form.get("month") or _this_month())
    if data is not None:
        try:
            _check_month(data.month)
            sample_month(
                db, principal.la_code, data.month, per_group=data.per_group, seed=data.seed,
                store=True, actor=principal,
            )  # fmt: skip
            return RedirectResponse(f"/audits/sample?month={data.month}", status_code=303)
        except lc.InvalidInput as exc:
            _refused(errors, SampleRun, exc)
        db.rollback()
    return _sample(request, principal, db, _month_or_now(month), 400, errors, forms.values(form))


def _month_or_now(month: str) -> str:
    try:
        _check_month(month)
    except lc.InvalidInput:
        return _this_month()
    return month


@router.post("/sample/add", dependencies=[requires("audits:manage")])
def sample_add(
    request: Request, principal: CurrentPrincipal, db: ScopedDB, form: FormBody
) -> Response:
    """Add a case to the month's sample on purpose (Southwark QA framework 2015, appendix 1
    §2a), with the reason."""
    data, errors = forms.parse(OnPurpose, form)
    if data is not None:
        try:
            _check_month(data.month)
            add_on_purpose(
                db, principal.la_code, data.month, data.person_id, data.reason, principal
            )
            return RedirectResponse(f"/audits/sample?month={data.month}", status_code=303)
        except lc.InvalidInput as exc:
            _refused(errors, OnPurpose, exc)
        db.rollback()
    month = _month_or_now(str(form.get("month") or ""))
    return _sample(request, principal, db, month, 400, errors, forms.values(form))


@router.post("/allocate", dependencies=[requires("audits:manage")])
def allocate(
    request: Request, principal: CurrentPrincipal, db: ScopedDB, form: FormBody
) -> Response:
    """Allocate the chosen cases of the month's sample to one auditor: all of them or, after a
    refusal, none."""
    data, errors = forms.parse(Allocation, form)
    if data is not None:
        try:
            audits = _allocate_all(db, principal, data)
            if len(audits) == 1:
                return RedirectResponse(f"/audits/{audits[0].id}", status_code=303)
            return RedirectResponse(f"/audits/sample?month={data.month}", status_code=303)
        except lc.InvalidInput as exc:
            _refused(errors, Allocation, exc)
        except lc.AuditError as exc:
            db.rollback()
            return _error_page(request, principal, exc, back=f"/audits/sample?month={data.month}")
        db.rollback()
    if _wants_json(request):
        return JSONResponse({"errors": dict(errors)}, status_code=422)
    month = _month_or_now(str(form.get("month") or ""))
    return _sample(request, principal, db, month, 400, errors, forms.values(form))


def _allocate_all(db: Session, principal: Principal, data: Allocation) -> list[Audit]:
    """One audit per chosen case, each checked by :func:`grip.audits.lifecycle.allocate`."""
    if data.auditor_id is None:
        raise lc.InvalidInput("choose the auditor", "auditor_id")
    picks = {p.id: p for p in picks_for(db, principal.la_code, data.month)}
    chosen = [(picks.get(i), i) for i in data.pick_ids]
    if any(p is None for p, _i in chosen):
        raise lc.InvalidInput(f"a chosen case is not in the sample for {data.month}", "pick_ids")
    if not chosen and not data.person_id:
        raise lc.InvalidInput("choose the cases to allocate", "pick_ids")
    if len(chosen) > 1 and data.worker_user_id is not None:
        raise lc.InvalidInput(
            "choose an allocated worker only when allocating one case", "worker_user_id"
        )
    targets: list[tuple[str, str | None, str | None, str | None]] = [
        (p.person_id, p.team_id, p.service_id, p.id) for p, _i in chosen if p
    ] or [(data.person_id or "", None, None, None)]
    try:
        return _allocate_each(db, principal, data, data.auditor_id, targets)
    except lc.InvalidInput as exc:
        if exc.field == "pick_id":  # the library's name for one of the ticked boxes
            raise lc.InvalidInput(str(exc), "pick_ids") from None
        raise


def _allocate_each(
    db: Session,
    principal: Principal,
    data: Allocation,
    auditor_id: int,
    targets: list[tuple[str, str | None, str | None, str | None]],
) -> list[Audit]:
    """One audit per target (child, team, service, sample pick), all to ``auditor_id``."""
    return [
        lc.allocate(
            db,
            la_code=principal.la_code,
            person_id=person,
            auditor_id=auditor_id,
            actor=principal,
            month=data.month or _this_month(),
            template_id=data.template_id,
            theme=data.theme,
            due_date=data.due_date,
            team_id=team,
            service_id=service,
            pick_id=pick_id,
            worker_user_id=data.worker_user_id,
        )
        for person, team, service, pick_id in targets
    ]


# --- agreement and reports -------------------------------------------------------------------


class Period(forms.Form):
    """The dates an agreement report covers (both optional)."""

    date_from: Annotated[dt.date | None, Field(title="From")] = None
    date_to: Annotated[dt.date | None, Field(title="To")] = None


@router.get("/agreement", response_class=HTMLResponse, dependencies=[requires("audits:report")])
def agreement_page(request: Request, principal: CurrentPrincipal, db: ScopedDB) -> Response:
    """Moderation agreement: percentage and Cohen's kappa by team and over time, each with the
    number of moderated audits it rests on."""
    period, errors = forms.parse(Period, request.query_params)
    if period and period.date_from and period.date_to and period.date_from > period.date_to:
        errors.add(
            "date_from", "The ‘from’ date must be on or before the ‘to’ date", "date_from-day"
        )
        period = None
    period = period or Period()
    report = agreement(db, principal.la_code, period.date_from, period.date_to)
    return render(
        request,
        "audits/agreement.html",
        status_code=400 if errors else 200,
        title="Moderation agreement",
        report=report,
        smallest=smallest_meaningful_sample(),
        errors=errors,
        values=forms.values(request.query_params),
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
        title=f"Audit findings, {reports.quarter_words(q)}",
        report=report,
        quarters=_quarters(db, principal.la_code, today),
        values={"quarter": q},
        **_base(request, principal),
    )


def _quarters(db: Session, la_code: str, today: dt.date) -> list[tuple[str, str]]:
    """The quarters the LA has audits in, and this one, newest first, in words."""
    found = {reports.quarter_of(today)}
    for month in lc.audit_months(db, la_code):
        try:
            found.add(reports.quarter_of(parse_month(month)))
        except lc.InvalidInput:  # a month stored by hand that is not one: nothing to offer
            continue
    return [(q, reports.quarter_words(q)) for q in sorted(found, reverse=True)]


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
    record(request, f"export.{fmt}", "audit_report", quarter)
    name = f"grip-audits-{principal.la_code}-{quarter}.{fmt}"
    return Response(
        body, media_type=media, headers={"content-disposition": f'attachment; filename="{name}"'}
    )


# --- one audit ---------------------------------------------------------------------------------


def _error_title(code: int, method: str) -> str:
    """The page's <h1> and <title>: what happened, in the person's terms. A not-found gets
    GOV.UK's "Page not found" page. (What was typed wrong is shown on the form itself.)"""
    if code == 404:
        return "Page not found"
    if code == 409:
        return "Someone else has changed this audit"
    if code == 403:
        return (
            "You cannot make this change"
            if method != "GET"
            else "You do not have access to this page"
        )
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
    actions = ac.actions_of(db, audit)
    notes = {x.id: x.description for x in actions} | {c.id: c.concern for c in concerns}
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
        "actions": actions,
        "statuses": ac.ACTION_STATUSES,
        "concerns": [(c, ac.notifications_of(db, c)) for c in concerns],
        "history": _history(db, audit, notes),
        "overdue": lc.is_overdue(audit, clock.now().date()),
        "due": lc.effective_due(audit),
        "moderators": _people(db, audit.la_code, _fit_for("moderator", "inspector")),
        "moderator_kinds": lc.MODERATOR_KINDS,
        "family_methods": lc.FAMILY_METHODS,
        "notify_methods": ac.NOTIFY_METHODS,
        "overall": lc.OVERALL,
        "can": _can(principal),
        "discussed_in_time": lc.discussed_in_following_month(audit),
    }


def _history(
    db: Session, audit: Audit, notes: dict[str, str]
) -> list[tuple[dt.datetime, str, str | None, str]]:
    """The audit's history in words: when, what happened, the state it moved to, and the note
    (an action or concern by its words from ``notes``, a moderator by name and kind)."""
    rows = lc.history_of(db, audit)
    appointed = [h.note.split() for h in rows if h.event == "moderator_appointed" and h.note]
    names = _names(db, {int(n[-1]) for n in appointed if n[-1].isdigit()})
    out = []
    for h in rows:
        note = notes.get(h.note or "", h.note or "")
        if h.event == "moderator_appointed" and note:
            kind, uid = note.split()[0], note.split()[-1]  # "<kind> user <id>"
            note = lc.MODERATOR_KINDS.get(kind, "")
            note += f": {names[int(uid)]}" if uid.isdigit() and int(uid) in names else ""
        out.append((h.at, lifecycle().event_words(h.event), h.to_state, note))
    return out


def _can(principal: Principal) -> dict[str, bool]:
    """What the audit page offers the principal beyond their own part of the audit."""
    return {
        "exempt": lc.allowed("exempt", principal),
        "chase": lc.allowed("chase", principal),
        "appoint": lc.allowed("appoint_moderator", principal),
        "actions": lc.allowed("manage_actions", principal),
        "raise": lc.allowed("raise_safety_concern", principal),
        "close_concern": lc.allowed("close_safety_concern", principal),
        "iro": lc.allowed("record_iro_copy", principal),
        "hos": lc.allowed("record_hos_discussion", principal),
    }


@router.get("/{audit_id}", response_class=HTMLResponse, dependencies=[requires("audits:read")])
def audit_page(
    request: Request, audit_id: str, principal: CurrentPrincipal, db: ScopedDB
) -> Response:
    """The audit: the record summary beside the form for the current step."""
    try:
        audit = _get_audit(db, principal, audit_id)
    except lc.AuditError as exc:
        return _error_page(request, principal, exc, back="/audits")
    return _audit_view(request, principal, db, audit)


def _get_audit(db: Session, principal: Principal, audit_id: str) -> Audit:
    """The audit, or not found: without the overview (a social worker), only an audit of
    one's own case, one's own audit or one's moderation."""
    audit = lc.get_audit(db, principal.la_code, audit_id)
    if principal.can("audits:overview"):
        return audit
    mod = lc.moderation_of(db, audit)
    involved = {audit.auditor_id, audit.worker_user_id, mod.moderator_id if mod else None}
    if principal.user_id not in involved:
        raise lc.NotFound(f"no audit {audit_id!r} in {principal.la_code}")
    return audit


def _audit_view(
    request: Request,
    principal: Principal,
    db: Session,
    audit: Audit,
    status_code: int = 200,
    errors: forms.FormErrors | None = None,
    values: dict[str, Any] | None = None,
) -> HTMLResponse:
    """The audit page (a read of the audit and of the child's record summary); after a
    refused change, with the error summary linked to the field and what was typed kept."""
    ctx = _audit_context(db, audit, principal)
    page = render(
        request,
        "audits/audit.html",
        status_code=status_code,
        title=f"Audit of {audit.person_id}",
        errors=errors or forms.FormErrors(),
        values=_stored(audit) | (values or {}),
        moderator_options=[(u, n) for u, n, _r in ctx["moderators"] if u != audit.auditor_id],
        **ctx,
        **_base(request, principal),
    )
    # Logged after the page is built (see grip.web.security.record): the page is sent only
    # once both reads are in the trail.
    record(request, "audit.read", "audit", audit.id, db=db)
    # The page shows the child's record summary beside the form: that is a read of the
    # child's record too.
    record(
        request, "case.read", "case", audit.person_id,
        detail=f"record summary in audit {audit.id}", db=db,
    )  # fmt: skip
    return page


def _stored(audit: Audit) -> dict[str, Any]:
    """What the audit page's forms show before anything is typed."""
    return {
        "reflection_discussed_on": audit.reflection_discussed_on,
        "family_contacted_on": audit.family_contacted_on,
        "family_respondent": audit.family_respondent,
        "family_method": audit.family_method,
        "family_not_obtained_reason": audit.family_not_obtained_reason,
        "kind": "second_auditor",
        "to": "IRO",
        "director_method": "phone",
    }


def _form_input(form: FormData, audit: Audit, dates: AuditDates) -> lc.FormInput:
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
    data.reflection_discussed_on = dates.reflection_discussed_on
    data.family_contacted_on = dates.family_contacted_on
    for name in ("family_respondent", "family_method", "family_not_obtained_reason"):
        if name in form and str(form.get(name) or "").strip():
            setattr(data, name, str(form.get(name)))
    return data


class Versioned(forms.Form):
    """Every change to an audit says which version of it the page was loaded from."""

    hidden = frozenset({"version"})

    version: Annotated[int | None, Field(title="Version")] = None


class AuditDates(Versioned):
    """The dated fields of the reflection and family feedback forms (the answers, grades and
    comments are named by the template: read by ``_form_input``)."""

    reflection_discussed_on: Annotated[
        dt.date | None, Field(title="Date the reflection was discussed")
    ] = None
    family_contacted_on: Annotated[dt.date | None, Field(title="Date the family was contacted")] = (
        None
    )
    then: Annotated[str | None, Field(title="Next step", max_length=60)] = None


class Step(Versioned):
    name: Annotated[str, Field(title="Step", max_length=60)]
    note: Annotated[str | None, Field(title="Why it is returned", max_length=2000)] = None


class Appointment(forms.Form):
    moderator_id: Annotated[int | None, Field(title="Moderator")] = None
    kind: Annotated[str, Field(title="Kind of moderation", max_length=40)] = "second_auditor"


class Moderation(Versioned):
    complete: Annotated[str | None, Field(title="Complete the moderation")] = None


class Exemption(forms.Form):
    reason: Annotated[str, Field(title="Reason for exemption", max_length=1000)] = ""
    until: Annotated[dt.date | None, Field(title="New due date")] = None


class NewAction(forms.Form):
    description: Annotated[str, Field(title="Action", max_length=1000)] = ""
    owner: Annotated[str, Field(title="Who", max_length=100)] = ""
    due_date: Annotated[dt.date | None, Field(title="Due date")] = None


class ActionChange(Versioned):
    status: Annotated[str, Field(title="Status", max_length=40)] = ""
    evidence: Annotated[str, Field(title="Evidence", max_length=2000)] = ""
    completed_on: Annotated[dt.date | None, Field(title="Date completed")] = None


class Concern(forms.Form):
    concern: Annotated[str, Field(title="The concern for the child's safety", max_length=4000)] = ""
    director_told_on: Annotated[dt.date | None, Field(title="Date the Director was told")] = None
    director_told_time: Annotated[
        str | None, Field(title="Time the Director was told", pattern=r"^([01]?\d|2[0-3]):[0-5]\d$")
    ] = None
    director_method: Annotated[str, Field(title="How the Director was told", max_length=40)] = (
        "phone"
    )
    other_told: Annotated[str | None, Field(title="Also told", max_length=100)] = None
    other_method: Annotated[str, Field(title="How they were told", max_length=40)] = "phone"


class ConcernClosed(forms.Form):
    action_taken: Annotated[str, Field(title="What was done", max_length=4000)] = ""


class IroCopy(forms.Form):
    to: Annotated[str, Field(title="Sent to", max_length=100)] = "IRO"
    sent_on: Annotated[dt.date | None, Field(title="Date the copy was sent")] = None


class Discussion(forms.Form):
    discussed_on: Annotated[dt.date | None, Field(title="Date of the discussion")] = None
    discussion: Annotated[str, Field(title="What was discussed", max_length=4000)] = ""


def _act(
    request: Request,
    audit_id: str,
    principal: Principal,
    db: Session,
    form: FormData,
    model: type[forms.Form],
    fn: Any,
) -> Response:
    """Read ``form`` into ``model`` and run ``fn(audit, data)``. A refusal of what was typed
    is shown on the audit page, linked to its field with the input kept; a refusal of the
    person (403), a missing audit (404) or someone else's newer save (409) gets its own page."""
    try:
        audit = _get_audit(db, principal, audit_id)
    except lc.AuditError as exc:
        return _error_page(request, principal, exc, back="/audits")
    data, errors = forms.parse(model, form)
    status = 400
    if data is not None:
        try:
            return fn(audit, data) or RedirectResponse(f"/audits/{audit_id}", status_code=303)
        except (lc.InvalidInput, lc.Incomplete, lc.InvalidTransition) as exc:
            # What was typed, or a step the audit is not ready for: shown beside the form.
            status = 409 if isinstance(exc, lc.InvalidTransition) else 400
            _refused(errors, model, exc)
        except lc.AuditError as exc:
            db.rollback()
            return _error_page(request, principal, exc, back=f"/audits/{audit_id}")
        db.rollback()
        audit = lc.get_audit(db, principal.la_code, audit_id)
    if _wants_json(request):
        return JSONResponse({"error": "; ".join(errors.values()), "errors": dict(errors)}, status)
    return _audit_view(request, principal, db, audit, status, errors, forms.values(form))


def _save(
    request: Request,
    audit_id: str,
    principal: Principal,
    db: Session,
    form: FormData,
    reflection: bool,
) -> Response:
    def fn(audit: Audit, data: AuditDates) -> Response:
        if data.version is None:
            raise lc.InvalidInput("the form did not say which version it was loaded from")
        answers = _form_input(form, audit, data)
        if reflection and (answers.answers or answers.grades or answers.family):
            raise lc.NotAllowed("this page saves the reflection sheet only")
        if not reflection and not principal.can("audits:write"):
            raise lc.NotAllowed("you may not change this audit's answers")
        lc.save_form(db, audit, principal, data.version, answers)
        if data.then:
            lc.transition(db, audit, data.then, principal, audit.version)
        if _wants_json(request):
            return JSONResponse({"saved": True, "version": audit.version})
        return RedirectResponse(f"/audits/{audit_id}?saved=1", status_code=303)

    return _act(request, audit_id, principal, db, form, AuditDates, fn)


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


@router.post("/{audit_id}/transition", dependencies=[requires("audits:write")])
def do_transition(
    request: Request, audit_id: str, principal: CurrentPrincipal, db: ScopedDB, form: FormBody
) -> Response:
    """Move the audit on (or back) one step."""

    def fn(audit: Audit, data: Step) -> None:
        lc.transition(db, audit, data.name, principal, data.version, note=data.note)

    return _act(request, audit_id, principal, db, form, Step, fn)


@router.post("/{audit_id}/moderator", dependencies=[requires("audits:manage")])
def appoint(
    request: Request, audit_id: str, principal: CurrentPrincipal, db: ScopedDB, form: FormBody
) -> Response:
    """Appoint the moderator who will grade blind."""

    def fn(audit: Audit, data: Appointment) -> None:
        if data.moderator_id is None:
            raise lc.InvalidInput("choose the moderator", "moderator_id")
        lc.appoint_moderator(db, audit, principal, data.moderator_id, data.kind)

    return _act(request, audit_id, principal, db, form, Appointment, fn)


@router.post("/{audit_id}/moderation", dependencies=[requires("audits:moderate")])
def moderate(
    request: Request, audit_id: str, principal: CurrentPrincipal, db: ScopedDB, form: FormBody
) -> Response:
    """The moderator's blind grades; with ``complete`` set, completes the moderation."""

    def fn(audit: Audit, data: Moderation) -> None:
        template = load_template(audit.template_id)
        grades = {
            s: (str(form.get(f"g.{s}") or "") or None, str(form.get(f"r.{s}") or ""))
            for s in [*template.section_ids(), lc.OVERALL]
            if f"g.{s}" in form or f"r.{s}" in form
        }
        lc.save_moderation(db, audit, principal, data.version, grades)
        if data.complete:
            lc.transition(db, audit, "complete_moderation", principal, audit.version)

    return _act(request, audit_id, principal, db, form, Moderation, fn)


@router.post("/{audit_id}/exempt", dependencies=[requires("audits:exempt")])
def exempt(
    request: Request, audit_id: str, principal: CurrentPrincipal, db: ScopedDB, form: FormBody
) -> Response:
    """Exempt the audit from its timescale (head of service, with a reason; §2f)."""

    def fn(audit: Audit, data: Exemption) -> None:
        lc.exempt(db, audit, principal, data.reason, data.until)

    return _act(request, audit_id, principal, db, form, Exemption, fn)


@router.post("/{audit_id}/chase", dependencies=[requires("audits:manage")])
def chase(
    request: Request, audit_id: str, principal: CurrentPrincipal, db: ScopedDB, form: FormBody
) -> Response:
    """Record a chase of an overdue audit."""

    def fn(audit: Audit, _data: forms.Form) -> None:
        lc.chase(db, audit, principal)

    return _act(request, audit_id, principal, db, form, forms.Form, fn)


@router.post("/{audit_id}/actions", dependencies=[requires("audits:write")])
def add_action(
    request: Request, audit_id: str, principal: CurrentPrincipal, db: ScopedDB, form: FormBody
) -> Response:
    """Add an improvement action."""

    def fn(audit: Audit, data: NewAction) -> None:
        if data.due_date is None:
            raise lc.InvalidInput("give the action a due date", "due_date")
        ac.add_action(
            db, audit, principal, description=data.description, owner=data.owner,
            due_date=data.due_date,
        )  # fmt: skip

    return _act(request, audit_id, principal, db, form, NewAction, fn)


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

    def fn(audit: Audit, data: ActionChange) -> None:
        action = ac.get_action(db, principal.la_code, action_id)
        if action.audit_id != audit.id:
            raise lc.NotFound("that action belongs to another audit")
        ac.update_action(
            db, action, principal, data.version, status=data.status, evidence=data.evidence,
            completed_on=data.completed_on,
        )  # fmt: skip

    return _act(request, audit_id, principal, db, form, ActionChange, fn)


@router.post("/{audit_id}/safety", dependencies=[requires("audits:safety")])
def raise_concern(
    request: Request, audit_id: str, principal: CurrentPrincipal, db: ScopedDB, form: FormBody
) -> Response:
    """Raise an immediate safety concern (§2g): the Director is always told."""

    def fn(audit: Audit, data: Concern) -> None:
        told_at = _told_at(data)
        others = [ac.Told(data.other_told, told_at, data.other_method)] if data.other_told else []
        ac.raise_safety_concern(
            db, audit, principal, concern=data.concern, director_told_at=told_at,
            director_method=data.director_method, others=others,
        )  # fmt: skip

    return _act(request, audit_id, principal, db, form, Concern, fn)


def _told_at(data: Concern) -> dt.datetime:
    """When the Director was told, from the date and the time typed in England's time (14:00
    in July is stored as 13:00 UTC and shown as 14:00 again)."""
    if data.director_told_on is None:
        raise lc.InvalidInput(
            "record the date the Director of Children's Social Care was told (§2g)",
            "director_told_on",
        )
    if not data.director_told_time:
        raise lc.InvalidInput(
            "record the time the Director was told, like 14:30", "director_told_time"
        )
    hour, minute = (int(x) for x in data.director_told_time.split(":"))
    return calendar.moment_in_england(data.director_told_on, dt.time(hour, minute))


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

    def fn(audit: Audit, data: ConcernClosed) -> None:
        concern = ac.get_concern(db, principal.la_code, concern_id)
        if concern.audit_id != audit.id:
            raise lc.NotFound("that concern belongs to another audit")
        ac.close_safety_concern(db, concern, principal, data.action_taken)

    return _act(request, audit_id, principal, db, form, ConcernClosed, fn)


@router.post("/{audit_id}/iro-copy", dependencies=[requires("audits:write")])
def iro_copy(
    request: Request, audit_id: str, principal: CurrentPrincipal, db: ScopedDB, form: FormBody
) -> Response:
    """Record the copy sent to the IRO or CP chair (§2j)."""

    def fn(audit: Audit, data: IroCopy) -> None:
        if data.sent_on is None:
            raise lc.InvalidInput("give the date the copy was sent", "sent_on")
        lc.record_iro_copy(db, audit, principal, data.to, data.sent_on)

    return _act(request, audit_id, principal, db, form, IroCopy, fn)


@router.post("/{audit_id}/hos-discussion", dependencies=[requires("audits:manage")])
def hos_discussion(
    request: Request, audit_id: str, principal: CurrentPrincipal, db: ScopedDB, form: FormBody
) -> Response:
    """Record the head of service's discussion of the case (§2i)."""

    def fn(audit: Audit, data: Discussion) -> None:
        if data.discussed_on is None:
            raise lc.InvalidInput("give the date of the discussion", "discussed_on")
        lc.record_hos_discussion(db, audit, principal, data.discussed_on, data.discussion)

    return _act(request, audit_id, principal, db, form, Discussion, fn)
