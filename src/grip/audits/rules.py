"""The lifecycle as data (``lifecycle.yaml``): states, transitions × roles, other actions × roles.

Kept apart from the code that applies it so that the table can be read, tested and documented
on its own (transitions × roles as data).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

LIFECYCLE_FILE = Path(__file__).with_name("lifecycle.yaml")


@dataclass(frozen=True)
class Transition:
    """One lifecycle step."""

    name: str
    label: str
    from_states: tuple[str, ...]
    to: str
    roles: frozenset[str]
    assigned: frozenset[str]


@dataclass(frozen=True)
class Lifecycle:
    """The whole table."""

    states: dict[str, str]
    descriptions: dict[str, str]
    open_states: frozenset[str]
    transitions: dict[str, Transition]
    actions: dict[str, frozenset[str]]
    #: An audit history event (a transition's name or another step) in words.
    events: dict[str, str] = field(default_factory=dict)

    def event_words(self, event: str) -> str:
        """``event`` as the audit's history shows it ("Audit started" for ``start``)."""
        return self.events.get(event) or event.replace("_", " ").capitalize()

    def transition(self, name: str) -> Transition:
        """The transition called ``name`` (``KeyError`` naming the choices otherwise)."""
        try:
            return self.transitions[name]
        except KeyError:
            raise KeyError(
                f"no transition {name!r}; expected one of {', '.join(self.transitions)}"
            ) from None

    def action_roles(self, action: str) -> frozenset[str]:
        """Roles allowed to take ``action``."""
        try:
            return self.actions[action]
        except KeyError:
            raise KeyError(
                f"no action {action!r}; expected one of {', '.join(self.actions)}"
            ) from None

    def from_state(self, state: str) -> list[Transition]:
        """Transitions that leave ``state``."""
        return [t for t in self.transitions.values() if state in t.from_states]


def parse_lifecycle(data: Any, source: str = str(LIFECYCLE_FILE)) -> Lifecycle:
    """Validate the lifecycle data; errors name the file and the entry."""
    from grip.access.roles import policy

    if not isinstance(data, dict) or data.get("version") != 1:
        raise ValueError(f"{source}: expected a mapping with version: 1")
    states_raw = data.get("states")
    if not isinstance(states_raw, dict) or not states_raw:
        raise ValueError(f"{source}: expected a mapping 'states'")
    states = {k: str(v["label"]) for k, v in states_raw.items()}
    descriptions = {k: str(v.get("description", "")) for k, v in states_raw.items()}
    roles = set(policy().roles)

    def check_roles(where: str, value: Any) -> frozenset[str]:
        if not isinstance(value, list):
            raise ValueError(f"{source}: {where}: expected a list of roles, found {value!r}")
        for r in value:
            if r not in roles:
                raise ValueError(
                    f"{source}: {where}: unknown role {r!r}; expected one of {', '.join(roles)}"
                )
        return frozenset(value)

    open_states = frozenset(data.get("open_states", []))
    for s in open_states:
        if s not in states:
            raise ValueError(f"{source}: open_states: unknown state {s!r}")
    transitions: dict[str, Transition] = {}
    for name, spec in (data.get("transitions") or {}).items():
        frm = spec.get("from")
        if not isinstance(frm, list) or any(s not in states for s in frm):
            raise ValueError(
                f"{source}: transitions.{name}.from: expected known states, found {frm!r}"
            )
        if spec.get("to") not in states:
            raise ValueError(f"{source}: transitions.{name}.to: unknown state {spec.get('to')!r}")
        transitions[name] = Transition(
            name=name,
            label=str(spec.get("label", name)),
            from_states=tuple(frm),
            to=spec["to"],
            roles=check_roles(f"transitions.{name}.roles", spec.get("roles", [])),
            assigned=check_roles(f"transitions.{name}.assigned", spec.get("assigned", [])),
        )
    actions = {
        name: check_roles(f"actions.{name}", value)
        for name, value in (data.get("actions") or {}).items()
    }
    events = {str(k): str(v) for k, v in (data.get("events") or {}).items()}
    unnamed = sorted(set(transitions) - set(events))
    if unnamed:
        raise ValueError(f"{source}: events: no words for the transitions {unnamed}")
    return Lifecycle(states, descriptions, open_states, transitions, actions, events)


@cache
def lifecycle() -> Lifecycle:
    """The shipped lifecycle (loaded once)."""
    with LIFECYCLE_FILE.open(encoding="utf-8") as fh:
        return parse_lifecycle(yaml.safe_load(fh))
