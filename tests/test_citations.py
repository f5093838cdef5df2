"""Citations a reader can follow: no source named by a team-internal nickname.

Code, page templates, data files and docs cite documents by their real titles and numbers
("ILACS framework (Ofsted 170040) para 249"), never by our file names or work-item numbers,
which mean nothing outside the team (docs/sources.md lists the documents).
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NICKNAME = re.compile(r"\bseed[ _-]?00\d\b|\bseeds/00\d|\bissue \d+\b", re.IGNORECASE)
TEXT = {".py", ".html", ".yaml", ".yml", ".md", ".js", ".txt", ".toml"}


def _files() -> list[Path]:
    roots = [ROOT / "src", ROOT / "docs", ROOT / "bench", ROOT / "README.md"]
    out: list[Path] = []
    for r in roots:
        out += [r] if r.is_file() else [p for p in r.rglob("*") if p.suffix in TEXT]
    return out


def nicknames(text: str) -> list[str]:
    """The nicknames in ``text``."""
    return NICKNAME.findall(text)


def test_the_pattern_catches_nicknames() -> None:
    assert nicknames("see seed 002 para 249 and Issue 4 §6") == ["seed 002", "Issue 4"]
    assert nicknames("ILACS framework (Ofsted 170040) para 249") == []


def test_no_source_is_cited_by_a_nickname() -> None:
    found = [
        f"{p.relative_to(ROOT)}:{n}: {m}"
        for p in _files()
        for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
        for m in nicknames(line)
    ]
    assert found == []
