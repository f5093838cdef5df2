"""Measures pages: headline dashboard with 12-month trends, and drill-down to the children.

Whole-LA totals count every child of the LA (statutory figures). Slices and the lists behind
a slice leave out restricted children for everyone (grip.measures.engine); the whole-LA list
leaves out cases the signed-in user may not see (restricted cases, or for an inspector
everything outside their sample), using the same rules as the data layer
(``grip.access.scope``). No page says how many were left out. Every child list
shown is an audit event (``child_list.read``), and drill-down links carry only ids
and codes: a worker slice is chosen by the worker's id, never by name.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from markupsafe import Markup
from pydantic import Field
from sqlalchemy.orm import Session

from grip import calendar
from grip.access.principal import Principal
from grip.access.restrictions import restricted_ids
from grip.access.roles import INSPECTOR
from grip.access.scope import hidden_person_ids, sample_person_ids
from grip.documents.safe import csv_bytes
from grip.formats import long_date
from grip.measures import kept
from grip.measures.charts import line_svg
from grip.measures.definitions import Measure, load_definitions
from grip.measures.engine import DIMENSIONS, MeasuresError, MeasuresRun, slice_key
from grip.measures.pack import pack_bytes
from grip.measures.results import ChildRow
from grip.store.db import la_engine
from grip.web import forms
from grip.web.deps import render
from grip.web.middleware import error_response
from grip.web.paging import page_of
from grip.web.security import CurrentPrincipal, ScopedDB, record, requires

router = APIRouter()

DIMENSION_NAMES = {
    "team": "Team",
    "worker": "Worker",
    "age_band": "Age band",
    "sex": "Sex",
    "ethnicity": "Ethnicity",
    "disability": "Disability",
}


#: Children listed per page of a measure's drill-down: a page people can scan, and quick to
#: send (500 rows took three quarters of the page's time to render; docs/performance.md).
ROWS_PER_PAGE = 100


def _run(request: Request, la_code: str, on: date) -> tuple[MeasuresRun, threading.Lock]:
    """The LA's measures at ``on`` (12 months), computed once per data version and kept."""
    # la_engine: on PostgreSQL the app's role sees an LA's rows only with its LA set.
    engine = la_engine(request.app.state.engine, la_code)
    return kept.RUNS.get(engine, la_code, on, settings=request.app.state.settings)


def _on(value: str | None) -> date:
    if not value:
        return date.today()
    try:
        return calendar.parse_date(value, "date")
    except calendar.DateInputError as exc:
        raise MeasuresError(str(exc)) from None


def _visible(db: Session, principal: Principal) -> Callable[[str | None], bool]:
    """Whether the principal may see a child's case in a list (restrictions and samples)."""
    scope = principal.scope()
    if scope.role == INSPECTOR:
        allowed = set(db.scalars(sample_person_ids(scope)).all())
        return lambda pid: pid is not None and pid in allowed
    hidden = set(db.scalars(hidden_person_ids(scope)).all())
    return lambda pid: pid is None or pid not in hidden


def _fmt(v: float | None, unit: str) -> str:
    if v is None:
        return "–"
    if unit == "percent":
        return f"{v:g}%"
    return f"{v:,g}"


class OnDate(forms.Form):
    """The date the dashboard shows the measures at (today when left blank)."""

    date: Annotated[dt.date | None, Field(title="Date")] = None


@router.get("/measures", dependencies=[requires("measures:read")])
def dashboard(request: Request, principal: CurrentPrincipal) -> Response:
    """Headline measures with 12-month trends (chart and table); a date typed wrong is shown
    beside the date input, with the measures at today."""
    chosen, errors = forms.parse(OnDate, request.query_params)
    on = (chosen.date if chosen else None) or date.today()
    try:
        run, lock = _run(request, principal.la_code, on)
    except MeasuresError as exc:
        return error_response(request, 400, str(exc))
    defs = run.definitions
    cards = []
    with lock:
        for m in defs.measures:
            if not m.headline:
                continue
            trend = run.whole(m.id)
            cards.append(
                {
                    "m": m,
                    "now": run.at(m.id),
                    "shown": _fmt(run.at(m.id).value, m.unit),
                    "trend": [(v.period_end, _fmt(v.value, m.unit)) for v in trend],
                    "svg": Markup(  # noqa: S704 - built from numbers and escaped text only
                        line_svg(
                            m.name,
                            [(v.period_end, v.value) for v in trend],
                            percent=m.unit == "percent",
                        )
                    ),
                }
            )
    return render(
        request,
        "measures/dashboard.html",
        status_code=400 if errors else 200,
        title="Measures",
        principal=principal,
        on=on,
        errors=errors,
        values=forms.values(request.query_params) if errors else {"date": on},
        cards=cards,
        areas=defs.areas,
        measures=defs.measures,
    )


def _measure_run(
    request: Request,
    principal: Principal,
    measure_id: str,
    day: str | None,
    dimension: str | None,
) -> tuple[Measure, date, MeasuresRun, threading.Lock] | Response:
    """The measure and the LA's kept run at the date asked for, or the error page (no such
    measure, no such dimension, a date that cannot be computed)."""
    m = load_definitions().by_id().get(measure_id)
    if m is None:
        return error_response(request, 404, "No such measure.")
    if dimension is not None and dimension not in DIMENSIONS:
        return error_response(request, 400, f"dimension must be one of {', '.join(DIMENSIONS)}")
    try:
        on = _on(day)
        run, lock = _run(request, principal.la_code, on)
    except MeasuresError as exc:
        return error_response(request, 400, str(exc))
    return m, on, run, lock


@dataclass(frozen=True)
class Listing:
    """Which figure and which children behind it: the day's figure (``day``, today when
    none), a slice of a dimension, only those not meeting it."""

    day: str | None = None
    dimension: str | None = None
    slice: str | None = None
    failing: bool = False


def _listing(
    date: str | None = None,
    dimension: str | None = None,
    slice: str | None = None,
    failing: bool = False,
) -> Listing:
    """The listing a measure's page and its download are asked for (a slice means nothing
    without its dimension)."""
    return Listing(date, dimension, slice if dimension else None, failing)


ListingQuery = Annotated[Listing, Depends(_listing)]


def _listed(
    db: Session,
    principal: Principal,
    run: MeasuresRun,
    lock: threading.Lock,
    measure_id: str,
    wanted: Listing,
) -> list[ChildRow]:
    """The children behind a figure the principal may see (restricted cases, or for an
    inspector everything outside the sample, left out without saying how many)."""
    visible = _visible(db, principal)
    with lock:
        rows = kept.RUNS.children(
            run,
            measure_id,
            only_numerator=False if wanted.failing else None,
            dimension=wanted.dimension,
            slice_value=wanted.slice,
        )
    return [r for r in rows if visible(r.person_id)]


def _trend_svg(m: Any, trend: list[Any]) -> Markup:
    points = [(v.period_end, v.value) for v in trend]
    svg = line_svg(m.name, points, width=640, height=200, percent=m.unit == "percent")
    return Markup(svg)  # noqa: S704 - built from numbers and escaped text only


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@router.get("/measures/pack.xlsx", dependencies=[requires("measures:export")])
def pack_download(
    request: Request, principal: CurrentPrincipal, db: ScopedDB, date: str | None = None
) -> Response:
    """The performance pack at the date (as ``grip measures compute --out``): every measure with
    its trend and the children not meeting each; restricted children counted, never listed."""
    try:
        on = _on(date)
        run, lock = _run(request, principal.la_code, on)
    except MeasuresError as exc:
        return error_response(request, 400, str(exc))
    with lock:
        data = pack_bytes(run)
    record(
        request, "export.xlsx", "measures_pack", f"{principal.la_code}:{on.isoformat()}",
        detail="months=12; children=not meeting", db=db,
    )  # fmt: skip
    name = f"performance-pack-{principal.la_code}-{on.isoformat()}.xlsx"
    return Response(
        data,
        media_type=XLSX,
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "Cache-Control": "no-store",
        },
    )


@router.get("/measures/{measure_id}", dependencies=[requires("measures:read")])
def measure_page(
    request: Request,
    principal: CurrentPrincipal,
    db: ScopedDB,
    measure_id: str,
    wanted: ListingQuery,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> Response:
    """One measure: trend, slices, and the children behind the figure, a page at a time."""
    found = _measure_run(request, principal, measure_id, wanted.day, wanted.dimension)
    if isinstance(found, Response):
        return found
    m, on, run, lock = found
    defs = load_definitions()
    # Need to know: the children behind the figure only for those who manage or audit them.
    may_list = principal.can("measures:children")
    with lock:
        trend = run.whole(m.id)
        slices = {d: run.slices(m.id, d) for d in DIMENSIONS}
    shown = _listed(db, principal, run, lock, m.id, wanted) if may_list else []
    paged = page_of(shown, page, ROWS_PER_PAGE)
    dimension, slice = wanted.dimension, wanted.slice
    slice_label = slice
    if dimension is not None:
        slice_label = next(
            (v.slice for v in slices[dimension] if slice_key(dimension, v.slice) == slice), slice
        )
    ctx: dict[str, Any] = {
        "m": m,
        "sources": defs.sources,
        "on": on,
        "now": run.at(m.id),
        "fmt": _fmt,
        "trend": trend,
        "svg": _trend_svg(m, trend),
        "slices": slices,
        "dimension_names": DIMENSION_NAMES,
        "paged": paged,
        "total_rows": len(shown),
        "dimension": dimension,
        "slice": slice,
        "slice_label": slice_label,
        "slice_key": slice_key,
        "failing": wanted.failing,
        "area_name": defs.areas[m.area],
        "may_list": may_list,
    }
    response = render(request, "measures/measure.html", title=m.name, principal=principal, **ctx)
    if not may_list:
        return response
    # Ids and counts only: the trail never holds a child's (or a worker's) details.
    record(
        request,
        "child_list.read",
        "measure",
        f"{m.id}:{on.isoformat()}",
        detail=(
            f"dimension={dimension or 'all'}; slice={slice if dimension else 'All'}; "
            f"only not meeting={wanted.failing}; page {paged.number}; "
            f"rows listed={len(paged.rows)} of {len(shown)}"
        ),
        db=db,
    )  # after the page is built (grip.web.security.record says why)
    return response


#: The columns of a measure's list of children as downloaded.
CHILD_COLUMNS = ("Child", "Item", "In numerator", "Due", "Done", "Working days late", "Team",
                 "Worker")  # fmt: skip


@router.get("/measures/{measure_id}/children.csv", dependencies=[requires("measures:export")])
def children_download(
    request: Request,
    principal: CurrentPrincipal,
    db: ScopedDB,
    measure_id: str,
    wanted: ListingQuery,
) -> Response:
    """Every child behind the figure (all pages of the drill-down, the same filters) as a CSV
    file through the safe export writer; restricted children are never listed, and the export
    is recorded in the audit trail."""
    found = _measure_run(request, principal, measure_id, wanted.day, wanted.dimension)
    if isinstance(found, Response):
        return found
    m, on, run, lock = found
    # As in the performance pack, a restricted child is never in a file, access list or not.
    restricted = restricted_ids(db, principal.la_code)
    rows = [r for r in _listed(db, principal, run, lock, m.id, wanted)
            if r.person_id not in restricted]  # fmt: skip
    body = csv_bytes(CHILD_COLUMNS, [_child_cells(r) for r in rows])
    record(
        request, "export.csv", "measure", f"{m.id}:{on.isoformat()}",
        detail=f"dimension={wanted.dimension or 'all'}; only not meeting={wanted.failing}; "
        f"rows={len(rows)}",
        db=db,
    )  # fmt: skip
    name = f"children-{m.id}-{principal.la_code}-{on.isoformat()}.csv"
    return Response(
        body,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"',
                 "Cache-Control": "no-store"},
    )  # fmt: skip


def _child_cells(r: ChildRow) -> list[Any]:
    return [
        r.person_id or "", r.item_id, "Yes" if r.in_numerator else "No",
        long_date(r.due) if r.due else "", long_date(r.done) if r.done else "",
        r.working_days_late, r.team, r.worker,
    ]  # fmt: skip
