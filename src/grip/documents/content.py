"""The content model every generated document is written in (self-evaluations, inspection
reports, letters): a title, a language, and sections of headings, paragraphs, tables and
charts. A chart always carries the table of its figures, so a reader who cannot see the
chart reads the same numbers (WCAG 2.2, 1.1.1 non-text content).

The model is plain data: :mod:`grip.documents.render` turns it into an editable DOCX and a
typeset PDF, and nothing in it is ever interpreted as markup.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from grip.documents.safe import Cell, cell_text


@dataclass(frozen=True)
class Paragraph:
    """One paragraph of plain text."""

    text: str


@dataclass(frozen=True)
class Table:
    """A table with a header row (repeated on each page) and an optional caption."""

    header: Sequence[str]
    rows: Sequence[Sequence[Cell]] = ()
    caption: str = ""


@dataclass(frozen=True)
class Chart:
    """A bar chart of one series: one value per label (``None`` = no figure). Its table
    alternative is :meth:`table`."""

    title: str
    labels: Sequence[str]
    values: Sequence[float | None]
    value_heading: str = "Value"
    label_heading: str = ""

    def table(self) -> Table:
        """The chart's figures as a table (the accessible alternative)."""
        rows = [(label, value) for label, value in zip(self.labels, self.values, strict=True)]
        return Table(
            header=(self.label_heading or "Label", self.value_heading),
            rows=rows,
            caption=f"Figures for: {self.title}",
        )


Block = Paragraph | Table | Chart


@dataclass
class Section:
    """A heading (level 1 = top) with its blocks and subsections."""

    heading: str
    blocks: list[Block] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    level: int = 1

    def add(self, *blocks: Block) -> Section:
        """Append ``blocks``; returns the section so calls chain."""
        self.blocks.extend(blocks)
        return self

    def subsection(self, heading: str) -> Section:
        """A new subsection one level down, appended and returned."""
        sub = Section(heading=heading, level=min(self.level + 1, 6))
        self.sections.append(sub)
        return sub


@dataclass
class Document:
    """A whole document. ``language`` is a BCP 47 tag (``en-GB``) written into both the
    DOCX and the PDF so screen readers pronounce it correctly; ``footer`` is printed on
    every PDF page (for example a protective marking)."""

    title: str
    sections: list[Section] = field(default_factory=list)
    language: str = "en-GB"
    subtitle: str = ""
    author: str = ""
    footer: str = ""

    def section(self, heading: str) -> Section:
        """A new top-level section, appended and returned."""
        sec = Section(heading=heading)
        self.sections.append(sec)
        return sec


def _table_data(t: Table) -> dict[str, Any]:
    return {
        "kind": "table",
        "caption": t.caption,
        "header": [cell_text(h) for h in t.header],
        "rows": [[cell_text(v) for v in row] for row in t.rows],
    }


def block_data(block: Block) -> dict[str, Any]:
    """``block`` as the JSON the typesetting template reads."""
    if isinstance(block, Paragraph):
        return {"kind": "paragraph", "text": block.text}
    if isinstance(block, Table):
        return _table_data(block)
    return {
        "kind": "chart",
        "title": block.title,
        "labels": list(block.labels),
        "values": [None if v is None else float(v) for v in block.values],
        "table": _table_data(block.table()),
    }


def _section_data(s: Section) -> dict[str, Any]:
    return {
        "heading": s.heading,
        "level": s.level,
        "blocks": [block_data(b) for b in s.blocks],
        "sections": [_section_data(sub) for sub in s.sections],
    }


def document_data(doc: Document) -> dict[str, Any]:
    """``doc`` as the JSON the typesetting template reads."""
    lang, _, region = doc.language.partition("-")
    return {
        "title": doc.title,
        "lang": lang.lower() or "en",
        "region": (region or "GB").lower(),
        "subtitle": doc.subtitle,
        "author": [doc.author] if doc.author else [],
        "footer": doc.footer,
        "sections": [_section_data(s) for s in doc.sections],
    }
