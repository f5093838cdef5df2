"""Typed models of an inspection framework: the Python API later capabilities read.

A framework file (``grip/frameworks/data/<id>.yaml``) holds, for one version of an Ofsted
framework: its source documents, its grade scale, its judgements (each with headings, criteria and
grade descriptors), the facts an inspector records, and its judgement rules as data. Every
criterion, descriptor and rule carries a :class:`SourceRef` into a seed document.

Ids are readable slugs. Headings and criteria also get a ``ref``: the stable, globally unique path
``<framework>/<judgement>/<heading>/<criterion>`` (for example
``ilacs-2017/help-protection/early-help``), which the loader fills in; audit templates and
evidence records store these refs.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

Slug = Annotated[str, Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", min_length=1, max_length=80)]
Text = Annotated[str, Field(min_length=1)]


class _Model(BaseModel):
    model_config = ConfigDict(
        frozen=True,
        extra="forbid",
        populate_by_name=True,
        json_schema_serialization_defaults_required=True,
    )


class Document(_Model):
    """A source document (one of the seeds)."""

    id: Slug = Field(description="Grip's id for the document, e.g. ofsted-170040")
    seed: str = Field(pattern=r"^\d{3}$", description="the seed file number, e.g. 002")
    title: Text
    publisher: Text
    published: str = Field(pattern=r"^\d{4}(-\d{2})?$", description="YYYY or YYYY-MM")
    reference: str | None = Field(default=None, description="the publisher's reference number")


class SourceRef(_Model):
    """Where in a source document something comes from: a paragraph, a page, or both."""

    document: Slug = Field(description="id of one of the framework's documents")
    paragraph: str | None = Field(default=None, description="paragraph or section number")
    page: str | None = Field(default=None, description="page or page range")
    section: str | None = Field(default=None, description="the heading it sits under")

    @model_validator(mode="after")
    def _located(self) -> SourceRef:
        if not self.paragraph and not self.page:
            raise ValueError("a source needs a paragraph or a page")
        return self

    def cite(self) -> str:
        """Human citation, e.g. ``ofsted-170040 para 239 (Early help)``."""
        parts = [self.document]
        if self.paragraph:
            parts.append(f"para {self.paragraph}")
        if self.page:
            parts.append(f"p. {self.page}")
        text = " ".join(parts)
        return f"{text} ({self.section})" if self.section else text


class Grade(_Model):
    """One point of a grade scale; scales are listed best first."""

    id: Slug
    label: Text
    number: int | None = Field(default=None, description="the grade number where one is used")


class Criterion(_Model):
    """One evaluation criterion, written in Grip's words, with its source."""

    id: Slug
    ref: str = Field(default="", description="globally unique path, filled in by the loader")
    text: Text
    source: SourceRef


class Heading(_Model):
    """An evaluation-criteria heading and the criteria under it."""

    id: Slug
    ref: str = Field(default="", description="globally unique path, filled in by the loader")
    title: Text
    source: SourceRef
    criteria: list[Criterion] = Field(min_length=1)


class Descriptor(_Model):
    """What a grade means for a judgement, with any listed requirements."""

    grade: Slug
    text: Text
    source: SourceRef
    points: list[Criterion] = Field(default_factory=list)


JudgementKind = Literal["overall", "key", "graded", "review"]


class Judgement(_Model):
    """A graded judgement, with its criteria (under headings or directly) and descriptors."""

    id: Slug
    title: Text
    kind: JudgementKind = Field(
        description="overall effectiveness, a key judgement, a graded (contributory) judgement, "
        "or a standalone review"
    )
    source: SourceRef
    summary: Text = Field(description="what the judgement is about, in Grip's words")
    evaluation_points: list[Criterion] = Field(
        default_factory=list,
        description="what inspectors take into account in making the judgement",
    )
    headings: list[Heading] = Field(default_factory=list)
    criteria: list[Criterion] = Field(
        default_factory=list, description="criteria for 'good' not grouped under headings"
    )
    descriptors: list[Descriptor] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)

    def all_criteria(self) -> list[Criterion]:
        """Every criterion of the judgement: evaluation points, headed, unheaded, descriptor."""
        out = list(self.evaluation_points)
        for heading in self.headings:
            out.extend(heading.criteria)
        out.extend(self.criteria)
        for descriptor in self.descriptors:
            out.extend(descriptor.points)
        return out


class FocusedVisitTopic(_Model):
    """A focused-visit topic and its sub-topics (ILACS para 106)."""

    id: Slug
    title: Text
    subtopics: list[Text] = Field(min_length=1)


class FocusedVisits(_Model):
    """Focused-visit topics and the aspects evaluated on every focused visit."""

    source: SourceRef
    topics: list[FocusedVisitTopic] = Field(min_length=1)
    aspects_source: SourceRef
    aspects: list[Text] = Field(min_length=1)


class Fact(_Model):
    """A yes/no finding the inspector records, on which rules depend."""

    id: Slug
    question: Text
    source: SourceRef


# --- Rule conditions: a tiny, closed language -------------------------------------------------


class FactCondition(_Model):
    """True when the recorded fact has the given value."""

    fact: Slug
    is_: bool = Field(default=True, alias="is")


class GradeCondition(_Model):
    """True when any of the listed judgements has a grade in ``grade_in``."""

    any_judgement: list[Slug] = Field(min_length=1)
    grade_in: list[Slug] = Field(min_length=1)


class AllCondition(_Model):
    """True when every sub-condition is true."""

    all: list[Condition] = Field(min_length=1)


class AnyCondition(_Model):
    """True when at least one sub-condition is true."""

    any: list[Condition] = Field(min_length=1)


class NotCondition(_Model):
    """True when the sub-condition is false."""

    not_: Condition = Field(alias="not")


Condition = FactCondition | GradeCondition | AllCondition | AnyCondition | NotCondition
AllCondition.model_rebuild()
AnyCondition.model_rebuild()
NotCondition.model_rebuild()


class BestFit(_Model):
    """``judgement`` must lie between the worst and the best grade of ``from``."""

    judgement: Slug
    from_: list[Slug] = Field(alias="from", min_length=1)


class Rule(_Model):
    """A judgement rule: ``when`` a condition holds ``then`` judgements are limited to grades;
    or a best-fit range. Every rule cites its paragraph and says why in ``explanation``."""

    id: Slug
    title: Text
    source: SourceRef
    explanation: Text
    when: Condition | None = None
    then: dict[Slug, list[Slug]] | None = None
    best_fit: BestFit | None = None

    @model_validator(mode="after")
    def _one_form(self) -> Rule:
        conditional = self.when is not None and bool(self.then) and self.best_fit is None
        best_fit = self.best_fit is not None and self.when is None and self.then is None
        if not (conditional or best_fit):
            raise ValueError("a rule has either 'when' and 'then', or 'best_fit'")
        return self


class Framework(_Model):
    """One version of an inspection framework."""

    id: Slug
    title: Text
    short_title: Text
    status: Literal["in-force", "superseded"]
    summary: Text
    documents: list[Document] = Field(min_length=1)
    scale: list[Grade] = Field(min_length=2, description="grades, best first")
    scale_source: SourceRef
    judgements: list[Judgement] = Field(min_length=1)
    facts: list[Fact] = Field(default_factory=list)
    rules: list[Rule] = Field(default_factory=list)
    focused_visits: FocusedVisits | None = None

    @model_validator(mode="before")
    @classmethod
    def _fill_refs(cls, data: Any) -> Any:
        # Refs are derived from the ids so that they cannot drift from them.
        if not isinstance(data, dict):
            return data
        fid = data.get("id")
        for judgement in data.get("judgements") or []:
            if not isinstance(judgement, dict):
                continue
            base = f"{fid}/{judgement.get('id')}"
            for heading in judgement.get("headings") or []:
                if isinstance(heading, dict):
                    _set_ref(heading, f"{base}/{heading.get('id')}")
                    for criterion in heading.get("criteria") or []:
                        _set_ref(criterion, f"{base}/{heading.get('id')}/{criterion.get('id')}")
            for key, prefix in (("evaluation_points", "evaluation"), ("criteria", "good")):
                for criterion in judgement.get(key) or []:
                    _set_ref(criterion, f"{base}/{prefix}/{criterion.get('id')}")
            for descriptor in judgement.get("descriptors") or []:
                if isinstance(descriptor, dict):
                    for criterion in descriptor.get("points") or []:
                        _set_ref(
                            criterion, f"{base}/{descriptor.get('grade')}/{criterion.get('id')}"
                        )
        return data

    @model_validator(mode="after")
    def _consistent(self) -> Framework:
        problems: list[str] = []
        docs = {d.id for d in self.documents}
        grades = [g.id for g in self.scale]
        judgements = [j.id for j in self.judgements]
        facts = [f.id for f in self.facts]
        for label, ids in (
            ("grade", grades),
            ("judgement", judgements),
            ("fact", facts),
            ("rule", [r.id for r in self.rules]),
            ("ref", [c.ref for c in self.iter_criteria()] + [h.ref for h in self.iter_headings()]),
        ):
            dupes = sorted({i for i in ids if ids.count(i) > 1})
            if dupes:
                problems.append(f"duplicate {label} ids: {', '.join(dupes)}")
        for where, source in self.iter_sources():
            if source.document not in docs:
                problems.append(
                    f"{where}: source document {source.document!r} is not one of {sorted(docs)}"
                )
        for judgement in self.judgements:
            for descriptor in judgement.descriptors:
                if descriptor.grade not in grades:
                    problems.append(
                        f"judgement {judgement.id}: descriptor grade {descriptor.grade!r} "
                        f"is not on the scale {grades}"
                    )
        for rule in self.rules:
            problems.extend(_check_rule(rule, grades, judgements, facts))
        if problems:
            raise ValueError("; ".join(problems))
        return self

    # --- navigation ---------------------------------------------------------------------------

    def judgement(self, judgement_id: str) -> Judgement:
        """The judgement with this id (KeyError naming the known ids otherwise)."""
        for judgement in self.judgements:
            if judgement.id == judgement_id:
                return judgement
        raise KeyError(
            f"{self.id} has no judgement {judgement_id!r}; its judgements are "
            f"{', '.join(j.id for j in self.judgements)}"
        )

    def grade(self, grade_id: str) -> Grade:
        """The grade with this id."""
        for grade in self.scale:
            if grade.id == grade_id:
                return grade
        raise KeyError(
            f"{grade_id!r} is not a grade of {self.id}; its scale is "
            f"{', '.join(g.id for g in self.scale)}"
        )

    def iter_headings(self) -> list[Heading]:
        """Every heading, in order."""
        return [h for j in self.judgements for h in j.headings]

    def iter_criteria(self) -> list[Criterion]:
        """Every criterion of every judgement, in order."""
        return [c for j in self.judgements for c in j.all_criteria()]

    def criterion(self, ref: str) -> Criterion | Heading:
        """The heading or criterion with this ref."""
        for heading in self.iter_headings():
            if heading.ref == ref:
                return heading
        for criterion in self.iter_criteria():
            if criterion.ref == ref:
                return criterion
        raise KeyError(f"{self.id} has no heading or criterion {ref!r}")

    def iter_sources(self) -> list[tuple[str, SourceRef]]:
        """Every source reference, with a description of where it is used."""
        out: list[tuple[str, SourceRef]] = [("scale", self.scale_source)]
        for j in self.judgements:
            out.append((f"judgement {j.id}", j.source))
            out.extend((f"heading {h.ref}", h.source) for h in j.headings)
            out.extend((f"criterion {c.ref}", c.source) for c in j.all_criteria())
            out.extend((f"descriptor {j.id}/{d.grade}", d.source) for d in j.descriptors)
        out.extend((f"fact {f.id}", f.source) for f in self.facts)
        out.extend((f"rule {r.id}", r.source) for r in self.rules)
        if self.focused_visits:
            out.append(("focused visits", self.focused_visits.source))
            out.append(("focused visits aspects", self.focused_visits.aspects_source))
        return out


def _set_ref(item: Any, ref: str) -> None:
    if not isinstance(item, dict):
        return
    given = item.get("ref")
    if given and given != ref:
        raise ValueError(f"ref {given!r} does not match its position (expected {ref!r})")
    item["ref"] = ref


def condition_vars(condition: Condition) -> tuple[set[str], set[str]]:
    """The judgements and the facts a condition reads."""
    if isinstance(condition, FactCondition):
        return set(), {condition.fact}
    if isinstance(condition, GradeCondition):
        return set(condition.any_judgement), set()
    if isinstance(condition, NotCondition):
        return condition_vars(condition.not_)
    subs = condition.all if isinstance(condition, AllCondition) else condition.any
    judgements: set[str] = set()
    facts: set[str] = set()
    for sub in subs:
        j, f = condition_vars(sub)
        judgements |= j
        facts |= f
    return judgements, facts


def _check_rule(
    rule: Rule, grades: list[str], judgements: list[str], facts: list[str]
) -> list[str]:
    problems: list[str] = []
    read_j: set[str] = set()
    read_f: set[str] = set()
    limited: dict[str, list[str]] = {}
    if rule.when is not None:
        read_j, read_f = condition_vars(rule.when)
        _collect_grades(rule.when, problems, grades, rule.id)
        limited = dict(rule.then or {})
    if rule.best_fit is not None:
        read_j = set(rule.best_fit.from_) | {rule.best_fit.judgement}
    for j in sorted(read_j | set(limited)):
        if j not in judgements:
            problems.append(f"rule {rule.id}: unknown judgement {j!r} (known: {judgements})")
    for f in sorted(read_f):
        if f not in facts:
            problems.append(f"rule {rule.id}: unknown fact {f!r} (known: {facts})")
    for j, allowed in limited.items():
        for g in allowed:
            if g not in grades:
                problems.append(f"rule {rule.id}: {j} limited to unknown grade {g!r}")
    return problems


def _collect_grades(condition: Condition, problems: list[str], grades: list[str], rid: str) -> None:
    if isinstance(condition, GradeCondition):
        for g in condition.grade_in:
            if g not in grades:
                problems.append(f"rule {rid}: condition names unknown grade {g!r}")
    elif isinstance(condition, NotCondition):
        _collect_grades(condition.not_, problems, grades, rid)
    elif isinstance(condition, AllCondition | AnyCondition):
        subs = condition.all if isinstance(condition, AllCondition) else condition.any
        for sub in subs:
            _collect_grades(sub, problems, grades, rid)
