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

import datetime as dt
import json
import secrets
import time
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from pydantic import Field
from starlette.datastructures import UploadFile

from grip.access import audit, clock
from grip.access.principal import Principal
from grip.annex_a import guard, tasks
from grip.annex_a.checker import rule_words
from grip.annex_a.spec import DEFAULT_SPEC, Spec, SpecError, available_specs, load_spec
from grip.casedata.runs import data_range
from grip.documents.safe import csv_bytes
from grip.formats import long_date
from grip.jobs import DONE, FAILED, Busy, Job, user_owner
from grip.store.db import la_engine
from grip.web import forms
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
        **ctx,
    )


@router.get("/annex-a", dependencies=[requires("annex_a:build")])
def build_page(request: Request, principal: CurrentPrincipal) -> Response:
    """The build form: inspection date and spec."""
    start = {"date": clock.now().date(), "spec": DEFAULT_SPEC}
    return _page(request, principal, "annex_a/build.html", title="Annex A", values=start)


class BuildForm(forms.Form):
    """The build form: the inspection date the lists are as at, and the template."""

    date: Annotated[dt.date, Field(title="Inspection date")]
    spec: Annotated[str, Field(title="Template (spec)")] = DEFAULT_SPEC


class CheckForm(forms.Form):
    """The check form's fields besides the upload."""

    date: Annotated[dt.date | None, Field(title="Inspection date")] = None
    spec: Annotated[str, Field(title="Template (spec)")] = DEFAULT_SPEC


def _spec(spec_id: str, errors: forms.FormErrors) -> Spec | None:
    try:
        return load_spec(spec_id)
    except SpecError:
        errors.add("spec", f"Choose one of the templates listed – {spec_id[:40]!r} is not one")
        return None


def _in_data_range(request: Request, la_code: str, on: dt.date, errors: forms.FormErrors) -> None:
    """An error unless ``on`` lies within the dates the LA's case data covers."""
    with la_engine(request.app.state.engine, la_code).connect() as conn:
        covered = data_range(conn, la_code)
    if covered is None:
        errors.add("date", "There is no case data to build from: import the case extract first")
    elif not covered[0] <= on <= covered[1]:
        errors.add(
            "date",
            f"Inspection date must be between {long_date(covered[0])} and "
            f"{long_date(covered[1])}, the dates the case data covers – you entered "
            f"{long_date(on)}",
            "date-day",
        )


@router.post("/annex-a/build", dependencies=[requires("annex_a:build")])
def build_download(request: Request, principal: CurrentPrincipal, form: FormBody) -> Response:
    """Start building all eleven lists for the principal's LA; show the job's page."""
    data, errors = forms.parse(BuildForm, form)
    spec = _spec(str(form.get("spec") or DEFAULT_SPEC), errors)  # said even when the date is wrong
    if data is not None:
        _in_data_range(request, principal.la_code, data.date, errors)
    if errors or data is None or spec is None:
        return _page(
            request, principal, "annex_a/build.html", 400, title="Annex A",
            errors=errors, values=forms.values(form),
        )  # fmt: skip
    d = data.date
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
    start = {"spec": DEFAULT_SPEC}
    return _page(
        request, principal, "annex_a/check.html", title="Check an Annex A workbook", values=start
    )


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
    data, errors = forms.parse(CheckForm, form)
    spec = _spec(str(form.get("spec") or DEFAULT_SPEC), errors)  # said even when the date is wrong
    upload, saved = form.get("workbook"), None
    if not isinstance(upload, UploadFile) or not upload.filename:
        errors.add("workbook", "Choose an Excel workbook (.xlsx) to check")
    elif not errors and spec is not None:
        display = Path(upload.filename or "workbook.xlsx").name[:120]
        saved = _save_upload(request, upload, display)
        if isinstance(saved, str):
            errors.add("workbook", saved)
    if data is None or spec is None or not isinstance(saved, Path):
        return _page(
            request, principal, "annex_a/check.html", 400,
            title="Check an Annex A workbook", errors=errors, values=forms.values(form),
        )  # fmt: skip
    d = data.date
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
        return _page(request, principal, template, 400, title=job.label, errors={field: job.error})
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
    payload = _stored(request, principal, token)
    if payload is None:
        return _expired(request, principal)
    report = payload["report"]
    if report.get("inspection_date"):  # stored as YYYY-MM-DD; shown in words
        report["inspection_date"] = dt.date.fromisoformat(report["inspection_date"])
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
        rules=sorted({(p["rule"], rule_words(p["rule"])) for p in problems}, key=lambda r: r[1]),
        rule_words=rule_words,
        lists=[(n, f"List {n}") for n in sorted({p["list"] for p in problems if p["list"]})],
        columns=[(c, c) for c in sorted({p["column"] for p in problems if p["column"]})],
        values={"list": list or "", "column": column or "", "rule": rule or ""},
    )


def _stored(request: Request, principal: Principal, token: str) -> dict[str, Any] | None:
    """The principal's own stored check (within 24 hours), or None."""
    path = _reports_dir(request) / f"{token}.json"
    # A token is 24 characters; a 300-character one made is_file() raise (name too long).
    valid = len(token) <= 64 and token.replace("-", "").replace("_", "").isalnum()
    if not valid or not path.is_file():
        return None
    payload: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    if payload["user_id"] != principal.user_id or payload["la"] != principal.la_code:
        return None
    return payload


def _expired(request: Request, principal: Principal) -> Response:
    return _page(
        request, principal, "annex_a/check.html", 404, title="Check an Annex A workbook",
        errors={"workbook": "That check has expired; upload the workbook again"},
    )  # fmt: skip


REPORT_COLUMNS = (("list", "List"), ("sheet", "Sheet"), ("row", "Row"), ("child_id", "Child ID"),
                  ("column", "Column"), ("value", "Value"), ("rule", "Rule"),
                  ("severity", "Severity"), ("message", "Problem"))  # fmt: skip


@router.get("/annex-a/check/{token}/report.csv", dependencies=[requires("annex_a:check")])
def check_report(request: Request, principal: CurrentPrincipal, token: str) -> Response:
    """Every problem of a checked workbook as a CSV (through grip.documents.safe): the
    uploaded file's own content only, for the person who uploaded it."""
    payload = _stored(request, principal, token)
    if payload is None:
        return _expired(request, principal)
    problems = payload["report"]["problems"]
    data = csv_bytes(
        [label for _, label in REPORT_COLUMNS],
        ([p.get(k) for k, _ in REPORT_COLUMNS] for p in problems),
    )
    return Response(
        data, media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="annex-a-check.csv"',
                 "Cache-Control": "no-store"},
    )  # fmt: skip
