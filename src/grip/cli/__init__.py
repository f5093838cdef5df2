"""The ``grip`` command: a thin shell over the library.

Commands are grouped by capability, with plural nouns (``grip frameworks show``, ``grip measures
compute``, ``grip casedata import``). Each lives in its own module here and is imported only when
it runs, so ``grip --help`` and the light commands start at once: :data:`COMMANDS` names the
module and the one-line help of each (``tests/cli/test_main.py`` holds the help to the
command's own). The spellings of the previous release still work for one release, with a
deprecation note naming the new one (:data:`DEPRECATED`).
"""

from __future__ import annotations

import importlib

import click

from grip import __version__

#: Command name -> (module in this package, attribute, one-line help).
COMMANDS: dict[str, tuple[str, str, str]] = {
    "annex-a": ("annex_a", "annex_a", "Annex A child-level lists: build and check."),
    "audits": ("audits", "audits", "Case audits: sampling, moderation agreement."),
    "casedata": ("casedata", "casedata", "The LA's case data: import, synthesise, format."),
    "db": ("db", "db", "Create and upgrade the database."),
    "demo": ("demo", "demo", "Build a synthetic LA in a fresh demo database and serve it."),
    "demo-code": ("demo_code", "demo_code", "Print the sign-in code for a demo account."),
    "evidence": ("evidence", "evidence", "Evidence records: headings and the name guard."),
    "frameworks": ("frameworks", "frameworks_group", "Inspection frameworks and judgement rules."),
    "inspections": ("inspections", "inspections", "Inspections and visits: timelines, pathway."),
    "measures": ("measures", "measures", "Statutory timescales and indicators for an LA."),
    "outcomes": ("outcomes", "outcomes", "The register of published inspection outcomes."),
    "selfeval": ("selfeval", "selfeval", "The annual self-evaluation of social work practice."),
    "serve": ("serve", "serve", "Serve Grip over the configured database."),
    "users": ("users", "users_group", "User accounts and their roles in LAs."),
}

#: Previous spellings -> the command path that replaced them (kept for one release).
DEPRECATED: dict[str, tuple[str, ...]] = {
    "framework": ("frameworks",),
    "judge": ("frameworks", "judge"),
    "import": ("casedata", "import"),
    "synth": ("casedata", "synth"),
    "import-format-docs": ("casedata", "format-docs"),
    "measures-docs": ("measures", "docs"),
    "measures-settings": ("measures", "settings"),
}


def load(name: str) -> click.Command:
    """The command ``name`` of :data:`COMMANDS`, importing its module."""
    module, attribute, _help = COMMANDS[name]
    command = getattr(importlib.import_module(f"{__name__}.{module}"), attribute)
    assert isinstance(command, click.Command)
    return command


def _resolve(path: tuple[str, ...]) -> click.Command:
    command = load(path[0])
    for part in path[1:]:
        assert isinstance(command, click.Group)
        found = command.commands[part]
        command = found
    return command


def _deprecated(old: str, path: tuple[str, ...]) -> click.Command:
    new = "grip " + " ".join(path)
    command = _resolve(path)
    # A shallow copy shares the parameters and subcommands; only the name and the note differ.
    alias = command.__class__.__new__(command.__class__)
    alias.__dict__.update(command.__dict__)
    alias.name = old
    alias.deprecated = f"use '{new}' instead"
    alias.hidden = True
    return alias


class LazyGroup(click.Group):
    """The top-level group: lists commands from :data:`COMMANDS`, imports one only to run it."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in COMMANDS:
            return load(cmd_name)
        if cmd_name in DEPRECATED:
            return _deprecated(cmd_name, DEPRECATED[cmd_name])
        return None

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, COMMANDS[name][2]) for name in self.list_commands(ctx)]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="grip")
def main() -> None:
    """Grip: the quality of children's social work practice, and readiness for inspection."""
