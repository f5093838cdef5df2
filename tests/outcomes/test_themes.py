"""Themes (Kent SIF outcomes mapping (Dec 2014) §3–4) and evaluation headings, with evidence."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from grip import frameworks
from grip.outcomes.extract import flatten
from grip.outcomes.pdf import read_pdf
from grip.outcomes.themes import find_evidence, library, polarity

from .reports import reports_dir


def test_every_theme_cites_its_section_of_the_kent_paper() -> None:
    lib = library()
    assert len(lib.themes) >= 15
    assert len({t.id for t in lib.themes}) == len(lib.themes)
    for theme in lib.themes:
        assert theme.section[0] in "34", theme.id


def test_polarity_reads_the_wording() -> None:
    assert polarity("Management oversight is not consistently evident on case files.") == "weakness"
    assert polarity("Robust management oversight ensures timely decisions.") == "strength"
    assert polarity("Referrals are responded to without delay and thoroughly.") == "strength"


def _pages_without_running_lines(pages: list[str]) -> list[str]:
    # Running headers and footers (a line on three or more pages) interrupt sentences that run
    # across them; the page's own text is everything else.
    seen = Counter(line.strip() for page in pages for line in set(page.splitlines()))
    return [
        flatten("\n".join(ln for ln in page.splitlines() if seen[ln.strip()] < 3 or not ln.strip()))
        for page in pages
    ]


def _evidence_of(name: str, framework: str) -> tuple[list[str], list[object]]:
    pages = read_pdf(reports_dir() / name)
    return pages, list(find_evidence(pages, framework))


def test_evidence_sentences_come_from_the_page_of_the_report_they_cite() -> None:
    for name, fw in [
        ("havering-2016-12-09.pdf", "sif-2013"),
        ("bexley-2023-03-24.pdf", "ilacs-2023"),
    ]:
        pages, evidence = _evidence_of(name, fw)
        assert len(evidence) > 40
        flat = _pages_without_running_lines(pages)
        for ev in evidence:
            assert ev.sentence in flat[ev.page - 1], (name, ev.page, ev.sentence)  # type: ignore[attr-defined]


def test_theme_evidence_carries_its_terms_and_headings_are_the_frameworks() -> None:
    _pages, evidence = _evidence_of("havering-2016-12-09.pdf", "sif-2013")
    themes = {t.id: t for t in library().themes}
    refs = {h.ref for h in frameworks.load("sif-2013").iter_headings()}
    for ev in evidence:
        if ev.kind == "theme":  # type: ignore[attr-defined]
            assert themes[ev.key].terms.search(ev.sentence)  # type: ignore[attr-defined]
        else:
            assert ev.key in refs  # type: ignore[attr-defined]
    iro = [ev for ev in evidence if ev.key == "iro-and-chair-challenge"]  # type: ignore[attr-defined]
    assert any("not consistent or effective" in ev.sentence for ev in iro)  # type: ignore[attr-defined]


def test_a_report_without_sentences_has_no_evidence(tmp_path: Path) -> None:
    assert find_evidence(["", "Judgement Grade"], "ilacs-2017") == []
