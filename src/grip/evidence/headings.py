"""The headings evidence is recorded under, for each framework.

ILACS framework (Ofsted 170040) para 182: records of evidence are "clearly linked to the
evaluation criteria headings" — the 17 headings of the three practice and leadership judgements
(paras 239-241). The 2013 single inspection framework and the 2012 child protection framework
have no headings under their judgements; for them the equivalent structure is the judgement
itself (SIF consultation (Ofsted 130168) paras 6-8: key judgements 1-3, graded judgements 2a
and 2b, the LSCB review; CP inspection evaluation schedule (Ofsted 110133): its four
judgements). Overall effectiveness is derived from the others (ILACS para 99), so evidence is
never recorded against it directly.

Refs are the frameworks' stable refs: ``ilacs-2017/help-protection/early-help`` for a heading,
``sif-2013/adoption`` for a judgement standing in for one.
"""

from __future__ import annotations

from dataclasses import dataclass

from grip import frameworks
from grip.frameworks import Framework


@dataclass(frozen=True)
class EvidenceHeading:
    """A heading an entry can evidence, and the judgement it informs."""

    ref: str
    title: str
    judgement_id: str
    judgement_title: str
    citation: str


def evidence_headings(framework: Framework | str) -> list[EvidenceHeading]:
    """The headings of ``framework`` in order: its criteria headings, or, where a judgement
    has none, the judgement itself (never overall effectiveness)."""
    fw = frameworks.load(framework) if isinstance(framework, str) else framework
    out: list[EvidenceHeading] = []
    for judgement in fw.judgements:
        if judgement.kind == "overall":
            continue
        if judgement.headings:
            out.extend(
                EvidenceHeading(h.ref, h.title, judgement.id, judgement.title, h.source.cite())
                for h in judgement.headings
            )
        else:
            out.append(
                EvidenceHeading(
                    f"{fw.id}/{judgement.id}",
                    judgement.title,
                    judgement.id,
                    judgement.title,
                    judgement.source.cite(),
                )
            )
    return out


def heading(framework: Framework | str, ref: str) -> EvidenceHeading:
    """The evidence heading with this ref (KeyError naming the framework otherwise)."""
    for h in evidence_headings(framework):
        if h.ref == ref:
            return h
    fid = framework if isinstance(framework, str) else framework.id
    raise KeyError(f"{ref!r} is not an evidence heading of {fid}")
