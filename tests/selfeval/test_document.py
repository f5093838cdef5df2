"""The self-evaluation as DOCX and PDF (real files, opened with python-docx and pypdfium2)."""

from __future__ import annotations

import dataclasses
import io

import docx
import pypdfium2
import pytest

from grip.documents.render import render
from grip.selfeval import service
from grip.selfeval.document import to_document
from grip.selfeval.structure import load_structure

from .conftest import LA, TODAY, LAWorld

pytestmark = pytest.mark.slow


def test_docx_and_pdf_follow_the_three_questions(la: LAWorld) -> None:
    """ILACS framework (Ofsted 170040) para 33: the document answers the three questions."""
    with la.session(la.dcs) as db, db.begin():
        se, _ = service.open_year(db, LA, 2026, la.dcs, TODAY)
        edit = dataclasses.replace(
            service.edit_of(se),
            narrative={"know": "=SUM(A1) is how a formula would start."},
            weaknesses=[{"text": "Plans drift after six months", "action_id": ""}],
        )
        service.save(db, se, la.dcs, 1, edit)
        result = render(to_document(se, "Testshire"))
    out = docx.Document(io.BytesIO(result.docx))
    headings = [p.text for p in out.paragraphs if p.style.name == "Heading 1"]
    assert headings[:3] == list(load_structure().questions.values())
    assert "=SUM(A1) is how a formula would start." in [p.text for p in out.paragraphs]
    assert "instrText" not in out.element.xml and "fldSimple" not in out.element.xml
    cells = [c.text for t in out.tables for r in t.rows for c in r.cells]
    assert "Plans drift after six months" in cells and "no action linked yet" in cells
    assert all(not c.startswith(("=", "+", "@")) for c in cells)
    assert result.pdf is not None and result.pages and result.pages >= 2
    pdf = pypdfium2.PdfDocument(result.pdf)
    text = "\n".join(p.get_textpage().get_text_range() for p in pdf)
    pdf.close()
    assert "How do you know it?" in text and "Testshire" in text
