"""Annex A pages: build the lists for a date and download them; upload a workbook and see its
problems, filterable by list, column and rule.

Restricted cases: the built workbook is the statutory return sent to Ofsted (ILACS framework (Ofsted
170040) paras 246-249) and must be complete, so it includes every child of the LA; it is only
available to roles holding ``annex_a:build`` and every build is written to the audit trail. The
pages never list children from the case store (they show counts only), so there is no drill-down
from which a restricted case would have to be hidden. The checker's problem rows echo only the
uploaded file's own content, kept for 24 hours and shown only to the user who uploaded it.
"""

from __future__ import annotations

import json
import secrets
import time
from datetime import date
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.datastructures import FormData, UploadFile

from grip import calendar
from grip.access import audit
from grip.access.principal import Principal
from grip.annex_a import guard, tasks
from grip.annex_a.spec import DEFAULT_SPEC, Spec, SpecError, available_specs, load_spec
from grip.jobs import DONE, FAILED, Busy, Job, user_owner
from grip.web.deps import render
from grip.web.security import CurrentPrincipal, FormBody, client_actor, csrf_token, requires

router = APIRouter()

REPORT_SECONDS = 24 * 3600
UPLOAD_SECONDS = 3600
PAGE_ROWS = 500
BUILD, CHECK = "annex_a.build", "annex_a.check"
JOB_URL = "/annex-a/jobs/{id}"


def _kept_dir(request: Request, name: str, pattern: str, seconds: int) -> Path:
    """The data folder's ``name`` folder, rid of ``pattern`` files older than ``seconds``."""
    d = Path(request.app.state.settings.data_dir) / name
    d.mkdir(parents=True, exist_ok=True)
    now = time.time()
    for old in d.glob(pattern):
        if now - old.stat().st_mtime > seconds:
            old.unlink(missing_ok=True)
    return d


def _reports_dir(request: Request) -> Path:
    return _kept_dir(request, "annex_a_reports", "*.json", REPORT_SECONDS)


def _owner(principal: Principal) -> str:
    """Whose job limit a job counts against: the user's, whichever LA they are working in."""
    return user_owner(principal.user_id)


def _job(request: Request, principal: Principal, job_id: str) -> Job | None:
    """The principal's own job in this LA, if it exists and has not been forgotten."""
    job: Job | None = request.app.state.jobs.get(job_id, _owner(principal))
    return job if job is not None and job.scope == principal.la_code else None


def _specs() -> list[tuple[str, str]]:
    return [(s, load_spec(s).title) for s in available_specs()]


def _page(
    request: Request, principal: Any, template: str, status: int = 200, **ctx: Any
) -> Response:
    return render(
        request,
        template,
        status_code=status,
        principal=principal,
        csrf_token=csrf_token(request),
        specs=_specs(),
        default_spec=DEFAULT_SPEC,
        **ctx,
    )


@router.get("/annex-a", dependencies=[requires("annex_a:build")])
def build_page(request: Request, principal: CurrentPrincipal) -> Response:
    """The build form: inspection date and spec."""
    return _page(request, principal, "annex_a/build.html", title="Annex A", today=date.today())


def _build_form(form: FormData) -> tuple[str, date | None, Spec | None, dict[str, str]]:
    """The build form's date and spec, and an error per field that is wrong."""
    when, spec_id = str(form.get("date") or ""), str(form.get("spec") or DEFAULT_SPEC)
    errors: dict[str, str] = {}
    d = spec = None
    try:
        d = calendar.parse_date(when, "inspection date")
    except ValueError:
        errors["date"] = "Enter the inspection date as YYYY-MM-DD, for example 2024-06-14"
    try:
        spec = load_spec(spec_id)
    except SpecError:
        errors["spec"] = "Choose one of the listed specs"
    return when, d, spec, errors


@router.post("/annex-a/build", dependencies=[requires("annex_a:build")])
def build_download(request: Request, principal: CurrentPrincipal, form: FormBody) -> Response:
    """Start building all eleven lists for the principal's LA; show the job's page."""
    when, d, spec, errors = _build_form(form)
    if errors or d is None or spec is None:
        return _page(
            request,
            principal,
            "annex_a/build.html",
            400,
            title="Annex A",
            today=date.today(),
            errors=errors,
            value=when,
        )
    engine, actor = request.app.state.engine, client_actor(request, principal)

    def recorded(built: tasks.BuiltWorkbook) -> tasks.BuiltWorkbook:
        audit.record_event(
            engine,
            action="export.annex_a",
            actor=actor,
            la_code=principal.la_code,
            object_type="annex_a",
            object_id=d.isoformat(),
            detail=f"spec {spec.id}; rows {built.rows}",
        )
        return built

    # The worker opens its own LA-scoped engine (row-level security on PostgreSQL) from the URL.
    url = engine.url.render_as_string(hide_password=False)
    started = request.app.state.jobs.submit(
        BUILD, _owner(principal), f"Annex A as at {d:%-d %B %Y}", tasks.build_job,
        url, principal.la_code, d, spec.id,
        scope=principal.la_code, url=JOB_URL, then=recorded,
    )  # fmt: skip
    return RedirectResponse(started.url, status_code=303)


@router.get("/annex-a/check", dependencies=[requires("annex_a:check")])
def check_page(request: Request, principal: CurrentPrincipal) -> Response:
    """The upload form."""
    return _page(request, principal, "annex_a/check.html", title="Check an Annex A workbook")


def _check_form(form: FormData) -> tuple[str, date | None, Spec | None, dict[str, str]]:
    """The check form's date (optional) and spec, and an error per field that is wrong."""
    spec_id, when = str(form.get("spec") or DEFAULT_SPEC), str(form.get("date") or "")
    errors: dict[str, str] = {}
    d = spec = None
    if when:
        try:
            d = calendar.parse_date(when, "inspection date")
        except ValueError:
            errors["date"] = "Enter the inspection date as YYYY-MM-DD, or leave it blank"
    try:
        spec = load_spec(spec_id)
    except SpecError:
        errors["spec"] = "Choose one of the listed specs"
    upload = form.get("workbook")
    if not isinstance(upload, UploadFile) or not upload.filename:
        errors["workbook"] = "Choose an Excel workbook (.xlsx) to check"
    return when, d, spec, errors


def _save_upload(request: Request, upload: UploadFile, display: str) -> Path | str:
    """Copy the upload to the uploads folder (kept only until its check ends); or the error."""
    # An upload older than UPLOAD_SECONDS was left by a check the server stopped in the middle
    # of (a check ends in minutes).
    folder = _kept_dir(request, "annex_a_uploads", "*.xlsx", UPLOAD_SECONDS)
    path = folder / f"{secrets.token_urlsafe(12)}.xlsx"
    size = 0
    upload.file.seek(0)
    with path.open("wb") as fh:
        while chunk := upload.file.read(1 << 20):
            size += len(chunk)
            if size > guard.MAX_FILE_BYTES:
                fh.close()
                path.unlink(missing_ok=True)
                return f"{display} is larger than {guard.MAX_FILE_BYTES // (1024 * 1024)} MB"
            fh.write(chunk)
    return path


@router.post("/annex-a/check", dependencies=[requires("annex_a:check")])
def check_upload(request: Request, principal: CurrentPrincipal, form: FormBody) -> Response:
    """Start checking an uploaded workbook (guarded, parsed in a limited child process); show
    the job's page, which moves on to the problems when the check is done."""
    when, d, spec, errors = _check_form(form)
    upload = form.get("workbook")
    if not errors and isinstance(upload, UploadFile) and spec is not None:
        display = Path(upload.filename or "workbook.xlsx").name[:120]
        saved = _save_upload(request, upload, display)
        if isinstance(saved, str):
            errors["workbook"] = saved
    if errors or spec is None or not isinstance(saved, Path):
        return _page(
            request, principal, "annex_a/check.html", 400,
            title="Check an Annex A workbook", errors=errors, value=when,
        )  # fmt: skip
    reports, user_id = _reports_dir(request), principal.user_id

    def stored(checked: dict[str, object]) -> str:
        token = secrets.token_urlsafe(18)
        payload = {"user_id": user_id, "la": principal.la_code, "report": checked}
        (reports / f"{token}.json").write_text(json.dumps(payload), encoding="utf-8")
        return token

    try:
        started = request.app.state.jobs.submit(
            CHECK, _owner(principal), f"Check of {display}", tasks.check_job,
            saved, spec.id, d, display,
            scope=principal.la_code, url=JOB_URL, then=stored,
        )  # fmt: skip
    except Busy:
        saved.unlink(missing_ok=True)
        raise
    return RedirectResponse(started.url, status_code=303)


@router.get("/annex-a/jobs/{job_id}", dependencies=[requires("annex_a:read")])
def job_page(request: Request, principal: CurrentPrincipal, job_id: str) -> Response:
    """A build or check in progress: its state (as JSON for the page's own polling), then its
    result: the download for a build, the problems for a check, or why it failed."""
    job = _job(request, principal, job_id)
    if job is None:
        return _page(
            request, principal, "annex_a/job.html", 404, title="Annex A job not found", job=None
        )
    state = job.state  # read once: the job moves on in its own thread meanwhile
    if "application/json" in request.headers.get("accept", ""):
        return JSONResponse({"state": state, "progress": job.progress, "seconds": job.elapsed()})
    if state == DONE and job.kind == CHECK:
        return RedirectResponse(f"/annex-a/check/{job.result}", status_code=303)
    if state == FAILED:
        template, field = ("annex_a/check.html", "workbook") if job.kind == CHECK else (
            "annex_a/build.html", "date")  # fmt: skip
        return _page(
            request, principal, template, 400, title=job.label, errors={field: job.error},
            today=date.today(),
        )  # fmt: skip
    return _page(request, principal, "annex_a/job.html", title=job.label, job=job, state=state)


@router.get("/annex-a/jobs/{job_id}/download", dependencies=[requires("annex_a:build")])
def job_download(request: Request, principal: CurrentPrincipal, job_id: str) -> Response:
    """The workbook a finished build made."""
    job = _job(request, principal, job_id)
    if job is None or job.kind != BUILD or job.state != DONE:
        return _page(
            request, principal, "annex_a/job.html", 404, title="Annex A job not found", job=None
        )
    built: tasks.BuiltWorkbook = job.result
    return Response(
        built.data,
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={
            "Content-Disposition": f'attachment; filename="{built.filename}"',
            "Cache-Control": "no-store",
        },
    )


@router.get("/annex-a/check/{token}", dependencies=[requires("annex_a:check")])
def check_result(
    request: Request,
    principal: CurrentPrincipal,
    token: str,
    list: str | None = None,
    column: str | None = None,
    rule: str | None = None,
) -> Response:
    """The problems of a checked workbook, filterable by list, column and rule."""
    path = _reports_dir(request) / f"{token}.json"
    # A token is 24 characters; a 300-character one made is_file() raise (name too long).
    valid = len(token) <= 64 and token.replace("-", "").replace("_", "").isalnum()
    if not valid or not path.is_file():
        return _page(
            request,
            principal,
            "annex_a/check.html",
            404,
            title="Check an Annex A workbook",
            errors={"workbook": "That check has expired; upload the workbook again"},
        )
    payload = json.loads(path.read_text(encoding="utf-8"))
    if payload["user_id"] != principal.user_id or payload["la"] != principal.la_code:
        return _page(
            request,
            principal,
            "annex_a/check.html",
            404,
            title="Check an Annex A workbook",
            errors={"workbook": "That check has expired; upload the workbook again"},
        )
    report = payload["report"]
    problems = report["problems"]
    shown = [
        p
        for p in problems
        if (not list or str(p["list"]) == list)
        and (not column or p["column"] == column)
        and (not rule or p["rule"] == rule)
    ]
    return _page(
        request,
        principal,
        "annex_a/result.html",
        title=f"Annex A check: {report['file']}",
        report=report,
        problems=shown[:PAGE_ROWS],
        total=len(shown),
        token=token,
        lists=sorted({p["list"] for p in problems if p["list"]}),
        columns=sorted({p["column"] for p in problems if p["column"]}),
        rules=sorted({p["rule"] for p in problems}),
        sel={"list": list or "", "column": column or "", "rule": rule or ""},
    )
