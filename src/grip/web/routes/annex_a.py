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
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.datastructures import UploadFile

from grip.access import audit
from grip.annex_a import guard
from grip.annex_a.builder import BuildError, build
from grip.annex_a.checker import check_workbook
from grip.annex_a.spec import DEFAULT_SPEC, SpecError, available_specs, load_spec
from grip.annex_a.workbook import write_xlsx
from grip.store.db import la_engine
from grip.web.deps import render
from grip.web.security import CurrentPrincipal, client_actor, csrf_token, requires

router = APIRouter()

REPORT_SECONDS = 24 * 3600
PAGE_ROWS = 500


def _reports_dir(request: Request) -> Path:
    d = Path(request.app.state.settings.data_dir) / "annex_a_reports"
    d.mkdir(parents=True, exist_ok=True)
    now = time.time()
    for old in d.glob("*.json"):
        if now - old.stat().st_mtime > REPORT_SECONDS:
            old.unlink(missing_ok=True)
    return d


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


@router.post("/annex-a/build", dependencies=[requires("annex_a:build")])
async def build_download(request: Request, principal: CurrentPrincipal) -> Response:
    """Build all eleven lists for the principal's LA and return the workbook as a download."""
    form = await request.form()
    when, spec_id = str(form.get("date") or ""), str(form.get("spec") or DEFAULT_SPEC)
    errors: dict[str, str] = {}
    try:
        d = date.fromisoformat(when)
    except ValueError:
        errors["date"] = "Enter the inspection date as YYYY-MM-DD, for example 2024-06-14"
    try:
        spec = load_spec(spec_id)
    except SpecError:
        errors["spec"] = "Choose one of the listed specs"
    if errors:
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
    try:
        # la_engine: on PostgreSQL the app's role sees an LA's rows only with its LA set.
        engine = la_engine(request.app.state.engine, principal.la_code)
        annex = build(engine, principal.la_code, d, spec)
    except BuildError as exc:
        return _page(
            request,
            principal,
            "annex_a/build.html",
            400,
            title="Annex A",
            today=date.today(),
            errors={"date": str(exc)},
            value=when,
        )
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "annex-a.xlsx"
        write_xlsx(annex, out)
        data = out.read_bytes()
    audit.record_event(
        request.app.state.engine,
        action="export.annex_a",
        actor=client_actor(request, principal),
        la_code=principal.la_code,
        object_type="annex_a",
        object_id=d.isoformat(),
        detail=f"spec {spec.id}; rows {sum(annex.counts().values())}",
    )
    name = f"annex-a-{principal.la_code}-{d.isoformat()}-{spec.id}.xlsx"
    return Response(
        data,
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "Cache-Control": "no-store",
        },
    )


@router.get("/annex-a/check", dependencies=[requires("annex_a:check")])
def check_page(request: Request, principal: CurrentPrincipal) -> Response:
    """The upload form."""
    return _page(request, principal, "annex_a/check.html", title="Check an Annex A workbook")


@router.post("/annex-a/check", dependencies=[requires("annex_a:check")])
async def check_upload(request: Request, principal: CurrentPrincipal) -> Response:
    """Check an uploaded workbook (guarded, parsed in a limited child process)."""
    form = await request.form()
    upload = form.get("workbook")
    spec_id = str(form.get("spec") or DEFAULT_SPEC)
    when = str(form.get("date") or "")
    errors: dict[str, str] = {}
    d: date | None = None
    if when:
        try:
            d = date.fromisoformat(when)
        except ValueError:
            errors["date"] = "Enter the inspection date as YYYY-MM-DD, or leave it blank"
    try:
        spec = load_spec(spec_id)
    except SpecError:
        errors["spec"] = "Choose one of the listed specs"
    if not isinstance(upload, UploadFile) or not upload.filename:
        errors["workbook"] = "Choose an Excel workbook (.xlsx) to check"
    if errors:
        return _page(
            request,
            principal,
            "annex_a/check.html",
            400,
            title="Check an Annex A workbook",
            errors=errors,
            value=when,
        )
    assert isinstance(upload, UploadFile)
    display = Path(upload.filename or "workbook.xlsx").name[:120]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "upload.xlsx"
        size = 0
        with path.open("wb") as fh:
            while chunk := await upload.read(1 << 20):
                size += len(chunk)
                if size > guard.MAX_FILE_BYTES:
                    errors["workbook"] = (
                        f"{display} is larger than {guard.MAX_FILE_BYTES // (1024 * 1024)} MB"
                    )
                    break
                fh.write(chunk)
        if not errors:
            try:
                report = check_workbook(path, spec, d, display)
            except guard.WorkbookRefused as exc:
                errors["workbook"] = str(exc)
    if errors:
        return _page(
            request,
            principal,
            "annex_a/check.html",
            400,
            title="Check an Annex A workbook",
            errors=errors,
            value=when,
        )
    token = secrets.token_urlsafe(18)
    payload = {"user_id": principal.user_id, "la": principal.la_code, "report": report.to_dict()}
    (_reports_dir(request) / f"{token}.json").write_text(json.dumps(payload), encoding="utf-8")
    return Response(status_code=303, headers={"Location": f"/annex-a/check/{token}"})


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
    if not token.replace("-", "").replace("_", "").isalnum() or not path.is_file():
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
