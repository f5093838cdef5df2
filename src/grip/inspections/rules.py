"""Inspections as data (``rules.yaml``): types, kinds, team roles and the state machine.

Kept apart from the code that applies it so the table can be read, tested and documented on its
own. Paragraph numbers are the ILACS framework (Ofsted 170040).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

import yaml

RULES_FILE = Path(__file__).with_name("rules.yaml")
KINDS = ("real", "mock", "peer")
_T = TypeVar("_T")


@dataclass(frozen=True)
class InspectionType:
    """One type of inspection or visit."""

    id: str
    label: str
    calendar_kind: str | None  # grip.calendar.InspectionKind value, when the calendar knows it
    paragraphs: str
    has_topic: bool


@dataclass(frozen=True)
class TeamRole:
    """A role in an inspection team."""

    id: str
    label: str
    inspecting: bool  # gets inspector access when added to the team
    paragraphs: str


@dataclass(frozen=True)
class Transition:
    """One move of the state machine; who may make it, per kind of inspection."""

    name: str
    label: str
    from_state: str
    to: str
    paragraphs: str
    la_roles: dict[str, frozenset[str]]  # kind -> Grip roles in the LA
    team_roles: dict[str, frozenset[str]]  # kind -> team roles


@dataclass(frozen=True)
class Rules:
    """The whole of ``rules.yaml``."""

    default_framework: str
    types: dict[str, InspectionType]
    kinds: dict[str, str]
    team_roles: dict[str, TeamRole]
    states: dict[str, str]
    open_states: frozenset[str]
    transitions: dict[str, Transition]

    def type(self, type_id: str) -> InspectionType:
        """The type ``type_id``; ``ValueError`` naming the choices otherwise."""
        return _pick(self.types, type_id, "inspection type")

    def team_role(self, role: str) -> TeamRole:
        """The team role ``role``; ``ValueError`` naming the choices otherwise."""
        return _pick(self.team_roles, role, "team role")

    def transition(self, name: str) -> Transition:
        """The transition ``name``; ``ValueError`` naming the choices otherwise."""
        return _pick(self.transitions, name, "transition")

    def check_kind(self, kind: str) -> str:
        """``kind`` when it is real, mock or peer; ``ValueError`` otherwise."""
        return _pick({k: k for k in self.kinds}, kind, "kind")

    def from_state(self, state: str) -> list[Transition]:
        """The moves that leave ``state``."""
        return [t for t in self.transitions.values() if t.from_state == state]


def _pick(table: dict[str, _T], key: str, what: str) -> _T:
    try:
        return table[key]
    except KeyError:
        raise ValueError(f"unknown {what} {key!r}; expected one of {', '.join(table)}") from None


def _transition(name: str, spec: dict[str, Any], states: dict[str, str]) -> Transition:
    for end in ("from", "to"):
        if spec[end] not in states:
            raise ValueError(f"transitions.{name}.{end}: unknown state {spec[end]!r}")
    return Transition(
        name=name,
        label=str(spec["label"]),
        from_state=str(spec["from"]),
        to=str(spec["to"]),
        paragraphs=str(spec.get("paragraphs", "")),
        la_roles={k: frozenset(spec.get(k, {}).get("la_roles", [])) for k in KINDS},
        team_roles={k: frozenset(spec.get(k, {}).get("team_roles", [])) for k in KINDS},
    )


def parse_rules(data: Any, source: str = str(RULES_FILE)) -> Rules:
    """Validate the rules data; errors name the file and the key."""
    if not isinstance(data, dict) or data.get("version") != 1:
        raise ValueError(f"{source}: expected a mapping with version: 1")
    try:
        states = {str(k): str(v["label"]) for k, v in data["states"].items()}
        types = {
            str(k): InspectionType(
                str(k),
                str(v["label"]),
                v.get("calendar_kind"),
                str(v.get("paragraphs", "")),
                bool(v.get("topic", False)),
            )
            for k, v in data["types"].items()
        }
        roles = {
            str(k): TeamRole(str(k), str(v["label"]), bool(v["inspecting"]), str(v["paragraphs"]))
            for k, v in data["team_roles"].items()
        }
        transitions = {str(k): _transition(k, v, states) for k, v in data["transitions"].items()}
        for t in transitions.values():
            for kind_roles in t.team_roles.values():
                if unknown := kind_roles - set(roles):
                    raise ValueError(f"transitions.{t.name}: unknown team roles {unknown}")
        return Rules(
            default_framework=str(data["default_framework"]),
            types=types,
            kinds={str(k): str(v["label"]) for k, v in data["kinds"].items()},
            team_roles=roles,
            states=states,
            open_states=frozenset(data["open_states"]),
            transitions=transitions,
        )
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise ValueError(f"{source}: {exc}") from exc


@cache
def rules() -> Rules:
    """The shipped inspection rules."""
    return parse_rules(yaml.safe_load(RULES_FILE.read_text(encoding="utf-8")))
