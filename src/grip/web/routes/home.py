"""The first page: the signed-in LA's headline caseload counts."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from grip.casedata.summary import headline_counts
from grip.web.deps import render
from grip.web.security import CurrentPrincipal, ScopedDB, requires

router = APIRouter()


@router.get("/", response_class=HTMLResponse, dependencies=[requires("account:self")])
def home(request: Request, principal: CurrentPrincipal, db: ScopedDB) -> HTMLResponse:
    """Headline counts (children, open CIN, CP, CLA, care leavers) for those who read case data."""
    counts = None
    if principal.can("casedata:read"):
        counts = headline_counts(db.connection(), principal.la_code, date.today())
    return render(request, "home/index.html", title="Home", principal=principal, counts=counts)
