"""The demonstration: a synthetic LA, synthesised, imported and ready to serve.

Only synthetic data, from Grip's own generator, ever goes into a demo. The demo builds a fresh
database each time, so running it twice never mixes two runs' data or accounts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from grip.access.users import NewCredentials, create_demo_users
from grip.audits.demo import DemoSummary, seed_demo_audits
from grip.casedata.importer import ImportResult, import_extract
from grip.casedata.synth import SynthResult, synthesise
from grip.settings import Settings
from grip.store.db import make_engine
from grip.store.migrate import upgrade

DEMO_LA = "X99"


class DemoError(RuntimeError):
    """The demo could not be built (a bug: synthetic data must always import cleanly)."""


@dataclass(frozen=True)
class DemoResult:
    """What the demo built: the database, the extract and the one-time credentials."""

    database_url: str
    synth: SynthResult
    imported: ImportResult
    credentials: list[NewCredentials]
    audits: DemoSummary


def demo_settings(base: Settings) -> Settings:
    """Settings for the demo: its own SQLite file in the data folder unless a URL is set."""
    db_file = demo_database_file(base)
    return (
        base
        if db_file is None
        else base.model_copy(update={"database_url": f"sqlite:///{db_file}"})
    )


def demo_database_file(base: Settings) -> Path | None:
    """The demo's own SQLite file, or ``None`` when a database URL is configured."""
    return None if base.database_url else (base.data_dir / "demo.sqlite3").resolve()


def reset_demo_database(base: Settings) -> None:
    """Delete the demo's own SQLite file so a new demo never mixes with an earlier one's data.

    A configured database URL is never touched."""
    db_file = demo_database_file(base)
    if db_file is not None:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db_file}{suffix}").unlink(missing_ok=True)


def build_demo(
    settings: Settings,
    *,
    children: int = 3000,
    seed: int = 2026,
    as_of: date | None = None,
    la_code: str = DEMO_LA,
) -> DemoResult:
    """Synthesise ``children`` children for ``la_code``, import them into a fresh database,
    create one demo account per role and a year of case audits in every state. Returns what
    was built, with credentials to show once."""
    as_of = as_of or date.today()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    url = settings.resolved_database_url
    upgrade(url)
    extract = settings.data_dir / "demo-extract"
    synth = synthesise(extract, children=children, seed=seed, as_of=as_of, la_code=la_code)
    engine = make_engine(url)
    try:
        imported = import_extract(engine, extract, la_code)
        if not imported.ok:
            raise DemoError(f"the synthetic extract did not import: {imported.message}")
        credentials = create_demo_users(engine, la_code)
        audits = seed_demo_audits(engine, la_code, as_of, seed)
    finally:
        engine.dispose()
    return DemoResult(url, synth, imported, credentials, audits)
