"""Evidence panels: what the measures engine and the audit reports compute at a date, copied
into the self-evaluation unchanged (no second calculation). ILACS framework (Ofsted 170040)
para 37 suggests performance reports and case audit summaries as sources; para 35 asks that
they be refreshed with the most up-to-date data."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from grip import calendar
from grip.actionplans import actions as plan_actions
from grip.actionplans import plans
from grip.audits import actions as audit_actions
from grip.audits import reports
from grip.audits.models import Audit, AuditAction
from grip.audits.moderation import quarter_of
from grip.audits.reports import quarter_months
from grip.casedata.models import CASE_TABLES
from grip.measures.definitions import load_definitions
from grip.measures.engine import MeasuresError, compute
from grip.measures.standards import VisitDefaults
from grip.selfeval.structure import load_structure
from grip.store.db import la_engine

TREND_MONTHS = 12


class EvidenceError(ValueError):
    """The evidence cannot be drawn at that date; the message says why and what is allowed."""


def data_starts(db: Session, la_code: str) -> dt.date | None:
    """The LA's earliest contact or referral date: evidence before it would be empty."""
    firsts = []
    for table, col in (
        ("ssd_contacts", "cont_contact_date"),
        ("ssd_cin_episodes", "cine_referral_date"),
    ):
        t = CASE_TABLES[table]
        firsts.append(db.scalar(sa.select(sa.func.min(t.c[col])).where(t.c.la_code == la_code)))
    found = [d for d in firsts if d is not None]
    return min(found) if found else None


def check_date(db: Session, la_code: str, on: dt.date, today: dt.date) -> None:
    """Refuse an evidence date after ``today`` or before the LA's data starts."""
    if on > today:
        raise EvidenceError(
            f"evidence date {on}: it is after today ({today}); choose {today} or earlier"
        )
    start = data_starts(db, la_code)
    if start is None:
        raise EvidenceError(f"{la_code} has no case data yet: import or generate it first")
    if on < start:
        raise EvidenceError(
            f"evidence date {on}: it is before {la_code}'s data starts ({start}); "
            f"choose a date from {start} to {today}"
        )


def measure_panels(
    engine: Engine, la_code: str, on: dt.date, settings: VisitDefaults | None = None
) -> dict[str, list[dict[str, Any]]]:
    """Per judgement area, each headline measure at ``on``: value, 12-month trend and the
    value a year earlier, exactly as :func:`grip.measures.engine.compute` gives them."""
    defs = load_definitions()
    headline = [m for m in defs.measures if m.headline]
    try:
        run = compute(
            la_engine(engine, la_code),
            la_code,
            on,
            TREND_MONTHS + 1,
            settings=settings,
            definitions=defs,
            measure_ids=[m.id for m in headline],
        )
    except MeasuresError as exc:
        raise EvidenceError(f"measures for {la_code} at {on}: {exc}") from exc
    try:
        out: dict[str, list[dict[str, Any]]] = {}
        for area in load_structure().areas:
            out[area.id] = [
                _measure_panel(run.whole(m.id), m.id, m.name, m.unit, m.polarity)
                for m in headline
                if m.area in area.measure_areas
            ]
        return out
    finally:
        run.con.close()


def _measure_panel(
    values: list[Any], mid: str, name: str, unit: str, polarity: str
) -> dict[str, Any]:
    now, year_ago = values[-1], values[0]
    return {
        "id": f"measure:{mid}",
        "measure_id": mid,
        "name": name,
        "unit": unit,
        "polarity": polarity,
        "on": now.period_end.isoformat(),
        "value": now.value,
        "numerator": now.numerator,
        "denominator": now.denominator,
        "year_ago_on": year_ago.period_end.isoformat(),
        "year_ago": year_ago.value,
        "trend": [[v.period_end.isoformat(), v.value] for v in values[1:]],
    }


def audit_panel(
    db: Session,
    la_code: str,
    on: dt.date,
    settings: VisitDefaults | None = None,
    hidden: frozenset[str] = frozenset(),
    panel_id: str = "audits",
) -> dict[str, Any]:
    """The quarter's audit grades, strongest and weakest sections and moderation agreement,
    from :func:`grip.audits.reports.build` for the quarter holding ``on`` (the audits in
    ``hidden`` left out, as the report itself leaves them out)."""
    r = reports.build(db, la_code, quarter_of(on), on, settings, hidden=hidden)
    everyone = [g for g in r.grades if g.level == "all"]
    return {
        "id": panel_id,
        "quarter": r.quarter,
        "audits": r.audits,
        "grades": everyone[0].counts if everyone else {},
        "sections": [
            {
                "title": s.title,
                "strength": s.strength,
                "weakness": s.weakness,
                "weak_questions": [q for q, _ in s.weak_questions],
            }
            for s in r.sections
        ],
        "moderation_n": r.moderation_n,
        "moderation_percent": r.moderation_percent,
        "moderation_kappa": r.moderation_kappa,
    }


def audit_cohorts(db: Session, la_code: str, quarter: str) -> dict[str, str]:
    """Each audit of the quarter (by id) with its child's cohort: ``in_care`` when the child
    was looked after on any day of the audit's month or is a care leaver, else
    ``not_in_care`` (children who need help and protection)."""
    months = quarter_months(quarter)
    audits = list(
        db.scalars(sa.select(Audit).where(Audit.la_code == la_code, Audit.month.in_(months)))
    )
    people = {a.person_id for a in audits}
    if not people:
        return {}
    cla, leavers = CASE_TABLES["ssd_cla_episodes"], CASE_TABLES["ssd_care_leavers"]
    spells: dict[str, list[tuple[dt.date, dt.date | None]]] = {}
    for r in db.execute(
        sa.select(
            cla.c.clae_person_id,
            cla.c.clae_cla_episode_start_date,
            cla.c.clae_cla_episode_ceased_date,
        ).where(cla.c.la_code == la_code, cla.c.clae_person_id.in_(people))
    ):
        spells.setdefault(r[0], []).append((r[1], r[2]))
    left_care = set(
        db.scalars(
            sa.select(leavers.c.clea_person_id).where(
                leavers.c.la_code == la_code, leavers.c.clea_person_id.in_(people)
            )
        )
    )
    out = {}
    for a in audits:
        first = dt.date.fromisoformat(a.month + "-01")
        last = calendar.add_months(first, 1) - dt.timedelta(days=1)
        looked_after = any(
            start <= last and (end is None or end >= first)
            for start, end in spells.get(a.person_id, [])
        )
        out[a.id] = "in_care" if looked_after or a.person_id in left_care else "not_in_care"
    return out


def area_audit_panels(
    db: Session, la_code: str, on: dt.date, everyone: dict[str, Any], settings: VisitDefaults | None
) -> dict[str, dict[str, Any]]:
    """Per judgement area, the audit panel of the audits of its cohort (``structure.yaml``):
    the same report, with the other cohort's audits left out. An area whose cohort is ``all``
    (the impact of leaders is seen across all practice) shares the LA-wide panel."""
    cohorts = audit_cohorts(db, la_code, quarter_of(on))
    out = {}
    for area in load_structure().areas:
        if area.audit_cohort == "all":
            out[area.id] = {**everyone, "id": f"audits:{area.id}"}
            continue
        hidden = frozenset(i for i, c in cohorts.items() if c != area.audit_cohort)
        out[area.id] = audit_panel(db, la_code, on, settings, hidden, f"audits:{area.id}")
    return out


@dataclass(frozen=True)
class OpenAction:
    """An open action a weakness can link to (para 38): an audit's improvement action or an
    action plan's action (paras 219-220)."""

    id: str
    description: str
    owner: str
    due_date: dt.date
    status: str
    source: str  # audit | plan


def open_actions(db: Session, la_code: str) -> list[OpenAction]:
    """The LA's open audit actions and open action-plan actions, by due date."""
    audit_rows = db.scalars(
        sa.select(AuditAction).where(
            AuditAction.la_code == la_code, AuditAction.status.in_(("open", "in_progress"))
        )
    )
    out = [
        OpenAction(a.id, a.description, a.owner, a.due_date, a.status, "audit") for a in audit_rows
    ]
    plan_rows = plan_actions.open_actions(db, la_code)
    roles = plan_actions.owner_roles(
        db, la_code, {a.owner_user_id for a in plan_rows if a.owner_user_id}
    )
    out += [
        OpenAction(
            a.id, a.description, roles.get(a.owner_user_id or 0, ""), a.due_date, a.status, "plan"
        )
        for a in plan_rows
    ]
    return sorted(out, key=lambda a: (a.due_date, a.id))


def action_exists(db: Session, la_code: str, action_id: str) -> bool:
    """Whether ``action_id`` is an audit action or an action-plan action of the LA."""
    found = db.scalar(
        sa.select(AuditAction.id).where(AuditAction.la_code == la_code, AuditAction.id == action_id)
    )
    return found is not None or plan_actions.find_action(db, la_code, action_id) is not None


def _plan_panel(db: Session, la_code: str) -> dict[str, Any] | None:
    """The LA's latest action plan, with the focused visits after which it was updated: shared
    with the self-evaluation (ILACS framework (Ofsted 170040) para 220)."""
    plan = plans.latest_plan(db, la_code)
    if plan is None:
        return None
    updated = [v for v in plans.visits(db, plan) if v.type == "focused-visit"]
    return {
        "id": plan.id,
        "due": plan.due_date.isoformat(),
        "due_text": f"{plan.due_date:%-d %B %Y}",
        "submitted": plan.submitted_on.isoformat() if plan.submitted_on else None,
        "updated_after": [
            {
                "title": v.title or v.type,
                "on": f"{v.fieldwork_start:%-d %B %Y}" if v.fieldwork_start else "undated",
            }
            for v in updated
        ],
    }


def action_panel(db: Session, la_code: str, on: dt.date) -> dict[str, Any]:
    """Open improvement actions and their progress: the audits' actions and the action plans'
    (grip.audits actions, grip.actionplans), and the latest action plan (para 220)."""
    audit_rows = list(db.scalars(sa.select(AuditAction).where(AuditAction.la_code == la_code)))
    plan_rows = plan_actions.all_actions(db, la_code)
    overdue = [a.id for a in audit_actions.overdue_actions(db, la_code, on)]
    overdue += [a.id for a in plan_actions.overdue_actions(db, la_code, on)]
    statuses = [a.status for a in audit_rows] + [a.status for a in plan_rows]
    return {
        "id": "actions",
        "total": len(statuses),
        "done": statuses.count("done"),
        "open": [
            {
                "id": a.id,
                "description": a.description,
                "owner": a.owner,
                "due": a.due_date.isoformat(),
                "status": a.status,
                "source": a.source,
            }
            for a in open_actions(db, la_code)
        ],
        "overdue": overdue,
        "plan": _plan_panel(db, la_code),
    }


def draft(
    db: Session, la_code: str, on: dt.date, settings: VisitDefaults | None = None
) -> dict[str, Any]:
    """Every evidence panel at ``on``."""
    engine = cast(Engine, db.get_bind())
    everyone = audit_panel(db, la_code, on, settings)
    return {
        "on": on.isoformat(),
        "areas": measure_panels(engine, la_code, on, settings),
        "audits": everyone,
        "area_audits": area_audit_panels(db, la_code, on, everyone, settings),
        "actions": action_panel(db, la_code, on),
    }


def moved(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    """What changed between two drafts, one line per measure or figure that moved."""
    lines = []
    old = {p["id"]: p for ps in before.get("areas", {}).values() for p in ps}
    for ps in after["areas"].values():
        for p in ps:
            was = old.get(p["id"], {}).get("value")
            if was != p["value"]:
                lines.append(f"{p['name']}: {_fmt(was)} → {_fmt(p['value'])}")
    for key, label in (
        ("audits", "Audits in the quarter"),
        ("moderation_percent", "Moderation agreement (%)"),
    ):
        a = before.get("audits", {}).get(key)
        b = after["audits"].get(key)
        if a != b:
            lines.append(f"{label}: {_fmt(a)} → {_fmt(b)}")
    n_before = len(before.get("actions", {}).get("open", []))
    n_after = len(after["actions"]["open"])
    if n_before != n_after:
        lines.append(f"Open actions: {n_before} → {n_after}")
    return lines


def _fmt(v: Any) -> str:
    if v is None:
        return "no figure"
    return f"{v:.1f}" if isinstance(v, float) else str(v)
