"""Agreement between auditors and moderators: percentage agreement and Cohen's kappa, by team
and over time, and the list of disagreements with both rationales.

Why it matters: self-audits run generous, and inspectors test the LA's audits against their own
view (ILACS framework (Ofsted 170040) paras 59, 147, 134: "to see how effective the local
authority's auditing systems are"). Only completed moderations count; the overall grades are
compared.

Cohen's kappa for two raters over the four grades::

    p_o = agreed / n
    p_e = Σ_g (auditor_g / n) × (moderator_g / n)
    κ   = (p_o − p_e) / (1 − p_e)

κ is undefined when p_e = 1 (both raters gave every case the same single grade); it is
reported as ``None`` then.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from grip.audits.lifecycle import OVERALL, InvalidInput
from grip.audits.models import Audit, AuditGrade, Moderation
from grip.audits.templates import GRADES


def percent_agreement(pairs: Sequence[tuple[str, str]]) -> float | None:
    """Share of pairs with the same grade, as a percentage (``None`` for no pairs)."""
    if not pairs:
        return None
    return 100.0 * sum(1 for a, b in pairs if a == b) / len(pairs)


def cohen_kappa(pairs: Sequence[tuple[str, str]]) -> float | None:
    """Cohen's (unweighted) kappa of the pairs; ``None`` for no pairs or when undefined."""
    n = len(pairs)
    if n == 0:
        return None
    for a, b in pairs:
        if a not in GRADES or b not in GRADES:
            raise InvalidInput(f"grade pair {(a, b)!r}: expected grades from {', '.join(GRADES)}")
    p_o = sum(1 for a, b in pairs if a == b) / n
    first = Counter(a for a, _ in pairs)
    second = Counter(b for _, b in pairs)
    p_e = sum((first[g] / n) * (second[g] / n) for g in GRADES)
    if p_e >= 1.0:
        return None
    return (p_o - p_e) / (1.0 - p_e)


@cache
def smallest_meaningful_sample() -> int:
    """The fewest moderated audits whose agreement figures mean much (``moderation.yaml``)."""
    data = yaml.safe_load(Path(__file__).with_name("moderation.yaml").read_text(encoding="utf-8"))
    return int(data["smallest_meaningful_sample"])


@dataclass(frozen=True)
class AgreementRow:
    """Agreement for one group (a team, a month, a quarter, or all)."""

    group: str
    n: int
    agreed: int
    percent: float | None
    kappa: float | None

    @property
    def small_sample(self) -> bool:
        """Too few moderated audits for the figures to mean much (``moderation.yaml``)."""
        return self.n < smallest_meaningful_sample()

    def as_json(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "group": self.group,
            "n": self.n,
            "small_sample": self.small_sample,
            "agreed": self.agreed,
            "percent_agreement": None if self.percent is None else round(self.percent, 1),
            "kappa": None if self.kappa is None else round(self.kappa, 3),
        }


@dataclass(frozen=True)
class Disagreement:
    """An audit where the moderator's grade differs from the auditor's, with both reasons."""

    audit_id: str
    person_id: str
    team_id: str | None
    month: str
    moderator_kind: str
    auditor_grade: str
    auditor_reason: str | None
    moderator_grade: str
    moderator_reason: str | None

    def as_json(self) -> dict[str, Any]:
        """JSON-ready form."""
        return dict(self.__dict__)


@dataclass(frozen=True)
class AgreementReport:
    """The whole agreement report for an LA and period."""

    la_code: str
    date_from: dt.date | None
    date_to: dt.date | None
    overall: AgreementRow
    by_team: list[AgreementRow]
    by_month: list[AgreementRow]
    by_quarter: list[AgreementRow]
    by_kind: list[AgreementRow]
    disagreements: list[Disagreement]

    def as_json(self) -> dict[str, Any]:
        """JSON-ready form (``grip audits agreement --json``)."""
        return {
            "la": self.la_code,
            "from": self.date_from.isoformat() if self.date_from else None,
            "to": self.date_to.isoformat() if self.date_to else None,
            "overall": self.overall.as_json(),
            "by_team": [r.as_json() for r in self.by_team],
            "by_month": [r.as_json() for r in self.by_month],
            "by_quarter": [r.as_json() for r in self.by_quarter],
            "by_moderator_kind": [r.as_json() for r in self.by_kind],
            "disagreements": [d.as_json() for d in self.disagreements],
        }


def agreement_row(group: str, pairs: Sequence[tuple[str, str]]) -> AgreementRow:
    """Agreement of one group of (first, second) grade pairs: count, agreed, %, kappa."""
    return AgreementRow(
        group=group,
        n=len(pairs),
        agreed=sum(1 for a, b in pairs if a == b),
        percent=percent_agreement(pairs),
        kappa=cohen_kappa(pairs),
    )


def quarter_of(d: dt.date) -> str:
    """The calendar quarter, e.g. ``2026-Q3``."""
    return f"{d.year}-Q{(d.month - 1) // 3 + 1}"


def agreement(
    db: Session,
    la_code: str,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> AgreementReport:
    """Agreement over the moderations completed from ``date_from`` to ``date_to`` inclusive."""
    if date_from and date_to and date_from > date_to:
        raise InvalidInput(f"--from {date_from} is after --to {date_to}")
    q = (
        select(Moderation, Audit)
        .join(Audit, (Audit.la_code == Moderation.la_code) & (Audit.id == Moderation.audit_id))
        .where(Moderation.la_code == la_code, Moderation.completed_at.is_not(None))
    )
    rows = db.execute(q).all()
    reasons: dict[tuple[str, str], str | None] = {
        (g.audit_id, g.grader): g.reason
        for g in db.scalars(
            select(AuditGrade).where(
                AuditGrade.la_code == la_code, AuditGrade.section_id == OVERALL
            )
        )
    }
    pairs_all: list[tuple[str, str]] = []
    team: dict[str, list[tuple[str, str]]] = defaultdict(list)
    month: dict[str, list[tuple[str, str]]] = defaultdict(list)
    quarter: dict[str, list[tuple[str, str]]] = defaultdict(list)
    kind: dict[str, list[tuple[str, str]]] = defaultdict(list)
    disagreements: list[Disagreement] = []
    for mod, audit in sorted(rows, key=lambda r: (r[0].completed_at, r[1].id)):
        assert mod.completed_at is not None
        done = mod.completed_at.date()
        if (date_from and done < date_from) or (date_to and done > date_to):
            continue
        if mod.auditor_grade is None or mod.moderator_grade is None:
            continue
        pair = (mod.auditor_grade, mod.moderator_grade)
        pairs_all.append(pair)
        team[audit.team_id or "(no team)"].append(pair)
        month[done.strftime("%Y-%m")].append(pair)
        quarter[quarter_of(done)].append(pair)
        kind[mod.kind].append(pair)
        if pair[0] != pair[1]:
            disagreements.append(
                Disagreement(
                    audit_id=audit.id,
                    person_id=audit.person_id,
                    team_id=audit.team_id,
                    month=audit.month,
                    moderator_kind=mod.kind,
                    auditor_grade=pair[0],
                    auditor_reason=reasons.get((audit.id, "auditor")),
                    moderator_grade=pair[1],
                    moderator_reason=reasons.get((audit.id, "moderator")),
                )
            )
    return AgreementReport(
        la_code=la_code,
        date_from=date_from,
        date_to=date_to,
        overall=agreement_row("all", pairs_all),
        by_team=[agreement_row(k, v) for k, v in sorted(team.items())],
        by_month=[agreement_row(k, v) for k, v in sorted(month.items())],
        by_quarter=[agreement_row(k, v) for k, v in sorted(quarter.items())],
        by_kind=[agreement_row(k, v) for k, v in sorted(kind.items())],
        disagreements=disagreements,
    )
