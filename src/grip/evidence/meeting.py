"""The judgement meeting's check: the framework's rule engine over the proposed grades, the
evidence behind each, and the grade descriptors to weigh them against.

ILACS framework (Ofsted 170040) paras 193-194: the team meets to agree judgements, weighing the
evidence against the evaluation criteria by best fit; para 187: "all findings must be supported
by the electronic evidence record". The rules themselves (paras 96-101, 238-241; SIF
consultation (Ofsted 130168) paras 6-7, 13; CP inspection evaluation schedule (Ofsted 110133))
live in the frameworks' data and are evaluated by ``grip.frameworks.engine``: this module only
asks the engine and adds the evidence requirement, so there is one place the rules are read.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from grip import frameworks
from grip.frameworks import Evaluation, Framework, SourceRef

#: How Grip cites its source documents (team convention: real titles and paragraph numbers).
DOCUMENT_NAMES = {
    "ofsted-170040": "ILACS framework (Ofsted 170040)",
    "ofsted-130168": "SIF consultation (Ofsted 130168)",
    "ofsted-110133": "CP inspection evaluation schedule (Ofsted 110133)",
}

EVIDENCE_RULE = "ILACS framework (Ofsted 170040) para 187"


def cite(source: SourceRef) -> str:
    """A source as Grip cites it, e.g. "ILACS framework (Ofsted 170040) para 101"."""
    name = DOCUMENT_NAMES.get(source.document, source.document)
    where = f"para {source.paragraph}" if source.paragraph else f"p. {source.page}"
    return f"{name} {where}"


@dataclass(frozen=True)
class DescriptorView:
    """A grade descriptor shown beside the evidence: the proposed grade, or one either side."""

    grade: str
    label: str
    relation: str  # "proposed" | "next better" | "next worse"
    text: str
    citation: str


@dataclass(frozen=True)
class MeetingCheck:
    """The verdict on a set of proposed judgements, and what stands in the way of confirming."""

    framework_id: str
    evaluation: Evaluation
    problems: list[str] = field(default_factory=list)

    @property
    def can_confirm(self) -> bool:
        """Whether the grades may be confirmed: every rule kept, every judgement evidenced."""
        return not self.problems


def graded_judgements(framework: Framework) -> list[str]:
    """The judgements a meeting grades (all of the framework's, overall included)."""
    return [j.id for j in framework.judgements]


def check_meeting(
    framework: Framework | str,
    grades: Mapping[str, str],
    facts: Mapping[str, bool] | None = None,
    support: Mapping[str, Sequence[str]] | None = None,
) -> MeetingCheck:
    """Check proposed ``grades`` (judgement -> grade id), the recorded ``facts`` and the
    evidence entries cited in ``support`` (judgement -> entry ids). Every rule broken and every
    fact or grade still missing is a problem naming its paragraph; so is a graded judgement
    (other than overall effectiveness, which is derived, ILACS para 99) with no evidence."""
    fw = frameworks.load(framework) if isinstance(framework, str) else framework
    support = support or {}
    evaluation = frameworks.evaluate(fw, dict(grades), dict(facts or {}))
    by_id = {r.id: r for r in fw.rules}
    problems: list[str] = []
    if evaluation.status == "violation":
        for outcome in evaluation.rules:
            if outcome.state == "broken":
                where = cite(by_id[outcome.rule_id].source)
                problems.append(f"{outcome.title} ({where}): {outcome.message}")
        if not problems:
            problems.extend(evaluation.reasons)
    elif evaluation.status == "incomplete":
        problems.extend(_missing(fw, evaluation))
    for j in fw.judgements:
        if j.kind != "overall" and j.id in grades and not support.get(j.id):
            problems.append(
                f"{j.title}: no evidence entry supports the proposed grade; all findings must "
                f"be supported by the evidence record ({EVIDENCE_RULE})"
            )
    return MeetingCheck(fw.id, evaluation, problems)


def _missing(fw: Framework, evaluation: Evaluation) -> list[str]:
    out = []
    for jid in evaluation.missing_judgements:
        out.append(f"{fw.judgement(jid).title}: not yet graded ({cite(fw.judgement(jid).source)})")
    facts = {f.id: f for f in fw.facts}
    for fid in evaluation.missing_facts:
        fact = facts[fid]
        out.append(f"record the finding: {fact.question} ({cite(fact.source)})")
    return out


def descriptors_around(
    framework: Framework | str, judgement_id: str, grade: str
) -> list[DescriptorView]:
    """The descriptors for ``grade`` and for the grades either side of it, where the framework
    has them (the SIF gives only "good" for leadership; Grip does not invent the others)."""
    fw = frameworks.load(framework) if isinstance(framework, str) else framework
    judgement = fw.judgement(judgement_id)
    scale = [g.id for g in fw.scale]
    if grade not in scale:
        raise KeyError(f"{grade!r} is not a grade of {fw.id}; its scale is {', '.join(scale)}")
    i = scale.index(grade)
    wanted = {grade: "proposed"}
    if i > 0:
        wanted[scale[i - 1]] = "next better"
    if i + 1 < len(scale):
        wanted[scale[i + 1]] = "next worse"
    out = []
    for d in judgement.descriptors:
        if d.grade in wanted:
            text = d.text + "".join(f" {p.text}" for p in d.points)
            out.append(
                DescriptorView(
                    d.grade, fw.grade(d.grade).label, wanted[d.grade], text, cite(d.source)
                )
            )
    order = {"next better": 0, "proposed": 1, "next worse": 2}
    return sorted(out, key=lambda v: order[v.relation])
