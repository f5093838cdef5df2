"""How easy the children's summary is to read (ILACS framework (Ofsted 170040) para 202: a
summary written for children and young people; para 204: clear, straightforward language, free
of jargon), measured with textstat and shown to the author."""

from __future__ import annotations

from dataclasses import dataclass

import textstat

from grip.reports import structure


@dataclass(frozen=True)
class Readability:
    """The Flesch reading ease (higher is easier; 60 and over is plain English), the
    Flesch-Kincaid grade (US school grade) and whether the text meets the target."""

    reading_ease: float
    grade: float
    target: float
    words: int

    @property
    def meets_target(self) -> bool:
        """Whether the text is at least as easy as the target."""
        return self.reading_ease >= self.target

    @property
    def reading_age(self) -> int:
        """The grade as a reading age in years (US grade + 5), never under 5."""
        return max(5, round(self.grade) + 5)


def score(text: str) -> Readability | None:
    """The text's readability, or ``None`` when there is no text to score."""
    if not text.strip():
        return None
    target = float(structure.data()["readability"]["target_reading_ease"])
    return Readability(
        reading_ease=float(textstat.flesch_reading_ease(text)),
        grade=float(textstat.flesch_kincaid_grade(text)),
        target=target,
        words=int(textstat.lexicon_count(text)),
    )
