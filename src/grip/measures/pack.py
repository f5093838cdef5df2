"""The monthly performance pack (XLSX): summary with trends, a sheet per area, child lists, drift.

This is the only place the measures write a workbook. Every text cell goes through
``grip.documents.safe.neutralise`` (no cell can become a formula) and cells are written only with
``write_string``/``write_number``; the charts are native XlsxWriter charts over the sheet's own
cells. To change how exports are made safe, change ``grip.documents.safe``.

Restricted children count in the figures (statutory totals) but are never listed: the children
and drift sheets leave them out, exactly as the measures pages' lists do (``grip.measures.engine``).
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import xlsxwriter

from grip.documents.safe import clean_text, neutralise
from grip.measures.definitions import Measure
from grip.measures.engine import NOT_RESTRICTED_SQL, RATE_OF, MeasuresRun

UNIT_LABEL = {
    "count": "number",
    "percent": "%",
    "per_10k": "per 10,000",
    "average_days": "days (average)",
    "average": "average",
}


def _s(ws: Any, r: int, c: int, value: object, fmt: Any = None) -> None:
    """Write one cell safely: numbers as numbers, dates as dates, everything else as text."""
    if value is None:
        return
    if isinstance(value, bool):
        ws.write_string(r, c, "Yes" if value else "No", fmt)
    elif isinstance(value, int | float):
        ws.write_number(r, c, float(value), fmt)
    elif isinstance(value, date):
        ws.write_datetime(r, c, datetime(value.year, value.month, value.day), fmt)
    else:
        ws.write_string(r, c, neutralise(clean_text(str(value))), fmt)


def _listed_measures(run: MeasuresRun) -> list[str]:
    """The measures whose children the pack lists: bands, categories and rates share their base
    measure's children, so each family is listed once (under its first measure)."""
    seen: set[str] = set()
    out = []
    for m in run.definitions.measures:
        key = RATE_OF.get(m.id, m.base_id or m.id)
        if key not in seen:
            seen.add(key)
            out.append(RATE_OF.get(m.id, m.id))
    return out


def _write_children(ws: Any, run: MeasuresRun, datef: Any, all_children: bool) -> int:
    """The child rows behind the figures at the run's date; returns the next free row.

    By default only the rows *not meeting* a measure (late, overdue, outside the band: in the
    denominator but not the numerator), most working days late first: the action list a
    manager works from. ``all_children`` lists every row behind every figure (about three times
    as many for a large LA; the web drill-down shows them one figure at a time).

    One DuckDB query streams the rows in the pack's order; dates arrive as Excel serial numbers
    and each distinct text is made safe once (ids, teams and workers repeat), so the per-cell
    Python work is one ``write_number``/``write_string`` call.
    """
    listed = _listed_measures(run)
    cur = run.con.cursor()
    cur.execute(
        f"""SELECT mid, pid, item, num, den,
             CAST(due - DATE '1899-12-30' AS DOUBLE), CAST(done - DATE '1899-12-30' AS DOUBLE),
             CAST(late AS DOUBLE), team, worker
           FROM ua WHERE pe = ? AND list_contains(?, mid) AND {NOT_RESTRICTED_SQL}
             AND (? OR (den > 0 AND num = 0))
           ORDER BY list_position(?, mid), late DESC, pid, item""",  # noqa: S608 - constant
        [run.on, listed, all_children, listed],
    )
    safe: dict[str, str] = {}

    def text(v: str) -> str:
        t = safe.get(v)
        if t is None:
            t = safe[v] = neutralise(clean_text(v))
        return t

    write_string, write_number = ws.write_string, ws.write_number
    r = 1
    while batch := cur.fetchmany(20_000):
        for mid, pid, item, num, den, due, done, late, team, worker in batch:
            write_string(r, 0, mid)
            if pid is not None:
                write_string(r, 1, text(pid))
            write_string(r, 2, text(item))
            c = 3
            if all_children:
                write_number(r, 3, num)
                write_number(r, 4, den)
                c = 5
            if due is not None:
                write_number(r, c, due, datef)
            if done is not None:
                write_number(r, c + 1, done, datef)
            write_number(r, c + 2, late or 0.0)
            write_string(r, c + 3, text(team))
            write_string(r, c + 4, text(worker))
            r += 1
    cur.close()
    return r


@dataclass(frozen=True)
class _Formats:
    """The pack's cell formats."""

    bold: Any
    title: Any
    date: Any
    month: Any


def pack_bytes(
    run: MeasuresRun, la_name: str | None = None, *, all_children: bool = False
) -> bytes:
    """The pack for ``run`` as XLSX bytes (see :func:`_write_children` for ``all_children``).

    Written in XlsxWriter's ``constant_memory`` mode (each row goes to a temporary file as it is
    finished), so the child lists of a large LA never sit in memory as cell objects.
    """
    out = io.BytesIO()
    wb = xlsxwriter.Workbook(
        out,
        {
            "constant_memory": True,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
        },
    )
    fmt = _Formats(
        bold=wb.add_format({"bold": True}),
        title=wb.add_format({"bold": True, "font_size": 14}),
        date=wb.add_format({"num_format": "dd/mm/yyyy"}),
        month=wb.add_format({"bold": True, "num_format": "mmm yyyy", "bottom": 1}),
    )
    _summary_sheet(wb, run, la_name, fmt)
    for area, area_name in run.definitions.areas.items():
        measures = run.definitions.in_area(area)
        if measures:
            _area_sheet(wb, run, area_name, measures, fmt)
    _children_sheet(wb, run, all_children, fmt)
    _drift_sheet(wb, run, fmt)
    wb.close()
    return out.getvalue()


def _summary_sheet(wb: Any, run: MeasuresRun, la_name: str | None, fmt: _Formats) -> None:
    """The headline measures now, with a sparkline over the monthly points."""
    defs, points, n = run.definitions, run.points, len(run.points)
    ws = wb.add_worksheet("Summary")
    _s(ws, 0, 0, f"Performance pack: {la_name or run.la_code} at {run.on:%d/%m/%Y}", fmt.title)
    _s(ws, 1, 0, f"Definitions version {defs.version}; {n} monthly points. Grip measures.")
    head = ["Measure", "Id", "Unit", "Better when", "Now", "Numerator", "Denominator",
            "Trend"]  # fmt: skip
    for c, h in enumerate(head):
        _s(ws, 3, c, h, fmt.bold)
    first_point_col = len(head)
    for i, p in enumerate(points):
        _s(ws, 3, first_point_col + i, p, fmt.month)
    headline = [m for m in defs.measures if m.headline]
    for r, m in enumerate(headline, start=4):
        now = run.at(m.id)
        _s(ws, r, 0, m.name)
        _s(ws, r, 1, m.id)
        _s(ws, r, 2, UNIT_LABEL[m.unit])
        _s(ws, r, 3, m.polarity.replace("_is_", " is ").replace("_", " "))
        _s(ws, r, 4, now.value)
        _s(ws, r, 5, now.numerator)
        _s(ws, r, 6, now.denominator)
        for i, v in enumerate(run.whole(m.id)):
            _s(ws, r, first_point_col + i, v.value)
        rng = f"Summary!{_cell(r, first_point_col)}:{_cell(r, first_point_col + n - 1)}"
        ws.add_sparkline(r, 7, {"range": rng, "markers": True})
    ws.set_column(0, 0, 48)
    ws.set_column(1, 1, 26)
    ws.set_column(2, 6, 12)
    ws.set_column(7, 7, 20)


def _area_sheet(
    wb: Any, run: MeasuresRun, area_name: str, measures: list[Measure], fmt: _Formats
) -> None:
    """An area's measures now and by month, with a chart of its percentages."""
    points, n = run.points, len(run.points)
    ws = wb.add_worksheet(area_name[:31])
    _s(ws, 0, 0, area_name, fmt.title)
    cols = ["Measure", "Id", "Unit", "Now", "Numerator", "Denominator", "Rule", "Source"]
    for c, h in enumerate(cols):
        _s(ws, 2, c, h, fmt.bold)
    base = len(cols)
    for i, p in enumerate(points):
        _s(ws, 2, base + i, p, fmt.month)
    for r, m in enumerate(measures, start=3):
        now = run.at(m.id)
        _s(ws, r, 0, m.name)
        _s(ws, r, 1, m.id)
        _s(ws, r, 2, UNIT_LABEL[m.unit])
        _s(ws, r, 3, now.value)
        _s(ws, r, 4, now.numerator)
        _s(ws, r, 5, now.denominator)
        _s(ws, r, 6, m.rule.describe())
        _s(ws, r, 7, ", ".join(m.source))
        for i, v in enumerate(run.whole(m.id)):
            _s(ws, r, base + i, v.value)
    pct = [(r, m) for r, m in enumerate(measures, start=3) if m.unit == "percent"][:6]
    if pct:
        chart = wb.add_chart({"type": "line"})
        sheet = area_name[:31].replace("'", "''")
        for r, m in pct:
            chart.add_series(
                {
                    "name": m.name,
                    "categories": f"='{sheet}'!{_cell(2, base)}:{_cell(2, base + n - 1)}",
                    "values": f"='{sheet}'!{_cell(r, base)}:{_cell(r, base + n - 1)}",
                    "marker": {"type": "circle"},
                }
            )
        chart.set_title({"name": f"{area_name}: percentages by month"})
        chart.set_y_axis({"min": 0, "max": 100, "name": "%"})
        chart.set_x_axis({"date_axis": True, "num_format": "mmm yy"})
        chart.set_size({"width": 900, "height": 360})
        ws.insert_chart(len(measures) + 5, 0, chart)
    ws.set_column(0, 0, 48)
    ws.set_column(1, 1, 26)
    ws.set_column(6, 7, 30)


def _children_sheet(wb: Any, run: MeasuresRun, all_children: bool, fmt: _Formats) -> None:
    """The children behind each figure (see :func:`_write_children`)."""
    ws = wb.add_worksheet("Children" if all_children else "Children not meeting")
    cols = ["Measure", "Person", "Item", "Due", "Done", "Working days late", "Team", "Worker"]
    if all_children:
        cols[3:3] = ["In numerator", "In denominator"]
    for c, h in enumerate(cols):
        _s(ws, 0, c, h, fmt.bold)
    r = _write_children(ws, run, fmt.date, all_children)
    ws.autofilter(0, 0, max(r - 1, 1), len(cols) - 1)
    ws.freeze_panes(1, 0)


def _drift_sheet(wb: Any, run: MeasuresRun, fmt: _Formats) -> None:
    """The drift lists, each child with why and who is allocated."""
    ws = wb.add_worksheet("Drift")
    cols = ["List", "Person", "Since", "Detail", "Team", "Worker"]
    for c, h in enumerate(cols):
        _s(ws, 0, c, h, fmt.bold)
    names = {d.id: d.name for d in run.definitions.drift}
    hidden = _restricted(run)
    r = 1
    for did, rows in run.drift().items():
        for d in rows:
            if d.person_id in hidden:
                continue
            drow: list[object] = [names[did], d.person_id, d.since, d.detail, d.team, d.worker]
            for c, cell in enumerate(drow):
                _s(ws, r, c, cell, fmt.date if isinstance(cell, date) else None)
            r += 1
    ws.set_column(0, 0, 40)
    ws.set_column(3, 3, 60)


def _restricted(run: MeasuresRun) -> set[str]:
    """The LA's restricted children: counted in the figures, never listed (as on the pages)."""
    cur = run.con.cursor()
    try:
        return {str(pid) for (pid,) in cur.execute("SELECT pid FROM restricted_case").fetchall()}
    finally:
        cur.close()


def _cell(r: int, c: int) -> str:
    """A1 reference with absolute row and column."""
    from xlsxwriter.utility import xl_rowcol_to_cell

    return str(xl_rowcol_to_cell(r, c, row_abs=True, col_abs=True))
