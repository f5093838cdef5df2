"""A ``kill -9`` during an import leaves the previous state exactly as it was.

The import runs as a real ``grip import`` process; once it says it is loading (rows are being
written inside the transaction) it is killed with SIGKILL after a random short delay, several
times. The case tables, LAs and run log must then be exactly what they were before. Runs on
SQLite (WAL) and, with GRIP_TEST_DATABASE_URL, on PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy import Engine

from grip.access.scope import system_job
from grip.casedata.extract import example_rows, write_extract
from grip.casedata.importer import import_extract
from grip.casedata.models import CASE_TABLES
from grip.casedata.synth import synthesise

LA = "T01"
OTHER = "T02"
GRIP = Path(sys.executable).parent / "grip"


def snapshot(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    out: dict[str, list[tuple[Any, ...]]] = {}
    # Every LA's rows on purpose: an import must leave the other LAs untouched too.
    with system_job("test: snapshot of every LA's case state"), engine.connect() as conn:
        for name, table in CASE_TABLES.items():
            out[name] = sorted(tuple(r) for r in conn.execute(sa.select(table)))
        for name in ("local_authority", "casedata_import_run"):
            out[name] = sorted(tuple(r) for r in conn.execute(sa.text(f"SELECT * FROM {name}")))
    return out


def run_and_kill(folder: Path, env: dict[str, str], delay: float) -> int:
    """Start ``grip import``; SIGKILL it ``delay`` seconds after it starts loading rows."""
    proc = subprocess.Popen(
        [
            str(GRIP),
            "casedata",
            "import",
            str(folder),
            "--la",
            LA,
            "--skip-invalid",
            "--no-progress",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stderr is not None
    deadline = time.monotonic() + 120
    for line in proc.stderr:
        if line.startswith("loading "):
            break
        assert time.monotonic() < deadline, "import never started loading"
    else:
        proc.wait()
        pytest.fail(f"import ended before loading (exit {proc.returncode})")
    time.sleep(delay)
    proc.send_signal(signal.SIGKILL)
    proc.stderr.close()
    return proc.wait()


@pytest.mark.slow
def test_kill_9_during_import_leaves_previous_state_intact(
    engine: Engine, database_url: str, tmp_path: Path
) -> None:
    # The previous state: this LA's older extract and another LA's data.
    old = write_extract(tmp_path / "old", example_rows(3), {"la_code": LA, "as_of": "2026-09-30"})
    assert import_extract(engine, old, LA).outcome == "loaded"
    other = write_extract(
        tmp_path / "other", example_rows(2), {"la_code": OTHER, "as_of": "2026-09-30"}
    )
    assert import_extract(engine, other, OTHER).outcome == "loaded"
    before = snapshot(engine)

    # A newer extract big enough that loading takes a while (about 100,000 rows).
    new = synthesise(tmp_path / "new", 5000, 21, dt.date(2026, 10, 31), la_code=LA).out_dir
    env = {
        **os.environ,
        "GRIP_DATABASE_URL": database_url,
        "GRIP_DATA_DIR": str(tmp_path / "data"),
    }
    rng = random.Random(20261122)
    killed = 0
    for _ in range(4):
        code = run_and_kill(new, env, rng.uniform(0.0, 0.25))
        after = snapshot(engine)
        if code == -signal.SIGKILL:
            killed += 1
            assert after == before, "a killed import changed the stored state"
        else:  # finished before the signal: then it must have loaded completely
            pytest.fail(f"import finished (exit {code}) before the kill: make the extract bigger")
    assert killed == 4

    # The database is still usable and the same extract loads completely afterwards.
    result = import_extract(engine, new, LA, skip_invalid=True)
    assert result.outcome == "loaded"
    after = snapshot(engine)
    assert sum(len(after[n]) for n in CASE_TABLES) > sum(len(before[n]) for n in CASE_TABLES)
    assert [r for r in after["ssd_person"] if r[0] == OTHER] == [
        r for r in before["ssd_person"] if r[0] == OTHER
    ]
