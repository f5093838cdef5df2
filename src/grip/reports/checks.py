"""The checks before a report or letter is issued, each naming its paragraph of the ILACS
framework (Ofsted 170040):

* para 212: a standard or short inspection report is no more than 10 pages, counted in the
  typeset PDF (so the count is the reader's, not an estimate);
* para 205: the summary answers the four questions, on the first page with the judgements;
* para 211: care leavers are always reported;
* para 209: the areas for improvement are proportionate to the grade: an overall grade below
  good names at least one;
* para 202: the stand-alone summary for children and young people is written;
* para 108: a letter carries no grade, nor says what the grade might have been;
* para 191: no name of a child, family member or member of staff (the evidence name guard).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from grip.documents.render import Rendered, page_texts
from grip.evidence import name_guard
from grip.reports import structure
from grip.reports.document import Record

CITE = "ILACS framework (Ofsted 170040) para"


@dataclass(frozen=True)
class Problem:
    """One failed check: the paragraph it rests on and what is wrong."""

    paragraph: str
    message: str

    def __str__(self) -> str:
        return f"{self.message} ({CITE} {self.paragraph})"


def _pages(rec: Record, files: dict[str, Rendered]) -> list[Problem]:
    limit = structure.kind_spec(rec.kind).get("max_pages")
    main = files.get("report") or files.get("letter")
    if limit is None or main is None:
        return []
    if main.pages is None:
        return [
            Problem(
                "212",
                f"the PDF could not be typeset, so its pages cannot be counted "
                f"against the limit of {limit}: {main.pdf_error}",
            )
        ]
    if main.pages > limit:
        return [
            Problem(
                "212",
                f"the report runs to {main.pages} pages; a standard or short "
                f"inspection report has no more than {limit}",
            )
        ]
    return []


_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'})


def _flat(text: str) -> str:
    """``text`` with its whitespace and curly quotes made plain, to compare with PDF text."""
    return " ".join(text.translate(_QUOTES).split())


def _first_page(rec: Record, files: dict[str, Rendered]) -> list[Problem]:
    """Para 205: the graded judgements and the summary are on the first page."""
    main = files.get("report")
    if main is None or main.pdf is None:
        return []
    first = _flat(page_texts(main.pdf)[0])
    spec = structure.kind_spec("inspection-report")
    late = [q["text"] for q in spec["questions"]
            if (answer := rec.text.get(q["id"], "").strip())
            and _flat(answer)[-60:] not in first]  # fmt: skip
    if late:
        return [Problem("205", "the summary runs past the first page; shorten the answer to: "
                        + " ".join(late))]  # fmt: skip
    return []


def _report_text(rec: Record) -> list[Problem]:
    spec = structure.kind_spec("inspection-report")
    out = []
    missing = [q["text"] for q in spec["questions"] if not rec.text.get(q["id"], "").strip()]
    if missing:
        out.append(Problem("205", "the summary does not answer: " + " ".join(missing)))
    if not rec.text.get(structure.CARE_LEAVERS, "").strip():
        out.append(
            Problem(
                "211",
                "the care leavers section is empty: on standard and short "
                "inspections care leavers are always reported",
            )
        )
    if not rec.text.get(spec["children_summary"]["id"], "").strip():
        out.append(
            Problem("202", "the stand-alone summary for children and young people is not written")
        )
    return out


def _proportionate(rec: Record) -> list[Problem]:
    overall = next((j for j in rec.judgements if j.judgement_id == "overall"), None)
    kinds = structure.data()["improvement_kinds"]
    areas = [f for f in rec.findings if f.kind in kinds]
    if overall and overall.grade in structure.data()["needs_areas"] and not areas:
        return [
            Problem(
                "209",
                f"overall effectiveness is {overall.grade_label.lower()} but no area "
                "for improvement is recorded: the findings must name what needs "
                "to improve most",
            )
        ]
    return []


def grade_words(text: str) -> list[str]:
    """Phrases in ``text`` that state or suggest a grade (para 108)."""
    d = structure.data()
    phrases = "|".join(re.escape(p) for p in d["grade_phrases"])
    leads = "|".join(re.escape(p) for p in d["grade_lead_ins"])
    pattern = re.compile(rf"\b(?:{leads})\b(?:\s+\w+){{0,3}}?\s+(?:{phrases})\b", re.I)
    exact = re.compile(r"\brequires improvement to be good\b", re.I)
    return [m.group(0) for m in pattern.finditer(text)] + [m.group(0) for m in exact.finditer(text)]


def _no_grades(rec: Record) -> list[Problem]:
    if rec.judgements:
        return [Problem("108", "the visit has graded judgements recorded; a letter carries none")]
    found = [w for t in rec.text.values() for w in grade_words(t)]
    if found:
        quoted = ", ".join(f"“{w}”" for w in found)
        return [
            Problem(
                "108",
                f"the letter states or suggests a grade ({quoted}); a visit makes "
                "no graded judgement nor says what the grade might have been",
            )
        ]
    return []


def _names(rec: Record, names: name_guard.NameIndex) -> list[Problem]:
    fields = dict(rec.text)
    fields.update({f"finding {i + 1}": f.text for i, f in enumerate(rec.findings)})
    hits = name_guard.check(fields, names)
    return [Problem("191", f"{h.field}: “{h.text}” is {h.reason}") for h in hits]


def check(rec: Record, files: dict[str, Rendered], names: name_guard.NameIndex) -> list[Problem]:
    """Every check the document fails; empty when it may be issued."""
    if rec.kind == "inspection-report":
        problems = _report_text(rec) + _proportionate(rec) + _pages(rec, files)
        problems += _first_page(rec, files)
    else:
        problems = _no_grades(rec)
    return problems + _names(rec, names)
