"""Choosing an inspection's cases, explained case by case, from Grip's own records.

* The LA's already-audited cases (ILACS framework (Ofsted 170040) paras 257-258, 131, 134):
  the audit list of ``grip.audits.reports.inspection_list``; the lead inspector asks for
  between six and 12 of them before a standard or short inspection and up to six before a
  monitoring visit (the limits are data in ``selection.yaml``).
* The inspectors' own sample (paras 135, 150-153): the audit sampler's candidates
  (``grip.audits.sampling.candidates``: children with an open allocation, with the selection
  factors of para 150 and the stage of para 153) over the last three months, chosen by the
  same greedy, seeded, explained choice (``grip.audits.sampling.choose``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy.orm import Session

from grip import calendar
from grip.access.restrictions import restricted_ids
from grip.audits.reports import inspection_list
from grip.audits.sampling import MAX_SEED, Pick, candidates, choose
from grip.audits.sampling import rules as sampling_rules

LIMITS_FILE = Path(__file__).with_name("selection.yaml")


@dataclass(frozen=True)
class AuditedCase:
    """An audit the LA completed, offered for the already-audited list."""

    person_id: str
    theme: str
    completed: dt.date
    grade: str | None

    @property
    def reason(self) -> str:
        """Why the case is on the list, in words (para 257: theme and completion date)."""
        graded = f", graded {self.grade.replace('-', ' ').replace('_', ' ')}" if self.grade else ""
        done = f"{self.completed:%d %B %Y}"
        return f"Audited by the local authority: {self.theme}, completed {done}{graded}"


@cache
def limits() -> dict[str, Any]:
    """The case-count limits per inspection type (``selection.yaml``)."""
    data = yaml.safe_load(LIMITS_FILE.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or data.get("version") != 1:
        raise ValueError(f"{LIMITS_FILE}: expected a mapping with version: 1")
    return dict(data)


def audited_limits(type_id: str) -> tuple[int, int, str]:
    """(fewest, most, paragraph) already-audited cases for an inspection of ``type_id``."""
    spec = limits()["la_audited"].get(type_id)
    if spec is None:
        return 0, 0, ""
    return int(spec["min"]), int(spec["max"]), str(spec["paragraph"])


def audited_cases(db: Session, la_code: str, notified: dt.date) -> list[AuditedCase]:
    """The audits of the list shared with inspectors (``grip.audits.reports.inspection_list``:
    completed in the six months before ``notified``, para 257), newest first, one per child."""
    rows = sorted(
        inspection_list(db, la_code, notified), key=lambda r: r.completed_on, reverse=True
    )
    seen: set[str] = set()
    out = []
    for r in rows:
        if r.person_id not in seen:
            seen.add(r.person_id)
            out.append(AuditedCase(r.person_id, r.theme, r.completed_on, r.final_grade))
    return out


def default_seed(inspection_id: str) -> int:
    """A seed fixed per inspection, so choosing again repeats the same sample."""
    return int.from_bytes(hashlib.sha256(inspection_id.encode()).digest()[:4], "big") & MAX_SEED


def inspector_sample(
    db: Session,
    la_code: str,
    on: dt.date,
    size: int,
    seed: int,
    exclude: set[str] | frozenset[str] = frozenset(),
) -> list[Pick]:
    """The inspectors' own sample of ``size`` cases worked in the three months to ``on``,
    each with the para 150 factors and para 153 stage it brings (para 135)."""
    if not 1 <= size <= int(limits()["inspector_sample_max"]):
        raise ValueError(f"sample size {size}: expected 1 to {limits()['inspector_sample_max']}")
    r = sampling_rules()
    months = int(limits()["inspector_sample_months"])
    exclude = set(exclude) | restricted_ids(db, la_code)  # never a restricted child
    pool: dict[str, Any] = {}
    for back in range(months, -1, -1):  # the latest allocation's team and factors win
        for c in candidates(db, la_code, calendar.add_months(on, -back), r):
            if c.person_id not in exclude:
                pool[c.person_id] = c
    cands = list(pool.values())
    groups = len({c.team_id for c in cands}) or 1
    per_group = max(1, -(-size // groups))
    return choose(cands, per_group, seed, r)[:size]
