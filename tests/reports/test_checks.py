"""The checks before issue, each naming its paragraph of the ILACS framework (Ofsted 170040):
the 10-page limit counted in the typeset PDF (212), the four questions (205), care leavers
(211), proportionate areas for improvement (209), no grades in a letter (108), no names (191);
and a PDF tool failing leaves the DOCX available with a clear message."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import Engine

from grip.documents import render as render_mod
from grip.inspections import get_inspection
from grip.reports import checks, clearing, drafting, service
from grip.reports.errors import Refused

from .conftest import LA, TEXT, Team, confirm, focused_visit, write


def _problems(team: Team) -> list[str]:
    with team.session(team.lead) as db:
        insp = get_inspection(db, LA, team.inspection_id)
        report = drafting.get_report(db, insp)
        assert report is not None
        return [str(p) for p in clearing.problems(db, insp, report, team.names(db))]


def _submit(team: Team) -> None:
    with team.session(team.lead) as db:
        insp = get_inspection(db, LA, team.inspection_id)
        report = drafting.get_report(db, insp)
        assert report is not None
        clearing.move(db, insp, report, "submit_for_qa", team.actor(team.lead), team.names(db))


def test_a_complete_report_passes(confirmed: Team) -> None:
    write(confirmed)
    assert _problems(confirmed) == []


def test_para_212_an_overflowing_report_is_refused_with_its_page_count(confirmed: Team) -> None:
    long = "\n\n".join(
        f"Paragraph {i}: practice with families is variable across the teams and managers "
        "do not always see where plans drift, so some children wait for help." * 3
        for i in range(30)
    )
    write(confirmed, {**TEXT, "help-protection": long, "children-in-care": long, "leaders": long})
    with pytest.raises(Refused) as err:
        _submit(confirmed)
    (problem,) = err.value.problems
    assert "ILACS framework (Ofsted 170040) para 212" in problem
    pages = int(problem.split("runs to ")[1].split(" pages")[0])
    assert pages > 10
    with confirmed.session(confirmed.lead) as db:
        insp = get_inspection(db, LA, confirmed.inspection_id)
        report = drafting.get_report(db, insp)
        assert report is not None and report.state == "draft"
        assert service.render_all(db, insp, report)["report"].pages == pages


def test_paras_205_211_202_missing_questions_care_leavers_summary(confirmed: Team) -> None:
    write(confirmed, {"q-experiences": "Most children get help."})
    got = _problems(confirmed)
    assert any("para 205" in p and "To what extent do leaders know" in p for p in got)
    assert any("para 211" in p and "care leavers" in p for p in got)
    assert any("para 202" in p for p in got)


def test_para_209_areas_proportionate_to_the_grade(engine: Engine, make_user: Any) -> None:
    from evidence.conftest import build_team

    from .conftest import START

    team = build_team(engine, make_user, fieldwork_start=START)
    confirm(team, areas=[])
    write(team)
    assert any("para 209" in p for p in _problems(team))


def test_para_191_a_name_in_a_finding_is_caught_before_issue(confirmed: Team) -> None:
    write(confirmed)
    with confirmed.session(confirmed.lead) as db:
        insp = get_inspection(db, LA, confirmed.inspection_id)
        report = drafting.get_report(db, insp)
        assert report is not None
        rec = service.record_of(db, insp, report)
        rec.text["q-changed"] = "Kelwyn Thornby now has a plan."  # as if pasted past the form
        found = checks.check(rec, service.render_all(db, insp, report), confirmed.names(db))
    assert [p.paragraph for p in found if p.paragraph != "205"] == ["191", "191"]
    assert all("Kelwyn" not in str(p) or "“Kelwyn" in str(p) for p in found)


def test_para_108_a_letter_with_grades_is_refused(engine: Engine, make_user: Any) -> None:
    team = focused_visit(engine, make_user)
    write(team, {"opening": "We looked at children in need.",
                 "headline": "Practice would have been judged good overall."})  # fmt: skip
    got = _problems(team)
    assert len(got) == 1 and "para 108" in got[0] and "judged good" in got[0]
    assert checks.grade_words("Children are in good homes and outstanding work goes on.") == []


def test_pdf_failure_is_clear_and_leaves_the_docx(confirmed: Team, monkeypatch: Any) -> None:
    write(confirmed)

    def broken(*_a: Any, **_k: Any) -> Any:
        raise RuntimeError("typst crashed")

    monkeypatch.setattr(render_mod, "_compile", broken)
    with confirmed.session(confirmed.lead) as db:
        insp = get_inspection(db, LA, confirmed.inspection_id)
        report = drafting.get_report(db, insp)
        assert report is not None
        files = service.render_all(db, insp, report)
    assert files["report"].pdf is None and files["report"].docx[:2] == b"PK"
    assert "Typst could not typeset the document: typst crashed" in (
        files["report"].pdf_error or ""
    )
    got = _problems(confirmed)
    assert len(got) == 1 and "para 212" in got[0] and "typst crashed" in got[0]


def test_para_205_the_summary_must_fit_on_the_first_page(confirmed: Team) -> None:
    long = " ".join(f"Audit {i} showed leaders the quality of practice." for i in range(90))
    write(confirmed, {**TEXT, "q-support": long})
    got = _problems(confirmed)
    assert len(got) == 1 and "para 205" in got[0] and "runs past the first page" in got[0]
    assert "How well do they support practice" in got[0]
