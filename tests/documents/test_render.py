"""The document pipeline: real DOCX files opened with python-docx, real PDFs read with
pypdfium2."""

from __future__ import annotations

import io

import docx
import pypdfium2
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from grip.documents import render as render_mod
from grip.documents.content import Chart, Document, Paragraph, Table
from grip.documents.render import PdfError, page_count, render, to_pdf


def _sample() -> Document:
    doc = Document(title="Self-evaluation 2026", footer="Not for publication", author="DCS")
    one = doc.section("What do you know about the quality of social work practice?")
    one.add(
        Paragraph("Practice is improving; #set text(red) and $x$ stay as written."),
        Table(
            header=["Measure", "Value"], rows=[("=1+2", 3), ("Re-referrals", None)], caption="Key"
        ),
        Chart(title="Re-referrals by month", labels=["Jan", "Feb", "Mar"], values=[20.5, None, 18]),
    )
    one.subsection("Help and protection").add(Paragraph("Sub text."))
    return doc


def _pdf_text(pdf: bytes) -> str:
    pdf_doc = pypdfium2.PdfDocument(pdf)
    try:
        return "\n".join(page.get_textpage().get_text_range() for page in pdf_doc)
    finally:
        pdf_doc.close()


def test_docx_structure_title_language_headings_tables() -> None:
    out = docx.Document(io.BytesIO(render(_sample()).docx))
    assert out.core_properties.title == "Self-evaluation 2026"
    assert out.core_properties.language == "en-GB"
    styles = [(p.style.name, p.text) for p in out.paragraphs]
    assert ("Title", "Self-evaluation 2026") in styles
    assert ("Heading 1", "What do you know about the quality of social work practice?") in styles
    assert ("Heading 2", "Help and protection") in styles
    first = out.tables[0]
    assert [c.text for c in first.rows[0].cells] == ["Measure", "Value"]
    assert first.rows[1].cells[0].text == "'=1+2"  # neutralised, never a formula
    assert first.rows[0]._tr.trPr.xpath("./w:tblHeader")
    chart_table = out.tables[1]
    assert [[c.text for c in r.cells] for r in chart_table.rows[1:]] == [
        ["Jan", "20.5"],
        ["Feb", ""],
        ["Mar", "18"],
    ]
    assert out.inline_shapes[0]._inline.docPr.get("descr").startswith("Re-referrals by month")


def test_docx_has_no_field_codes_or_formulas() -> None:
    data = render(_sample()).docx
    body = docx.Document(io.BytesIO(data)).element.xml
    assert "instrText" not in body and "fldSimple" not in body


def test_pdf_text_metadata_and_page_count() -> None:
    result = render(_sample())
    assert result.pdf is not None and result.pdf_error is None
    text = _pdf_text(result.pdf)
    assert "What do you know about the quality of social work practice?" in text
    assert "#set text(red) and $x$ stay as written." in text  # data, not markup
    assert "Not for publication" in text
    pdf_doc = pypdfium2.PdfDocument(result.pdf)
    assert pdf_doc.get_metadata_dict()["Title"] == "Self-evaluation 2026"
    assert len(pdf_doc) == result.pages == 1
    pdf_doc.close()


def test_page_count_grows_with_content() -> None:
    doc = Document(title="Long")
    sec = doc.section("Body")
    sec.add(*[Paragraph("A line of practice narrative. " * 20) for _ in range(40)])
    assert page_count(to_pdf(doc)) > 2


def test_pdf_failure_keeps_docx(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(render_mod, "_template", lambda: b"#let x = (")
    result = render(_sample())
    assert result.pdf is None and result.pages is None
    assert result.pdf_error is not None and "Typst could not typeset" in result.pdf_error
    assert docx.Document(io.BytesIO(result.docx)).core_properties.title == "Self-evaluation 2026"
    with pytest.raises(PdfError):
        to_pdf(_sample())


@settings(max_examples=15, deadline=None)
@given(st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=0x2FF), max_size=60))
def test_any_paragraph_text_survives_both_formats(text: str) -> None:
    """Whatever the author types appears in the DOCX unchanged and never breaks the PDF."""
    doc = Document(title="T")
    doc.section("S").add(Paragraph(text))
    result = render(doc)
    paras = [p.text for p in docx.Document(io.BytesIO(result.docx)).paragraphs]
    assert text in paras
    assert result.pdf is not None, result.pdf_error
