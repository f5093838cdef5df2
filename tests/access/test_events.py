"""Audit-trail actions in words: every action Grip records has a readable description."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from grip.access.events import describe, outcome_words

SRC = Path(__file__).resolve().parents[2] / "src" / "grip"


def test_words_for_actions_and_outcomes() -> None:
    assert describe("signin.failure") == "Sign-in failed"
    assert describe("audit.submit") == "Case audit: submit"
    assert describe("export.report_pdf") == "Download: report pdf"
    assert outcome_words("denied") == "Refused"


def test_every_fixed_action_recorded_in_the_code_has_its_own_words() -> None:
    """No code on the trail page: each literal action in src/ is described exactly."""
    actions = {
        m
        for p in SRC.rglob("*.py")
        for m in re.findall(
            r'(?:action=|record\(\s*request,\s*)"([a-z_]+\.[a-z_]+)"', p.read_text(encoding="utf-8")
        )
    }
    assert actions
    words = yaml.safe_load((SRC / "access" / "events.yaml").read_text(encoding="utf-8"))
    assert sorted(actions - set(words["exact"])) == []
