"""Measures settings per LA: the child population (for rates per 10,000) and local standards."""

from __future__ import annotations

from sqlalchemy import Integer
from sqlalchemy.orm import Mapped, mapped_column

from grip.store.base import Base, LAOwned


class MeasuresLASetting(LAOwned, Base):
    """One row per LA. Empty fields fall back to the defaults the caller passes
    (``grip.measures.standards.la_standards``).

    ``child_population`` is the LA's resident population aged 0-17 (ONS mid-year estimate), the
    denominator of every "per 10,000 children" measure; it is not in the case extract.
    """

    __tablename__ = "measures_la_setting"

    child_population: Mapped[int | None] = mapped_column(Integer, nullable=True)
    cp_visit_working_days: Mapped[int | None] = mapped_column(Integer, nullable=True)
    cin_visit_working_days: Mapped[int | None] = mapped_column(Integer, nullable=True)
