"""Pages of the outcomes register: every LA's published inspection outcomes, statistics as in
Kent SIF outcomes mapping (Dec 2014) §5, themes with their sentences, and an LA against its
statistical neighbours. Public facts (Ofsted's published reports), readable with
``outcomes:read``; nothing here changes anything.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, JSONResponse
from pydantic import Field

from grip import frameworks
from grip.outcomes import las
from grip.outcomes.analysis import compare_themes, neighbours
from grip.outcomes.formats import framework_choices
from grip.outcomes.queries import Filters, all_reports, evidence, latest
from grip.outcomes.stats import GRADES, summary
from grip.outcomes.themes import library
from grip.web import forms
from grip.web.deps import render
from grip.web.security import requires

router = APIRouter()
READ = [requires("outcomes:read")]
GRADE_LABELS = {
    "outstanding": "Outstanding",
    "good": "Good",
    "requires-improvement": "Requires improvement",
    "inadequate": "Inadequate",
}


# The register's own pages, under the service navigation (layout.html's sub-navigation).
SUBNAV: dict[str, Any] = {
    "subnav_label": "Outcomes register",
    "subnav_items": [
        {"href": "/outcomes", "text": "Latest by LA"},
        {"href": "/outcomes/stats", "text": "Statistics"},
        {"href": "/outcomes/themes", "text": "Themes"},
    ],
}


def _crumbs(*items: tuple[str, str | None]) -> list[dict[str, str]]:
    out = [{"text": "Outcomes register", "href": "/outcomes"}]
    out.extend({"text": t, "href": h} if h else {"text": t} for t, h in items)
    return out


def _judgement_titles() -> dict[tuple[str, str], str]:
    """(framework id, judgement id) -> the judgement's title in that framework."""
    return {(fw.id, j.id): j.title for fw in frameworks.list_frameworks() for j in fw.judgements}


class Fieldwork(forms.Form):
    """The register's date filters: fieldwork ended on or after, on or before (both optional)."""

    ended_from: Annotated[dt.date | None, Field(title="Fieldwork ended on or after")] = None
    ended_to: Annotated[dt.date | None, Field(title="Fieldwork ended on or before")] = None


#: Links made before the GOV.UK date input named the dates ``from`` and ``to`` (YYYY-MM-DD).
_OLD_NAMES = {"from": "ended_from", "to": "ended_to"}


def _filters(params: dict[str, str]) -> tuple[Filters, forms.FormErrors]:
    """The register's filters from the query string, with an error beside each bad field."""
    for old, new in _OLD_NAMES.items():
        if params.get(old) and not params.get(new):
            params[new] = params.pop(old)
    dates, errors = forms.parse(Fieldwork, params)
    chosen: dict[str, str | None] = {}
    checks = {"region": las.regions(), "framework": framework_choices(), "grade": GRADES}
    for name, allowed in checks.items():
        value = params.get(name) or None
        if value is not None and value not in allowed:
            errors.add(name, f"Choose a {name} from the list")
            value = None
        chosen[name] = value
    dates = dates or Fieldwork()
    filters = Filters(chosen["region"], chosen["framework"], chosen["grade"], "overall",
                      dates.ended_from, dates.ended_to)  # fmt: skip
    return filters, errors


@router.get("/outcomes", response_class=HTMLResponse, dependencies=READ)
def register_page(request: Request) -> HTMLResponse:
    """Each LA's latest inspection, with filters by region, framework, grade and dates."""
    params = {k: v[:40] for k, v in request.query_params.items()}
    filters, errors = _filters(params)
    rows = latest(request.app.state.engine, filters)
    return render(
        request, **SUBNAV,
        template="outcomes/index.html", title="Outcomes register", rows=rows, errors=errors,
        values=params, regions=[(r, r) for r in las.regions()],
        framework_ids=[(f, f) for f in framework_choices()],
        grades=GRADE_LABELS, status_code=400 if errors else 200,
    )  # fmt: skip


def _la(la_code: str) -> las.LocalAuthority:
    try:
        return las.get(la_code)
    except KeyError as exc:
        raise HTTPException(status_code=404, detail="No such LA") from exc


@router.get("/outcomes/la/{la_code}", response_class=HTMLResponse, dependencies=READ)
def la_page(request: Request, la_code: str) -> HTMLResponse:
    """One LA: its history and its statistical neighbours."""
    la = _la(la_code)
    view = neighbours(request.app.state.engine, la.code)
    themes = {t.id: t for t in library().themes}
    return render(
        request, **SUBNAV,
        template="outcomes/la.html", title=la.name, la=la, view=view, themes=themes,
        grades=GRADE_LABELS, titles=_judgement_titles(),
        breadcrumbs=_crumbs((la.name, None)),
    )  # fmt: skip


@router.get("/outcomes/reports/{report_id}", response_class=HTMLResponse, dependencies=READ)
def report_page(request: Request, report_id: int) -> HTMLResponse:
    """One report: its judgements with their pages, and the sentences behind each theme."""
    engine = request.app.state.engine
    row = next((r for r in all_reports(engine) if r.id == report_id), None)
    if row is None:
        raise HTTPException(status_code=404, detail="No such report")
    return render(
        request, **SUBNAV,
        template="outcomes/report.html", title=f"{row.la_name}, {row.fieldwork_end:%B %Y}",
        row=row, evidence=evidence(engine, report_id), themes={t.id: t for t in library().themes},
        grades=GRADE_LABELS, titles=_judgement_titles(),
        breadcrumbs=_crumbs((row.la_name, f"/outcomes/la/{row.la_code}"), ("Report", None)),
    )  # fmt: skip


@router.get("/outcomes/stats", response_class=HTMLResponse, dependencies=READ)
def stats_page(request: Request) -> HTMLResponse:
    """Counts and percentages by grade, transitions and Kent's consistency checks."""
    data = summary(all_reports(request.app.state.engine))
    return render(
        request, **SUBNAV,
        template="outcomes/stats.html", title="Outcomes statistics", data=data,
        grades=GRADE_LABELS, titles=_judgement_titles(),
        breadcrumbs=_crumbs(("Statistics", None)),
    )  # fmt: skip


@router.get("/api/outcomes/stats", dependencies=READ)
def stats_api(request: Request) -> JSONResponse:
    """The same statistics as ``grip outcomes stats --json``."""
    return JSONResponse(summary(all_reports(request.app.state.engine)))


@router.get("/outcomes/themes", response_class=HTMLResponse, dependencies=READ)
def themes_page(request: Request) -> HTMLResponse:
    """Each theme's share of good-or-better and below-good reports, as Kent compared them."""
    return render(
        request, **SUBNAV,
        template="outcomes/themes.html", title="Themes",
        data=compare_themes(request.app.state.engine),
        themes={t.id: t for t in library().themes}, breadcrumbs=_crumbs(("Themes", None)),
    )  # fmt: skip


@router.get("/outcomes/themes/{theme_id}", response_class=HTMLResponse, dependencies=READ)
def theme_page(request: Request, theme_id: str) -> HTMLResponse:
    """The sentences behind one theme's numbers."""
    themes = {t.id: t for t in library().themes}
    if theme_id not in themes:
        raise HTTPException(status_code=404, detail="No such theme")
    groups = compare_themes(request.app.state.engine)[theme_id]
    return render(
        request, **SUBNAV,
        template="outcomes/theme.html", title=themes[theme_id].title, theme=themes[theme_id],
        groups=groups,
        breadcrumbs=_crumbs(("Themes", "/outcomes/themes"), (themes[theme_id].title, None)),
    )  # fmt: skip
