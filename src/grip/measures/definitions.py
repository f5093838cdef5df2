"""Measure definitions as data: load and validate ``definitions.yaml``.

The YAML file is the specification an analyst checks line by line; this module only validates it
and expands banded and categorised measures into one measure per band or code, so the engine, the
pack and ``docs/measures.md`` all work from the same list.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

DEFINITIONS_PATH = Path(__file__).with_name("definitions.yaml")

Unit = Literal["count", "percent", "per_10k", "average_days", "average"]
Polarity = Literal["higher_is_better", "lower_is_better", "neither"]
RuleKind = Literal[
    "working_days", "calendar_months", "calendar_days", "la_standard", "reg28", "none"
]


class DefinitionError(ValueError):
    """The definitions file is invalid; the message names the file, the measure and the field."""


class Rule(BaseModel):
    """The timescale rule a measure applies."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: RuleKind
    n: int | None = Field(default=None, ge=0)
    setting: Literal["cp_visit_working_days", "cin_visit_working_days"] | None = None

    @model_validator(mode="after")
    def _setting_for_local(self) -> Rule:
        if self.kind == "la_standard" and self.setting is None:
            raise ValueError("rule kind la_standard needs 'setting'")
        return self

    def describe(self) -> str:
        """The rule in words, for the docs and the pack."""
        match self.kind:
            case "working_days":
                return (
                    f"{self.n} working days (Mon-Fri less England bank holidays)"
                    if self.n is not None
                    else "working days (Mon-Fri less England bank holidays)"
                )
            case "calendar_months":
                return f"{self.n} calendar months (same day-of-month, clamped to month end)"
            case "calendar_days":
                return f"{self.n} calendar days" if self.n is not None else "calendar days"
            case "la_standard":
                return f"LA-local standard in working days (setting {self.setting})"
            case "reg28":
                return "Care Planning regs 2010 reg 28(2): 1 week, then 6 weeks, then 3 months"
            case _:
                return "no timescale"


class Measure(BaseModel):
    """One measure, after band/category expansion."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[A-Z][A-Z0-9_]+$")
    area: str
    name: str
    definition: str
    numerator: str
    denominator: str | None = None
    unit: Unit
    polarity: Polarity
    window: Literal["snapshot"] | dict[Literal["months"], int]
    rule: Rule
    source: list[str] = Field(min_length=1)
    headline: bool = False
    bands: list[tuple[int, int | None]] | None = None
    categories: dict[str, Any] | None = None
    # Further numbers and codes the measure's SQL reads (thresholds, code lists), so that each
    # lives in this file only.
    params: dict[str, Any] = Field(default_factory=dict)
    # Set on expanded measures: the base measure id and the band or code this one counts.
    base_id: str | None = None
    band: tuple[int, int | None] | None = None
    category: str | None = None

    @field_validator("window")
    @classmethod
    def _window_months(cls, v: Any) -> Any:
        if isinstance(v, dict) and not (1 <= v.get("months", 0) <= 120):
            raise ValueError("window months must be between 1 and 120")
        return v

    @model_validator(mode="after")
    def _denominator_for_ratios(self) -> Measure:
        if self.unit != "count" and not self.denominator:
            raise ValueError(f"unit {self.unit} needs a denominator")
        if self.unit == "count" and self.denominator:
            raise ValueError("a count has no denominator")
        return self

    @property
    def window_months(self) -> int | None:
        """Months in the window, or None for a snapshot."""
        if isinstance(self.window, dict):
            return int(self.window["months"])
        return None

    @property
    def window_text(self) -> str:
        """The window in words."""
        m = self.window_months
        return "snapshot on the date" if m is None else f"{m} months ending on the date"


class Drift(BaseModel):
    """A drift list: children to look at, not a rate."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^DRIFT_[A-Z0-9_]+$")
    name: str
    definition: str
    source: list[str]


class Definitions(BaseModel):
    """The whole definitions file."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    version: str
    sources: dict[str, str]
    areas: dict[str, str]
    measures: list[Measure]
    drift: list[Drift]

    @model_validator(mode="after")
    def _check_refs(self) -> Definitions:
        seen: set[str] = set()
        items: list[Measure | Drift] = [*self.measures, *self.drift]
        for m in items:
            if m.id in seen:
                raise ValueError(f"duplicate measure id {m.id}")
            seen.add(m.id)
            for s in m.source:
                if s not in self.sources:
                    raise ValueError(f"{m.id}: unknown source {s!r}; known: {sorted(self.sources)}")
            if isinstance(m, Measure) and m.area not in self.areas:
                raise ValueError(f"{m.id}: unknown area {m.area!r}; known: {sorted(self.areas)}")
        return self

    def by_id(self) -> dict[str, Measure]:
        """Measures by id."""
        return {m.id: m for m in self.measures}

    def in_area(self, area: str) -> list[Measure]:
        """Measures of one area, in file order."""
        return [m for m in self.measures if m.area == area]


def _band_label(band: tuple[int, int | None]) -> str:
    lo, hi = band
    return f"{lo}+" if hi is None else f"{lo}–{hi}"


def _expand(raw: dict[str, Any], code_lists: dict[str, dict[str, str]]) -> list[dict[str, Any]]:
    """Expand a banded or categorised measure into one measure per band or code."""
    if raw.get("bands"):
        out = []
        for i, band in enumerate(raw["bands"], start=1):
            lo, hi = band
            item = {k: v for k, v in raw.items() if k != "bands"}
            item.update(
                id=f"{raw['id']}_B{i}",
                name=f"{raw['name']}: {_band_label((lo, hi))}",
                base_id=raw["id"],
                band=(lo, hi),
            )
            out.append(item)
        return out
    if raw.get("categories"):
        cats = raw["categories"]
        names = code_lists.get(cats.get("code_list", ""), {})
        out = []
        for code in cats["codes"]:
            item = {k: v for k, v in raw.items() if k != "categories"}
            label = names.get(code, code)
            item.update(
                id=f"{raw['id']}_{code}",
                name=f"{raw['name']}: {label}",
                base_id=raw["id"],
                category=code,
            )
            out.append(item)
        return out
    return [raw]


def _code_lists() -> dict[str, dict[str, str]]:
    """The case model's code lists, when present, for naming categories."""
    path = Path(__file__).parents[1] / "casedata" / "codes.yaml"
    if not path.exists():
        return {}
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return {k: dict(v.get("values", {})) for k, v in (data.get("codes") or {}).items()}


def parse_definitions(text: str, name: str = "definitions.yaml") -> Definitions:
    """Parse and validate definitions YAML; errors name the file, the measure and the field."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise DefinitionError(f"{name}: not valid YAML: {exc}") from exc
    if not isinstance(data, dict) or not isinstance(data.get("measures"), list):
        raise DefinitionError(f"{name}: expected a mapping with a 'measures' list")
    codes = _code_lists()
    expanded: list[dict[str, Any]] = []
    for i, raw in enumerate(data["measures"]):
        if not isinstance(raw, dict):
            raise DefinitionError(f"{name}: measures[{i}]: expected a mapping, got {raw!r}")
        expanded.extend(_expand(raw, codes))
    data = {**data, "measures": expanded}
    try:
        return Definitions.model_validate(data)
    except ValidationError as exc:
        lines = []
        for err in exc.errors():
            loc = list(err["loc"])
            where = ".".join(str(p) for p in loc)
            if loc and loc[0] == "measures" and len(loc) > 1 and isinstance(loc[1], int):
                where = f"measure {expanded[loc[1]].get('id', loc[1])}: " + ".".join(
                    str(p) for p in loc[2:]
                )
            lines.append(f"{name}: {where}: {err['msg']} (got {err.get('input')!r})")
        raise DefinitionError("\n".join(lines)) from exc
    except ValueError as exc:
        raise DefinitionError(f"{name}: {exc}") from exc


@cache
def load_definitions(path: Path = DEFINITIONS_PATH) -> Definitions:
    """The measure definitions shipped with Grip (cached)."""
    return parse_definitions(path.read_text(encoding="utf-8"), name=path.name)
