"""Themes across the register, and an LA against its statistical neighbours.

Kent SIF outcomes mapping (Dec 2014) §3–4 compared the themes of authorities judged well with
those of authorities that performed poorly; :func:`compare_themes` does the same over the
register, with the sentences behind every number. :func:`neighbours` sets an LA beside its DfE
statistical neighbours (from the LA list) and finds the themes most common among neighbours
whose overall effectiveness improved.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import Engine, select

from grip.outcomes import las
from grip.outcomes.models import OutcomeEvidence
from grip.outcomes.queries import ReportRow, all_reports
from grip.outcomes.stats import GRADES, percent
from grip.outcomes.themes import library
from grip.store.db import transaction

STRONG = ("outstanding", "good")


@dataclass(frozen=True)
class Quote:
    """An evidence sentence with the report and page it comes from."""

    report_id: int
    la_name: str
    source_file: str | None
    page: int
    polarity: str
    sentence: str


@dataclass
class ThemeGroup:
    """One theme in one group of reports: how many reports carry it as a strength or weakness."""

    reports: int = 0
    strength: list[Quote] = field(default_factory=list)
    weakness: list[Quote] = field(default_factory=list)

    def share(self, polarity: str) -> float:
        """Percentage of the group's reports with at least one sentence of that polarity."""
        quotes = self.strength if polarity == "strength" else self.weakness
        return percent(len({q.report_id for q in quotes}), self.reports)


def _theme_evidence(engine: Engine) -> dict[int, list[OutcomeEvidence]]:
    with transaction(engine) as session:
        rows = session.scalars(
            select(OutcomeEvidence)
            .where(OutcomeEvidence.kind == "theme")
            .order_by(OutcomeEvidence.report_id, OutcomeEvidence.key, OutcomeEvidence.seq)
        ).all()
    out: dict[int, list[OutcomeEvidence]] = defaultdict(list)
    for row in rows:
        out[row.report_id].append(row)
    return out


def _quote(row: ReportRow, ev: OutcomeEvidence) -> Quote:
    return Quote(row.id, row.la_name, row.source_file, ev.page, ev.polarity, ev.sentence)


def compare_themes(engine: Engine) -> dict[str, dict[str, ThemeGroup]]:
    """theme id -> {"good-or-better", "below-good"} -> ThemeGroup, over every report with an
    overall effectiveness grade."""
    evidence = _theme_evidence(engine)
    out = {
        t.id: {"good-or-better": ThemeGroup(), "below-good": ThemeGroup()} for t in library().themes
    }
    for row in all_reports(engine):
        if row.overall is None:
            continue
        group = "good-or-better" if row.overall in STRONG else "below-good"
        for theme in out.values():
            theme[group].reports += 1
        for ev in evidence.get(row.id, []):
            if ev.key in out and ev.polarity in ("strength", "weakness"):
                getattr(out[ev.key][group], ev.polarity).append(_quote(row, ev))
    return out


@dataclass(frozen=True)
class NeighbourView:
    """An LA, its history, its neighbours' latest reports and what improved neighbours share."""

    la: las.LocalAuthority
    own: list[ReportRow]
    neighbours: list[tuple[las.LocalAuthority, ReportRow | None]]
    improved: list[tuple[las.LocalAuthority, str, str]]
    themes: list[tuple[str, int, list[Quote]]]


def _improvement(rows: list[ReportRow]) -> tuple[str, str] | None:
    graded = [r.overall for r in rows if r.overall]
    if len(graded) >= 2 and GRADES.index(graded[-1]) < GRADES.index(graded[-2]):
        return graded[-2], graded[-1]
    return None


def neighbours(engine: Engine, la_code: str) -> NeighbourView:
    """``la_code`` against its statistical neighbours (nearest first)."""
    la = las.get(la_code)
    reports = all_reports(engine)
    by_la: dict[str, list[ReportRow]] = defaultdict(list)
    for row in reports:
        by_la[row.la_code].append(row)
    view, improved, counts = [], [], defaultdict(list)
    evidence = _theme_evidence(engine)
    for code in la.neighbours:
        other = las.all_las().get(code)
        if other is None:
            continue
        rows = by_la.get(code, [])
        view.append((other, rows[-1] if rows else None))
        move = _improvement(rows)
        if move:
            improved.append((other, *move))
            for ev in evidence.get(rows[-1].id, []):
                if ev.polarity == "strength":
                    counts[ev.key].append(_quote(rows[-1], ev))
    themes = sorted(
        ((key, len({q.report_id for q in quotes}), quotes) for key, quotes in counts.items()),
        key=lambda t: (-t[1], t[0]),
    )
    return NeighbourView(la, by_la.get(la_code, []), view, improved, themes)
