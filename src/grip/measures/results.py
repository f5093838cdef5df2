"""Results of a measures run: values, the child rows behind them, and the run itself."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import Any

import duckdb

from grip.measures.definitions import Definitions, Measure
from grip.measures.drift import DriftRow, drift_lists
from grip.measures.standards import LAStandards, MeasuresError

DIMENSIONS: tuple[str, ...] = ("team", "worker", "age_band", "sex", "ethnicity", "disability")

#: Rates computed from a count measure's unit rows.
RATE_OF = {
    "FD_CONTACTS_RATE": "FD_CONTACTS",
    "FD_REFERRALS_RATE": "FD_REFERRALS",
    "CP_RATE": "CP_OPEN",
    "CIN_RATE": "CIN_OPEN",
    "CLA_RATE": "CLA_OPEN",
}


@dataclass(frozen=True)
class Value:
    """One measure at one point, for the whole LA or one slice."""

    measure_id: str
    period_end: date
    dimension: str  # "all" or one of DIMENSIONS
    slice: str  # "All" or the slice's value
    numerator: float
    denominator: float | None
    value: float | None

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "date": self.period_end.isoformat(),
            "dimension": self.dimension,
            "slice": self.slice,
            "numerator": self.numerator,
            "denominator": self.denominator,
            "value": self.value,
        }


@dataclass(frozen=True)
class ChildRow:
    """One row of the child-level list behind a figure."""

    measure_id: str
    period_end: date
    person_id: str | None
    item_id: str
    in_numerator: float
    in_denominator: float
    due: date | None
    done: date | None
    working_days_late: int
    team: str
    worker: str

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "person_id": self.person_id,
            "item_id": self.item_id,
            "numerator": self.in_numerator,
            "denominator": self.in_denominator,
            "due": self.due.isoformat() if self.due else None,
            "done": self.done.isoformat() if self.done else None,
            "working_days_late": self.working_days_late,
            "team": self.team,
            "worker": self.worker,
        }


def value_of(
    m: Measure, num: float, den: float | None, population: int | None
) -> tuple[float | None, float | None]:
    """(denominator, value) of a measure from the summed unit rows."""
    if m.unit == "count":
        return None, num
    if m.unit == "per_10k":
        if not population:
            return None, None
        d = population / 10_000
        return d, round(num / d, 1)
    if not den:
        return den, None
    if m.unit == "percent":
        return den, round(100 * num / den, 1)
    return den, round(num / den, 1)


@dataclass
class MeasuresRun:
    """All measures for one LA at monthly points, with the unit rows kept for drill-down."""

    la_code: str
    on: date
    points: list[date]
    definitions: Definitions
    standards: LAStandards
    con: duckdb.DuckDBPyConnection
    values: list[Value] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    row_counts: dict[str, int] = field(default_factory=dict)

    @cached_property
    def _by_measure(self) -> dict[tuple[str, str], list[Value]]:
        """Values by (measure, dimension), in computed order (oldest point first)."""
        index: dict[tuple[str, str], list[Value]] = {}
        for v in self.values:
            index.setdefault((v.measure_id, v.dimension), []).append(v)
        return index

    def whole(self, measure_id: str) -> list[Value]:
        """The measure's whole-LA values, oldest point first."""
        return list(self._by_measure.get((measure_id, "all"), []))

    def at(self, measure_id: str, on: date | None = None) -> Value:
        """The measure's whole-LA value at a point (default: the run's date)."""
        on = on or self.on
        for v in self._by_measure.get((measure_id, "all"), []):
            if v.period_end == on:
                return v
        raise MeasuresError(f"no value for {measure_id} at {on}")

    def slices(self, measure_id: str, dimension: str, on: date | None = None) -> list[Value]:
        """The measure's values by one dimension (slices are computed at the run's date only)."""
        on = on or self.on
        return [v for v in self._by_measure.get((measure_id, dimension), []) if v.period_end == on]

    def children(
        self,
        measure_id: str,
        on: date | None = None,
        *,
        only_numerator: bool | None = None,
        dimension: str | None = None,
        slice_value: str | None = None,
    ) -> list[ChildRow]:
        """The child-level rows behind a figure (optionally one slice, or one side of it).

        Any point of the run may be asked for; DuckDB computes only that measure at that date.
        A worker slice is selected by the worker's id (:func:`slice_key`).
        """
        on = on or self.on
        defs = self.definitions.by_id()
        if measure_id not in defs:
            raise MeasuresError(f"unknown measure {measure_id}")
        mid = RATE_OF.get(measure_id, measure_id)
        sql = "SELECT * FROM ua WHERE mid = ? AND pe = ?"
        params: list[Any] = [mid, on]
        if only_numerator is True:
            sql += " AND num > 0"
        elif only_numerator is False:
            sql += " AND num = 0"
        if dimension is not None:
            if dimension not in DIMENSIONS:
                raise MeasuresError(f"unknown dimension {dimension}; one of {DIMENSIONS}")
            # A worker slice is chosen by the worker's id (see slice_key), never by name.
            sql += f" AND {'worker_key' if dimension == 'worker' else dimension} = ?"
            params.append(slice_value)
        sql += " ORDER BY late DESC, pid, item"
        cur = self.con.execute(sql, params)
        names = [d[0] for d in cur.description]
        out = []
        for row in cur.fetchall():
            r = dict(zip(names, row, strict=True))
            out.append(
                ChildRow(
                    measure_id=measure_id,
                    period_end=on,
                    person_id=r["pid"],
                    item_id=str(r["item"]),
                    in_numerator=float(r["num"]),
                    in_denominator=float(r["den"]),
                    due=r["due"],
                    done=r["done"],
                    working_days_late=int(r["late"] or 0),
                    team=r["team"],
                    worker=r["worker"],
                )
            )
        return out

    def compliance(self, measure_id: str, on: date | None = None) -> list[ChildRow]:
        """Children not meeting a timescale measure at a point, most overdue first."""
        return self.children(measure_id, on, only_numerator=False)

    def drift(self, on: date | None = None) -> dict[str, list[DriftRow]]:
        """Every drift list at a point (default: the run's date)."""
        icpc = self.definitions.by_id()["S47_ICPC_15WD"].rule.n or 0
        return drift_lists(self.con, on or self.on, icpc)

    def as_json(self) -> dict[str, Any]:
        """Every measure's value, numerator and denominator, for ``grip measures --json``."""
        out: list[dict[str, Any]] = []
        for m in self.definitions.measures:
            vals = [v for v in self.values if v.measure_id == m.id]
            out.append(
                {
                    "id": m.id,
                    "name": m.name,
                    "area": m.area,
                    "unit": m.unit,
                    "polarity": m.polarity,
                    "trend": [v.as_dict() for v in vals if v.dimension == "all"],
                    "slices": [
                        v.as_dict()
                        for v in vals
                        if v.dimension != "all" and v.period_end == self.on
                    ],
                }
            )
        return {
            "la_code": self.la_code,
            "date": self.on.isoformat(),
            "points": [p.isoformat() for p in self.points],
            "definitions_version": self.definitions.version,
            "standards": {
                "child_population": self.standards.child_population,
                "cp_visit_working_days": self.standards.cp_visit_working_days,
                "cin_visit_working_days": self.standards.cin_visit_working_days,
            },
            "measures": out,
        }


def slice_key(dimension: str, value: str) -> str:
    """What selects a slice in :meth:`MeasuresRun.children`: the value itself, except for a
    worker ("Name (ID)"), which is chosen by the id alone so links carry no one's name."""
    if dimension == "worker" and value.endswith(")") and " (" in value:
        return value[value.rindex(" (") + 2 : -1]
    return value
