"""The outcomes register: every LA's published inspection outcomes over time, with provenance.

Reports enter it two ways: :func:`import_reports` reads published Ofsted PDFs (each value with the
page it is on), and :func:`record_outcome` records an LA's own inspection run in Grip when its
report is published. Both are idempotent: recording the same inspection again changes nothing.
Each report is stored in its own transaction, so a bad file never leaves half a report behind.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from grip import frameworks
from grip.outcomes import las
from grip.outcomes.extract import Extracted, expand, extract_file
from grip.outcomes.models import OutcomeEvidence, OutcomeJudgement, OutcomeReport
from grip.outcomes.themes import Evidence, find_evidence
from grip.store.db import transaction


class OutcomeError(ValueError):
    """An outcome cannot be recorded; the message names the value and what was expected."""


@dataclass(frozen=True)
class ImportResult:
    """What happened to one file: "added", "unchanged" or "error" (with the reason)."""

    file: str
    status: str
    message: str = ""
    report_id: int | None = None


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def check_judgements(framework_id: str, judgements: dict[str, str]) -> None:
    """Every judgement id and grade must be the framework's (``grip frameworks show ID``)."""
    try:
        fw = frameworks.load(framework_id)
    except KeyError as exc:
        raise OutcomeError(str(exc.args[0])) from None
    known = {j.id for j in fw.judgements}
    grades = {g.id for g in fw.scale}
    for judgement, grade in judgements.items():
        if judgement not in known:
            raise OutcomeError(
                f"judgement {judgement!r} is not one of {framework_id}'s: "
                f"{', '.join(sorted(known))}"
            )
        if grade not in grades:
            raise OutcomeError(
                f"grade {grade!r} for {judgement} is not one of {', '.join(g.id for g in fw.scale)}"
            )


def _existing(session: Session, la_code: str, framework: str, end: dt.date) -> OutcomeReport | None:
    return session.scalars(
        select(OutcomeReport).where(
            OutcomeReport.dfe_la_code == la_code,
            OutcomeReport.framework == framework,
            OutcomeReport.fieldwork_end == end,
        )
    ).first()


def _judgements_of(session: Session, report_id: int) -> dict[str, str]:
    rows = session.scalars(select(OutcomeJudgement).where(OutcomeJudgement.report_id == report_id))
    return {r.judgement: r.grade for r in rows}


def _store(
    session: Session, report: OutcomeReport, judgements: dict[str, str], pages: dict[str, int],
    evidence: list[Evidence],
) -> int:  # fmt: skip
    session.add(report)
    session.flush()
    for judgement, grade in judgements.items():
        page = pages.get(f"judgements.{judgement}")
        session.add(
            OutcomeJudgement(report_id=report.id, judgement=judgement, grade=grade, page=page)
        )
    seq: dict[tuple[str, str], int] = {}
    for ev in evidence:
        n = seq[(ev.kind, ev.key)] = seq.get((ev.kind, ev.key), 0) + 1
        session.add(
            OutcomeEvidence(
                report_id=report.id, kind=ev.kind, key=ev.key[:120], seq=n, page=ev.page,
                polarity=ev.polarity, score=ev.score, sentence=ev.sentence,
            )
        )  # fmt: skip
    return report.id


def _same_or_conflict(
    session: Session, found: OutcomeReport, judgements: dict[str, str], what: str
) -> ImportResult:
    stored = _judgements_of(session, found.id)
    if stored != judgements:
        return ImportResult(
            what, "error",
            f"conflicts with the register's report {found.id} for the same LA, framework and "
            f"fieldwork end ({found.fieldwork_end}): judgements {stored} there, {judgements} here",
            found.id,
        )  # fmt: skip
    return ImportResult(what, "unchanged", "already in the register", found.id)


def _import_extracted(engine: Engine, ex: Extracted, digest: str, path: Path) -> ImportResult:
    if ex.error is not None:
        return ImportResult(ex.file, "error", ex.error)
    if ex.la_code is None or ex.framework is None or ex.fieldwork_end is None:
        return ImportResult(ex.file, "error", "the report's LA, framework or dates are missing")
    evidence = find_evidence(ex.text, ex.framework)
    with transaction(engine) as session:
        found = session.scalars(
            select(OutcomeReport).where(OutcomeReport.content_sha256 == digest)
        ).first() or _existing(session, ex.la_code, ex.framework, ex.fieldwork_end)
        if found is not None:
            return _same_or_conflict(session, found, ex.judgements, ex.file)
        report = OutcomeReport(
            dfe_la_code=ex.la_code, framework=ex.framework, inspection_type=ex.inspection_type,
            fieldwork_start=ex.fieldwork_start, fieldwork_end=ex.fieldwork_end,
            published=ex.published, origin="ofsted-report", source_file=path.name,
            content_sha256=digest, provenance=json.dumps(ex.pages, sort_keys=True),
            recorded_at=_now(),
        )  # fmt: skip
        report_id = _store(session, report, ex.judgements, ex.pages, evidence)
    return ImportResult(ex.file, "added", "", report_id)


def import_file(engine: Engine, path: Path) -> ImportResult:
    """Read one published report and store its outcome (idempotent; all or nothing)."""
    try:
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError as exc:
        return ImportResult(path.name, "error", f"cannot be read: {exc.strerror}")
    with transaction(engine) as session:
        known = session.scalars(
            select(OutcomeReport.id).where(OutcomeReport.content_sha256 == digest)
        ).first()
    if known is not None:
        # The very same file: nothing to read again.
        return ImportResult(path.name, "unchanged", "already in the register", known)
    extracted = extract_file(path)
    if extracted.error is not None:
        return ImportResult(path.name, "error", extracted.error)
    return _import_extracted(engine, extracted, digest, path)


def import_reports(engine: Engine, paths: list[Path]) -> list[ImportResult]:
    """Import every report under ``paths`` (files or folders); one result per file, in order."""
    return [import_file(engine, p) for p in expand(paths)]


def record_outcome(
    engine: Engine,
    *,
    la_code: str,
    framework: str,
    fieldwork_start: dt.date,
    fieldwork_end: dt.date,
    published: dt.date,
    judgements: dict[str, str],
    inspection_type: str = "standard",
) -> int:
    """Record the published outcome of an LA's own inspection run in Grip; the report's id.

    For the inspections and reports capabilities to call when an inspection's report is
    published. Judgement ids and grades are checked against the framework (``grip framework
    show ID``); recording the same inspection (LA, framework, fieldwork end) again with the same
    judgements changes nothing, with different ones raises :class:`OutcomeError`.
    """
    if la_code not in las.all_las():
        raise OutcomeError(f"la_code {la_code!r} is not a DfE LA code in the LA list")
    check_judgements(framework, judgements)
    if fieldwork_start > fieldwork_end or published < fieldwork_end:
        raise OutcomeError(
            f"dates out of order: fieldwork {fieldwork_start} to {fieldwork_end}, published "
            f"{published}; expected start ≤ end ≤ published"
        )
    with transaction(engine) as session:
        found = _existing(session, la_code, framework, fieldwork_end)
        if found is not None:
            result = _same_or_conflict(session, found, judgements, "record_outcome")
            if result.status == "error":
                raise OutcomeError(result.message)
            return found.id
        report = OutcomeReport(
            dfe_la_code=la_code, framework=framework, inspection_type=inspection_type,
            fieldwork_start=fieldwork_start, fieldwork_end=fieldwork_end, published=published,
            origin="grip", provenance=json.dumps({"recorded": "inspection run in Grip"}),
            recorded_at=_now(),
        )  # fmt: skip
        return _store(session, report, judgements, {}, [])
