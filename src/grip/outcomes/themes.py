"""Themes: which sentences of a report carry each theme and evaluation heading.

The theme library (``data/themes.yaml``) holds the themes of Kent SIF outcomes mapping (Dec 2014)
§3–4 with the terms that carry them. scikit-learn does the term weighting: each report's
sentences and each theme's (or heading's) text are TF-IDF vectors, and a sentence's cosine
similarity to a theme ranks it. A theme's evidence must also contain one of its terms, so a
number on a page always rests on sentences a reader can check; no model is downloaded.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from grip import frameworks
from grip.outcomes.extract import flatten

THEMES_PATH = Path(str(resources.files("grip.outcomes") / "data" / "themes.yaml"))
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9‘'\"(])")
_PARA_NUMBER = re.compile(r"^\d{1,3}\.\s+")


@dataclass(frozen=True)
class Theme:
    """One theme of the library."""

    id: str
    title: str
    section: str
    terms: re.Pattern[str]
    query: str


@dataclass(frozen=True)
class Library:
    """The theme library and its settings."""

    themes: list[Theme]
    weakness: re.Pattern[str]
    not_weakness: re.Pattern[str]
    strength: re.Pattern[str]
    settings: dict[str, Any]


@dataclass(frozen=True)
class Evidence:
    """A sentence that carries a theme (``kind`` "theme") or heading ("heading")."""

    kind: str
    key: str
    page: int
    polarity: str
    score: float
    sentence: str


def _words(patterns: list[str]) -> re.Pattern[str]:
    return re.compile(r"\b(?:" + "|".join(patterns) + r")", re.IGNORECASE)


@cache
def library() -> Library:
    """The shipped theme library."""
    data = yaml.safe_load(THEMES_PATH.read_text(encoding="utf-8"))
    themes = [
        Theme(
            id=t["id"],
            title=t["title"],
            section=t["section"],
            terms=_words(t["terms"]),
            query=" ".join([t["title"], *(re.sub(r"[^A-Za-z' ]+", " ", x) for x in t["terms"])]),
        )
        for t in data["themes"]
    ]
    return Library(
        themes=themes,
        weakness=_words([rf"{c}\b" for c in data["cues"]["weakness"]]),
        not_weakness=_words([rf"{c}\b" for c in data["cues"]["not_weakness"]]),
        strength=_words([rf"{c}\b" for c in data["cues"]["strength"]]),
        settings={k: v for k, v in data.items() if k not in {"themes", "cues"}},
    )


def sentences(pages: list[str]) -> list[tuple[int, str]]:
    """The report's sentences with their page numbers, without running headers and footers
    (lines that recur on three or more pages)."""
    counts = Counter(line.strip() for page in pages for line in set(page.splitlines()))
    repeated = {line for line, n in counts.items() if n >= 3 and line}
    lib = library().settings
    out: list[tuple[int, str]] = []
    for number, page in enumerate(pages, start=1):
        body = flatten("\n".join(ln for ln in page.splitlines() if ln.strip() not in repeated))
        for raw in _SENTENCE_END.split(body):
            text = _PARA_NUMBER.sub("", raw.strip())
            if lib["sentence_min_chars"] <= len(text) <= lib["sentence_max_chars"]:
                out.append((number, text))
    return out


def polarity(sentence: str) -> str:
    """ "weakness" when the sentence uses a weakness cue, else "strength" when it uses a
    strength cue, else "neutral"."""
    lib = library()
    if lib.weakness.search(lib.not_weakness.sub(" ", sentence)):
        return "weakness"
    return "strength" if lib.strength.search(sentence) else "neutral"


def _similarities(texts: list[str], queries: list[str]) -> Any:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.metrics.pairwise import cosine_similarity

    vectoriser = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, stop_words="english")
    matrix = vectoriser.fit_transform(texts + queries)
    return cosine_similarity(matrix[: len(texts)], matrix[len(texts) :])


def _heading_docs(framework_id: str) -> list[tuple[str, str]]:
    if framework_id not in frameworks.framework_ids():
        return []
    fw = frameworks.load(framework_id)
    return [(h.ref, " ".join([h.title, *(c.text for c in h.criteria)])) for h in fw.iter_headings()]


def find_evidence(pages: list[str], framework_id: str) -> list[Evidence]:
    """The sentences of a report carrying each theme and each of its framework's headings."""
    lib = library()
    found = sentences(pages)
    if not found:
        return []
    texts = [s for _, s in found]
    headings = _heading_docs(framework_id)
    sims = _similarities(texts, [t.query for t in lib.themes] + [d for _, d in headings])
    out: list[Evidence] = []
    for col, theme in enumerate(lib.themes):
        ranked = sorted(
            (i for i, s in enumerate(texts) if theme.terms.search(s)),
            key=lambda i: (-sims[i, col], i),
        )
        picked = [i for i in ranked if sims[i, col] >= lib.settings["min_score"]]
        for i in picked[: lib.settings["evidence_per_report"]]:
            page, text = found[i]
            out.append(Evidence("theme", theme.id, page, polarity(text), float(sims[i, col]), text))
    out.extend(_heading_evidence(found, sims[:, len(lib.themes) :], headings))
    return out


def _heading_evidence(
    found: list[tuple[int, str]], sims: Any, headings: list[tuple[str, str]]
) -> list[Evidence]:
    """Each sentence goes to the heading it is most like, when similar enough."""
    if not headings:
        return []
    settings = library().settings
    best = sims.argmax(axis=1)
    out: list[Evidence] = []
    for col, (ref, _) in enumerate(headings):
        rows = [i for i in range(len(found)) if best[i] == col]
        rows = [i for i in rows if sims[i, col] >= settings["heading_min_score"]]
        rows.sort(key=lambda i: (-sims[i, col], i))
        for i in rows[: settings["headings_per_report"]]:
            page, text = found[i]
            out.append(Evidence("heading", ref, page, "", float(sims[i, col]), text))
    return out
