"""Word search across frameworks: judgements, headings, criteria, descriptors, rules."""

from __future__ import annotations

import re
from dataclasses import dataclass

from grip.frameworks.loader import list_frameworks
from grip.frameworks.models import Framework


@dataclass(frozen=True)
class SearchHit:
    """One matching item."""

    framework_id: str
    kind: str
    ref: str
    title: str
    text: str
    citation: str


def _items(framework: Framework) -> list[SearchHit]:
    fid = framework.id
    out: list[SearchHit] = []
    for j in framework.judgements:
        out.append(
            SearchHit(fid, "judgement", f"{fid}/{j.id}", j.title, j.summary, j.source.cite())
        )
        for h in j.headings:
            out.append(SearchHit(fid, "heading", h.ref, h.title, "", h.source.cite()))
        for c in j.all_criteria():
            out.append(SearchHit(fid, "criterion", c.ref, "", c.text, c.source.cite()))
        for d in j.descriptors:
            out.append(
                SearchHit(
                    fid, "descriptor", f"{fid}/{j.id}/{d.grade}", j.title, d.text, d.source.cite()
                )
            )
    for r in framework.rules:
        out.append(
            SearchHit(fid, "rule", f"{fid}/rules/{r.id}", r.title, r.explanation, r.source.cite())
        )
    return out


def search(words: str, framework_ids: list[str] | None = None) -> list[SearchHit]:
    """Items containing every word (case-insensitive, word prefixes), in framework order."""
    terms = [t for t in re.findall(r"\w+", words.lower()) if t]
    if not terms:
        return []
    patterns = [re.compile(rf"\b{re.escape(t)}", re.IGNORECASE) for t in terms]
    hits: list[SearchHit] = []
    for framework in list_frameworks():
        if framework_ids and framework.id not in framework_ids:
            continue
        for item in _items(framework):
            haystack = f"{item.title} {item.text}"
            if all(p.search(haystack) for p in patterns):
                hits.append(item)
    return hits
