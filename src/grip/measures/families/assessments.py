# ruff: noqa: S608 - SQL from constants and the definitions file.
"""Assessments, section 47 enquiries and initial conferences."""

from __future__ import annotations

from typing import TYPE_CHECKING

from grip.measures.sqlkit import NUL, band, in_window, kth, months_after, rule_n, timed_wd, win

if TYPE_CHECKING:
    from grip.measures.definitions import Measure
    from grip.measures.sqlkit import SqlContext, SqlFn


def assessment_timely(m: Measure, ctx: SqlContext) -> str:
    """Assessments authorised in the window within n working days of the referral."""
    return f"""SELECT per.pe, a.cina_person_id pid, a.cina_assessment_id item,
      {timed_wd(m, "a.ws", "a.wa", "kd.d", "a.cina_assessment_auth_date")}
      FROM per JOIN assess_x a ON {in_window("a.cina_assessment_auth_date", win(m))}
      {kth("kd", f"a.ws + {rule_n(m)}")}"""


def assessment_duration(m: Measure, ctx: SqlContext) -> str:
    """Assessments authorised in the window, by duration band."""
    assert m.band is not None
    return f"""SELECT per.pe, a.cina_person_id pid, a.cina_assessment_id item,
      CASE WHEN {band("a.wd", m.band)} THEN 1 ELSE 0 END num, 1 den,
      {NUL} due, a.cina_assessment_auth_date done, a.wd late
      FROM per JOIN assess_x a ON {in_window("a.cina_assessment_auth_date", win(m))}"""


def assessment_seen(m: Measure, ctx: SqlContext) -> str:
    """Assessments authorised in the window where the child was seen."""
    return f"""SELECT per.pe, a.cina_person_id pid, a.cina_assessment_id item,
      CASE WHEN a.seen THEN 1 ELSE 0 END num, 1 den,
      {NUL} due, a.cina_assessment_auth_date done, 0 late
      FROM per JOIN assess_x a ON {in_window("a.cina_assessment_auth_date", win(m))}"""


def icpc_timely(m: Measure, ctx: SqlContext) -> str:
    """ICPCs in the window within n working days of the strategy discussion."""
    return f"""SELECT per.pe, i.icpc_person_id pid, i.icpc_icpc_id item,
      {timed_wd(m, "i.wst", "i.wi", "kd.d", "i.icpc_icpc_date")}
      FROM per JOIN icpc_x i ON {in_window("i.icpc_icpc_date", win(m))}
      {kth("kd", f"i.wst + {rule_n(m)}")}
      WHERE i.strat IS NOT NULL"""


def icpc_bands(m: Measure, ctx: SqlContext) -> str:
    """ICPCs in the window, by working days from the strategy discussion."""
    assert m.band is not None
    return f"""SELECT per.pe, i.icpc_person_id pid, i.icpc_icpc_id item,
      CASE WHEN {band("i.wd", m.band)} THEN 1 ELSE 0 END num, 1 den,
      {NUL} due, i.icpc_icpc_date done, i.wd late
      FROM per JOIN icpc_x i ON {in_window("i.icpc_icpc_date", win(m))}
      WHERE i.strat IS NOT NULL"""


def icpc_to_plan(m: Measure, ctx: SqlContext) -> str:
    """ICPCs in the window that decided on a plan."""
    return f"""SELECT per.pe, i.icpc_person_id pid, i.icpc_icpc_id item,
      coalesce(i.icpc_icpc_outcome_cp_flag, 0) num, 1 den,
      {NUL} due, i.icpc_icpc_date done, 0 late
      FROM per JOIN icpc_x i ON {in_window("i.icpc_icpc_date", win(m))}"""


def s47_repeat(m: Measure, ctx: SqlContext) -> str:
    """Enquiries in the window within n months of the child's previous enquiry."""
    return f"""SELECT per.pe, s.s47e_person_id pid, s.s47e_s47_enquiry_id item,
      CASE WHEN s.prev_start IS NOT NULL
           AND s.s47e_s47_start_date <= {months_after("s.prev_start", rule_n(m))}
           THEN 1 ELSE 0 END num, 1 den, {NUL} due, s.s47e_s47_start_date done, 0 late
      FROM per JOIN s47_x s ON {in_window("s.s47e_s47_start_date", win(m))}"""


SQL: dict[str, SqlFn] = {
    "AS_45WD": assessment_timely,
    "AS_DURATION": assessment_duration,
    "AS_SEEN": assessment_seen,
    "S47_ICPC_15WD": icpc_timely,
    "S47_ICPC_BANDS": icpc_bands,
    "S47_ICPC_TO_PLAN": icpc_to_plan,
    "S47_REPEAT": s47_repeat,
}
