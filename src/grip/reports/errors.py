"""The reports' errors: each message names what was wrong and what was expected."""

from __future__ import annotations

from collections.abc import Mapping, Sequence


class ReportError(ValueError):
    """Base of the report errors."""


class NotAllowed(ReportError):
    """The person's role on the inspection's team (or their absence from it) does not allow it."""


class NotFound(ReportError):
    """No report (or section, or comment) by that id that the person may see."""


class Locked(ReportError):
    """The report cannot change now: a stale save, the wrong state, or already published."""


class Invalid(ReportError):
    """Bad input: ``errors`` maps each field to what was wrong, for the form to show in place."""

    def __init__(self, errors: Mapping[str, str]) -> None:
        self.errors = dict(errors)
        super().__init__("; ".join(f"{k}: {v}" for k, v in self.errors.items()))


class Refused(ReportError):
    """A rule of the framework refuses this; ``problems`` each name their paragraph."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = list(problems)
        super().__init__("; ".join(self.problems))
