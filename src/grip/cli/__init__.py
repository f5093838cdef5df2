"""The ``grip`` command: a thin shell over the library.

Each module in this package that defines ``commands`` (a list of Click commands or groups)
contributes them, so a capability adds its commands without editing this file.
"""

from __future__ import annotations

import importlib
import pkgutil

import click

from grip import __version__


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="grip")
def main() -> None:
    """Grip: the quality of children's social work practice, and readiness for inspection."""


def _register() -> None:
    for mod in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{__name__}.{mod.name}")
        for command in getattr(module, "commands", []):
            main.add_command(command)


_register()
