# ruff: noqa: S608 - SQL from constants and the definitions file.
"""Adoption: scorecard A1/A2 and adopter stages."""

from __future__ import annotations

from typing import TYPE_CHECKING

from grip.measures.sqlkit import NUL, in_window, months_after, win

if TYPE_CHECKING:
    from grip.measures.definitions import Measure
    from grip.measures.sqlkit import SqlContext, SqlFn


def _within(value: str, base_id: str, ctx: SqlContext) -> str:
    return f"CASE WHEN {value} <= {ctx.n(base_id)} THEN 1 ELSE 0 END"


def _scorecard(m: Measure, ctx: SqlContext, days: str, within_id: str, done: str) -> str:
    """Adoption scorecard days (A1 or A2) of children adopted in the window: the average, or
    the share within the threshold of ``within_id``'s definition."""
    val = f"a.{days}" if m.id.endswith("_DAYS") else _within(f"a.{days}", within_id, ctx)
    return f"""SELECT per.pe, a.pid, a.item, {val} num, 1 den, {NUL} due,
      a.{done} done, 0 late
      FROM per JOIN adopted_x a ON {in_window("a.order_date", win(m))}
      WHERE a.{days} IS NOT NULL"""


def a1(m: Measure, ctx: SqlContext) -> str:
    """Entering care to placed with adopters, children adopted in the window."""
    return _scorecard(m, ctx, "a1", "AD_A1_WITHIN", "placed")


def a2(m: Measure, ctx: SqlContext) -> str:
    """Placement order to match, children adopted in the window."""
    return _scorecard(m, ctx, "a2", "AD_A2_WITHIN", "matched")


def stage1(m: Measure, ctx: SqlContext) -> str:
    """Adopter stage 1 length, households finishing stage 1 in the window."""
    return f"""SELECT per.pe, CAST(NULL AS VARCHAR) pid, a.adop_adopter_id item,
      (a.adop_stage1_end_date - a.adop_stage1_start_date) num, 1 den,
      {months_after("a.adop_stage1_start_date", ctx.n(m.id))} due,
      a.adop_stage1_end_date done, 0 late
      FROM per JOIN grip_adopters a ON {in_window("a.adop_stage1_end_date", win(m))}
      WHERE a.adop_stage1_start_date IS NOT NULL"""


def stage2(m: Measure, ctx: SqlContext) -> str:
    """Adopter stage 2 to approval, households approved in the window."""
    return f"""SELECT per.pe, CAST(NULL AS VARCHAR) pid, a.adop_adopter_id item,
      (a.adop_approval_date - a.adop_stage2_start_date) num, 1 den,
      {months_after("a.adop_stage2_start_date", ctx.n(m.id))} due,
      a.adop_approval_date done, 0 late
      FROM per JOIN grip_adopters a ON {in_window("a.adop_approval_date", win(m))}
      WHERE a.adop_stage2_start_date IS NOT NULL"""


SQL: dict[str, SqlFn] = {
    "AD_A1_DAYS": a1,
    "AD_A1_WITHIN": a1,
    "AD_A2_DAYS": a2,
    "AD_A2_WITHIN": a2,
    "AD_STAGE1_DAYS": stage1,
    "AD_STAGE2_DAYS": stage2,
}
