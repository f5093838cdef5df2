# ruff: noqa: S608 - SQL from constants and the definitions file.
"""Workforce: caseloads and unallocated children."""

from __future__ import annotations

from typing import TYPE_CHECKING

from grip.measures.sqlkit import NUL

if TYPE_CHECKING:
    from grip.measures.definitions import Measure
    from grip.measures.sqlkit import SqlContext, SqlFn


def caseload(m: Measure, ctx: SqlContext) -> str:
    """Children with a worker, over workers holding a case."""
    # Children count in the numerator; each worker holding a case counts once in the
    # denominator (rows with no child, sliced by the worker's own team).
    return f"""SELECT o.pe, o.pid, a.worker item, 1 num, 0 den, {NUL} due, {NUL} done,
      0 late FROM cin_open_at o JOIN alloc a ON a.pe = o.pe AND a.pid = o.pid
      UNION ALL
      SELECT a.pe, CAST(NULL AS VARCHAR) pid, 'worker:' || a.worker item, 0 num, 1 den,
      {NUL} due, {NUL} done, 0 late
      FROM cin_open_at o JOIN alloc a ON a.pe = o.pe AND a.pid = o.pid
      GROUP BY a.pe, a.worker"""


def unallocated(m: Measure, ctx: SqlContext) -> str:
    """Children with an open episode and no worker."""
    return f"""SELECT o.pe, o.pid, o.item, 1 num, 0 den, {NUL} due, o.since done, 0 late
      FROM cin_open_at o ANTI JOIN alloc a ON a.pe = o.pe AND a.pid = o.pid"""


SQL: dict[str, SqlFn] = {"WF_CASELOAD": caseload, "WF_UNALLOCATED": unallocated}
