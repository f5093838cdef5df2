"""Crafted workbooks are refused cleanly and the process stays alive.

python-calamine aborts the whole process on a 5 KB workbook with cells at A1 and XFD1048576;
the guard must refuse that before parsing, and anything the pre-check misses is parsed in a
limited child process, never in this one.
"""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

import pytest

from grip.annex_a import guard
from grip.annex_a.guard import WorkbookRefused, precheck, read_workbook

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
    'package/2006/content-types"><Default Extension="rels" ContentType="application/'
    'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType='
    '"application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName='
    '"/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.'
    'spreadsheetml.worksheet+xml"/></Types>'
)
RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats'
    '.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats'
    '.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/'
    'spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships"><sheets><sheet name="List 1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WB_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats'
    '.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats'
    '.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    "</Relationships>"
)


def _sheet_xml(cells: str, prolog: str = "") -> str:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>{prolog}<worksheet xmlns="http://schemas.'
        f'openxmlformats.org/spreadsheetml/2006/main"><sheetData>{cells}</sheetData></worksheet>'
    )


def _xlsx(path: Path, sheet: str, extra: dict[str, bytes] | None = None) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", CONTENT_TYPES)
        z.writestr("_rels/.rels", RELS)
        z.writestr("xl/workbook.xml", WORKBOOK)
        z.writestr("xl/_rels/workbook.xml.rels", WB_RELS)
        z.writestr("xl/worksheets/sheet1.xml", sheet)
        for name, data in (extra or {}).items():
            z.writestr(name, data)
    return path


def _cell(ref: str, value: int) -> str:
    row = "".join(ch for ch in ref if ch.isdigit())
    return f'<row r="{row}"><c r="{ref}"><v>{value}</v></c></row>'


def test_a_plain_crafted_workbook_reads(tmp_path: Path) -> None:
    p = _xlsx(tmp_path / "ok.xlsx", _sheet_xml(_cell("A1", 1) + _cell("B2", 2)))
    sheets = read_workbook(p)
    assert sheets[0].name == "List 1"
    assert sheets[0].rows[1][1] == 2


def test_cells_at_a1_and_xfd1048576_are_refused_before_parsing(tmp_path: Path) -> None:
    p = _xlsx(tmp_path / "huge.xlsx", _sheet_xml(_cell("A1", 1) + _cell("XFD1048576", 2)))
    assert p.stat().st_size < 5000
    with pytest.raises(WorkbookRefused, match=r"huge\.xlsx: refused: sheet .* reaches row 1048576"):
        read_workbook(p)
    assert os.getpid() > 0  # still here


def test_a_huge_declared_dimension_is_refused(tmp_path: Path) -> None:
    xml = _sheet_xml(_cell("A1", 1)).replace(
        "<sheetData>", '<dimension ref="A1:ZZ900000"/><sheetData>'
    )
    with pytest.raises(WorkbookRefused, match="reaches row 900000"):
        precheck(_xlsx(tmp_path / "dim.xlsx", xml))


def test_xml_entities_are_refused(tmp_path: Path) -> None:
    laughs = '<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;">]>'
    p = _xlsx(
        tmp_path / "lol.xlsx",
        _sheet_xml('<row r="1"><c r="A1" t="inlineStr"><is><t>&lol2;</t></is></c></row>', laughs),
    )
    with pytest.raises(WorkbookRefused, match="declares a DTD or XML entities"):
        read_workbook(p)


def test_a_zip_bomb_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # 300 MB of zeros compresses to about 300 KB; with the limit lowered to 50 MB the bomb is
    # refused by its declared size and ratio without ever being decompressed.
    monkeypatch.setattr(guard, "MAX_TOTAL_UNCOMPRESSED", 50 * 1024 * 1024)
    p = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(p, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("[Content_Types].xml", CONTENT_TYPES)
        z.writestr("xl/workbook.xml", WORKBOOK)
        z.writestr("xl/media/zeros.bin", b"\0" * (300 * 1024 * 1024))
    with pytest.raises(WorkbookRefused, match="zip bomb"):
        precheck(p)


def test_a_bomb_that_lies_about_its_size_is_stopped_while_streaming(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(guard, "MAX_TOTAL_UNCOMPRESSED", 2 * 1024 * 1024)
    p = tmp_path / "liar.xlsx"
    big = _sheet_xml('<row r="1"></row>' * 400_000)  # about 6 MB of XML
    _xlsx(p, big)
    # Rewrite the declared sizes in both headers to something small.
    data = bytearray(p.read_bytes())
    info = zipfile.ZipFile(p).getinfo("xl/worksheets/sheet1.xml")
    real = info.file_size.to_bytes(4, "little")
    data = bytearray(bytes(data).replace(real, (1000).to_bytes(4, "little")))
    p.write_bytes(bytes(data))
    with pytest.raises(WorkbookRefused):
        precheck(p)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"Child Unique ID,Gender\nC1,a) Male\n", "not a zip file"),
        (b"PK\x03\x04garbage", "not a zip file|damaged"),
        (b"", "not a zip file"),
    ],
)
def test_wrong_types_are_refused(tmp_path: Path, content: bytes, message: str) -> None:
    p = tmp_path / "x.xlsx"
    p.write_bytes(content)
    with pytest.raises(WorkbookRefused, match=message):
        read_workbook(p)


def test_a_zip_that_is_not_a_workbook_is_refused(tmp_path: Path) -> None:
    p = tmp_path / "notes.xlsx"
    with zipfile.ZipFile(p, "w") as z:
        z.writestr("readme.txt", "hello")
    with pytest.raises(WorkbookRefused, match=r"no xl/workbook\.xml"):
        read_workbook(p)


def test_a_damaged_sheet_fails_in_the_child_not_here(tmp_path: Path) -> None:
    p = _xlsx(tmp_path / "bad.xlsx", '<worksheet><sheetData><row r="1"><c r="A1"><v>1')
    with pytest.raises(WorkbookRefused, match="could not be read"):
        read_workbook(p)


def test_the_child_is_killed_at_its_time_limit(tmp_path: Path) -> None:
    p = _xlsx(tmp_path / "ok.xlsx", _sheet_xml(_cell("A1", 1)))
    with pytest.raises(WorkbookRefused, match="took more than 0 seconds"):
        read_workbook(p, timeout=0.001)


def test_when_the_precheck_is_bypassed_the_child_dies_not_this_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Loosen the pre-check so the crafted file reaches python-calamine: the child process runs
    # out of its memory limit (or aborts) and this process only sees a refusal.
    monkeypatch.setattr(guard, "MAX_ROWS", 10**7)
    monkeypatch.setattr(guard, "MAX_COLS", 10**5)
    monkeypatch.setattr(guard, "MAX_CELLS", 10**13)
    p = _xlsx(tmp_path / "huge.xlsx", _sheet_xml(_cell("A1", 1) + _cell("XFD1048576", 2)))
    with pytest.raises(WorkbookRefused, match="could not be read"):
        read_workbook(p)
    assert read_workbook(_xlsx(tmp_path / "ok.xlsx", _sheet_xml(_cell("A1", 7))))[0].rows == [[7]]
