"""Report pages through the app: drafting refused without confirmed judgements, the due dates
shown, a refused name and a stale save shown in place with the text kept, the children's
summary's readability shown to the author, downloads with no formulas and no names (the export
scan of tests/access/test_canaries.py), a PDF failure that leaves the DOCX, and the published
files served as stored."""

from __future__ import annotations

import io
from typing import Any

import docx
from sqlalchemy import Engine

from access.test_canaries import _assert_no_formulas, _bodies
from accounts import page_csrf, sign_in
from evidence.conftest import build_team
from grip.documents import render as render_mod
from grip.evidence.name_guard import NameIndex, check
from grip.inspections import get_inspection
from grip.reports import clearing, drafting
from grip.reports.models import ReportFile

from .conftest import LA, TEXT, Team, pdf_text, to_state, write


def _base(team: Team) -> str:
    return f"/inspections/{team.inspection_id}/report"


def test_draft_refused_without_confirmed_judgements(client: Any, engine: Engine,
                                                    make_user: Any) -> None:  # fmt: skip
    team = build_team(engine, make_user)
    sign_in(client, engine, team.lead)
    page = client.get(_base(team))
    assert page.status_code == 200 and "Draft the inspection report" in page.text
    r = client.post(f"{_base(team)}/draft", data={"csrf_token": page_csrf(page.text)})
    assert r.status_code == 400 and "govuk-error-summary" in r.text
    assert "judgements are not confirmed" in r.text and "paras 193-194, 205" in r.text


def test_draft_write_and_see_due_dates_and_readability(client: Any, live: Team) -> None:
    sign_in(client, live.engine, live.lead)
    page = client.get(_base(live))
    with live.session(live.lead) as db:
        due = clearing.timetable(get_inspection(db, LA, live.inspection_id))
    assert len(due) == 4  # the table after para 216
    assert all(f"{m.date.day} {m.date:%B %Y}" in page.text for m in due)
    r = client.post(f"{_base(live)}/draft", data={"csrf_token": page_csrf(page.text)},
                    follow_redirects=False)  # fmt: skip
    assert r.status_code == 303
    form = client.get(f"{_base(live)}/sections/children-summary")
    assert form.status_code == 200
    data = {"csrf_token": page_csrf(form.text), "version": "1", "text": TEXT["children-summary"]}
    r = client.post(f"{_base(live)}/sections/children-summary", data=data,
                    follow_redirects=False)  # fmt: skip
    assert r.status_code == 303
    again = client.get(f"{_base(live)}/sections/children-summary")
    assert "Flesch reading ease" in again.text and "target 60 or more: met" in again.text
    stale = client.post(f"{_base(live)}/sections/children-summary",
                        data={**data, "text": "Typed over."})  # fmt: skip
    assert stale.status_code == 400 and "since you opened version 1" in stale.text
    assert "Typed over." in stale.text  # what the person typed is kept


def test_a_name_is_refused_in_place_with_the_text_kept(client: Any, live: Team) -> None:
    write(live, {})
    sign_in(client, live.engine, live.lead)
    form = client.get(f"{_base(live)}/sections/leaders")
    data = {"csrf_token": page_csrf(form.text), "version": "1",
            "text": "Leaders met Rosora Quillfield."}  # fmt: skip
    r = client.post(f"{_base(live)}/sections/leaders", data=data)
    assert r.status_code == 400 and 'href="#text"' in r.text and "para 191" in r.text
    assert "Leaders met Rosora Quillfield." in r.text


def test_downloads_have_no_formulas_and_no_names(client: Any, live: Team) -> None:
    write(live, {**TEXT, "q-changed": "=HYPERLINK(1) stays text."})
    sign_in(client, live.engine, live.lead)
    with live.session(live.lead) as db:
        names = NameIndex.from_store(db, LA)
    for name in ("report", "children-summary"):
        for fmt in ("docx", "pdf"):
            r = client.get(f"{_base(live)}/files/{name}.{fmt}")
            assert r.status_code == 200, r.text
            if fmt == "docx":
                assert _assert_no_formulas(r, _bodies(r)) == 1  # no field codes
                body = "\n".join(p.text for p in docx.Document(io.BytesIO(r.content)).paragraphs)
            else:
                body = pdf_text(r.content)
            assert check({"export": body}, names) == []


def test_pdf_failure_is_explained_and_the_docx_stays(
    client: Any, live: Team, monkeypatch: Any
) -> None:
    write(live)
    sign_in(client, live.engine, live.lead)

    def broken(*_a: Any, **_k: Any) -> Any:
        raise RuntimeError("typst is missing")

    monkeypatch.setattr(render_mod, "_compile", broken)
    r = client.get(f"{_base(live)}/files/report.pdf")
    assert r.status_code == 422
    assert "The PDF could not be made" in r.text and "typst is missing" in r.text
    assert "The DOCX is still available" in r.text
    assert client.get(f"{_base(live)}/files/report.docx").status_code == 200


def test_published_files_are_served_as_stored(client: Any, live: Team) -> None:
    write(live)
    to_state(live, "published")
    sign_in(client, live.engine, live.la_staff)
    page = client.get(_base(live))
    assert page.status_code == 200 and "The document can no longer change" in page.text
    r = client.get(f"{_base(live)}/files/report.pdf")
    with live.session(live.lead) as db:
        stored = db.get(ReportFile, {"la_code": LA, "report_id": _report_id(db), "name":
                                     "report.pdf"})  # fmt: skip
        assert stored is not None and r.content == stored.content


def _report_id(db: Any) -> str:
    from grip.reports.models import Report

    row = db.query(Report).one()
    return str(row.id)


def test_la_staff_do_not_see_the_draft_before_factual_accuracy(client: Any, live: Team) -> None:
    write(live)
    sign_in(client, live.engine, live.la_staff)
    r = client.get(_base(live))
    assert r.status_code == 403 and "para 215" in r.text


def test_factual_accuracy_comment_and_a_decision_without_reason(client: Any, live: Team) -> None:
    write(live)
    to_state(live, "factual_accuracy")
    sign_in(client, live.engine, live.la_staff)
    page = client.get(_base(live))
    token = page_csrf(page.text)
    bad = {"csrf_token": token, "section": "leaders", "paragraph": "two", "comment": "Wrong."}
    r = client.post(f"{_base(live)}/comments", data=bad)
    assert r.status_code == 400 and 'href="#paragraph"' in r.text and "Wrong." in r.text
    good = {**bad, "paragraph": "1"}
    assert (
        client.post(f"{_base(live)}/comments", data=good, follow_redirects=False).status_code == 303
    )
    client.post("/sign-out", data={"csrf_token": token})
    sign_in(client, live.engine, live.lead)
    with live.session(live.lead) as db:
        insp = get_inspection(db, LA, live.inspection_id)
        report = drafting.get_report(db, insp)
        assert report is not None
        (comment,) = clearing.comments(db, report)
    page = client.get(_base(live))
    data = {
        "csrf_token": page_csrf(page.text),
        f"decision-{comment.id}": "declined",
        f"reason-{comment.id}": "",
    }
    r = client.post(f"{_base(live)}/comments/{comment.id}", data=data)
    assert r.status_code == 400 and f'href="#reason-{comment.id}"' in r.text
