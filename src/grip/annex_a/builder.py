"""Build the eleven Annex A lists from the case store for any inspection date.

Everything list-specific comes from the spec (populations, row rules, columns, codes); this
module knows how to read the case model (``grip.casedata``, SSD-style tables) and how to compute
each named derivation. The state shown is the state *as known on the inspection date* ``D``:
events after ``D`` are never counted, and an end date after ``D`` is written blank (on ``D``
the episode was still open), so building for a past date reproduces what the LA would have sent
then (ILACS framework (Ofsted 170040) para 246: the lists an LA sends on notification).

Engine: plain SQL selects of only the needed columns (SQLAlchemy Core, SQLite or PostgreSQL),
grouped per child in Python. See docs/annex-a.md for the measured comparison with DuckDB.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from operator import itemgetter
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Engine

from grip.annex_a import fastread
from grip.annex_a.population import (
    event_is_open,
    event_predicate,
    single_window,
    window_start,
)
from grip.annex_a.spec import ADOPTER_RECORD, ColumnSpec, ListSpec, Spec, load_spec
from grip.calendar import add_months
from grip.casedata.facts import (
    INVOLVEMENT_COLUMNS,
    LEGAL_STATUS_COLUMNS,
    SOCIAL_WORKER,
    age_on,
    allocated_during,
    is_short_breaks_only,
    legal_status_on,
    open_during,
)
from grip.casedata.models import CASE_TABLES

CARE_LEAVER_AGES = (16, 25)
# ILACS framework (Ofsted 170040) para 249 list 9 takes care leavers *receiving* leaving care
# services: a young person who has died, or who no longer requires services (SSDA903 in-touch
# codes DIED and NREQ), is not.
NOT_RECEIVING_SERVICES = frozenset({"DIED", "NREQ"})


@dataclass
class BuiltList:
    """One built list: its spec and its rows (values in column order)."""

    spec: ListSpec
    rows: list[list[Any]]


@dataclass
class AnnexA:
    """A built Annex A: the eleven lists and what the cover sheet says about them."""

    spec: Spec
    la_code: str
    la_name: str
    inspection_date: date
    generated_at: datetime
    lists: list[BuiltList]
    #: Case-model codes with no template equivalent, written as recorded (ILACS framework (Ofsted
    #: 170040) para 248): "List 8 / Placement Type" -> {"XX"}.
    unmapped_codes: dict[str, set[str]] = field(default_factory=dict)

    def counts(self) -> dict[str, int]:
        """Rows per list, keyed by sheet name."""
        return {b.spec.sheet: len(b.rows) for b in self.lists}


class BuildError(ValueError):
    """The lists cannot be built (unknown LA, date out of range); the message says why."""


# --------------------------------------------------------------------------------------------
# Reading the case store.


def _select(
    conn: sa.Connection, table: str, la_code: str, columns: Iterable[str]
) -> list[tuple[Any, ...]]:
    t = CASE_TABLES[table]
    stmt = sa.select(*(t.c[c] for c in columns)).where(t.c.la_code == la_code)
    return [tuple(r) for r in conn.execute(stmt)]


def _by_person(rows: list[tuple[Any, ...]]) -> dict[str, list[tuple[Any, ...]]]:
    """Group rows whose first value is the person id."""
    out: dict[str, list[tuple[Any, ...]]] = defaultdict(list)
    for r in rows:
        out[r[0]].append(r)
    return out


#: Every (table, columns) the builder reads; the benchmark reads exactly these as its baseline.
NEEDED_COLUMNS: dict[str, tuple[str, ...]] = {
    "ssd_person": ("pers_person_id", "pers_sex", "pers_ethnicity", "pers_dob", "pers_is_uasc"),
    "ssd_disability": ("disa_person_id", "disa_disability_code"),
    "ssd_family": ("fami_person_id", "fami_family_id"),
    "ssd_department": ("dept_team_id", "dept_team_name"),
    "ssd_professionals": ("prof_professional_id", "prof_professional_name"),
    "ssd_involvements": INVOLVEMENT_COLUMNS,
    "ssd_contacts": ("cont_person_id", "cont_contact_date", "cont_contact_source_code"),
    "ssd_early_help_episodes": (
        "earl_person_id",
        "earl_episode_start_date",
        "earl_episode_end_date",
        "earl_episode_organisation",
        "earl_episode_id",
    ),
    "ssd_cin_episodes": (
        "cine_person_id",
        "cine_referral_id",
        "cine_referral_date",
        "cine_referral_source_code",
        "cine_referral_nfa",
        "cine_close_date",
        "cine_close_reason",
        "cine_cin_primary_need_code",
    ),
    "ssd_cin_assessments": (
        "cina_person_id",
        "cina_assessment_id",
        "cina_assessment_start_date",
        "cina_assessment_auth_date",
        "cina_assessment_child_seen",
        "cina_assessment_outcome",
    ),
    "ssd_s47_enquiry": (
        "s47e_person_id",
        "s47e_s47_enquiry_id",
        "s47e_s47_start_date",
        "s47e_s47_icpc_required",
    ),
    "ssd_initial_cp_conference": (
        "icpc_person_id",
        "icpc_s47_enquiry_id",
        "icpc_icpc_date",
        "icpc_icpc_outcome_cp_flag",
    ),
    "ssd_cp_plans": (
        "cppl_person_id",
        "cppl_cp_plan_id",
        "cppl_cp_plan_start_date",
        "cppl_cp_plan_end_date",
        "cppl_cp_plan_initial_category",
        "cppl_cp_plan_latest_category",
    ),
    "ssd_cp_reviews": ("cppr_person_id", "cppr_cp_plan_id", "cppr_cp_review_date"),
    "ssd_cp_visits": (
        "cppv_person_id",
        "cppv_cp_plan_id",
        "cppv_cp_visit_date",
        "cppv_cp_visit_seen",
        "cppv_cp_visit_seen_alone",
    ),
    "ssd_cin_plans": ("cinp_person_id", "cinp_cin_plan_start_date", "cinp_cin_plan_end_date"),
    "ssd_cin_visits": ("cinv_person_id", "cinv_cin_visit_date", "cinv_cin_visit_seen"),
    "ssd_cla_episodes": (
        "clae_person_id",
        "clae_cla_id",
        "clae_entered_care_date",
        "clae_cla_episode_start_date",
        "clae_cla_primary_need_code",
        "clae_cla_episode_ceased_date",
        "clae_cla_episode_ceased_reason",
        "clae_cla_last_iro_contact_date",
    ),
    "ssd_legal_status": LEGAL_STATUS_COLUMNS,
    "ssd_cla_placement": (
        "clap_person_id",
        "clap_cla_id",
        "clap_cla_placement_start_date",
        "clap_cla_placement_end_date",
        "clap_cla_placement_type",
        "clap_cla_placement_provider",
        "clap_cla_placement_postcode",
        "clap_cla_placement_urn",
        "clap_cla_placement_la",
    ),
    "ssd_cla_reviews": ("clar_person_id", "clar_cla_id", "clar_cla_review_date"),
    "ssd_cla_visits": (
        "clav_person_id",
        "clav_cla_id",
        "clav_cla_visit_date",
        "clav_cla_visit_seen",
    ),
    "ssd_cla_health": ("clah_person_id", "clah_health_check_type", "clah_health_check_date"),
    "ssd_missing": (
        "miss_person_id",
        "miss_missing_episode_start_date",
        "miss_missing_episode_type",
        "miss_missing_rhi_offered",
        "miss_missing_rhi_accepted",
    ),
    "ssd_permanence": (
        "perm_person_id",
        "perm_table_id",
        "perm_cla_id",
        "perm_permanence_plan",
        "perm_adm_decision_date",
        "perm_placement_order_date",
        "perm_matched_date",
        "perm_placed_for_adoption_date",
        "perm_permanence_order_date",
        "perm_permanence_order_type",
        "perm_decision_reversed_date",
        "perm_decision_reversed_reason",
        "perm_placed_ffa_cp_date",
    ),
    "ssd_care_leavers": (
        "clea_person_id",
        "clea_care_leaver_eligibility",
        "clea_care_leaver_in_touch",
        "clea_care_leaver_latest_contact",
        "clea_care_leaver_accommodation",
        "clea_care_leaver_accom_suitable",
        "clea_care_leaver_activity",
        "clea_pathway_plan_review_date",
        "clea_care_leaver_personal_advisor_id",
        "clea_care_leaver_allocated_team_id",
    ),
    "grip_adopters": (
        "adop_adopter_id",
        "adop_enquiry_date",
        "adop_stage1_start_date",
        "adop_stage1_end_date",
        "adop_stage2_start_date",
        "adop_application_date",
        "adop_approval_date",
        "adop_matched_date",
        "adop_placed_date",
        "adop_number_of_children_placed",
        "adop_leaving_date",
        "adop_leaving_reason",
    ),
}


def read_tables(engine: Engine, la_code: str) -> dict[str, list[tuple[Any, ...]]]:
    """Read every needed column of every needed table for one LA (the builder's only I/O).

    Through the driver's own cursor where :mod:`grip.annex_a.fastread` can (a file SQLite
    store, or PostgreSQL through psycopg), otherwise through SQLAlchemy Core
    (:func:`read_tables_core`, the reference the fast path is held equal to).
    """
    tables = fastread.read(engine, la_code, NEEDED_COLUMNS)
    if tables is not None:
        return tables
    with engine.connect() as conn:
        return read_tables_core(conn, la_code)


def read_tables_core(conn: sa.Connection, la_code: str) -> dict[str, list[tuple[Any, ...]]]:
    """:func:`read_tables` through SQLAlchemy Core (the portable path, and the reference)."""
    return {t: _select(conn, t, la_code, cols) for t, cols in NEEDED_COLUMNS.items()}


# --------------------------------------------------------------------------------------------
# The case data of one LA, grouped per child, with the events of each list's kind.

Event = dict[str, Any]
_NONE: list[tuple[Any, ...]] = []  # shared "no rows" answer; never appended to
_NO_DATES: list[date] = []
IndexedRow = tuple[int, tuple[Any, ...]]


def _span(person: str, event_id: Any, start: date, end: date | None, **fields: Any) -> Event:
    """An event that runs from ``start`` to ``end`` (open while ``end`` is None), in date
    order by its start, with the fields of its kind."""
    return {"_p": person, "_sort": start, "_id": event_id, "start": start, "end": end, **fields}


#: Event kinds made one per row of one table: the table, and the row position of each event
#: field taken straight from the row (person id first in every one). A list of such a kind
#: tests its population on the rows themselves and makes event dicts only for the rows that
#: belong (11,000 of 141,000 contacts for list 1 in a 60,000-child LA).
TABLE_EVENTS: dict[str, tuple[str, dict[str, int]]] = {
    "contact": ("ssd_contacts", {"date": 1, "source": 2}),
    "early_help": ("ssd_early_help_episodes", {"start": 1, "end": 2, "organisation": 3}),
    "referral": ("ssd_cin_episodes", {"date": 2, "source": 3, "nfa": 4}),
    "assessment": ("ssd_cin_assessments", {"start": 2, "end": 3}),
    "s47": ("ssd_s47_enquiry", {"start": 2}),
    "cin_episode": ("ssd_cin_episodes", {"start": 2, "end": 5, "primary_need": 7}),
    "cp_plan": (
        "ssd_cp_plans",
        {"start": 2, "end": 3, "initial_category": 4, "latest_category": 5},
    ),
}


class CaseData:
    """One LA's case records, indexed per child, for one inspection date."""

    def __init__(self, tables: dict[str, list[tuple[Any, ...]]], la_code: str, d: date) -> None:
        self.la_code = la_code
        self.d = d
        self.persons = {r[0]: r for r in tables["ssd_person"]}
        self.disabled = {r[0] for r in tables["ssd_disability"] if r[1] and r[1] != "NONE"}
        self._families: tuple[dict[str, set[str]], dict[str, set[str]]] | None = None
        self._seen: dict[str, list[date]] | None = None
        self._open_on_d: list[tuple[str, set[str]]] | None = None
        self.teams = dict(tables["ssd_department"])
        self.staff = dict(tables["ssd_professionals"])
        self.involvements = _by_person(
            [r for r in tables["ssd_involvements"] if r[2] == SOCIAL_WORKER]
        )
        # Grouped per child on first use: only the tables derivations look up per child are
        # ever grouped (not the 140,000 contacts or 190,000 involvements).
        self.t: dict[str, dict[str, list[tuple[Any, ...]]]] = {}
        self.raw = tables
        #: Child-level values per (column set, child): see _RowMaker.
        self.child_values: dict[tuple[str, ...], dict[str, tuple[Any, ...]]] = {}
        #: The first conference of each enquiry: (date, whether it made a plan).
        self.icpc_by_s47: dict[str, tuple[date, Any]] = {}
        for _pid, s47_id, icpc_date, made_plan in tables["ssd_initial_cp_conference"]:
            if s47_id is not None and icpc_date is not None:
                prev = self.icpc_by_s47.get(s47_id)
                if prev is None or icpc_date < prev[0]:
                    self.icpc_by_s47[s47_id] = (icpc_date, made_plan)

    def rows(self, table: str, pid: str) -> list[tuple[Any, ...]]:
        """Rows of ``table`` for child ``pid`` (person id first)."""
        grouped = self.t.get(table)
        if grouped is None:
            grouped = self.t[table] = _by_person(self.raw[table])
        return grouped.get(pid, _NONE)

    def siblings(self, pid: str) -> int:
        """Other children sharing any ``ssd_family`` family id with ``pid`` (para 253)."""
        if self._families is None:
            families: dict[str, set[str]] = defaultdict(set)
            person_families: dict[str, set[str]] = defaultdict(set)
            for p, fam in self.raw["ssd_family"]:
                families[fam].add(p)
                person_families[p].add(fam)
            self._families = (families, person_families)
        families, person_families = self._families
        fams = person_families.get(pid)
        if not fams:
            return 0
        return len(set().union(*(families[f] for f in fams)) - {pid})

    def open_on_d(self) -> list[tuple[str, set[str]]]:
        """Children with a CP plan, CLA episode, CIN plan or assessment open on D, and care
        leavers: the case statuses in priority order (see ``case_status``)."""
        if self._open_on_d is None:
            d = self.d

            def open_on(table: str, s: int, e: int) -> set[str]:
                return {r[0] for r in self.raw[table] if open_during(r[s], r[e], d, d)}

            self._open_on_d = [
                ("CP_PLAN", open_on("ssd_cp_plans", 2, 3)),
                ("CLA", open_on("ssd_cla_episodes", 2, 5)),
                ("CIN_PLAN", open_on("ssd_cin_plans", 1, 2)),
                ("ASSESSMENT", open_on("ssd_cin_assessments", 2, 3)),
                ("CARE_LEAVER", {r[0] for r in self.raw["ssd_care_leavers"]}),
            ]
        return self._open_on_d

    def seen_dates(self, pid: str) -> list[date]:
        """Dates the child was seen on a CIN, CP or CLA visit (any order; may repeat)."""
        if self._seen is None:
            # One pass over the three visit tables keeping only seen dates, rather than grouping
            # every visit row per child (220,000 CIN visits in a 60,000-child LA).
            seen: dict[str, list[date]] = defaultdict(list)
            for p, dt, ok in self.raw["ssd_cin_visits"]:
                if ok and dt is not None:
                    seen[p].append(dt)
            for table in ("ssd_cp_visits", "ssd_cla_visits"):
                for r in self.raw[table]:
                    if r[3] and r[2] is not None:
                        seen[r[0]].append(r[2])
            self._seen = seen
        return self._seen.get(pid, _NO_DATES)

    # --- events of each list's kind --------------------------------------------------------

    def events(self, kind: str, rows: Iterable[IndexedRow] | None = None) -> list[Event]:
        """Every event of ``kind`` in the LA, as dicts of logical fields (see spec.EVENT_FIELDS).

        For a kind in :data:`TABLE_EVENTS`, ``rows`` (``(index, row)`` pairs of its table) limits
        the events to those rows.
        """
        if kind in TABLE_EVENTS:
            if rows is None:
                rows = enumerate(self.raw[TABLE_EVENTS[kind][0]])
            return getattr(self, f"_ev_{kind}")(rows)  # type: ignore[no-any-return]
        return getattr(self, f"_ev_{kind}")()  # type: ignore[no-any-return]

    def _ev_contact(self, rows: Iterable[IndexedRow]) -> list[Event]:
        return [
            {"_p": p, "_sort": dt, "_id": str(i), "date": dt, "source": src}
            for i, (p, dt, src) in rows
        ]

    def _ev_early_help(self, rows: Iterable[IndexedRow]) -> list[Event]:
        return [_span(p, i, s, e, organisation=org) for _n, (p, s, e, org, i) in rows]

    def _ev_referral(self, rows: Iterable[IndexedRow]) -> list[Event]:
        return [
            {"_p": p, "_sort": dt, "_id": i, "date": dt, "source": src, "nfa": nfa}
            for _n, (p, i, dt, src, nfa, _c, _r, _need) in rows
        ]

    def _ev_assessment(self, rows: Iterable[IndexedRow]) -> list[Event]:
        # Needs support: known once the assessment is authorised on or before D; "no further
        # action" is the one outcome that means no children's social care support.
        d = self.d
        return [
            _span(
                p,
                i,
                s,
                e,
                child_seen="U" if seen is None else bool(seen),
                needs_support=None if e is None or e > d else outcome != "NFA",
            )
            for _n, (p, i, s, e, seen, outcome) in rows
        ]

    def _ev_s47(self, rows: Iterable[IndexedRow]) -> list[Event]:
        out = []
        for _n, (p, i, s, icpc_required) in rows:
            icpc_date, made_plan = self.icpc_by_s47.get(i, (None, None))
            held = icpc_date is not None and icpc_date <= self.d
            out.append(
                {
                    "_p": p,
                    "_sort": s,
                    "_id": i,
                    "start": s,
                    "icpc_date": icpc_date,
                    "icpc_unnecessary": None if icpc_required is None else not icpc_required,
                    "icpc_plan": bool(made_plan) if held else None,
                }
            )
        return out

    def _ev_cin_episode(self, rows: Iterable[IndexedRow]) -> list[Event]:
        return [
            _span(
                p,
                i,
                dt,
                close,
                primary_need=need,
                closure_reason=reason if close is not None and close <= self.d else None,
            )
            for _n, (p, i, dt, _s, _nfa, close, reason, need) in rows
        ]

    def _ev_cp_plan(self, rows: Iterable[IndexedRow]) -> list[Event]:
        return [
            _span(p, i, s, e, initial_category=ic, latest_category=lc)
            for _n, (p, i, s, e, ic, lc) in rows
        ]

    def _ev_cla_period(self) -> list[Event]:
        """Periods of care: consecutive SSDA903 episodes sharing a period id (clae_cla_id)."""
        periods: dict[tuple[str, str], list[tuple[Any, ...]]] = defaultdict(list)
        for r in self.raw["ssd_cla_episodes"]:
            periods[(r[0], r[1])].append(r)
        perm_plan: dict[str, tuple[Any, Any]] = {}
        for r in self.raw["ssd_permanence"]:
            if r[2] is not None and r[3] is not None:
                perm_plan[r[2]] = (r[1], r[3])
        out = []
        for (pid, cla_id), eps in periods.items():
            eps.sort(key=lambda r: r[3])
            last = eps[-1]
            start = min(r[2] for r in eps)
            end = last[5]
            statuses = [
                r[1]
                for r in self.rows("ssd_legal_status", pid)
                if open_during(r[2], r[3], start, end or date.max)
            ]
            # Short breaks are decided once for Annex A and the measures (grip.casedata.facts).
            if is_short_breaks_only(statuses):
                continue
            iro = [r[7] for r in eps if r[7] is not None and r[7] <= self.d]
            out.append(
                _span(
                    pid,
                    cla_id,
                    start,
                    end,
                    category_of_need=last[4],
                    reason_ceased=last[6] if end is not None and end <= self.d else None,
                    last_iro_contact=max(iro) if iro else None,
                    permanence_plan=perm_plan.get(cla_id, (None, None))[1],
                )
            )
        return out

    def _ev_care_leaver(self) -> list[Event]:
        out = []
        lo, hi = CARE_LEAVER_AGES
        for r in self.raw["ssd_care_leavers"]:
            person = self.persons.get(r[0])
            age = None if person is None else age_on(person[3], self.d)
            if age is None or not lo <= age <= hi:
                continue
            if r[2] in NOT_RECEIVING_SERVICES:
                continue
            out.append(
                {
                    "_p": r[0],
                    "_sort": r[7] or r[3] or date.min,
                    "_id": r[0],
                    "eligibility": r[1],
                    "in_touch": r[2],
                    "latest_contact": r[3],
                    "accommodation": r[4],
                    "suitability": r[5],
                    "activity": r[6],
                    "pathway_plan_review": r[7],
                    "personal_adviser": self.staff.get(r[8]) if r[8] else None,
                    "_team": self.teams.get(r[9]) if r[9] else None,
                }
            )
        return out

    def _ev_adoption(self) -> list[Event]:
        entered: dict[str, date] = {}
        first_entered: dict[str, date] = {}
        for r in self.raw["ssd_cla_episodes"]:
            entered.setdefault(r[1], r[2])
            if r[0] not in first_entered or r[2] < first_entered[r[0]]:
                first_entered[r[0]] = r[2]
        out = []
        for r in self.raw["ssd_permanence"]:
            (pid, tid, cla_id, _plan, decision, po, matched, placed, order, otype, rev, rr, ffa) = r
            if decision is None:
                continue
            adoption_order = order if otype in (None, "ADOPTION") else None
            out.append(
                {
                    "_p": pid,
                    "_sort": decision,
                    "_id": tid,
                    "entered_care": entered.get(cla_id) if cla_id else first_entered.get(pid),
                    "decision_date": decision,
                    "placement_order_date": po,
                    "matched_date": matched,
                    "placed_date": placed,
                    "adoption_order_date": adoption_order,
                    "reversed_date": rev,
                    "reversed_reason": rr if rev is not None and rev <= self.d else None,
                    "ffa_date": ffa,
                }
            )
        return out

    def _ev_adopter(self) -> list[Event]:
        out = []
        for r in self.raw["grip_adopters"]:
            ev: Event = dict(zip(ADOPTER_RECORD, r, strict=True))
            ev.update({"_p": r[0], "_sort": r[1], "_id": r[0]})
            if ev["leaving_date"] is None or ev["leaving_date"] > self.d:
                ev["leaving_reason"] = None  # a reason for an exit that has not happened yet
            # Para 249 list 11 (b) counts approvals and rejections; a withdrawal is not a
            # rejection, so only "not approved" dates a refusal.
            refused = ev["leaving_reason"] == "NOT_APPROVED"
            ev["refused_date"] = ev["leaving_date"] if refused else None
            out.append(ev)
        return out


# --------------------------------------------------------------------------------------------
# Derivations: one function per ``derived.<name>`` in the specs. Each gets the case data, the
# event (its child is ``ev["_p"]``) and the column's params, and returns a case-model value.

Derivation = Callable[[CaseData, Event, dict[str, Any]], Any]
DERIVE: dict[str, Derivation] = {}


def _derivation(name: str) -> Callable[[Derivation], Derivation]:
    def register(fn: Derivation) -> Derivation:
        DERIVE[name] = fn
        return fn

    return register


@functools.lru_cache(maxsize=65536)
def _months_before(d: date, months: int) -> date:
    """``add_months(d, -months)``, remembered: event dates repeat across thousands of rows."""
    return add_months(d, -months)


def _ref_date(cd: CaseData, ev: Event) -> date:
    """The date an event's status is read at: D, or its end when it ended before D."""
    end = ev.get("end")
    if isinstance(end, date) and end < cd.d:
        return end
    return cd.d


def _latest(rows: Iterable[tuple[Any, ...]], idx: int, upto: date) -> tuple[Any, ...] | None:
    best = None
    for r in rows:
        v = r[idx]
        if v is not None and v <= upto and (best is None or v > best[idx]):
            best = r
    return best


@_derivation("age_at_date")
def _age(cd: CaseData, ev: Event, _p: dict[str, Any]) -> int | None:
    return age_on(cd.persons[ev["_p"]][3], cd.d)


@_derivation("has_disability")
def _disability(cd: CaseData, ev: Event, _p: dict[str, Any]) -> bool:
    return ev["_p"] in cd.disabled


@_derivation("is_uasc")
def _uasc(cd: CaseData, ev: Event, _p: dict[str, Any]) -> bool:
    return bool(cd.persons[ev["_p"]][4])


def _allocation(cd: CaseData, ev: Event) -> tuple[Any, ...] | None:
    # Team and worker columns both ask; the answer is kept on the event.
    if "_alloc" in ev:
        return ev["_alloc"]  # type: ignore[no-any-return]
    ev["_alloc"] = best = _find_allocation(cd, ev)
    return best


def _find_allocation(cd: CaseData, ev: Event) -> tuple[Any, ...] | None:
    r = _ref_date(cd, ev)
    start = ev.get("start") or ev.get("date") or r
    spans = ((inv, inv[4], inv[5]) for inv in cd.involvements.get(ev["_p"], []))
    return allocated_during(spans, start, r)


@_derivation("allocated_team")
def _team(cd: CaseData, ev: Event, _p: dict[str, Any]) -> str | None:
    if "_team" in ev:
        return ev["_team"]  # type: ignore[no-any-return]
    inv = _allocation(cd, ev)
    return cd.teams.get(inv[3]) if inv and inv[3] else None


@_derivation("allocated_worker")
def _worker(cd: CaseData, ev: Event, _p: dict[str, Any]) -> str | None:
    inv = _allocation(cd, ev)
    return cd.staff.get(inv[1]) if inv else None


_COUNT_TABLES = {
    "referral": ("ssd_cin_episodes", 2),
    "s47": ("ssd_s47_enquiry", 2),
    "icpc": ("ssd_initial_cp_conference", 2),
}


@_derivation("count_before_event")
def _count_before(cd: CaseData, ev: Event, p: dict[str, Any]) -> int:
    table, idx = _COUNT_TABLES[p["events"]]
    at: date = ev["_sort"]
    since = _months_before(at, int(p["months"]))
    n = sum(1 for r in cd.rows(table, ev["_p"]) if r[idx] is not None and since <= r[idx] <= at)
    return n if p.get("include_current") else n - 1


@_derivation("case_status")
def _case_status(cd: CaseData, ev: Event, p: dict[str, Any]) -> str:
    """Closed, else the first status the child holds on D in the spec's priority order (the
    2017 template puts looked after first); the default order is Grip's own (see docs)."""
    if not open_during(ev["start"], ev["end"], cd.d, cd.d):
        return "CLOSED"
    pid = ev["_p"]
    held = dict(cd.open_on_d())
    for status in p.get("priority") or list(held):
        if pid in held.get(status, ()):
            return str(status)
    return "OTHER"


@_derivation("not_held")
def _not_held(cd: CaseData, ev: Event, _p: dict[str, Any]) -> None:
    """A template column whose data Grip's case model does not hold: written blank."""
    return None


@_derivation("last_seen")
def _last_seen(cd: CaseData, ev: Event, _p: dict[str, Any]) -> date | None:
    upto, start = _ref_date(cd, ev), ev["start"]
    best = None
    for x in cd.seen_dates(ev["_p"]):
        if start <= x <= upto and (best is None or x > best):
            best = x
    return best


def _plan_rows(cd: CaseData, table: str, ev: Event) -> list[tuple[Any, ...]]:
    return [r for r in cd.rows(table, ev["_p"]) if r[1] == ev["_id"]]


def _last_of_plan(cd: CaseData, table: str, ev: Event) -> tuple[Any, ...] | None:
    """The plan's latest row of ``table`` (dated in its third column) up to the reference day."""
    return _latest(_plan_rows(cd, table, ev), 2, _ref_date(cd, ev))


def _last_date(cd: CaseData, table: str, ev: Event) -> date | None:
    r = _last_of_plan(cd, table, ev)
    return r[2] if r else None


@_derivation("last_cp_visit")
def _last_cp_visit(cd: CaseData, ev: Event, _p: dict[str, Any]) -> date | None:
    return _last_date(cd, "ssd_cp_visits", ev)


@_derivation("last_cp_visit_seen_alone")
def _seen_alone(cd: CaseData, ev: Event, _p: dict[str, Any]) -> bool | None:
    r = _last_of_plan(cd, "ssd_cp_visits", ev)
    return bool(r[4]) if r else None


@_derivation("last_cp_review")
def _last_cp_review(cd: CaseData, ev: Event, _p: dict[str, Any]) -> date | None:
    return _last_date(cd, "ssd_cp_reviews", ev)


@_derivation("legal_status_in_window")
def _ls_window(cd: CaseData, ev: Event, p: dict[str, Any]) -> bool:
    since = window_start(cd.d, int(p["months"]))
    wanted = set(p["statuses"])
    return any(
        r[1] in wanted and open_during(r[2], r[3], since, cd.d)
        for r in cd.rows("ssd_legal_status", ev["_p"])
    )


@_derivation("previous_cp_plans")
def _previous_cp(cd: CaseData, ev: Event, _p: dict[str, Any]) -> int:
    return sum(1 for r in cd.rows("ssd_cp_plans", ev["_p"]) if r[2] < ev["start"])


@_derivation("second_period_12m")
def _second_period(cd: CaseData, ev: Event, _p: dict[str, Any]) -> bool:
    start: date = ev["start"]
    since = add_months(start, -12)
    ends: dict[str, date | None] = {}
    for r in cd.rows("ssd_cla_episodes", ev["_p"]):
        if r[1] != ev["_id"]:
            ends[r[1]] = r[5] if r[1] not in ends or ends[r[1]] is not None else None
    return any(e is not None and since <= e <= start for e in ends.values())


def _legal_status(cd: CaseData, ev: Event) -> tuple[Any, ...] | None:
    statuses = ((x, x[2], x[3]) for x in cd.rows("ssd_legal_status", ev["_p"]))
    return legal_status_on(statuses, _ref_date(cd, ev), since=ev["start"])


@_derivation("legal_status_start")
def _ls_start(cd: CaseData, ev: Event, _p: dict[str, Any]) -> date | None:
    x = _legal_status(cd, ev)
    return x[2] if x else None


@_derivation("legal_status_code")
def _ls_code(cd: CaseData, ev: Event, _p: dict[str, Any]) -> str | None:
    x = _legal_status(cd, ev)
    return x[1] if x else None


@_derivation("last_cla_review")
def _last_cla_review(cd: CaseData, ev: Event, _p: dict[str, Any]) -> date | None:
    return _last_date(cd, "ssd_cla_reviews", ev)


@_derivation("last_cla_visit")
def _last_cla_visit(cd: CaseData, ev: Event, _p: dict[str, Any]) -> date | None:
    return _last_date(cd, "ssd_cla_visits", ev)


@_derivation("last_health")
def _last_health(cd: CaseData, ev: Event, p: dict[str, Any]) -> date | None:
    rows = [r for r in cd.rows("ssd_cla_health", ev["_p"]) if r[1] == p["check"]]
    r = _latest(rows, 2, cd.d)
    return r[2] if r else None


@_derivation("placements_12m")
def _placements_12m(cd: CaseData, ev: Event, _p: dict[str, Any]) -> int:
    since = window_start(cd.d, 12)
    return sum(
        1
        for r in cd.rows("ssd_cla_placement", ev["_p"])
        if r[2] is not None and r[2] <= cd.d and (r[3] is None or r[3] >= since)
    )


_PLACEMENT_FIELDS = {"start": 2, "type": 4, "provider": 5, "postcode": 6, "urn": 7, "la": 8}


def _latest_placement(cd: CaseData, ev: Event) -> tuple[Any, ...] | None:
    return _last_of_plan(cd, "ssd_cla_placement", ev)


@_derivation("latest_placement")
def _placement_field(cd: CaseData, ev: Event, p: dict[str, Any]) -> Any:
    r = _latest_placement(cd, ev)
    return r[_PLACEMENT_FIELDS[p["field"]]] if r else None


@_derivation("placement_location")
def _placement_location(cd: CaseData, ev: Event, _p: dict[str, Any]) -> str | None:
    r = _latest_placement(cd, ev)
    if r is None or not r[8]:
        return None
    return "IN" if str(r[8]).strip().upper() == cd.la_code.upper() else "OUT"


def _missing(cd: CaseData, ev: Event, kind: str) -> list[tuple[Any, ...]]:
    since = window_start(cd.d, 12)
    return [
        r
        for r in cd.rows("ssd_missing", ev["_p"])
        if r[2] == kind and r[1] is not None and since <= r[1] <= cd.d
    ]


@_derivation("missing_12m")
def _missing_count(cd: CaseData, ev: Event, p: dict[str, Any]) -> int:
    return len(_missing(cd, ev, p["type"]))


@_derivation("last_missing")
def _last_missing(cd: CaseData, ev: Event, p: dict[str, Any]) -> bool | None:
    rows = _missing(cd, ev, "M")
    if not rows:
        return None
    r = max(rows, key=lambda x: x[1])
    v = r[3] if p["field"] == "rhi_offered" else r[4]
    return None if v is None else bool(v)


@_derivation("siblings")
def _siblings(cd: CaseData, ev: Event, _p: dict[str, Any]) -> int:
    return cd.siblings(ev["_p"])


@_derivation("stage2_end")
def _stage2_end(cd: CaseData, ev: Event, _p: dict[str, Any]) -> date | None:
    if ev.get("approved_date"):
        return ev["approved_date"]  # type: ignore[no-any-return]
    if ev.get("stage2_start") and ev.get("leaving_date"):
        return ev["leaving_date"]  # type: ignore[no-any-return]
    return None


# --------------------------------------------------------------------------------------------
# Building.


def _blank_future(v: Any, d: date) -> Any:
    """As known on D: a date after the inspection date has not happened yet."""
    return None if isinstance(v, date) and v > d else v


_PERSON_INDEX = {"id": 0, "sex": 1, "ethnicity": 2, "dob": 3}

#: Derivations that depend on the child alone, not the event: worked out once per child and
#: reused by every row (and list) the child is on.
CHILD_LEVEL = frozenset({"age_at_date", "has_disability", "is_uasc", "siblings"})


def _child_level(col: ColumnSpec) -> bool:
    kind, _, name = col.source.partition(".")
    return kind == "person" or (kind == "derived" and name in CHILD_LEVEL)


class _RowMaker:
    """Makes a list's rows, columns in spec order, values raw (case-model codes), as on D.

    A row is assembled from three parts, each cheap in bulk: the child's values (person
    fields and child-level derivations, memoised per child), the event's own fields (one
    comprehension of dict look-ups) and the event-level derivations (one call each); a C-level
    ``itemgetter`` puts them in column order. A child is on several lists, so its values are
    worked out once for all of them.
    """

    def __init__(self, cd: CaseData, columns: tuple[ColumnSpec, ...]) -> None:
        self.cd = cd
        child: list[tuple[int, ColumnSpec]] = []
        fields: list[tuple[int, str]] = []
        derived: list[tuple[int, Derivation, dict[str, Any]]] = []
        for i, col in enumerate(columns):
            kind, _, name = col.source.partition(".")
            if _child_level(col):
                child.append((i, col))
            elif kind == "event":
                fields.append((i, name))
            else:
                derived.append((i, DERIVE[name], col.params))
        self.child_cols = tuple(col for _i, col in child)
        # Per child column: a person-row index, or a derivation and its params.
        self.child_plan: tuple[tuple[int, Derivation | None, dict[str, Any]], ...] = tuple(
            (_PERSON_INDEX[name], None, {}) if kind == "person" else (-1, DERIVE[name], col.params)
            for kind, _, name in (col.source.partition(".") for col in self.child_cols)
        )
        self.fields = tuple(name for _i, name in fields)
        self.derived = tuple((fn, params) for _i, fn, params in derived)
        order = [i for i, _c in child] + [i for i, _f in fields] + [i for i, _f, _p in derived]
        # Position in the concatenated parts of each column, in column order.
        where = [0] * len(columns)
        for pos, i in enumerate(order):
            where[i] = pos
        self.reorder = itemgetter(*where) if len(where) > 1 else None
        key = tuple(c.source + repr(sorted(c.params.items())) for c in self.child_cols)
        self.child_memo = cd.child_values.setdefault(key, {})

    def _child(self, pid: str) -> tuple[Any, ...]:
        cd, d = self.cd, self.cd.d
        person = cd.persons.get(pid)
        ev = {"_p": pid}
        out = []
        for idx, fn, params in self.child_plan:
            if fn is None:
                out.append(None if person is None else person[idx])
            else:
                out.append(_blank_future(fn(cd, ev, params), d))
        return tuple(out)

    def rows(self, events: list[Event]) -> list[list[Any]]:
        """One row per event, in the given order."""
        cd, d = self.cd, self.cd.d
        memo, fields, derived, reorder = self.child_memo, self.fields, self.derived, self.reorder
        rows = []
        for ev in events:
            pid = ev["_p"]
            child = memo.get(pid)
            if child is None:
                child = memo[pid] = self._child(pid)
            vals = child + tuple(
                [None if isinstance(v, date) and v > d else v for v in [ev.get(f) for f in fields]]
            )
            if derived:
                vals += tuple(
                    [
                        None if isinstance(v, date) and v > d else v
                        for v in [fn(cd, ev, params) for fn, params in derived]
                    ]
                )
            rows.append(list(reorder(vals)) if reorder is not None else list(vals))
        return rows


def build_list(cd: CaseData, spec: Spec, lst: ListSpec, unmapped: dict[str, set[str]]) -> BuiltList:
    """Build one list: select its population, one row per child where required, all columns."""
    pop = lst.population
    d = cd.d
    # The population rule reads the list's event date columns (column id -> event field).
    field_of = {
        col.id: col.source[6:]
        for col in lst.columns
        if col.type == "date" and col.source.startswith("event.")
    }
    persons = cd.persons
    table = TABLE_EVENTS.get(pop.event)
    tested = {
        c
        for cond in pop.conditions
        for c in (cond.in_window, cond.pending, *(cond.open_at or ()), *cond.not_ended)
        if c is not None and c in field_of
    }
    if table is not None and all(field_of[c] in table[1] for c in tested):
        # Test the table's rows as read; make events only for those on the list.
        positions = {c: table[1][field_of[c]] for c in tested}
        window = single_window(pop, d, positions)
        if window is not None:
            k, lo, hi = window
            assert isinstance(k, int)  # a row position (positions maps to ints)
            rows_in = [
                (i, r)
                for i, r in enumerate(cd.raw[table[0]])
                if (v := r[k]) is not None and lo <= v <= hi and r[0] in persons
            ]
        else:
            holds_row = event_predicate(pop, d, positions)
            rows_in = [
                (i, r) for i, r in enumerate(cd.raw[table[0]]) if holds_row(r) and r[0] in persons
            ]
        chosen = cd.events(pop.event, rows_in)
    else:
        holds = event_predicate(pop, d, field_of)
        events = cd.events(pop.event)
        if lst.row == "per_adopter":
            chosen = [ev for ev in events if holds(ev)]
        else:
            chosen = [ev for ev in events if ev["_p"] in persons and holds(ev)]
    if lst.row == "per_child":
        # Para 251: one row per child, the most recent event; an event still open on D is more
        # recent than any that has ended.
        still_open = event_is_open(pop, d, field_of)
        best: dict[str, tuple[tuple[Any, ...], Event]] = {}
        for ev in chosen:
            key = (still_open(ev), ev["_sort"] or date.min, str(ev["_id"]))
            cur = best.get(ev["_p"])
            if cur is None or key > cur[0]:
                best[ev["_p"]] = (key, ev)
        chosen = [ev for _k, ev in best.values()]
    chosen.sort(key=lambda e: (str(e["_p"]), e["_sort"] or date.min, str(e["_id"])))
    rows = _RowMaker(cd, lst.columns).rows(chosen)
    # Codes: the template's lettered form, looked up once per distinct value (a column holds a
    # handful of codes over thousands of rows).
    for i, col in enumerate(lst.columns):
        if col.type != "code":
            continue
        codes = spec.code_set(col)
        # Keyed by (type, value): True == 1 as a dict key, but they map differently.
        memo: dict[tuple[type, Any], str] = {}
        for row in rows:
            v = row[i]
            if v is None:
                continue
            ck = (v.__class__, v)
            mapped = memo.get(ck)
            if mapped is None:
                m = codes.from_source(v)
                if m is None:
                    unmapped.setdefault(f"{lst.sheet} / {col.header}", set()).add(str(v))
                    mapped = str(v)
                else:
                    mapped = m
                memo[ck] = mapped
            row[i] = mapped
    return BuiltList(spec=lst, rows=rows)


def build_from_tables(
    tables: dict[str, list[tuple[Any, ...]]],
    la_code: str,
    inspection_date: date,
    spec: Spec,
    la_name: str = "",
) -> AnnexA:
    """Build all eleven lists from already-read tables (see :func:`read_tables`)."""
    cd = CaseData(tables, la_code, inspection_date)
    unmapped: dict[str, set[str]] = {}
    lists = [build_list(cd, spec, lst, unmapped) for lst in spec.lists]
    return AnnexA(
        spec=spec,
        la_code=la_code,
        la_name=la_name,
        inspection_date=inspection_date,
        generated_at=datetime.now(UTC).replace(microsecond=0),
        lists=lists,
        unmapped_codes=unmapped,
    )


def build(
    engine: Engine, la_code: str, inspection_date: date, spec: Spec | str | None = None
) -> AnnexA:
    """Build Annex A for ``la_code`` as at ``inspection_date`` with ``spec`` (id or loaded)."""
    if isinstance(spec, str) or spec is None:
        spec = load_spec(spec) if spec else load_spec()
    from grip.store.base import LocalAuthority

    try:
        with engine.connect() as conn:
            la = conn.execute(
                sa.select(LocalAuthority.name).where(LocalAuthority.code == la_code)
            ).first()
        if la is None:
            raise BuildError(f"no local authority with code {la_code!r} in this database")
        tables = read_tables(engine, la_code)
    except sa.exc.SQLAlchemyError as exc:
        raise BuildError(
            f"the case store cannot be read ({type(getattr(exc, 'orig', None) or exc).__name__}); "
            "run `grip db upgrade` and import the LA's extract first"
        ) from None
    return build_from_tables(tables, la_code, inspection_date, spec, la_name=la[0])


__all__ = ["DERIVE", "AnnexA", "BuildError", "BuiltList", "build", "build_from_tables"]
