"""Hostile-workbook guard: check a workbook before parsing, then parse it in a limited child.

A spreadsheet uploaded for checking is untrusted. python-calamine aborts the whole process
(no Python exception) on a 5 KB workbook with cells at A1 and XFD1048576, because it allocates
the full rectangle; zip bombs and XML entity expansion are the other classic attacks. So:

1. :func:`precheck` opens the file only as a zip: it refuses too many members, too large a total
   declared uncompressed size or compression ratio, any DTD or entity declaration in an XML
   member, and any sheet whose dimension or cell references reach beyond the limits (the sheet
   XML is streamed through a bounded decompressor, never parsed).
2. :func:`read_workbook` parses in a separate Python process with an address-space limit, a CPU
   limit and a wall-clock timeout. Whatever happens there (abort, out of memory, hang), this
   process gets a :class:`WorkbookRefused` with a clear message and carries on.
"""

from __future__ import annotations

import html
import pickle
import re
import subprocess
import sys
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# Limits sized for the largest real Annex A (tens of thousands of rows, a few dozen columns).
MAX_FILE_BYTES = 60 * 1024 * 1024
MAX_MEMBERS = 500
MAX_TOTAL_UNCOMPRESSED = 800 * 1024 * 1024
MAX_RATIO = 150
MAX_ROWS = 250_000
MAX_COLS = 200
MAX_CELLS = 6_000_000
CHILD_MEMORY_BYTES = 2 * 1024 * 1024 * 1024
CHILD_CPU_SECONDS = 120
CHILD_TIMEOUT_SECONDS = 150

_CELL_REF = re.compile(rb'<(?:\w+:)?c\b[^>]*?\br="([A-Z]{1,3})([0-9]{1,7})"')
_ROW_REF = re.compile(rb'<(?:\w+:)?row\b[^>]*?\br="([0-9]{1,7})"')
_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\b[^>]*?\bref="([^"]{1,40})"')
_DTD = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.I)
# A cell whose first child is a formula: <c r="B2" ...><f>...</f><v>cached</v></c> (the
# formula element always comes before the cached value in SpreadsheetML).
_FORMULA_CELL = re.compile(
    rb'<(?:\w+:)?c\b[^>]*?\br="([A-Z]{1,3})([0-9]{1,7})"[^>]*?(?<!/)>\s*<(?:\w+:)?f\b'
)
_SHEET_ENTRY = re.compile(rb'<(?:\w+:)?sheet\b[^>]*?\bname="([^"]*)"[^>]*?\br:id="([^"]*)"')
_SHEET_ENTRY_ID_FIRST = re.compile(
    rb'<(?:\w+:)?sheet\b[^>]*?\br:id="([^"]*)"[^>]*?\bname="([^"]*)"'
)
_RELATIONSHIP = re.compile(rb"<Relationship\b[^>]*?/?>")
_ATTR = re.compile(rb'\b(Id|Target)="([^"]*)"')


class WorkbookRefused(ValueError):
    """The workbook is refused before or during parsing; the message says why."""


@dataclass(frozen=True)
class Sheet:
    """A parsed sheet: its name and rows of cell values (str, float, int, bool, date, None).

    ``formulas`` holds the (row, column) positions, 0-based, of cells that hold a formula: the
    values read are the cached results the spreadsheet last saved, so the checker reports them
    rather than trusting them (it never evaluates a formula).
    """

    name: str
    rows: list[list[Any]]
    formulas: frozenset[tuple[int, int]] = frozenset()


def _col_number(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + (ch - 64)
    return n


def _ref_extent(ref: bytes) -> tuple[int, int]:
    m = re.fullmatch(rb"([A-Z]{1,3})([0-9]{1,7})", ref)
    if not m:
        return 0, 0
    return int(m.group(2)), _col_number(m.group(1))


def _scan_member(
    zf: zipfile.ZipFile,
    info: zipfile.ZipInfo,
    name: str,
    budget: list[int],
    formulas: set[tuple[int, int]] | None = None,
) -> None:
    """Stream one XML member through a bounded decompressor, looking for attacks (and, for a
    sheet, noting into ``formulas`` the cells that hold a formula)."""
    is_sheet = info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml")
    max_row = max_col = 0
    tail = b""
    head_checked = 0
    with zf.open(info) as fh:
        while True:
            chunk = fh.read(1 << 20)
            if not chunk:
                break
            budget[0] -= len(chunk)
            if budget[0] < 0:
                raise WorkbookRefused(
                    f"{name}: refused: decompresses to more than "
                    f"{MAX_TOTAL_UNCOMPRESSED // (1024 * 1024)} MB (zip bomb?)"
                )
            data = tail + chunk
            if head_checked < 65536:
                if _DTD.search(data[:65536]):
                    raise WorkbookRefused(
                        f"{name}: refused: {info.filename} declares a DTD or XML entities, "
                        "which a spreadsheet never needs"
                    )
                head_checked += len(chunk)
            if is_sheet:
                for m in _DIMENSION.finditer(data):
                    for part in m.group(1).split(b":"):
                        r, c = _ref_extent(part)
                        max_row, max_col = max(max_row, r), max(max_col, c)
                for m in _CELL_REF.finditer(data):
                    max_col = max(max_col, _col_number(m.group(1)))
                    max_row = max(max_row, int(m.group(2)))
                for m in _ROW_REF.finditer(data):
                    max_row = max(max_row, int(m.group(1)))
                if formulas is not None:
                    # A set: the 256 bytes carried over between chunks may match twice.
                    for m in _FORMULA_CELL.finditer(data):
                        formulas.add((int(m.group(2)) - 1, _col_number(m.group(1)) - 1))
                if max_row > MAX_ROWS or max_col > MAX_COLS or max_row * max_col > MAX_CELLS:
                    raise WorkbookRefused(
                        f"{name}: refused: sheet {info.filename} reaches row {max_row}, column "
                        f"{max_col}; the limit is {MAX_ROWS} rows, {MAX_COLS} columns and "
                        f"{MAX_CELLS} cells"
                    )
            tail = data[-256:]


def _sheet_files(zf: zipfile.ZipFile) -> dict[str, str]:
    """Worksheet part name -> sheet name, from the workbook and its relationships (both small
    and already scanned for DTDs; read as text, never parsed as XML)."""
    names = zf.getinfo("xl/workbook.xml")
    if names.file_size > 5 * 1024 * 1024:
        return {}
    wb = zf.read(names)
    by_rid = {rid: n for n, rid in _SHEET_ENTRY.findall(wb)}
    by_rid.update({rid: n for rid, n in _SHEET_ENTRY_ID_FIRST.findall(wb)})
    try:
        rels = zf.read("xl/_rels/workbook.xml.rels")
    except KeyError:
        return {}
    out = {}
    for rel in _RELATIONSHIP.findall(rels):
        attrs = dict(_ATTR.findall(rel))
        rid, target = attrs.get(b"Id"), attrs.get(b"Target", b"")
        if rid in by_rid:
            part = target.decode("utf-8", "replace").lstrip("/")
            part = part if part.startswith("xl/") else "xl/" + part
            out[part] = html.unescape(by_rid[rid].decode("utf-8", "replace"))
    return out


def precheck(path: Path, display_name: str | None = None) -> dict[str, frozenset[tuple[int, int]]]:
    """Refuse a workbook whose structure could harm the parser; when safe, return the cells
    holding formulas, by sheet name ((row, column), 0-based)."""
    name = display_name or path.name
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise WorkbookRefused(f"{name}: cannot be read: {exc.strerror}") from None
    if size > MAX_FILE_BYTES:
        raise WorkbookRefused(
            f"{name}: refused: {size} bytes is over the {MAX_FILE_BYTES // (1024 * 1024)} MB limit"
        )
    if not zipfile.is_zipfile(path):
        raise WorkbookRefused(f"{name}: is not an Excel workbook (.xlsx): it is not a zip file")
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            if len(infos) > MAX_MEMBERS:
                raise WorkbookRefused(
                    f"{name}: refused: {len(infos)} parts inside the file; the limit is "
                    f"{MAX_MEMBERS}"
                )
            declared = sum(i.file_size for i in infos)
            if declared > MAX_TOTAL_UNCOMPRESSED:
                raise WorkbookRefused(
                    f"{name}: refused: declares {declared} bytes uncompressed (zip bomb?)"
                )
            for i in infos:
                if (
                    i.compress_size
                    and i.file_size / i.compress_size > MAX_RATIO
                    and (i.file_size > 10 * 1024 * 1024)
                ):
                    raise WorkbookRefused(
                        f"{name}: refused: {i.filename} compresses {i.file_size // i.compress_size}"
                        " to 1 (zip bomb?)"
                    )
            if "xl/workbook.xml" not in {i.filename for i in infos}:
                raise WorkbookRefused(f"{name}: is not an Excel workbook: no xl/workbook.xml")
            budget = [MAX_TOTAL_UNCOMPRESSED]
            found: dict[str, set[tuple[int, int]]] = {}
            for i in infos:
                if i.filename.endswith((".xml", ".rels")) or i.filename.endswith(".vml"):
                    _scan_member(zf, i, name, budget, found.setdefault(i.filename, set()))
            sheet_names = _sheet_files(zf)
            return {
                sheet_names[part]: frozenset(cells)
                for part, cells in found.items()
                if cells and part in sheet_names
            }
    except WorkbookRefused:
        raise
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError) as exc:
        raise WorkbookRefused(f"{name}: the file is damaged: {exc}") from None


def _limit_child() -> None:  # pragma: no cover - runs in the child before exec
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (CHILD_MEMORY_BYTES, CHILD_MEMORY_BYTES))
    resource.setrlimit(resource.RLIMIT_CPU, (CHILD_CPU_SECONDS, CHILD_CPU_SECONDS + 5))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def read_workbook(
    path: Path, display_name: str | None = None, timeout: float = CHILD_TIMEOUT_SECONDS
) -> list[Sheet]:
    """Pre-check ``path``, then parse every sheet in a memory- and time-limited child process."""
    name = display_name or path.name
    formulas = precheck(path, name)
    try:
        proc = subprocess.run(  # noqa: S603 - fixed argv, our own interpreter and module
            [sys.executable, "-I", "-m", "grip.annex_a._parse_child", str(path)],
            capture_output=True,
            timeout=timeout,
            preexec_fn=_limit_child,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise WorkbookRefused(
            f"{name}: refused: reading it took more than {timeout:.0f} seconds"
        ) from None
    if proc.returncode != 0:
        detail = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        last = detail[-1] if detail else f"the reader stopped (exit status {proc.returncode})"
        if proc.returncode < 0 or "MemoryError" in last or "memory allocation" in last:
            last = "the reader ran out of its memory or time limit"
        raise WorkbookRefused(f"{name}: could not be read: {last[:300]}")
    result = pickle.loads(proc.stdout)  # noqa: S301 - produced by our own child from plain types
    return [Sheet(name=n, rows=rows, formulas=formulas.get(n, frozenset())) for n, rows in result]
