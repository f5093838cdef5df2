"""Statistics as in Kent SIF outcomes mapping (Dec 2014) §5, recomputed from the register's rows.

Counts and percentages by grade for each judgement, by framework, period (year of the last day
of fieldwork) and region; how judgements move between an LA's consecutive inspections (a
transition table); and consistency checks: every stated figure recomputed from the rows, with
those that disagree flagged (Kent's own §5.1 against its Annex 1 is the worked example).
"""

from __future__ import annotations

import itertools
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from grip.outcomes.queries import ReportRow

GRADES = ["outstanding", "good", "requires-improvement", "inadequate"]
KENT_PATH = Path(str(resources.files("grip.outcomes") / "data" / "kent_sif_2014.yaml"))


def percent(part: int, whole: int) -> float:
    """``part`` of ``whole`` as a percentage to one decimal place (0 when ``whole`` is 0)."""
    return round(100 * part / whole, 1) if whole else 0.0


@dataclass(frozen=True)
class GradeCount:
    """How many reports gave each grade for one judgement in one group."""

    group: str
    framework: str
    judgement: str
    counts: dict[str, int]

    @property
    def total(self) -> int:
        """Reports graded on this judgement in the group."""
        return sum(self.counts.values())

    def percentages(self) -> dict[str, float]:
        """Each grade's share of the total, one decimal place."""
        return {g: percent(n, self.total) for g, n in self.counts.items()}

    def to_json(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "group": self.group, "framework": self.framework, "judgement": self.judgement,
            "total": self.total, "counts": self.counts, "percentages": self.percentages(),
        }  # fmt: skip


def _group_key(row: ReportRow, by: str) -> str:
    if by == "period":
        return str(row.fieldwork_end.year)
    if by == "region":
        return row.region or "unknown"
    return "all"


def grade_counts(rows: Iterable[ReportRow], by: str = "all") -> list[GradeCount]:
    """Counts by grade for each framework and judgement, grouped ``by`` "all", "period" or
    "region"; every grade present (zero included), groups and judgements in a stable order."""
    tally: dict[tuple[str, str, str], Counter[str]] = defaultdict(Counter)
    for row in rows:
        for judgement, grade in row.judgements.items():
            tally[(_group_key(row, by), row.framework, judgement)][grade] += 1
    return [
        GradeCount(group, fw, judgement, {g: counts.get(g, 0) for g in GRADES})
        for (group, fw, judgement), counts in sorted(tally.items())
    ]


def transitions(rows: Iterable[ReportRow], judgement: str = "overall") -> dict[str, dict[str, int]]:
    """From-grade -> to-grade counts of ``judgement`` between each LA's consecutive graded
    inspections (any framework with that judgement), oldest to newest."""
    by_la: dict[str, list[ReportRow]] = defaultdict(list)
    for row in sorted(rows, key=lambda r: (r.fieldwork_end, r.id)):
        if judgement in row.judgements:
            by_la[row.la_code].append(row)
    table = {g: dict.fromkeys(GRADES, 0) for g in GRADES}
    for history in by_la.values():
        for before, after in itertools.pairwise(history):
            table[before.judgements[judgement]][after.judgements[judgement]] += 1
    return table


def movement(table: dict[str, dict[str, int]]) -> dict[str, int]:
    """How many moves in a transition table improved, stayed or declined."""
    rank = {g: i for i, g in enumerate(GRADES)}
    out = {"improved": 0, "same": 0, "declined": 0}
    for before, row in table.items():
        for after, n in row.items():
            key = (
                "same"
                if before == after
                else "improved"
                if rank[after] < rank[before]
                else "declined"
            )
            out[key] += n
    return out


@dataclass(frozen=True)
class Check:
    """A stated figure against the figure recomputed from the rows."""

    id: str
    section: str
    text: str
    stated: float
    recomputed: float
    detail: str

    @property
    def agrees(self) -> bool:
        """Equal when rounded down or to nearest whole number (published figures do both)."""
        return int(self.recomputed) == self.stated or round(self.recomputed) == self.stated

    def to_json(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "id": self.id, "section": self.section, "text": self.text, "stated": self.stated,
            "recomputed": self.recomputed, "agrees": self.agrees, "detail": self.detail,
        }  # fmt: skip


@cache
def kent_table() -> dict[str, Any]:
    """Kent SIF outcomes mapping (Dec 2014) §5.1 and Annex 1, as published."""
    data: dict[str, Any] = yaml.safe_load(KENT_PATH.read_text(encoding="utf-8"))
    return data


def check_stated(
    stated: list[dict[str, Any]], rows: list[dict[str, str]], english_las: int
) -> list[Check]:
    """Recompute every stated figure from ``rows`` (one dict per LA: judgement -> grade)."""
    out = []
    for fig in stated:
        graded = [r[fig["judgement"]] for r in rows if r.get(fig["judgement"])]
        hits = sum(1 for g in graded if g in fig["grades"])
        if fig["measure"] == "count":
            value, detail = float(hits), f"{hits} of the {len(graded)} rows"
        elif fig["measure"] == "percent":
            value = percent(hits, len(graded))
            detail = f"{hits} of the {len(graded)} rows = {value}%"
        else:
            value = percent(len(graded), english_las)
            detail = f"{len(graded)} rows of {english_las} English LAs = {value}%"
        out.append(
            Check(fig["id"], fig["section"], fig["text"], float(fig["value"]), value, detail)
        )
    return out


def kent_checks() -> list[Check]:
    """Kent SIF outcomes mapping (Dec 2014) §5.1's figures checked against its Annex 1 rows."""
    data = kent_table()
    rows = [{"la": la, "overall": overall, "lscb": lscb} for la, overall, lscb in data["rows"]]
    return check_stated(data["stated"], rows, int(data["english_las"]))


def check_internal(stated: list[dict[str, Any]], english_las: int) -> list[Check]:
    """Recompute each stated percentage from the stated counts beside it (same judgement)."""
    counts: dict[str, dict[str, int]] = defaultdict(dict)
    for fig in stated:
        if fig["measure"] == "count":
            counts[fig["judgement"]][fig["grades"][0]] = int(fig["value"])
    out = []
    for fig in stated:
        table = counts.get(fig["judgement"], {})
        whole = sum(table.values())
        if fig["measure"] == "percent":
            part = sum(table.get(g, 0) for g in fig["grades"])
            value, detail = percent(part, whole), f"{part} of the stated {whole} = "
        elif fig["measure"] == "share-of-las":
            value, detail = percent(whole, english_las), f"the stated {whole} of {english_las} = "
        else:
            continue
        out.append(Check(fig["id"], fig["section"], fig["text"], float(fig["value"]), value,
                         f"{detail}{value}%"))  # fmt: skip
    return out


def kent_internal_checks() -> list[Check]:
    """Kent SIF outcomes mapping (Dec 2014) §5.1's percentages against its own stated counts."""
    data = kent_table()
    return check_internal(data["stated"], int(data["english_las"]))


def summary(rows: list[ReportRow]) -> dict[str, Any]:
    """Every statistic of the register in one JSON-ready object (``grip outcomes stats --json``
    and the statistics page show the same)."""
    table = transitions(rows)
    return {
        "reports": len(rows),
        "by_framework": [c.to_json() for c in grade_counts(rows, "all")],
        "by_period": [c.to_json() for c in grade_counts(rows, "period")],
        "by_region": [c.to_json() for c in grade_counts(rows, "region")],
        "transitions": {"judgement": "overall", "table": table, "movement": movement(table)},
        "kent_checks": {
            "source": kent_table()["title"],
            "against_rows": [c.to_json() for c in kent_checks()],
            "against_stated_counts": [c.to_json() for c in kent_internal_checks()],
        },
    }
