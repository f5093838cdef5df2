"""The one module every XLSX, CSV and DOCX export goes through (OWASP CSV
injection guidance).

* No cell or field can become a formula: text starting with ``=``, ``+``, ``-``, ``@``, a tab
  or a carriage return gets a leading apostrophe (:func:`neutralise`), and XLSX cells are
  always written as strings or numbers, never as formulas (xlsxwriter's
  ``strings_to_formulas`` is off and only ``write_string``/``write_number`` are used).
* Control characters that XML cannot hold (everything below U+0020 except tab, line feed and
  carriage return) are replaced with U+FFFD, so a workbook or document always opens.
* Text over Excel's cell limit (32,767 characters) is never silently dropped: the cell keeps
  the start and says where the rest is; the whole text goes, in pieces, to an ``Overflow``
  sheet.

Numbers, dates and booleans keep their types. ``None`` becomes an empty cell.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import xlsxwriter

EXCEL_CELL_LIMIT = 32_767
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# xlsxwriter would read "_x0041_" as an escaped character; escape the underscore so text
# that happens to look like one survives as written.
_XLSX_ESCAPE = re.compile(r"_(x[0-9A-Fa-f]{4}_)")

Cell = str | int | float | Decimal | bool | dt.date | dt.datetime | None


def clean_text(value: str) -> str:
    """``value`` with characters XML cannot hold replaced by U+FFFD."""
    return _XML_ILLEGAL.sub("\ufffd", value)


def neutralise(value: str) -> str:
    """``value`` made safe to open in a spreadsheet: cleaned, and prefixed with an apostrophe
    when it starts with a character a spreadsheet would read as a formula."""
    text = clean_text(value)
    if text.startswith(FORMULA_TRIGGERS):
        return "'" + text
    return text


def cell_text(value: Cell) -> str:
    """``value`` as neutralised text for a table cell (``None`` is empty)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, int | float | Decimal):
        return str(value)
    return neutralise(str(value))


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence[Cell]]) -> bytes:
    """A UTF-8 (with BOM, so Excel reads it as UTF-8) CSV with every field neutralised."""
    buf = io.StringIO()
    writer = csv.writer(buf, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    writer.writerow([cell_text(h) for h in header])
    for row in rows:
        writer.writerow([cell_text(v) for v in row])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


@dataclass
class Sheet:
    """One worksheet: a name, a header row and data rows."""

    name: str
    header: Sequence[str]
    rows: Iterable[Sequence[Cell]] = field(default_factory=list)


def _sheet_name(name: str, used: set[str]) -> str:
    base = re.sub(r"[\[\]:*?/\\]", "_", clean_text(name)).strip("'") or "Sheet"
    base = base[:31]
    candidate, n = base, 2
    while candidate.lower() in used:
        suffix = f" ({n})"
        candidate, n = base[: 31 - len(suffix)] + suffix, n + 1
    used.add(candidate.lower())
    return candidate


def xlsx_bytes(sheets: Sequence[Sheet]) -> bytes:
    """An XLSX workbook of ``sheets`` with no formula anywhere."""
    out = io.BytesIO()
    wb = xlsxwriter.Workbook(
        out,
        {
            "in_memory": True,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
        },
    )
    date_fmt = wb.add_format({"num_format": "yyyy-mm-dd"})
    dt_fmt = wb.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
    used: set[str] = set()
    overflow_rows: list[tuple[str, int, int, int, str]] = []
    for sheet in sheets:
        name = _sheet_name(sheet.name, used)
        ws = wb.add_worksheet(name)
        for c, h in enumerate(sheet.header):
            ws.write_string(0, c, _xlsx_text(neutralise(str(h))))
        for r, row in enumerate(sheet.rows, start=1):
            for c, value in enumerate(row):
                _write_cell(ws, r, c, value, date_fmt, dt_fmt, name, overflow_rows)
    if overflow_rows:
        ws = wb.add_worksheet(_sheet_name("Overflow", used))
        for c, h in enumerate(("sheet", "row", "column", "part", "text")):
            ws.write_string(0, c, h)
        for i, (sname, orow, ocol, part, piece) in enumerate(overflow_rows, start=1):
            ws.write_string(i, 0, sname)
            ws.write_number(i, 1, orow + 1)
            ws.write_number(i, 2, ocol + 1)
            ws.write_number(i, 3, part)
            ws.write_string(i, 4, _xlsx_text(piece))
    wb.close()
    return out.getvalue()


def _xlsx_text(text: str) -> str:
    return _XLSX_ESCAPE.sub(r"_x005F_\1", text)


def _write_cell(
    ws: Any,
    r: int,
    c: int,
    value: Cell,
    date_fmt: Any,
    dt_fmt: Any,
    sheet_name: str,
    overflow: list[tuple[str, int, int, int, str]],
) -> None:
    if value is None:
        return
    if isinstance(value, bool):
        ws.write_boolean(r, c, value)
    elif isinstance(value, int | float | Decimal):
        ws.write_number(r, c, float(value))
    elif isinstance(value, dt.datetime):
        ws.write_datetime(r, c, value.replace(tzinfo=None), dt_fmt)
    elif isinstance(value, dt.date):
        ws.write_datetime(r, c, dt.datetime(value.year, value.month, value.day), date_fmt)
    else:
        text = neutralise(str(value))
        if len(text) > EXCEL_CELL_LIMIT:
            note = f" […continued in sheet Overflow, row {len(overflow) + 2}]"
            # Pieces short enough that escaping never pushes them over the limit.
            size = EXCEL_CELL_LIMIT // 8
            for part, start in enumerate(range(0, len(text), size), start=1):
                overflow.append((sheet_name, r, c, part, text[start : start + size]))
            text = text[: size - len(note)] + note
        ws.write_string(r, c, _xlsx_text(text))


def docx_bytes(
    title: str,
    paragraphs: Sequence[str] = (),
    tables: Sequence[tuple[Sequence[str], Sequence[Sequence[Cell]]]] = (),
) -> bytes:
    """A DOCX with a heading, paragraphs and tables; table cells are neutralised (they are
    often pasted into spreadsheets) and all text is cleaned of XML-illegal characters."""
    import docx

    doc = docx.Document()
    doc.add_heading(clean_text(title), level=1)
    for p in paragraphs:
        doc.add_paragraph(clean_text(p))
    for header, rows in tables:
        table = doc.add_table(rows=1, cols=len(header))
        for i, h in enumerate(header):
            table.rows[0].cells[i].text = cell_text(h)
        for row in rows:
            cells = table.add_row().cells
            for i, v in enumerate(row):
                cells[i].text = cell_text(v)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
