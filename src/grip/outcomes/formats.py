"""The report formats Grip recognises (``data/report_formats.yaml``), loaded and checked once."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from grip import frameworks

FORMATS_PATH = Path(str(resources.files("grip.outcomes") / "data" / "report_formats.yaml"))


@dataclass(frozen=True)
class ReportFormat:
    """One kind of published report: how to recognise it and where its judgements are."""

    framework: str
    title: str
    recognise: re.Pattern[str]
    judgements: dict[str, re.Pattern[str]]
    anywhere: dict[str, re.Pattern[str]]
    inspection_type: str
    titles: dict[str, re.Pattern[str]] = field(default_factory=dict)


@dataclass(frozen=True)
class Formats:
    """Every format, the grade words and the date and title patterns."""

    formats: list[ReportFormat]
    grade_pattern: str
    grades: list[tuple[re.Pattern[str], str]]
    fieldwork: re.Pattern[str]
    published: re.Pattern[str]
    title_block_ends: re.Pattern[str]
    short_inspection_max_days: int


def _rx(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


def _labelled(patterns: dict[str, str] | None, grade: str) -> dict[str, re.Pattern[str]]:
    # A judgement's label, then (after at most one space) any grade wording, as a whole word.
    return {j: _rx(f"{p} ?(?P<grade>{grade})(?![a-z])") for j, p in (patterns or {}).items()}


def _report_format(raw: dict[str, Any], grade: str) -> ReportFormat:
    fid = raw["framework"]
    judgements = _labelled(raw.get("judgements"), grade)
    anywhere = _labelled(raw.get("anywhere"), grade)
    if fid in frameworks.framework_ids():
        known = {j.id for j in frameworks.load(fid).judgements}
        unknown = sorted((set(judgements) | set(anywhere)) - known)
        if unknown:
            raise ValueError(f"{FORMATS_PATH.name}: {fid} has no judgement {', '.join(unknown)}")
    return ReportFormat(
        framework=fid,
        title=" ".join(raw["title"].split()),
        recognise=_rx(raw["recognise"]),
        judgements=judgements,
        anywhere=anywhere,
        inspection_type=raw["inspection_type"],
        titles={k: _rx(v) for k, v in (raw.get("titles") or {}).items()},
    )


@cache
def load_formats() -> Formats:
    """The report formats from the shipped YAML."""
    data = yaml.safe_load(FORMATS_PATH.read_text(encoding="utf-8"))
    grades = [(_rx(f"^(?:{g['pattern']})$"), g["grade"]) for g in data["grades"]]
    grade = "|".join(f"(?:{g['pattern']})" for g in data["grades"])
    return Formats(
        formats=[_report_format(f, grade) for f in data["formats"]],
        grade_pattern=grade,
        grades=grades,
        fieldwork=_rx(data["dates"]["fieldwork"]),
        published=_rx(data["dates"]["published"]),
        title_block_ends=_rx(data["title_block_ends"]),
        short_inspection_max_days=int(data["short_inspection_max_days"]),
    )


def grade_id(words: str) -> str:
    """Grip's grade id for a report's grade wording ("Requires improvement to be good")."""
    for pattern, grade in load_formats().grades:
        if pattern.match(" ".join(words.split())):
            return grade
    raise ValueError(f"not a grade: {words!r}")


def framework_choices() -> list[str]:
    """Every framework id an outcome may carry: Grip's frameworks and the older ones the
    report formats recognise without grading (e.g. ``lac-2013``)."""
    from grip import frameworks as fws

    return sorted(set(fws.framework_ids()) | {f.framework for f in load_formats().formats})
