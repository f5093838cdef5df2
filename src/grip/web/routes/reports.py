"""Report pages of an inspection: draft the report or letter from the record, write each
section, run the checks before issue, move it through clearing (QA review, factual accuracy
with the LA, final, published), and download the DOCX and PDF. A thin shell over
``grip.reports``: the library decides who may do what from the person's role on the
inspection's team, whatever the route's declared permission admitted.

Each form is a pydantic model read with ``forms.parse``; a refused save or move shows the page
again with the GOV.UK error summary linked to the field and everything typed kept (the checks
before issue are listed at the page's checks).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Annotated, Any, ClassVar

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import Field
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from grip.access import audit
from grip.evidence.name_guard import NameIndex, NamesFound
from grip.inspections import InspectionError, InspectionNotFound
from grip.inspections.models import Inspection
from grip.reports import areas_for_improvement, clearing, drafting, readability, service
from grip.reports import structure as st
from grip.reports.document import paragraphs
from grip.reports.errors import Invalid, Locked, NotAllowed, NotFound, Refused, ReportError
from grip.reports.models import Report
from grip.web import forms
from grip.web.routes.evidence import At, AtInspection, PageView, problems_of, refusal
from grip.web.security import FormBody, client_actor, requires

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


def _report(at: AtInspection) -> Report | None:
    """The inspection's report (None before it is drafted), or the error page for someone
    who may not read it yet."""
    try:
        report = drafting.get_report(at.db, at.insp)
        drafting.require_reader(at.db, at.insp, report, at.principal)
    except ReportError as exc:
        raise refusal(exc, STATUS) from None
    return report


def _drafted(at: AtInspection) -> Report:
    report = _report(at)
    if report is None:
        raise refusal(NotFound("the report is not drafted yet"), STATUS)
    return report


def _refused(errors: forms.FormErrors, exc: Exception, suffix: str, field: str | None) -> None:
    """The library's refusal beside its field (named ``<field><suffix>`` on a page with one
    such form per row, or all at ``field``); the checks before issue at the page's checks."""
    if isinstance(exc, Refused):
        for n, problem in enumerate(exc.problems):
            errors.add(f"check-{n}", problem[:1].upper() + problem[1:], "checks")
        return
    problems = problems_of(exc)
    if field is not None:
        problems = {field: "; ".join(problems.values())}
    errors.update({f"{name}{suffix}": message for name, message in problems.items()})


def _save(
    at: AtInspection,
    form: FormData,
    model: type[forms.M],
    work: Callable[[forms.M], object],
    again: PageView,
    suffix: str = "",
    field: str | None = None,
    back: str = "",
) -> Response:
    """Read ``form`` into ``model`` (its fields posted as ``<field><suffix>``), do ``work``
    and go back to the report (at ``back``, a part of the page); else the page ``again``
    with the errors in place and nothing kept of the attempt. A refusal no field can show
    (not allowed, not found, locked) is the error page; a stale save of a section
    (``Locked``) is shown at ``field``."""
    data, errors = forms.parse_part(model, form, suffix) if suffix else forms.parse(model, form)
    shown = (Invalid, NamesFound, Refused, Locked) if field else (Invalid, NamesFound, Refused)
    if data is not None:
        try:
            work(data)
            return RedirectResponse(f"/inspections/{at.insp.id}/report{back}", status_code=303)
        except shown as exc:
            _refused(errors, exc, suffix, field)
        except (ReportError, InspectionError) as exc:
            raise refusal(exc, STATUS) from None
    at.db.rollback()
    return again(at, errors, forms.values(form))


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
    at: AtInspection,
    errors: forms.FormErrors | None = None,
    values: Mapping[str, Any] | None = None,
    check: bool = False,
) -> HTMLResponse:
    """The report page: state, due dates, sections, comments, moves and downloads."""
    db, insp = at.db, at.insp
    report = _report(at)
    ctx = _report_context(db, insp, report, check) if report is not None else {"report": None}
    return at.page(
        "reports/report.html", errors=errors, values=values, title="Report",
        document_kind=st.kind_spec(st.kind_for(insp.type)),
        timetable=clearing.timetable(insp), areas=areas_for_improvement(db, insp.id), **ctx,
    )  # fmt: skip


@router.get("", response_class=HTMLResponse, dependencies=READ)
def report_page(at: At, check: str = "") -> Response:
    """The report or letter: state, due dates, sections, comments, moves and downloads."""
    return _page(at, check=check == "1")


class Nothing(forms.Form):
    """A form of one button."""


@router.post("/draft", dependencies=WRITE)
def draft(at: At, form: FormBody) -> Response:
    """Draft the document para 202 names for the inspection's type from the record."""
    return _save(at, form, Nothing, lambda _: drafting.draft(at.db, at.insp, at.principal), _page)


class SectionText(forms.Form):
    hidden: ClassVar[frozenset[str]] = frozenset({"version"})
    text: Annotated[str, Field(title="Text")] = ""
    version: Annotated[int, Field(title="Version", ge=1)]


def _section_page(
    at: AtInspection,
    section_id: str,
    errors: forms.FormErrors | None = None,
    values: Mapping[str, Any] | None = None,
) -> HTMLResponse:
    report = _drafted(at)
    secs = {s["section"].id: s for s in _sections(at.db, at.insp, report)}
    if section_id not in secs:
        raise refusal(NotFound(f"the report has no section {section_id!r}"), STATUS)
    found = secs[section_id]
    shown = {"text": found["text"], "version": found["version"]} | dict(values or {})
    score = readability.score(str(shown["text"]))
    return at.page(
        "reports/section.html", errors=errors, values=shown, title=found["section"].heading,
        report=report, sec=found, score=score if section_id == "children-summary" else None,
        versions=drafting.versions(at.db, report, section_id),
        editable=report.state in st.data()["editable_states"], max_chars=drafting.MAX_CHARS,
    )  # fmt: skip


@router.get("/sections/{section_id}", response_class=HTMLResponse, dependencies=READ)
def section_page(at: At, section_id: str) -> Response:
    """One section: its text, the edit form for the lead inspector, and every version."""
    return _section_page(at, section_id)


@router.post("/sections/{section_id}", dependencies=WRITE)
def save_section(at: At, section_id: str, form: FormBody) -> Response:
    """Save a new version of the section (a stale save is refused, the text kept)."""

    def work(data: SectionText) -> None:
        names = NameIndex.from_store(at.db, at.insp.la_code)
        drafting.save_text(
            at.db, at.insp, _drafted(at), section_id, data.text, at.principal, names, data.version
        )

    def again(at: AtInspection, errors: forms.FormErrors | None, values: Any) -> Response:
        return _section_page(at, section_id, errors, values)

    return _save(at, form, SectionText, work, again, field="text", back=f"#{section_id}")


class MoveNote(forms.Form):
    note: Annotated[str, Field(title="What needs to change", max_length=4000)] = ""


@router.post("/moves/{move}", dependencies=WRITE)
def make_move(at: At, move: str, form: FormBody) -> Response:
    """Move the report on through clearing (checks before issue run first)."""

    def work(data: MoveNote) -> None:
        names = NameIndex.from_store(at.db, at.insp.la_code)
        engine = at.request.app.state.engine
        clearing.move(
            at.db, at.insp, _drafted(at), move, at.principal, names, data.note,
            outcomes_engine=engine,
        )  # fmt: skip

    return _save(at, form, MoveNote, work, _page)


class Comment(forms.Form):
    section: Annotated[str, Field(title="Section")] = ""
    paragraph: Annotated[int, Field(title="Paragraph number", ge=1)]
    comment: Annotated[str, Field(title="Comment on its factual accuracy", max_length=4000)] = ""


@router.post("/comments", dependencies=COMMENT)
def add_comment(at: At, form: FormBody) -> Response:
    """The LA's factual accuracy comment on one paragraph of the draft (para 215)."""

    def work(data: Comment) -> None:
        names = NameIndex.from_store(at.db, at.insp.la_code)
        clearing.add_comment(
            at.db, at.insp, _drafted(at), data.section, data.paragraph, data.comment,
            at.principal, names,
        )  # fmt: skip

    return _save(at, form, Comment, work, _page, back="#comments")


class Decision(forms.Form):
    """A decision on one comment, posted as ``decision-<comment>`` and ``reason-<comment>``."""

    decision: Annotated[str, Field(title="Decision")] = ""
    reason: Annotated[str, Field(title="Reason", max_length=4000)] = ""


@router.post("/comments/{comment_id}", dependencies=WRITE)
def decide_comment(at: At, comment_id: str, form: FormBody) -> Response:
    """The lead inspector accepts or declines a comment, with a reason."""

    def work(data: Decision) -> None:
        clearing.decide(
            at.db, at.insp, _drafted(at), comment_id, data.decision, data.reason, at.principal
        )

    return _save(at, form, Decision, work, _page, suffix=f"-{comment_id}", back="#comments")


@router.get("/files/{name}.{fmt}", dependencies=READ)
def download(at: At, name: str, fmt: str) -> Response:
    """A file of the document: as published once published, else rendered from the draft. A
    PDF that cannot be typeset is explained on the error page; the DOCX stays available."""
    report, insp = _report(at), at.insp
    try:
        if report is None or fmt not in clearing.MEDIA:
            raise NotFound(f"no file {name}.{fmt}")
        data = _file_bytes(at.db, insp, report, name, fmt)
    except ReportError as exc:
        raise refusal(exc, STATUS) from None
    audit.record_event(
        at.request.app.state.engine, action=f"export.report_{fmt}",
        actor=client_actor(at.request, at.principal), la_code=at.principal.la_code,
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
