"""An LA's inputs to the measures (child population, local visit standards) and the error type.

Kept apart from the engine so the SQL families, the results and the compliance lists can all
use them without importing the engine.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from sqlalchemy import Engine, insert, select, update


class MeasuresError(ValueError):
    """A request the engine cannot answer (unknown LA, bad date, missing setting)."""


@dataclass(frozen=True)
class LAStandards:
    """An LA's inputs to the measures: population and local visit standards."""

    child_population: int | None
    cp_visit_working_days: int
    cin_visit_working_days: int


class VisitDefaults(Protocol):
    """The visit standards to use where an LA has set none (``grip.settings.Settings`` is one;
    the shells pass it, so domain code never reads the environment)."""

    @property
    def cp_visit_working_days(self) -> int: ...

    @property
    def cin_visit_working_days(self) -> int: ...


@dataclass(frozen=True)
class DefaultVisitStandards:
    """The defaults Grip ships with (the same as ``Settings``' own defaults)."""

    cp_visit_working_days: int = 10
    cin_visit_working_days: int = 20


def la_standards(
    engine: Engine, la_code: str, settings: VisitDefaults | None = None
) -> LAStandards:
    """The LA's measures settings, falling back to ``settings`` for the visit standards."""
    from grip.measures.models import MeasuresLASetting

    settings = settings or DefaultVisitStandards()
    t = MeasuresLASetting.__table__
    # Core, not ORM: a system read of the LA's own settings, outside any user's case scope.
    with engine.connect() as conn:
        row = conn.execute(select(t).where(t.c.la_code == la_code)).mappings().first()
    return LAStandards(
        child_population=row["child_population"] if row else None,
        cp_visit_working_days=(row and row["cp_visit_working_days"])
        or settings.cp_visit_working_days,
        cin_visit_working_days=(row and row["cin_visit_working_days"])
        or settings.cin_visit_working_days,
    )


def set_la_standards(
    engine: Engine,
    la_code: str,
    *,
    child_population: int | None = None,
    cp_visit_working_days: int | None = None,
    cin_visit_working_days: int | None = None,
) -> None:
    """Create or update an LA's measures settings (None leaves a field unchanged)."""
    from grip.measures.models import MeasuresLASetting

    values = {
        "child_population": child_population,
        "cp_visit_working_days": cp_visit_working_days,
        "cin_visit_working_days": cin_visit_working_days,
    }
    for name, v in values.items():
        if v is not None and v < 1:
            raise MeasuresError(f"{name} must be a positive whole number, got {v}")
    changes = {k: v for k, v in values.items() if v is not None}
    t = MeasuresLASetting.__table__
    with engine.begin() as conn:
        exists = conn.execute(select(t.c.la_code).where(t.c.la_code == la_code)).first()
        if exists is None:
            conn.execute(insert(MeasuresLASetting).values(la_code=la_code, **changes))
        elif changes:
            conn.execute(update(MeasuresLASetting).where(t.c.la_code == la_code).values(**changes))
