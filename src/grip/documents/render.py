"""Render a :class:`~grip.documents.content.Document` to an editable DOCX (python-docx) and
to a PDF typeset by Typst (the ``typst`` package from PyPI).

Both carry the document's title and language; headings are real headings (Word heading
styles; tagged PDF headings), tables have header rows that repeat on every page, and each
chart is followed by the table of its figures. The PDF is tagged PDF/UA-1 where Typst allows.
The author's text is passed to Typst as JSON data (``sys.inputs``), never as markup, so no
text can change the layout or run Typst code.

If Typst fails, :func:`render` still returns the DOCX and says why the PDF is missing.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from importlib import resources
from typing import Any

from grip.documents.content import Block, Chart, Document, Paragraph, Section, Table, document_data
from grip.documents.safe import cell_text, clean_text

PDF_STANDARDS = ("ua-1",)


class PdfError(Exception):
    """The typesetting tool could not produce the PDF (its message is kept)."""


@dataclass(frozen=True)
class Rendered:
    """A document's files: the DOCX always; the PDF and its page count unless typesetting
    failed, in which case ``pdf_error`` says why."""

    docx: bytes
    pdf: bytes | None
    pages: int | None
    pdf_error: str | None = None


def render(doc: Document) -> Rendered:
    """``doc`` as DOCX and PDF; a PDF failure leaves the DOCX available."""
    docx_data = to_docx(doc)
    try:
        pdf = to_pdf(doc)
    except PdfError as exc:
        return Rendered(docx=docx_data, pdf=None, pages=None, pdf_error=str(exc))
    return Rendered(docx=docx_data, pdf=pdf, pages=page_count(pdf))


def _template() -> bytes:
    return resources.files("grip.documents").joinpath("templates/document.typ").read_bytes()


def _typst(data: dict[str, Any], fmt: str = "pdf") -> bytes:
    try:
        out = _compile(data, fmt, list(PDF_STANDARDS) if fmt == "pdf" else [])
    except Exception as exc:  # typst raises TypstError, or a plain error for bad input
        if "PDF/UA" not in str(exc):
            raise PdfError(f"Typst could not typeset the document: {exc}") from exc
        # PDF/UA refuses text the bundled fonts cannot show (a stray control character
        # pasted from elsewhere); the PDF is still tagged, just not claimed as PDF/UA.
        try:
            out = _compile(data, fmt, [])
        except Exception as exc2:
            raise PdfError(f"Typst could not typeset the document: {exc2}") from exc2
    if isinstance(out, list):  # one image per page for PNG output
        out = out[0]
    return bytes(out)


def _compile(data: dict[str, Any], fmt: str, standards: list[str]) -> Any:
    import typst

    # Typst's stub types the format and standards as literals; ours are checked above.
    compile_: Any = typst.compile
    return compile_(
        _template(),
        format=fmt,
        ppi=150 if fmt == "png" else None,
        sys_inputs={"doc": json.dumps(data)},
        ignore_system_fonts=True,  # the bundled fonts: the same PDF on every machine
        pdf_standards=standards,
    )


def to_pdf(doc: Document) -> bytes:
    """``doc`` typeset as a tagged PDF. Raises :class:`PdfError` naming Typst's message."""
    return _typst(document_data(doc))


def page_count(pdf: bytes) -> int:
    """The number of pages in ``pdf`` (read with pypdfium2)."""
    import pypdfium2

    pdf_doc = pypdfium2.PdfDocument(pdf)
    try:
        return len(pdf_doc)
    finally:
        pdf_doc.close()


def page_texts(pdf: bytes) -> list[str]:
    """The text of each page of ``pdf`` (read with pypdfium2), for checks on what a page
    holds (an inspection report's first page, for example)."""
    import pypdfium2

    pdf_doc = pypdfium2.PdfDocument(pdf)
    try:
        return [page.get_textpage().get_text_range() for page in pdf_doc]
    finally:
        pdf_doc.close()


def chart_png(chart: Chart) -> bytes:
    """``chart`` alone as a PNG image (for the DOCX), drawn by the same template."""
    from grip.documents.content import block_data

    data: dict[str, Any] = {"title": chart.title, "lang": "en", "region": "gb", "sections": []}
    data["chart_only"] = block_data(chart)
    return _typst(data, fmt="png")


def to_docx(doc: Document) -> bytes:
    """``doc`` as an editable DOCX: Title style, heading styles, header-row tables and each
    chart as an image with alternative text followed by its table."""
    import docx

    out_doc = docx.Document()
    out_doc.core_properties.title = clean_text(doc.title)
    out_doc.core_properties.language = doc.language
    if doc.author:
        out_doc.core_properties.author = clean_text(doc.author)
    _set_language(out_doc, doc.language)
    out_doc.add_heading(clean_text(doc.title), level=0)
    if doc.subtitle:
        out_doc.add_paragraph(clean_text(doc.subtitle), style="Subtitle")
    if doc.footer:
        out_doc.sections[0].footer.paragraphs[0].text = clean_text(doc.footer)
    for section in doc.sections:
        _docx_section(out_doc, section)
    buf = io.BytesIO()
    out_doc.save(buf)
    return buf.getvalue()


def _set_language(out_doc: Any, language: str) -> None:
    from docx.oxml.ns import qn

    rpr = out_doc.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault"))
    rpr = rpr.find(qn("w:rPr"))
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = rpr.makeelement(qn("w:lang"), {})
        rpr.append(lang)
    lang.set(qn("w:val"), language)


def _docx_section(out_doc: Any, section: Section) -> None:
    out_doc.add_heading(clean_text(section.heading), level=min(section.level, 9))
    for block in section.blocks:
        _docx_block(out_doc, block)
    for sub in section.sections:
        _docx_section(out_doc, sub)


def _docx_block(out_doc: Any, block: Block) -> None:
    if isinstance(block, Paragraph):
        out_doc.add_paragraph(clean_text(block.text))
    elif isinstance(block, Table):
        _docx_table(out_doc, block)
    else:
        _docx_chart(out_doc, block)


def _docx_table(out_doc: Any, table: Table) -> None:
    from docx.oxml.ns import qn

    if table.caption:
        out_doc.add_paragraph(clean_text(table.caption), style="Caption")
    t = out_doc.add_table(rows=1, cols=len(table.header))
    t.style = "Table Grid"
    header = t.rows[0]
    trpr = header._tr.get_or_add_trPr()
    # Repeat the header row on each page and mark it as a header for screen readers.
    trpr.append(trpr.makeelement(qn("w:tblHeader"), {}))
    for i, h in enumerate(table.header):
        header.cells[i].text = cell_text(h)
    for row in table.rows:
        cells = t.add_row().cells
        for i, value in enumerate(row):
            cells[i].text = cell_text(value)


def _docx_chart(out_doc: Any, chart: Chart) -> None:
    from docx.shared import Cm

    try:
        png = chart_png(chart)
    except PdfError:
        png = None  # the table below carries the figures; the DOCX must not fail
    if png is not None:
        out_doc.add_picture(io.BytesIO(png), width=Cm(15))
        doc_pr = out_doc.inline_shapes[-1]._inline.docPr
        doc_pr.set("descr", clean_text(f"{chart.title}. The figures are in the table below."))
        doc_pr.set("title", clean_text(chart.title))
    out_doc.add_paragraph(clean_text(f"Chart: {chart.title}"), style="Caption")
    _docx_table(out_doc, chart.table())
