# ruff: noqa: S608 - SQL from constants and the definitions file.
"""Care leavers: the latest position of each care leaver in the extract."""

from __future__ import annotations

from typing import TYPE_CHECKING

from grip.measures.sqlkit import NUL, months_after, months_before, rule_n

if TYPE_CHECKING:
    from grip.measures.definitions import Measure
    from grip.measures.sqlkit import SqlContext, SqlFn


def _latest(cond: str, due: str = NUL) -> str:
    return f"""SELECT per.pe, l.clea_person_id pid, l.clea_table_id item,
      CASE WHEN {cond} THEN 1 ELSE 0 END num, 1 den, {due} due,
      l.clea_pathway_plan_review_date done, 0 late
      FROM per CROSS JOIN ssd_care_leavers l"""


def in_touch(m: Measure, ctx: SqlContext) -> str:
    """Care leavers in touch."""
    return _latest("l.clea_care_leaver_in_touch = 'YES'")


def suitable(m: Measure, ctx: SqlContext) -> str:
    """Care leavers in suitable accommodation."""
    return _latest("l.clea_care_leaver_accom_suitable = 1")


def eet(m: Measure, ctx: SqlContext) -> str:
    """Care leavers in education, employment or training (codes from the definition)."""
    codes = ", ".join(f"'{c}'" for c in m.params["activity_codes"])
    return _latest(f"l.clea_care_leaver_activity IN ({codes})")


def pathway_plan(m: Measure, ctx: SqlContext) -> str:
    """Care leavers whose pathway plan was reviewed in the last n months."""
    n = rule_n(m)
    return _latest(
        f"l.clea_pathway_plan_review_date > {months_before('per.pe', n)} "
        "AND l.clea_pathway_plan_review_date <= per.pe",
        months_after("l.clea_pathway_plan_review_date", n),
    )


def pa_allocated(m: Measure, ctx: SqlContext) -> str:
    """Care leavers with a personal adviser."""
    return _latest("l.clea_care_leaver_personal_advisor_id IS NOT NULL")


SQL: dict[str, SqlFn] = {
    "CL_IN_TOUCH": in_touch,
    "CL_SUITABLE_ACCOMMODATION": suitable,
    "CL_EET": eet,
    "CL_PATHWAY_PLAN": pathway_plan,
    "CL_PA_ALLOCATED": pa_allocated,
}
