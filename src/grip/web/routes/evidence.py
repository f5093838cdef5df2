"""Evidence pages of an inspection: the evidence record (entries, versions, QA notes, search and
coverage), the judgement meeting, findings, the feedback meeting and agreement with the LA's
audits. A thin shell over ``grip.evidence``: the library decides who may do what from the
person's role on the inspection's team, whatever the route's declared permission admitted.

Each form is a pydantic model read with ``forms.parse``; a refused save shows the page again
with the GOV.UK error summary linked to each field and everything typed kept, and a name found
by the name guard is shown beside the field it is in (docs/architecture.md, "A form").
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Annotated, Any, ClassVar

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import Field
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
from grip.inspections import InspectionNotFound, get_inspection
from grip.inspections.models import Inspection
from grip.web import forms
from grip.web.deps import render
from grip.web.security import CurrentPrincipal, FormBody, ScopedDB, csrf_token, record, requires

router = APIRouter(prefix="/inspections/{inspection_id}")

READ = [requires("evidence:read")]
WRITE = [requires("evidence:write")]

#: The status of a refusal no form field can show, by the library's exception.
STATUS: dict[type[Exception], int] = {
    rec.NotAllowed: 403,
    rec.NotFound: 404,
    InspectionNotFound: 404,
    rec.Locked: 409,
}


def refusal(exc: Exception, status: Mapping[type[Exception], int] = STATUS) -> HTTPException:
    """A refusal of the person, a missing record or a locked one: the service's error page."""
    code = next((c for cls, c in status.items() if isinstance(exc, cls)), 422)
    message = str(exc)
    return HTTPException(code, message[:1].upper() + message[1:])


def problems_of(exc: Exception) -> dict[str, str]:
    """A refused save's problems, field by field: the names the name guard found, or the
    library's own (``Invalid.errors``)."""
    if isinstance(exc, NamesFound):
        return exc.by_field()
    problems: Mapping[str, str] = getattr(exc, "errors", {})
    return dict(problems) or {"": str(exc)}


def inspection_of(inspection_id: str, principal: CurrentPrincipal, db: ScopedDB) -> Inspection:
    """The inspection the address names, in the person's LA, or the not-found page."""
    try:
        return get_inspection(db, principal.la_code, inspection_id)
    except InspectionNotFound as exc:
        raise refusal(exc) from None


#: ``insp: InspectionRef``: the inspection of an evidence or report page's address.
InspectionRef = Annotated[Inspection, Depends(inspection_of)]


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


@dataclass(frozen=True)
class AtInspection:
    """A request on one inspection's evidence or report pages: the request, who asks, their
    session and the inspection the address names."""

    request: Request
    principal: Principal
    db: Session
    insp: Inspection

    def page(
        self,
        template: str,
        errors: forms.FormErrors | None = None,
        values: Mapping[str, Any] | None = None,
        **ctx: Any,
    ) -> HTMLResponse:
        """``template`` with the forms' errors (then 400) and values, and the inspection's
        navigation."""
        return render(
            self.request, template, status_code=400 if errors else 200,
            principal=self.principal, csrf_token=csrf_token(self.request), inspection=self.insp,
            subnav_label="This inspection", subnav_items=inspection_nav(self.insp.id),
            errors=errors or forms.FormErrors(), values=dict(values or {}), **ctx,
        )  # fmt: skip


def at_inspection(
    request: Request, principal: CurrentPrincipal, db: ScopedDB, insp: InspectionRef
) -> AtInspection:
    """The route's request, principal, session and inspection, as one."""
    return AtInspection(request, principal, db, insp)


#: ``at: At``: a route of an inspection's evidence or report pages.
At = Annotated[AtInspection, Depends(at_inspection)]

#: A page that can show a form again: (at, errors, values) to the page.
PageView = Callable[[AtInspection, forms.FormErrors | None, Mapping[str, Any] | None], Response]


def _page(at: AtInspection, template: str, **ctx: Any) -> HTMLResponse:
    r = rec.rules()
    return at.page(
        template, sources=r.sources, markers=r.markers, max_chars=r.max_field_chars,
        headings=evidence_headings(at.insp.framework_id),
        framework=frameworks.load(at.insp.framework_id), **ctx,
    )  # fmt: skip


def _names(db: Session, ids: set[int | None]) -> dict[int, str]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    return {u.id: u.display_name for u in db.scalars(select(User).where(User.id.in_(wanted)))}


def _save(
    at: AtInspection,
    form: FormData,
    model: type[forms.M],
    work: Callable[[forms.M], Response],
    again: PageView,
) -> Response:
    """Read ``form`` into ``model`` and do ``work`` with it; on a refusal the page ``again``
    with the errors in place (nothing of the attempt kept). A refusal no field can show (not
    allowed, not found, locked) is the error page."""
    data, errors = forms.parse(model, form)
    if data is not None:
        try:
            return work(data)
        except (rec.Invalid, NamesFound) as exc:
            errors.update(problems_of(exc))
        except rec.EvidenceError as exc:
            raise refusal(exc) from None
    at.db.rollback()
    return again(at, errors, forms.values(form))


# --- the evidence record ---------------------------------------------------------------------


class Note(forms.Form):
    note: Annotated[str, Field(title="Your note", max_length=20000)] = ""


@router.get("/evidence", response_class=HTMLResponse, dependencies=READ)
def record_page(
    at: At,
    heading: str = "",
    judgement: str = "",
    inspector: str = "",
    case: str = "",
    marker: str = "",
    q: str = "",
) -> Response:
    """The record, searchable and filtered, with the evidence coverage per heading."""
    who = int(inspector) if inspector.isdigit() else None
    return _record(at, filters=rec.Filters(heading, judgement, who, case.strip(), marker, q))


def _record(
    at: AtInspection,
    errors: forms.FormErrors | None = None,
    values: Mapping[str, Any] | None = None,
    filters: rec.Filters | None = None,
) -> HTMLResponse:
    db, insp, principal = at.db, at.insp, at.principal
    filters = filters or rec.Filters()
    try:
        rows = rec.entries(db, insp, principal, filters)
    except rec.EvidenceError as exc:
        raise refusal(exc) from None
    record(at.request, "evidence.list", "inspection", insp.id, db=db)
    db.commit()
    chosen = {
        "q": filters.text, "heading": filters.heading, "judgement": filters.judgement,
        "marker": filters.marker, "case": filters.case, "inspector": filters.inspector or "",
    }  # fmt: skip
    return _page(
        at, "evidence/record.html", errors=errors, values=chosen | dict(values or {}),
        title="Evidence record", entries=rows, filters=filters,
        refs={e.id: json.loads(e.headings) for e in rows},
        cases=rec.entry_cases(db, insp), authors=_names(db, {e.author_id for e in rows}),
        coverage=rec.coverage(db, insp),
        can_write=rec.has_team_role(db, insp, principal, rec.rules().writers),
        can_note=rec.has_team_role(db, insp, principal, rec.rules().qa_roles),
        record_notes=[n for n in rec.qa_notes(db, insp) if n.entry_id is None],
    )  # fmt: skip


@router.post("/evidence/notes", dependencies=WRITE)
def add_record_note(at: At, form: FormBody) -> Response:
    """The quality assurance manager's note on the whole record once reviewed (para 190)."""

    def work(data: Note) -> Response:
        names = NameIndex.from_store(at.db, at.insp.la_code)
        rec.add_qa_note(at.db, at.insp, data.note, at.principal, names)
        return RedirectResponse(f"/inspections/{at.insp.id}/evidence", status_code=303)

    return _save(at, form, Note, work, _record)


class Entry(forms.Form):
    """An evidence entry: its source, headings, cases, marker and the three parts of para 188
    (the library checks each against the inspection's framework and sample)."""

    source: Annotated[str, Field(title="Source of the evidence")] = ""
    headings: Annotated[
        list[str], Field(title="Headings this entry evidences", default_factory=list)
    ]
    cases: Annotated[list[str], Field(title="Cases it concerns", default_factory=list)]
    marker: Annotated[str, Field(title="What the entry shows")] = ""
    statement: Annotated[str, Field(title="Evaluative statement")] = ""
    evidence: Annotated[str, Field(title="The evidence")] = ""
    impact: Annotated[str, Field(title="Impact on children")] = ""

    def entry(self) -> rec.EntryInput:
        """The library's input."""
        return rec.EntryInput(**self.model_dump(exclude={"version"}))


class EntryVersion(Entry):
    hidden: ClassVar[frozenset[str]] = frozenset({"version"})
    version: Annotated[int, Field(title="Version", ge=1)]


def _entry_form(
    at: AtInspection,
    errors: forms.FormErrors | None = None,
    values: Mapping[str, Any] | None = None,
) -> HTMLResponse:
    return _page(
        at, "evidence/entry_form.html", errors=errors, values=values, title="Record evidence",
        sample=sorted(rec.sample_cases(at.db, at.insp)),
    )  # fmt: skip


@router.get("/evidence/new", response_class=HTMLResponse, dependencies=WRITE)
def new_entry_page(at: At) -> Response:
    """An empty entry form: source, headings, cases, marker and the three parts of para 188."""
    try:
        rec.require_team_role(
            at.db, at.insp, at.principal, rec.rules().writers, "recording evidence"
        )
    except rec.EvidenceError as exc:
        raise refusal(exc) from None
    return _entry_form(at)


@router.post("/evidence/new", dependencies=WRITE)
def new_entry(at: At, form: FormBody) -> Response:
    """Save a new entry, or show the form again with every problem and the text kept."""

    def work(data: Entry) -> Response:
        names = NameIndex.from_store(at.db, at.insp.la_code)
        entry = rec.record_entry(at.db, at.insp, data.entry(), at.principal, names)
        return RedirectResponse(f"/inspections/{at.insp.id}/evidence/{entry.id}", status_code=303)

    return _save(at, form, Entry, work, _entry_form)


@router.get("/evidence/{entry_id}", response_class=HTMLResponse, dependencies=READ)
def entry_page(at: At, entry_id: str) -> Response:
    """One entry: its current text, every version, the QA notes, and the edit form."""
    return _entry_page(at, entry_id)


def _entry_page(
    at: AtInspection,
    entry_id: str,
    errors: forms.FormErrors | None = None,
    values: Mapping[str, Any] | None = None,
) -> HTMLResponse:
    db, insp, principal = at.db, at.insp, at.principal
    try:
        rec.require_reader(db, insp, principal.user_id, "the evidence record")
        entry = rec.get_entry(db, insp, entry_id)
    except rec.EvidenceError as exc:
        raise refusal(exc) from None
    versions = rec.versions(db, entry)
    cases = rec.entry_cases(db, insp).get(entry.id, [])
    for person_id in cases:
        record(
            at.request, "case.read", "case", person_id, detail=f"evidence entry {entry.id}", db=db
        )
    db.commit()
    stored = {
        "source": entry.source, "marker": entry.marker, "headings": json.loads(entry.headings),
        "cases": cases, "statement": entry.statement, "evidence": entry.evidence,
        "impact": entry.impact,
    }  # fmt: skip
    notes = [n for n in rec.qa_notes(db, insp) if n.entry_id == entry.id]
    return _page(
        at, "evidence/entry.html", errors=errors, values=stored | dict(values or {}),
        title="Evidence entry", entry=entry, entry_cases=cases, versions=versions, notes=notes,
        people=_names(db, {v.saved_by for v in versions} | {n.author_id for n in notes}),
        sample=sorted(rec.sample_cases(db, insp)),
        can_write=rec.has_team_role(db, insp, principal, rec.rules().writers),
        can_note=rec.has_team_role(db, insp, principal, rec.rules().qa_roles),
    )  # fmt: skip


def _entry_view(entry_id: str) -> PageView:
    """The entry's page, to show one of its forms again."""
    return lambda at, errors, values: _entry_page(at, entry_id, errors, values)


@router.post("/evidence/{entry_id}", dependencies=WRITE)
def edit_entry(at: At, entry_id: str, form: FormBody) -> Response:
    """Save a new version of the entry (the earlier ones are kept)."""

    def work(data: EntryVersion) -> Response:
        names = NameIndex.from_store(at.db, at.insp.la_code)
        rec.edit_entry(at.db, at.insp, entry_id, data.entry(), at.principal, names, data.version)
        return RedirectResponse(f"/inspections/{at.insp.id}/evidence/{entry_id}", status_code=303)

    return _save(at, form, EntryVersion, work, _entry_view(entry_id))


@router.post("/evidence/{entry_id}/notes", dependencies=WRITE)
def add_note(at: At, entry_id: str, form: FormBody) -> Response:
    """The quality assurance manager's note on the entry (para 190)."""

    def work(data: Note) -> Response:
        names = NameIndex.from_store(at.db, at.insp.la_code)
        rec.add_qa_note(at.db, at.insp, data.note, at.principal, names, entry_id)
        return RedirectResponse(f"/inspections/{at.insp.id}/evidence/{entry_id}", status_code=303)

    return _save(at, form, Note, work, _entry_view(entry_id))


# --- the judgement meeting -------------------------------------------------------------------


def _meeting_values(proposals: Mapping[str, Any], facts: Mapping[str, bool]) -> dict[str, Any]:
    """The meeting form as recorded: each judgement's grade, evidence and reasons, and the
    answer to each finding the rules depend on."""
    values: dict[str, Any] = {}
    for jid, p in proposals.items():
        values |= {f"grade-{jid}": p.grade, f"reasons-{jid}": p.reasons or ""}
        values[f"entries-{jid}"] = json.loads(p.entry_ids)
    return values | {f"fact-{fid}": "yes" if yes else "no" for fid, yes in facts.items()}


def _by_judgement(insp: Inspection, entries: list[Any]) -> dict[str, list[Any]]:
    """The entries evidencing each judgement's headings (overall effectiveness has none)."""
    judgement_of = {h.ref: h.judgement_id for h in evidence_headings(insp.framework_id)}
    out: dict[str, list[Any]] = {}
    for e in entries:
        for jid in {judgement_of.get(r) for r in json.loads(e.headings)} - {None}:
            out.setdefault(str(jid), []).append(e)
    return out


def _meeting(
    at: AtInspection,
    errors: forms.FormErrors | None = None,
    values: Mapping[str, Any] | None = None,
) -> HTMLResponse:
    """The meeting page: grades with their evidence, the engine's verdict with the paragraphs,
    the descriptors either side of each proposed grade, and coverage per heading."""
    db, insp, principal = at.db, at.insp, at.principal
    try:
        rec.require_reader(db, insp, principal.user_id, "the judgement meeting")
    except rec.EvidenceError as exc:
        raise refusal(exc) from None
    proposals = {p.judgement_id: p for p in jdg.proposals(db, insp)}
    found = jdg.meeting(db, insp)
    facts = json.loads(found.facts) if found else {}
    return _page(
        at, "evidence/meeting.html", errors=errors, title="Judgement meeting",
        values=_meeting_values(proposals, facts) | dict(values or {}),
        proposals=proposals, facts=facts, verdict=jdg.check(db, insp),
        confirmed=found is not None and found.confirmed_at is not None,
        descriptors={
            jid: descriptors_around(insp.framework_id, jid, p.grade)
            for jid, p in proposals.items()
        },
        coverage=rec.coverage(db, insp),
        by_judgement=_by_judgement(insp, rec.entries(db, insp, principal)),
        graded=insp.type in rec.rules().graded_types,
        can_confirm_role=rec.has_team_role(db, insp, principal, rec.rules().leads),
    )  # fmt: skip


@router.get("/judgements", response_class=HTMLResponse, dependencies=READ)
def meeting_page(at: At) -> Response:
    """The judgement meeting."""
    return _meeting(at)


class Proposal(forms.Form):
    """One judgement's row of the meeting form (posted as ``grade-<judgement>`` and so on)."""

    grade: Annotated[str, Field(title="Proposed grade")] = ""
    entries: Annotated[
        list[str], Field(title="Evidence entries that support it", default_factory=list)
    ]
    reasons: Annotated[str, Field(title="Reasons (best fit)", max_length=20000)] = ""


def _save_meeting(at: AtInspection, form: FormData) -> forms.FormErrors:
    """Record each graded judgement and the findings the rules depend on; the problems, by
    the meeting form's field names."""
    db, insp, principal = at.db, at.insp, at.principal
    fw = frameworks.load(insp.framework_id)
    errors = forms.FormErrors()
    for j in fw.judgements:
        data, problems = forms.parse_part(Proposal, form, f"-{j.id}")
        errors.update(problems)
        try:
            if data is not None and data.grade:
                jdg.propose(db, insp, j.id, data.grade, data.entries, principal, data.reasons)
        except rec.Invalid as exc:
            errors.update({f"{field}-{j.id}": m for field, m in exc.errors.items()})
    answers = {f.id: str(form.get(f"fact-{f.id}") or "") for f in fw.facts}
    try:
        facts = {k: v == "yes" for k, v in answers.items() if v in ("yes", "no")}
        jdg.set_facts(db, insp, facts, principal)
    except rec.Invalid as exc:
        errors.update(exc.errors)
    return errors


@router.post("/judgements", dependencies=WRITE)
def save_meeting(at: At, form: FormBody) -> Response:
    """Save the proposed grades, their evidence and the findings the rules depend on."""
    try:
        errors = _save_meeting(at, form)
    except rec.EvidenceError as exc:
        raise refusal(exc) from None
    if errors:
        at.db.rollback()
        return _meeting(at, errors, forms.values(form))
    return RedirectResponse(f"/inspections/{at.insp.id}/judgements", status_code=303)


@router.post("/judgements/confirm", dependencies=WRITE)
def confirm_meeting(at: At) -> Response:
    """Confirm the grades (lead inspector), only when the engine allows the set."""
    errors = forms.FormErrors()
    try:
        jdg.confirm(at.db, at.insp, at.principal)
    except jdg.JudgementsRefused as exc:
        for n, problem in enumerate(exc.problems):
            errors.add(f"verdict-{n}", problem[:1].upper() + problem[1:], "verdict")
    except rec.Invalid as exc:
        errors.update(exc.errors)
    except rec.EvidenceError as exc:
        raise refusal(exc) from None
    if errors:
        at.db.rollback()
        return _meeting(at, errors)
    return RedirectResponse(f"/inspections/{at.insp.id}/judgements", status_code=303)


# --- findings, feedback, agreement -----------------------------------------------------------


class FindingForm(forms.Form):
    hidden: ClassVar[frozenset[str]] = frozenset({"grade"})
    kind: Annotated[str, Field(title="Kind of finding")] = ""
    text: Annotated[str, Field(title="The finding", max_length=20000)] = ""
    against: Annotated[str, Field(title="What it measures progress against", max_length=2000)] = ""
    entries: Annotated[list[str], Field(title="Evidence entries it rests on", default_factory=list)]
    #: Never shown: a grade posted with a finding is refused (para 108).
    grade: str = ""


@router.get("/findings", response_class=HTMLResponse, dependencies=READ)
def findings_page(at: At) -> Response:
    """Findings without grades; the LA sees them once feedback is given."""
    return _findings(at)


def _findings(
    at: AtInspection,
    errors: forms.FormErrors | None = None,
    values: Mapping[str, Any] | None = None,
) -> HTMLResponse:
    db, insp, principal = at.db, at.insp, at.principal
    try:
        rows = fnd.findings(db, insp, principal)
    except rec.EvidenceError as exc:
        raise refusal(exc) from None
    team = rec.can_read_record(db, insp, principal.user_id)
    return _page(
        at, "evidence/findings.html", errors=errors, values=values, title="Findings",
        findings=rows, kinds=fnd.kinds_for(insp),
        can_write=team and not fb.feedback_given(db, insp),
        all_entries=rec.entries(db, insp, principal) if team else [],
    )  # fmt: skip


@router.post("/findings", dependencies=WRITE)
def add_finding(at: At, form: FormBody) -> Response:
    """Record a finding tied to evidence; any grade is refused (para 108)."""

    def work(data: FindingForm) -> Response:
        names = NameIndex.from_store(at.db, at.insp.la_code)
        fnd.add_finding(
            at.db, at.insp, data.kind, data.text, data.entries, at.principal, names,
            against=data.against, grade=data.grade or None,
        )  # fmt: skip
        return RedirectResponse(f"/inspections/{at.insp.id}/findings", status_code=303)

    return _save(at, form, FindingForm, work, _findings)


class FeedbackForm(forms.Form):
    attendees: Annotated[str, Field(title="Who attended", max_length=4000)] = ""
    note: Annotated[str, Field(title="Note of the meeting", max_length=20000)] = ""


def _feedback(
    at: AtInspection,
    errors: forms.FormErrors | None = None,
    values: Mapping[str, Any] | None = None,
) -> HTMLResponse:
    db, insp, principal = at.db, at.insp, at.principal
    row = fb.feedback(db, insp)
    given = row is not None and row.given_at is not None
    if not given and not rec.can_read_record(db, insp, principal.user_id):
        raise refusal(rec.NotAllowed("the feedback meeting is recorded by the inspection's team"))
    return _page(
        at, "evidence/feedback.html", errors=errors, values=values, title="Feedback meeting",
        feedback=row, given=json.loads(row.given) if given and row else {},
        can_give=not given and rec.has_team_role(db, insp, principal, rec.rules().leads),
    )  # fmt: skip


@router.get("/feedback", response_class=HTMLResponse, dependencies=READ)
def feedback_page(at: At) -> Response:
    """The feedback meeting: the form for the lead inspector, then its locked record."""
    return _feedback(at)


@router.post("/feedback", dependencies=WRITE)
def give_feedback(at: At, form: FormBody) -> Response:
    """Record the feedback meeting and lock it (paras 197-201)."""

    def work(data: FeedbackForm) -> Response:
        names = NameIndex.from_store(at.db, at.insp.la_code)
        fb.give_feedback(at.db, at.insp, data.attendees, data.note, at.principal, names)
        return RedirectResponse(f"/inspections/{at.insp.id}/feedback", status_code=303)

    return _save(at, form, FeedbackForm, work, _feedback)


@router.get("/agreement", response_class=HTMLResponse, dependencies=READ)
def agreement_page(at: At) -> Response:
    """Inspectors' grades beside the LA's audit grades, with agreement and kappa (para 59)."""
    return _agreement(at)


def _agreement(
    at: AtInspection,
    errors: forms.FormErrors | None = None,
    values: Mapping[str, Any] | None = None,
) -> HTMLResponse:
    db, insp = at.db, at.insp
    try:
        rec.require_reader(db, insp, at.principal.user_id, "the inspectors' case grades")
    except rec.EvidenceError as exc:
        raise refusal(exc) from None
    audited = {
        p: a.final_grade for p in sorted(rec.sample_cases(db, insp))
        if (a := agr.la_audit(db, insp, p)) is not None and a.final_grade
    }  # fmt: skip
    return _page(
        at, "evidence/agreement.html", errors=errors, values=values,
        title="Agreement with the local authority's audits",
        report=agr.agreement(db, insp), audited=audited, grades=GRADES,
    )  # fmt: skip


class CaseGrade(forms.Form):
    case: Annotated[str, Field(title="Case")]
    grade: Annotated[str, Field(title="Inspector's grade")]


@router.post("/agreement", dependencies=WRITE)
def grade_case(at: At, form: FormBody) -> Response:
    """Record an inspector's grade of an LA-audited case."""

    def work(data: CaseGrade) -> Response:
        agr.record_evaluation(at.db, at.insp, data.case, data.grade, at.principal)
        record(at.request, "case.read", "case", data.case, detail="inspector's grade", db=at.db)
        return RedirectResponse(f"/inspections/{at.insp.id}/agreement", status_code=303)

    return _save(at, form, CaseGrade, work, _agreement)
