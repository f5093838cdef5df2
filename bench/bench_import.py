"""Benchmark: synthesise 60,000 children (about 1.2-1.5 million rows) and import them.

Targets (issue: import): import with validation under 30 s and peak memory under 2 GB on the
2-core machine; also prints the ratio of the import time to the time merely to read the CSV
files with the csv module. The import runs in a child process so its peak memory (max RSS) is
its own. Prints one JSON object.

    .venv/bin/python bench/bench_import.py [--children 60000] [--database-url URL] [--keep DIR]

Without ``--database-url`` a fresh SQLite file in a temporary folder is used; a PostgreSQL URL
must name an empty database (the migrations are run).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

CHILDREN = 60_000
SEED = 20261122
AS_OF = dt.date(2026, 10, 31)
LA = "B01"
TARGET_SECONDS = 30.0
TARGET_PEAK_MB = 2048.0


def _child(database_url: str, folder: str, la: str) -> None:
    """Run one import (in a child process) and print its result as JSON."""
    from grip.casedata.importer import import_extract
    from grip.store.db import make_engine

    engine = make_engine(database_url)
    t0 = time.perf_counter()
    result = import_extract(engine, folder, la)
    seconds = time.perf_counter() - t0
    engine.dispose()
    print(
        json.dumps(
            {
                "outcome": result.outcome,
                "seconds": seconds,
                "timings": result.timings,
                "rows_loaded": sum(result.rows_loaded.values()),
                "rows_skipped": result.rows_skipped,
                "problems": len(result.report.problems),
            }
        )
    )


def _import_in_child(database_url: str, folder: Path, la: str) -> dict[str, Any]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    out = subprocess.run(
        [sys.executable, __file__, "--child", database_url, str(folder), la],
        check=True,
        capture_output=True,
        text=True,
    )
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    body: dict[str, Any] = json.loads(out.stdout)
    body["cpu_seconds"] = round(
        (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), 2
    )
    # ru_maxrss of children is the largest child so far, in KiB on Linux.
    body["peak_rss_mb"] = round(after.ru_maxrss / 1024, 1)
    return body


def _read_csv_seconds(folder: Path) -> tuple[float, int]:
    t0 = time.perf_counter()
    rows = 0
    for path in sorted(folder.glob("*.csv")):
        with open(path, encoding="utf-8", newline="") as fh:
            rows += len(list(csv.reader(fh))) - 1
    return time.perf_counter() - t0, rows


def main() -> None:
    """Run the benchmark and print JSON."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--children", type=int, default=CHILDREN)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--keep", type=Path, default=None, help="reuse/keep the extract here")
    parser.add_argument("--child", nargs=3, metavar=("URL", "FOLDER", "LA"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(*args.child)
        return

    from grip.casedata.synth import synthesise
    from grip.store.migrate import upgrade

    with tempfile.TemporaryDirectory(prefix="grip-bench-import-") as tmp:
        folder = args.keep or Path(tmp) / "extract"
        synth_seconds = None
        if not (folder / "manifest.json").is_file():
            t0 = time.perf_counter()
            synthesise(folder, args.children, SEED, AS_OF, la_code=LA)
            synth_seconds = round(time.perf_counter() - t0, 2)
        manifest = json.loads((folder / "manifest.json").read_text())
        url = args.database_url or f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
        upgrade(url)
        load_before = os.getloadavg()[0]
        read_seconds, rows = _read_csv_seconds(folder)
        first = _import_in_child(url, folder, manifest["la_code"])
        # Strict import: the synthetic extract must load whole, with no row skipped.
        assert first["outcome"] == "loaded" and first["rows_skipped"] == 0, first
        again = _import_in_child(url, folder, manifest["la_code"])
        size_mb = sum(p.stat().st_size for p in folder.glob("*.csv")) / 2**20
        result = {
            "benchmark": "import",
            "database": url.split(":", 1)[0],
            "children": manifest["children"],
            "rows": rows,
            "csv_mb": round(size_mb, 1),
            "synth_seconds": synth_seconds,
            "read_csv_seconds": round(read_seconds, 2),
            "import_seconds": round(first["seconds"], 2),
            "import_cpu_seconds": first["cpu_seconds"],
            "validate_seconds": round(first["timings"]["validate"], 2),
            "load_seconds": round(first["timings"].get("load", 0.0), 2),
            "import_to_read_ratio": round(first["seconds"] / read_seconds, 2),
            "peak_rss_mb": first["peak_rss_mb"],
            "outcome": first["outcome"],
            "rows_loaded": first["rows_loaded"],
            "rows_skipped": first["rows_skipped"],
            "reimport_seconds": round(again["seconds"], 2),
            "reimport_outcome": again["outcome"],
            "load_average_at_start": round(load_before, 2),
            "cpus": os.cpu_count(),
            "target_seconds": TARGET_SECONDS,
            "target_peak_mb": TARGET_PEAK_MB,
            "meets_time": first["seconds"] < TARGET_SECONDS,
            "meets_memory": first["peak_rss_mb"] < TARGET_PEAK_MB,
        }
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
