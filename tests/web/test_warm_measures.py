"""grip.web.app.warm_measures: a running server keeps every LA's measures for today computed,
so the first dashboard view after an import made while it runs reads a kept run."""

from __future__ import annotations

import time
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from grip.casedata.extract import example_rows, write_extract
from grip.casedata.importer import import_extract
from grip.measures import kept
from grip.settings import Settings
from grip.store.db import la_engine
from grip.web.app import create_app, warm_measures


def _kept_for(engine: Engine, la_code: str, timeout: float = 60) -> bool:
    """Whether a run of the LA's current data for today is kept, waiting up to ``timeout``."""
    version = kept.data_version(la_engine(engine, la_code), la_code)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with kept.RUNS._lock:
            if any(k[1] == la_code and k[2] == date.today() and k[3] == version
                   for k in kept.RUNS._runs):  # fmt: skip
                return True
        time.sleep(0.05)
    return False


def test_an_import_made_while_the_server_runs_is_computed_in_the_background(
    settings: Settings, engine: Engine, tmp_path: Path
) -> None:
    first = write_extract(
        tmp_path / "a", example_rows(5), {"la_code": "LA1", "as_of": "2026-11-01"}
    )
    assert import_extract(engine, first, "LA1").ok
    app: Any = create_app(settings.model_copy(update={"measures_warm_seconds": 0.2}))
    kept.RUNS.clear()
    thread = warm_measures(app)
    try:
        assert _kept_for(engine, "LA1")  # as the server starts
        later = write_extract(
            tmp_path / "b", example_rows(6), {"la_code": "LA1", "as_of": "2026-11-02"}
        )
        assert import_extract(engine, later, "LA1").ok  # as `grip import` would, elsewhere
        assert _kept_for(engine, "LA1")  # the new data's run, before anyone asks for it
    finally:
        app.state.warm_stop.set()
        thread.join(timeout=30)
        kept.RUNS.clear()
    assert not thread.is_alive()
