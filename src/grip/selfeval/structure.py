"""The self-evaluation's structure as versioned data (``structure.yaml``): the three
questions of ILACS framework (Ofsted 170040) para 33, the judgement areas, the principles of
para 36, the prompts of para 37 and the meeting rules of paras 42, 46 and 48."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import yaml


@dataclass(frozen=True)
class Area:
    """A judgement area and the measure areas that evidence it."""

    id: str
    title: str
    measure_areas: tuple[str, ...]
    #: Whose case audits evidence the area: ``in_care``, ``not_in_care`` or ``all``.
    audit_cohort: str = "all"


@dataclass(frozen=True)
class Structure:
    """The whole ``structure.yaml``."""

    version: int
    questions: dict[str, str]
    areas: tuple[Area, ...]
    principles: dict[str, str]
    prompts: tuple[str, ...]
    meeting: dict[str, Any]


COHORTS = ("in_care", "not_in_care", "all")


def _area(raw: dict[str, Any]) -> Area:
    cohort = raw["audit_cohort"]
    if cohort not in COHORTS:
        raise ValueError(f"area {raw['id']}: audit_cohort {cohort!r} is not one of {COHORTS}")
    return Area(raw["id"], raw["title"], tuple(raw["measure_areas"]), cohort)


@cache
def load_structure() -> Structure:
    """The structure, validated enough that a bad edit fails at load with the key named."""
    raw = yaml.safe_load(resources.files("grip.selfeval").joinpath("structure.yaml").read_text())
    try:
        questions = {q["id"]: q["text"] for q in raw["questions"]}
        if list(questions) != ["know", "how", "plans"]:
            raise ValueError(f"questions must be know, how, plans (para 33), got {list(questions)}")
        return Structure(
            version=int(raw["version"]),
            questions=questions,
            areas=tuple(_area(a) for a in raw["areas"]),
            principles={p["id"]: p["text"] for p in raw["principles"]},
            prompts=tuple(raw["prompts"]),
            meeting=dict(raw["meeting"]),
        )
    except KeyError as exc:
        raise ValueError(f"selfeval structure.yaml: missing key {exc}") from exc
