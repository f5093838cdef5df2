"""Facts about periods of care that Annex A and the measures must decide the same way.

Short breaks. A child accommodated under an agreed series of short-term breaks (SSDA903 legal
status V3, or V4 where the agreements are recorded) is looked after, but the Care Planning,
Placement and Case Review (England) Regulations 2010 apply to them as modified by reg 48: their
care plan, visits and reviews follow reg 48's own timings, not reg 28 (visits) or reg 33
(reviews), and DfE's children looked after statistics count them apart. Grip therefore decides
once: a period of care in which every legal status recorded is V3 or V4 is a short-breaks
period. It is left out of Annex A list 8 (children in care; the ILACS framework (Ofsted 170040)
para 249 list 8 as the template reads it) and out of every children-in-care measure (counts,
reviews, reg 28 visits, stability, health); a period that holds any other legal status is an
ordinary period of care for both.
"""

from __future__ import annotations

from collections.abc import Iterable

#: SSDA903 legal statuses of an agreed series of short-term breaks.
SHORT_BREAK_STATUSES: frozenset[str] = frozenset({"V3", "V4"})


def is_short_breaks_only(statuses: Iterable[str | None]) -> bool:
    """True when the legal statuses recorded during a period of care are all short breaks
    (a period with no legal status recorded is not short breaks)."""
    seen = [s for s in statuses if s is not None]
    return bool(seen) and all(s in SHORT_BREAK_STATUSES for s in seen)
