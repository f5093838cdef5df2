"""One child's timescale compliance on a date: the API audits use for pre-fill.

``child_compliance(engine, la_code, person_id, on)`` reads only that child's rows from the case
store and applies the per-child rules in :mod:`grip.measures.rules`; it does not run the LA-wide
engine, so it is cheap enough to call per audited case. Each item names the measure it belongs
to, so an audit can show "CP review 2 overdue by 6 working days (CP_REVIEW_LATER)".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Engine, select

from grip.casedata.facts import care_periods, open_on
from grip.casedata.models import CASE_TABLES
from grip.measures import rules
from grip.measures.engine import LAStandards, la_standards
from grip.measures.standards import VisitDefaults


@dataclass(frozen=True)
class ComplianceItem:
    """One timescale for the child, with the measure it feeds."""

    measure_id: str
    area: str
    due: rules.Due

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        d = self.due
        return {
            "measure_id": self.measure_id,
            "area": self.area,
            "what": d.what,
            "start": d.start.isoformat(),
            "due": d.due.isoformat(),
            "done": d.done.isoformat() if d.done else None,
            "status": d.status,
            "working_days_late": d.working_days_late,
        }


@dataclass(frozen=True)
class ChildCompliance:
    """Every timescale of one child on a date."""

    la_code: str
    person_id: str
    on: date
    items: list[ComplianceItem]

    @property
    def failing(self) -> list[ComplianceItem]:
        """Items late or overdue, most working days late first."""
        bad = [i for i in self.items if not i.due.compliant]
        return sorted(bad, key=lambda i: -i.due.working_days_late)

    @property
    def compliant(self) -> bool:
        """True when nothing is late or overdue."""
        return not self.failing


def _rows(conn: Any, table: str, person_col: str, la_code: str, pid: str) -> list[Any]:
    t = CASE_TABLES[table]
    q = select(t).where(t.c.la_code == la_code, t.c[person_col] == pid)
    return list(conn.execute(q).mappings())


def _review_items(
    measure_first: str,
    measure_later: str | tuple[str, str],
    area: str,
    what: str,
    start: date,
    reviews: list[date],
    end: date | None,
    on: date,
    intervals: tuple[rules.Interval, ...],
) -> list[ComplianceItem]:
    out = []
    for k, due in enumerate(rules.review_chain(what, start, reviews, end, on, intervals), start=1):
        if k == 1:
            mid = measure_first
        elif isinstance(measure_later, tuple):
            mid = measure_later[0] if k == 2 else measure_later[1]
        else:
            mid = measure_later
        out.append(ComplianceItem(mid, area, due))
    return out


def _plan_items(
    conn: Any,
    la_code: str,
    person_id: str,
    on: date,
    kind: str,
    plans: tuple[str, str],
    reviews: tuple[str, str],
    visits: tuple[str, str],
    measures: tuple[str, str, str],
    area: str,
    review_intervals: tuple[rules.Interval, ...],
    visit_working_days: int,
) -> list[ComplianceItem]:
    """Review and visit timeliness of each CP or CIN plan (``kind`` ``cp`` or ``cin``).

    The two plan kinds share their SSD column pattern (``<prefix>_<kind>_plan_id``,
    ``<prefix>_<kind>_review_date``, ``<prefix>_<kind>_visit_seen`` …), so one routine serves
    both with the table names and column prefixes given as ``(table, prefix)`` pairs. Visits
    count only when the child was seen and are checked while the plan is open on ``on``.
    """
    (p_table, p), (r_table, r), (v_table, v) = plans, reviews, visits
    first, later, visit_measure = measures
    label = kind.upper()
    review_rows = _rows(conn, r_table, f"{r}_person_id", la_code, person_id)
    visit_rows = _rows(conn, v_table, f"{v}_person_id", la_code, person_id)
    items: list[ComplianceItem] = []
    for plan in _rows(conn, p_table, f"{p}_person_id", la_code, person_id):
        start = plan[f"{p}_{kind}_plan_start_date"]
        end = plan[f"{p}_{kind}_plan_end_date"]
        plan_id = plan[f"{p}_{kind}_plan_id"]
        if start > on:
            continue
        dates = [
            x[f"{r}_{kind}_review_date"] for x in review_rows if x[f"{r}_{kind}_plan_id"] == plan_id
        ]
        items += _review_items(
            first, later, area, f"{label} review", start, dates, end, on, review_intervals
        )
        if open_on(start, end, on):
            seen = [
                x[f"{v}_{kind}_visit_date"]
                for x in visit_rows
                if x[f"{v}_{kind}_plan_id"] == plan_id and x[f"{v}_{kind}_visit_seen"]
            ]
            interval = rules.Interval(rules.WD, visit_working_days)
            items.append(
                ComplianceItem(
                    visit_measure,
                    area,
                    rules.visit_status(f"{label} visit", start, seen, on, interval),
                )
            )
    return items


def _core_group_items(conn: Any, la_code: str, person_id: str, on: date) -> list[ComplianceItem]:
    """Each plan's first core group against the initial conference that made it (the plan's
    start where no conference is linked). A plan that ended by its due day with no core group
    held by ``on`` is left out, as the engine leaves it out."""
    conferences = {
        i["icpc_icpc_id"]: i["icpc_icpc_date"]
        for i in _rows(conn, "ssd_initial_cp_conference", "icpc_person_id", la_code, person_id)
    }
    out = []
    for p in _rows(conn, "ssd_cp_plans", "cppl_person_id", la_code, person_id):
        conference = conferences.get(p["cppl_icpc_id"], p["cppl_cp_plan_start_date"])
        if conference > on:
            continue
        held = p["cppl_first_core_group_date"]
        due = rules.core_group(conference, held, on)
        end = p["cppl_cp_plan_end_date"]
        if end is not None and end <= due.due and due.done is None:
            continue
        out.append(ComplianceItem("CP_CORE_GROUP_10WD", "child_protection", due))
    return out


def child_compliance(
    engine: Engine,
    la_code: str,
    person_id: str,
    on: date,
    *,
    settings: VisitDefaults | None = None,
    standards: LAStandards | None = None,
) -> ChildCompliance:
    """The child's timescale compliance on ``on``: assessments, ICPC, plan and care reviews, visits.

    Only events on or before ``on`` are considered; plans and periods of care closed before ``on``
    keep their history (reviews held late stay late). Visit standards are the LA's (see
    :func:`grip.measures.engine.la_standards`).
    """
    std = standards or la_standards(engine, la_code, settings)
    with engine.connect() as conn:
        items = _assessment_items(conn, la_code, person_id, on)
        items += _icpc_items(conn, la_code, person_id, on)
        items += _core_group_items(conn, la_code, person_id, on)
        items += _plan_items(
            conn, la_code, person_id, on, "cp", ("ssd_cp_plans", "cppl"),
            ("ssd_cp_reviews", "cppr"), ("ssd_cp_visits", "cppv"),
            ("CP_REVIEW_FIRST", "CP_REVIEW_LATER", "CP_VISITS_IN_TIME"), "child_protection",
            rules.CP_REVIEWS, std.cp_visit_working_days,
        )  # fmt: skip
        items += _plan_items(
            conn, la_code, person_id, on, "cin", ("ssd_cin_plans", "cinp"),
            ("grip_cin_reviews", "cinr"), ("ssd_cin_visits", "cinv"),
            ("CIN_REVIEW_FIRST", "CIN_REVIEW_LATER", "CIN_VISITS_IN_TIME"), "children_in_need",
            rules.CIN_REVIEWS, std.cin_visit_working_days,
        )  # fmt: skip
        items += _care_items(conn, la_code, person_id, on)
    return ChildCompliance(la_code, person_id, on, items)


def _assessment_items(conn: Any, la_code: str, person_id: str, on: date) -> list[ComplianceItem]:
    """Each assessment started by ``on``: authorised within 45 working days of the referral."""
    referred = {
        r["cine_referral_id"]: r["cine_referral_date"]
        for r in _rows(conn, "ssd_cin_episodes", "cine_person_id", la_code, person_id)
    }
    assessments = _rows(conn, "ssd_cin_assessments", "cina_person_id", la_code, person_id)
    return [
        ComplianceItem(
            "AS_45WD",
            "assessments",
            rules.assessment(
                referred.get(a["cina_referral_id"], a["cina_assessment_start_date"]),
                a["cina_assessment_auth_date"],
                on,
            ),
        )
        for a in assessments
        if a["cina_assessment_start_date"] <= on
    ]


def _icpc_items(conn: Any, la_code: str, person_id: str, on: date) -> list[ComplianceItem]:
    """Each initial conference (not a transfer in) after a strategy discussion by ``on``."""
    strategy = {
        s["s47e_s47_enquiry_id"]: s["s47e_strategy_discussion_date"]
        for s in _rows(conn, "ssd_s47_enquiry", "s47e_person_id", la_code, person_id)
    }
    conferences = _rows(conn, "ssd_initial_cp_conference", "icpc_person_id", la_code, person_id)
    return [
        ComplianceItem(
            "S47_ICPC_15WD",
            "s47",
            rules.icpc(strategy[i["icpc_s47_enquiry_id"]], i["icpc_icpc_date"], on),
        )
        for i in conferences
        if i["icpc_s47_enquiry_id"] in strategy
        and not i["icpc_icpc_transfer_in"]
        and strategy[i["icpc_s47_enquiry_id"]] <= on
    ]


def _care_items(conn: Any, la_code: str, person_id: str, on: date) -> list[ComplianceItem]:
    """Reviews of each period of care begun by ``on``, and visits while one is open."""
    episodes = _rows(conn, "ssd_cla_episodes", "clae_person_id", la_code, person_id)
    periods = care_periods(
        (e["clae_cla_id"], e["clae_entered_care_date"], e["clae_cla_episode_ceased_date"])
        for e in episodes
    )
    cla_reviews = _rows(conn, "ssd_cla_reviews", "clar_person_id", la_code, person_id)
    cla_visits = [
        v["clav_cla_visit_date"]
        for v in _rows(conn, "ssd_cla_visits", "clav_person_id", la_code, person_id)
        if v["clav_cla_visit_seen"]
    ]
    placements = _rows(conn, "ssd_cla_placement", "clap_person_id", la_code, person_id)
    items: list[ComplianceItem] = []
    for cid, (entered, left) in periods.items():
        if entered > on:
            continue
        revs = [r["clar_cla_review_date"] for r in cla_reviews if r["clar_cla_id"] == cid]
        items += _review_items(
            "CLA_REVIEW_FIRST", ("CLA_REVIEW_SECOND", "CLA_REVIEW_LATER"), "children_in_care",
            "CLA review", entered, revs, left, on, rules.CLA_REVIEWS,
        )  # fmt: skip
        if open_on(entered, left, on):
            items += _cla_visit_item(placements, cla_visits, on)
    return items


def _cla_visit_item(placements: list[Any], visits: list[date], on: date) -> list[ComplianceItem]:
    """The reg 28 visit check of the placement open on ``on`` (none without one)."""
    open_pl = [
        p
        for p in placements
        if open_on(p["clap_cla_placement_start_date"], p["clap_cla_placement_end_date"], on)
    ]
    if not open_pl:
        return []
    pl = max(open_pl, key=lambda p: p["clap_cla_placement_start_date"])
    status = rules.cla_visit_status(
        pl["clap_cla_placement_start_date"], bool(pl["clap_cla_placement_long_term"]), visits, on
    )
    return [ComplianceItem("CLA_VISITS_IN_TIME", "children_in_care", status)]
