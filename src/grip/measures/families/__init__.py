"""The measure families: one module per area, each a table of unit-row queries by measure id.

Every query yields, for every monthly point at once, one row per child (or referral, review,
visit …) in the measure's denominator: ``pe, pid, item, num, den, due, done, late``
(see ``grip.measures.engine``).
"""

from __future__ import annotations

from grip.measures.families import (
    adoption,
    assessments,
    care_leavers,
    child_protection,
    children_in_care,
    children_in_need,
    front_door,
    workforce,
)
from grip.measures.sqlkit import SqlFn

SQL: dict[str, SqlFn] = {
    **front_door.SQL,
    **assessments.SQL,
    **child_protection.SQL,
    **children_in_need.SQL,
    **children_in_care.SQL,
    **care_leavers.SQL,
    **adoption.SQL,
    **workforce.SQL,
}
