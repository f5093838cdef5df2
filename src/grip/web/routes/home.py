"""The home page: what the signed-in role needs first, and a way into each of its areas.

Every role lands here after sign-in (unless they asked for another page). What it shows
follows the role's permissions: headline caseload counts for those who read case data, the
overdue audits and improvement actions for those who read audits, and the role's areas from
the service navigation.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session

from grip.access.principal import Principal
from grip.access.roles import policy
from grip.actionplans import actions as plan_actions
from grip.audits.actions import overdue_actions
from grip.audits.lifecycle import overdue_audits
from grip.measures import kept
from grip.store.db import la_engine
from grip.web import navigation
from grip.web.deps import render
from grip.web.security import CurrentPrincipal, ScopedDB, requires

router = APIRouter()


def _sees_la_totals(principal: Principal) -> bool:
    """Whether the role may see counts over the whole LA: not a sample-only role (an external
    inspector sees the sampled cases, and LA-wide totals would tell them about the rest;
    penetration test, December 2026)."""
    return not policy().check_role(principal.role).sample_only


def _attention(db: Session, principal: Principal, today: date) -> dict[str, Any] | None:
    """Overdue audits and actions the principal may see (None for roles without audits, and
    for sample-only roles, to whom the LA's totals are not shown)."""
    if not principal.can("audits:read") or not _sees_la_totals(principal):
        return None
    return {
        "audits": len(overdue_audits(db, principal.la_code, today)),
        "actions": len(overdue_actions(db, principal.la_code, today))
        + len(plan_actions.overdue_actions(db, principal.la_code, today)),
    }


@router.get("/", response_class=HTMLResponse, dependencies=[requires("account:self")])
def home(request: Request, principal: CurrentPrincipal, db: ScopedDB) -> HTMLResponse:
    """The role's home page."""
    today = date.today()
    counts = None
    if principal.can("casedata:read") and _sees_la_totals(principal):
        # la_engine: on PostgreSQL the app's role sees an LA's rows only with its LA set.
        engine = la_engine(request.app.state.engine, principal.la_code)
        counts = kept.COUNTS.get(engine, principal.la_code, today)
    return render(
        request,
        "home/index.html",
        title="Home",
        principal=principal,
        counts=counts,
        attention=_attention(db, principal, today),
        areas=[a for a in navigation.items(principal, "/") if a["href"] != "/"],
    )
