"""The documents as files (DOCX with python-docx, PDF text with pypdfium2) against the record,
in the house order of Ofsted's published reports: the judgements table and the four questions'
summary first (ILACS framework (Ofsted 170040) para 205), what needs to improve (206, 209), a
section per judgement with care leavers (211); the children's summary stands alone (202)."""

from __future__ import annotations

import io
from typing import Any

import docx
import pypdfium2
from sqlalchemy import Engine

from grip.evidence.name_guard import check
from grip.inspections import get_inspection
from grip.reports import drafting, readability, service

from .conftest import AREAS, LA, TEXT, Team, focused_visit, pdf_text, write

HEADINGS = [
    "Judgements and summary",
    "What needs to improve",
    "The experiences and progress of children who need help and protection: "
    "Requires improvement to be good",
    "The experiences and progress of children in care and care leavers: "
    "Requires improvement to be good",
    "Care leavers",
    "The impact of leaders on social work practice with children and families: "
    "Requires improvement to be good",
]


def _files(team: Team) -> Any:
    with team.session(team.lead) as db:
        insp = get_inspection(db, LA, team.inspection_id)
        report = drafting.get_report(db, insp)
        assert report is not None
        return service.render_all(db, insp, report)


def test_docx_headings_order_and_judgement_table_match_the_record(confirmed: Team) -> None:
    write(confirmed)
    out = docx.Document(io.BytesIO(_files(confirmed)["report"].docx))
    heads = [p.text for p in out.paragraphs if p.style.name.startswith("Heading")]
    assert heads == HEADINGS
    table = [[c.text for c in r.cells] for r in out.tables[0].rows]
    assert table[0] == ["Judgement", "Grade"]
    assert table[-1] == ["Overall effectiveness", "Requires improvement to be good"]
    assert len(table) == 5  # leaders, help and protection, children in care, overall
    body = [p.text for p in out.paragraphs]
    first_area = body.index(AREAS[0])
    assert body.index("Most children get help at the right time.") < first_area
    assert body.index(TEXT["care-leavers"]) > body.index("Care leavers")
    assert out.core_properties.language == "en-GB"


def test_pdf_has_the_same_headings_in_order_title_and_language(confirmed: Team) -> None:
    write(confirmed)
    rendered = _files(confirmed)["report"]
    assert rendered.pdf is not None
    text = pdf_text(rendered.pdf).replace("\r\n", "\n")
    flat = " ".join(text.split())
    positions = [flat.index(" ".join(h.split())) for h in HEADINGS]
    assert positions == sorted(positions)
    assert "Overall effectiveness Requires improvement to be good" in flat
    assert "DRAFT: not for publication" in flat
    pdf = pypdfium2.PdfDocument(rendered.pdf)
    try:
        assert "Inspection of children's social care services" in pdf.get_metadata_dict()["Title"]
    finally:
        pdf.close()
    assert b"/Lang" in rendered.pdf


def test_para_202_childrens_summary_is_its_own_document(confirmed: Team) -> None:
    write(confirmed)
    files = _files(confirmed)
    out = docx.Document(io.BytesIO(files["children-summary"].docx))
    assert TEXT["children-summary"] in [p.text for p in out.paragraphs]
    assert not out.tables  # no judgements table for children
    score = readability.score(TEXT["children-summary"])
    assert score is not None and score.meets_target and score.reading_ease > 60


def test_no_child_names_and_no_formulas_in_the_files(confirmed: Team) -> None:
    write(confirmed, {**TEXT, "q-changed": "=SUM(A1) is not run."})
    files = _files(confirmed)
    with confirmed.session(confirmed.lead) as db:
        names = confirmed.names(db)
    for rendered in files.values():
        out = docx.Document(io.BytesIO(rendered.docx))
        xml = out.element.xml
        assert "instrText" not in xml and "fldSimple" not in xml
        cells = [c.text for t in out.tables for r in t.rows for c in r.cells]
        assert all(not c.startswith(("=", "+", "@", "-")) for c in cells)
        words = "\n".join(p.text for p in out.paragraphs) + pdf_text(rendered.pdf or b"")
        assert check({"export": words}, names) == []


def test_letter_has_findings_and_no_grades(engine: Engine, make_user: Any) -> None:
    team = focused_visit(engine, make_user)
    write(team, {"opening": "We looked at children in need.", "headline": "Help is quick."})
    out = docx.Document(io.BytesIO(_files(team)["letter"].docx))
    heads = [p.text for p in out.paragraphs if p.style.name.startswith("Heading")]
    assert heads == [
        "About this visit",
        "Headline findings",
        "What needs to improve in this area of social work practice",
        "Main findings",
    ]
    assert AREAS[0] in [p.text for p in out.paragraphs] and not out.tables
