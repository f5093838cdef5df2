"""Import every capability's models so the metadata is complete (for Alembic and checks)."""

from __future__ import annotations

import importlib
import pkgutil

import grip


def load_all_models() -> None:
    """Import ``grip.<capability>.models`` for every capability that has one."""
    for mod in pkgutil.iter_modules(grip.__path__):
        if mod.ispkg:
            try:
                importlib.import_module(f"grip.{mod.name}.models")
            except ModuleNotFoundError as exc:
                if exc.name != f"grip.{mod.name}.models":
                    raise
