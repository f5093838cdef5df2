"""Read one published Ofsted report: its LA, framework, dates and judgements, each with its page.

Every value comes from the report's own text (read by :func:`grip.outcomes.pdf.read_pdf`); the
patterns that find them are data (``data/report_formats.yaml``). The result's JSON form is the
shape ``grip outcomes extract --json`` prints; :attr:`Extracted.pages` keeps where each value was
found, for the register's provenance.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from grip.outcomes import las
from grip.outcomes.formats import Formats, ReportFormat, grade_id, load_formats
from grip.outcomes.pdf import ReportRefused, read_pdf


@dataclass
class Extracted:
    """What one report says, or why it could not be read."""

    file: str
    local_authority: str | None = None
    la_code: str | None = None
    framework: str | None = None
    inspection_type: str | None = None
    fieldwork_start: date | None = None
    fieldwork_end: date | None = None
    published: date | None = None
    judgements: dict[str, str] = field(default_factory=dict)
    pages: dict[str, int] = field(default_factory=dict)
    error: str | None = None
    text: list[str] = field(default_factory=list, repr=False)

    def to_json(self) -> dict[str, Any]:
        """The object ``grip outcomes extract --json`` prints for this file."""
        if self.error is not None:
            return {"file": self.file, "error": self.error}
        return {
            "file": self.file,
            "local_authority": self.local_authority,
            "framework": self.framework,
            "inspection_type": self.inspection_type,
            "fieldwork_start": _iso(self.fieldwork_start),
            "fieldwork_end": _iso(self.fieldwork_end),
            "published": _iso(self.published),
            "judgements": dict(self.judgements),
        }


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def flatten(text: str) -> str:
    """A page's text as one line: whitespace collapsed, curly apostrophes straight."""
    return " ".join(text.replace("’", "'").replace("‘", "'").split())


def _day(text: str) -> date:
    return datetime.strptime(text, "%d %B %Y").date()


def fieldwork(flat: str, formats: Formats) -> tuple[date, date] | None:
    """The first and last day of fieldwork from "Inspection dates: 6 to 10 February 2023"
    (the start borrows the end's month and year when it leaves them out)."""
    m = formats.fieldwork.search(flat)
    if not m:
        return None
    end = _day(m.group("end"))
    parts = m.group("start").split()
    day, month, year = parts[0], end.strftime("%B"), str(end.year)
    if len(parts) >= 2:
        month = parts[1]
    if len(parts) == 3:
        year = parts[2]
    try:
        return _day(f"{day} {month} {year}"), end
    except ValueError:
        return None


def _recognise(first: str, formats: Formats) -> ReportFormat | None:
    return next((f for f in formats.formats if f.recognise.search(first)), None)


def _judgements(flats: list[str], fmt: ReportFormat, out: Extracted) -> str | None:
    """Fill ``out.judgements``; the reason when a judgement the format grades is missing."""
    for jid, pattern in fmt.judgements.items():
        m = pattern.search(flats[0])
        if not m:
            return f"no grade found for the judgement {jid!r} on page 1 ({fmt.title})"
        out.judgements[jid] = grade_id(m.group("grade"))
        out.pages[f"judgements.{jid}"] = 1
    for jid, pattern in fmt.anywhere.items():
        for number, flat in enumerate(flats, start=1):
            m = pattern.search(flat)
            if m:
                out.judgements[jid] = grade_id(m.group("grade"))
                out.pages[f"judgements.{jid}"] = number
                break
    return None


def _inspection_type(first: str, fmt: ReportFormat, out: Extracted, formats: Formats) -> None:
    if fmt.inspection_type == "by-fieldwork-length" and out.fieldwork_start and out.fieldwork_end:
        days = (out.fieldwork_end - out.fieldwork_start).days + 1
        out.inspection_type = "short" if days <= formats.short_inspection_max_days else "standard"
    else:
        out.inspection_type = next((k for k, rx in fmt.titles.items() if rx.search(first)), None)
    if out.inspection_type:
        out.pages["inspection_type"] = 1


def _dates(flats: list[str], out: Extracted, formats: Formats) -> None:
    for number, flat in enumerate(flats[:3], start=1):
        span = fieldwork(flat, formats)
        if span and out.fieldwork_start is None:
            out.fieldwork_start, out.fieldwork_end = span
            out.pages["fieldwork_start"] = out.pages["fieldwork_end"] = number
        m = formats.published.search(flat)
        if m and out.published is None:
            try:
                out.published = _day(m.group("date"))
                out.pages["published"] = number
            except ValueError:
                pass


def _local_authority(first: str, out: Extracted, formats: Formats) -> None:
    m = formats.title_block_ends.search(first)
    la = las.find_in(first[: m.start()] if m else first[:400])
    if la is not None:
        out.local_authority, out.la_code = la.name, la.code
        out.pages["local_authority"] = 1


def read_text(name: str, pages: list[str]) -> Extracted:
    """Extract a report from its pages' text (page 1 first)."""
    out = Extracted(file=name, text=pages)
    formats = load_formats()
    flats = [flatten(p) for p in pages]
    fmt = _recognise(flats[0], formats) if flats else None
    if fmt is None:
        out.error = (
            "no judgement table found: page 1 is not that of an Ofsted inspection report on an "
            "LA's children's services that Grip recognises (SIF 2013, ILACS 2017 or ILACS 2023)"
        )
        return out
    out.framework = fmt.framework
    _local_authority(flats[0], out, formats)
    _dates(flats, out, formats)
    _inspection_type(flats[0], fmt, out, formats)
    out.error = _judgements(flats, fmt, out)
    if out.error is None and out.local_authority is None:
        out.error = "no English LA from the LA list is named in the report's title on page 1"
    if out.error is None and out.fieldwork_end is None:
        out.error = "no inspection dates found on the first pages (expected 'Inspection dates: …')"
    return out


def extract_file(path: Path) -> Extracted:
    """Read and extract one report file; a file that cannot be read gets ``error``."""
    try:
        pages = read_pdf(path)
    except ReportRefused as exc:
        return Extracted(file=path.name, error=str(exc))
    return read_text(path.name, pages)


def expand(paths: list[Path]) -> list[Path]:
    """Files as given, folders as their ``*.pdf`` files (sorted); order kept, no repeats."""
    out: list[Path] = []
    for path in paths:
        found = (
            sorted(p for p in path.iterdir() if p.suffix.lower() == ".pdf")
            if path.is_dir()
            else [path]
        )
        out.extend(p for p in found if p not in out)
    return out


def extract_all(paths: list[Path]) -> list[Extracted]:
    """Extract every report under ``paths`` (files or folders), one result per file."""
    return [extract_file(p) for p in expand(paths)]
