"""Audit templates as data: the YAML files in ``grip/audits/templates/`` plus one template
generated from the ILACS 2017 evaluation-criteria headings.

A template is a list of graded sections, each with questions answered yes / partly / no / not
applicable with evidence, plus the worker's reflection sheet and the family questionnaire (seed
004 App. 1 §1.3, §2c, §2d). Every section and the audit as a whole is graded on Ofsted's
four-point scale with reasons required (Southwark QA framework 2015, appendix 1 §4 "comments and
reasons for judgement"; ILACS framework (Ofsted 170040) para 97 for the scale).

Multi-agency templates list their agencies; each agency gets its own copy of the agency
questions as a section, and the joint grading discussion follows (Southwark QA framework 2015, §3
MACA).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Annotated, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

TEMPLATES_DIR = Path(__file__).with_name("templates")
ILACS_TEMPLATE_ID = "ilacs-2017-headings"

#: Answers to an audit question, in display order.
ANSWERS: dict[str, str] = {
    "yes": "Yes",
    "partly": "Partly",
    "no": "No",
    "not_applicable": "Not applicable",
}
#: Ofsted's four-point scale, best first (ILACS framework (Ofsted 170040) para 97; Southwark QA
#: framework 2015, appendix 1 §5).
GRADES: dict[str, str] = {
    "outstanding": "Outstanding",
    "good": "Good",
    "requires_improvement": "Requires improvement",
    "inadequate": "Inadequate",
}
#: Answers on the family questionnaire's agreement scale (Southwark QA framework 2015, appendix 1
#: §2d).
AGREEMENT: dict[str, str] = {
    "yes": "Yes",
    "partly": "Partly",
    "no": "No",
    "not_sure": "Not sure",
}

Slug = Annotated[str, Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", min_length=1, max_length=60)]
Kind = Literal["single_case", "ilacs", "thematic", "multi_agency"]


class TemplateError(ValueError):
    """A template file is invalid; the message names the file and the place."""


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Question(_Model):
    """One audit question, answered yes / partly / no / not applicable with evidence."""

    id: Slug
    text: str = Field(min_length=1)
    hint: str | None = None
    source: str | None = None


class Section(_Model):
    """A graded section of questions."""

    id: Slug
    title: str = Field(min_length=1)
    source: str = Field(min_length=1)
    questions: list[Question] = Field(min_length=1)
    agency: str | None = Field(default=None, description="the agency, in a multi-agency audit")

    @model_validator(mode="after")
    def _unique(self) -> Section:
        ids = [q.id for q in self.questions]
        dup = sorted({i for i in ids if ids.count(i) > 1})
        if dup:
            raise ValueError(f"section {self.id}: question ids repeat: {', '.join(dup)}")
        return self


class FreeQuestion(_Model):
    """A reflection-sheet or family-questionnaire question: free text or a scale answer."""

    id: Slug
    text: str = Field(min_length=1)
    scale: Literal["agreement"] | None = None


class Sheet(_Model):
    """The reflection sheet or the family questionnaire."""

    source: str = Field(min_length=1)
    questions: list[FreeQuestion] = Field(min_length=1)


class Agency(_Model):
    """An agency taking part in a multi-agency audit."""

    id: Slug
    title: str = Field(min_length=1)


class Template(_Model):
    """An audit template (validated; multi-agency sections already expanded)."""

    id: Slug
    version: int = Field(ge=1)
    title: str = Field(min_length=1)
    kind: Kind
    summary: str = Field(min_length=1)
    source: str = Field(min_length=1)
    period_months: int = Field(default=12, ge=1, le=36)
    theme_required: bool = False
    sections: list[Section] = Field(min_length=1)
    reflection: Sheet
    family: Sheet
    agencies: list[Agency] = Field(default_factory=list)

    @model_validator(mode="after")
    def _unique_sections(self) -> Template:
        ids = [s.id for s in self.sections]
        dup = sorted({i for i in ids if ids.count(i) > 1})
        if dup:
            raise ValueError(f"section ids repeat: {', '.join(dup)}")
        return self

    def section(self, section_id: str) -> Section:
        """The section with this id (``KeyError`` naming the choices otherwise)."""
        for s in self.sections:
            if s.id == section_id:
                return s
        raise KeyError(f"template {self.id} has no section {section_id!r}")

    def question_keys(self) -> list[str]:
        """Every question's key ``<section>.<question>``, in form order."""
        return [f"{s.id}.{q.id}" for s in self.sections for q in s.questions]

    def section_ids(self) -> list[str]:
        """Every section id, in form order."""
        return [s.id for s in self.sections]


class _AgencyQuestions(_Model):
    source: str
    questions: list[Question] = Field(min_length=1)


class _TemplateFile(_Model):
    """The YAML file as written (multi-agency sections not yet expanded)."""

    id: Slug
    version: int = Field(ge=1)
    title: str
    kind: Kind
    summary: str
    source: str
    period_months: int = 12
    theme_required: bool = False
    sections: list[Section] = Field(min_length=1)
    reflection: Sheet
    family: Sheet
    agencies: list[Agency] = Field(default_factory=list)
    agency_questions: _AgencyQuestions | None = None

    @model_validator(mode="after")
    def _agencies(self) -> _TemplateFile:
        if self.kind == "multi_agency" and (not self.agencies or self.agency_questions is None):
            raise ValueError("a multi_agency template needs 'agencies' and 'agency_questions'")
        if self.kind != "multi_agency" and (self.agencies or self.agency_questions):
            raise ValueError("only a multi_agency template lists agencies")
        return self

    def expand(self) -> Template:
        sections: list[Section] = []
        if self.agency_questions is not None:
            for agency in self.agencies:
                sections.append(
                    Section(
                        id=f"agency-{agency.id}",
                        title=agency.title,
                        source=self.agency_questions.source,
                        questions=self.agency_questions.questions,
                        agency=agency.id,
                    )
                )
        sections.extend(self.sections)
        return Template(
            id=self.id,
            version=self.version,
            title=self.title,
            kind=self.kind,
            summary=self.summary,
            source=self.source,
            period_months=self.period_months,
            theme_required=self.theme_required,
            sections=sections,
            reflection=self.reflection,
            family=self.family,
            agencies=self.agencies,
        )


def parse_template(path: Path) -> Template:
    """Read and validate one template file; errors name the file, the place and the value."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise TemplateError(f"{path}: cannot read the file: {exc}") from exc
    except yaml.YAMLError as exc:
        raise TemplateError(f"{path}: invalid YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise TemplateError(f"{path}: expected a mapping at the top of the file, found {data!r}")
    try:
        raw = _TemplateFile.model_validate(data)
        template = raw.expand()
    except ValidationError as exc:
        err = exc.errors()[0]
        where = "/".join(str(p) for p in err["loc"])
        raise TemplateError(
            f"{path}: at {where or 'top level'}: {err['msg']} (found {err.get('input')!r:.120})"
        ) from exc
    if template.id != path.stem:
        raise TemplateError(f"{path}: the id {template.id!r} must match the file name")
    return template


def ilacs_template() -> Template:
    """A case audit with one section per ILACS 2017 evaluation-criteria heading (17 headings,
    ILACS framework (Ofsted 170040) paras 60, 239–241): each heading's criteria become its
    questions."""
    from grip import frameworks

    framework = frameworks.load("ilacs-2017")
    sections: list[Section] = []
    for judgement in framework.judgements:
        for heading in judgement.headings:
            sections.append(
                Section(
                    id=heading.id
                    if heading.id not in {s.id for s in sections}
                    # Two judgements both have a "participation" heading: keep ids unique.
                    else f"{judgement.id}-{heading.id}",
                    title=f"{heading.title} ({judgement.title})",
                    source=heading.source.cite(),
                    questions=[
                        Question(id=c.id, text=c.text, source=c.source.cite())
                        for c in heading.criteria
                    ],
                )
            )
    single = load_template("single-case-2015")
    return Template(
        id=ILACS_TEMPLATE_ID,
        version=1,
        title="Case audit against the ILACS headings",
        kind="ilacs",
        summary=(
            "A case audit under the 17 headings inspectors record their evidence against, so the "
            "LA's own evaluation can be compared with the inspectors' "
            "(ILACS framework (Ofsted 170040) paras 59, 147)."
        ),
        source="ILACS framework (Ofsted 170040) paras 60, 239-241 (framework ilacs-2017)",
        period_months=12,
        sections=sections,
        reflection=single.reflection,
        family=single.family,
    )


def template_ids() -> list[str]:
    """Ids of every template: the files, then the generated ILACS template."""
    return [*sorted(p.stem for p in TEMPLATES_DIR.glob("*.yaml")), ILACS_TEMPLATE_ID]


@cache
def load_template(template_id: str) -> Template:
    """The template with this id, validated (``KeyError`` naming the choices otherwise)."""
    if template_id == ILACS_TEMPLATE_ID:
        return ilacs_template()
    path = TEMPLATES_DIR / f"{template_id}.yaml"
    if template_id not in template_ids():
        raise KeyError(
            f"no audit template {template_id!r}; the templates are {', '.join(template_ids())}"
        )
    return parse_template(path)


def all_templates() -> list[Template]:
    """Every template, in id order."""
    return [load_template(t) for t in template_ids()]
