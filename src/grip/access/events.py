"""Audit-trail actions and outcomes in words (``events.yaml``), for the pages that show them."""

from __future__ import annotations

from functools import cache
from importlib.resources import files
from typing import Any

import yaml


@cache
def _words() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(
        files("grip.access").joinpath("events.yaml").read_text(encoding="utf-8")
    )
    return data


def describe(action: str) -> str:
    """The action in words: ``"signin.failure"`` -> ``"Sign-in failed"``; an action without
    its own entry is its thing's label and its verb ("Case audit: submit")."""
    words = _words()
    if action in words["exact"]:
        return str(words["exact"][action])
    thing, _, verb = action.partition(".")
    label = words["things"].get(thing, thing.replace("_", " ").capitalize())
    return f"{label}: {verb.replace('_', ' ')}" if verb else str(label)


def outcome_words(outcome: str) -> str:
    """``"denied"`` -> ``"Refused"``."""
    return str(_words()["outcomes"].get(outcome, outcome.replace("_", " ").capitalize()))
