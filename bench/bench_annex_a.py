"""Annex A benchmark (DESIGN targets; never run in timed tests). Prints JSON.

1. A synthetic LA (default 60,000 children) is generated and imported into a fresh SQLite DB.
2. Pairs, back to back, ``--reps`` times (default 5), each side in a fresh process:
   - baseline: the time merely to read the tables the builder needs (``read_tables``);
   - build: read + build all eleven lists + write the XLSX, as a job's worker process runs it
     (``grip.jobs.frozen_heap``; peak memory, ru_maxrss, is the build's own);
   - and, for comparison with earlier runs, the same read through SQLAlchemy Core.
   The machine is shared, so each pair's ratio is taken within the pair and the median of the
   pairs is the figure: target at most 3x, peak under 1.5 GB. Wall-clock and CPU-time (user +
   sys of the process, which another process's load barely moves) ratios are both reported.
3. Check: the check job's work on that workbook (as its worker runs it), and in the same run
   liiatools 0.2.0 ``python -m liiatools annex-a cleanfile`` on the same workbook, in a Python
   3.10 venv with ``numpy<2`` (``--liiatools-venv``; created with ``--liiatools-python`` when
   missing). It is an optional comparison: with no Python 3.10 (or ``--skip-liiatools``) the
   JSON says so.

Usage: .venv/bin/python bench/bench_annex_a.py [--children 60000] [--reps 5] [--out bench.json]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

LA = "B01"
AS_OF = date(2026, 10, 31)


def _clocks() -> tuple[float, float]:
    """Wall clock and this process's CPU time (user + system)."""
    return time.perf_counter(), time.process_time()


def _phase_build(db: str, out: str, spec: str) -> dict[str, float]:
    """Run in a child process: read, build, write; report times and peak memory."""
    from grip.annex_a.builder import build_from_tables, read_tables
    from grip.annex_a.spec import load_spec
    from grip.annex_a.workbook import write_xlsx
    from grip.jobs import frozen_heap
    from grip.store.db import make_engine

    engine = make_engine(db)
    loaded = load_spec(spec)
    with frozen_heap():  # as a job's worker process runs it (grip.jobs)
        w0, c0 = _clocks()
        tables = read_tables(engine, LA)
        w1, c1 = _clocks()
        annex = build_from_tables(tables, LA, AS_OF, loaded)
        w2, c2 = _clocks()
        write_xlsx(annex, Path(out))
        w3, c3 = _clocks()
    return {
        "read_s": w1 - w0,
        "build_s": w2 - w1,
        "write_s": w3 - w2,
        "total_s": w3 - w0,
        "read_cpu_s": c1 - c0,
        "build_cpu_s": c2 - c1,
        "write_cpu_s": c3 - c2,
        "total_cpu_s": c3 - c0,
        "rows": sum(annex.counts().values()),
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def _phase_read(db: str) -> dict[str, float]:
    """Run in a child process: only read the needed tables (the baseline)."""
    from grip.annex_a.builder import read_tables
    from grip.store.db import make_engine

    engine = make_engine(db)
    # The plain read, with none of the build's arrangements (grip.jobs.frozen_heap): the
    # baseline is the work itself, so a speed trick in the build shows in the ratio.
    w0, c0 = _clocks()
    tables = read_tables(engine, LA)
    w1, c1 = _clocks()
    return {
        "read_s": w1 - w0,
        "read_cpu_s": c1 - c0,
        "rows_read": sum(len(v) for v in tables.values()),
    }


def _phase_read_core(db: str) -> dict[str, float]:
    """Run in a child process: the same read through SQLAlchemy Core (the earlier baseline),
    reported alongside so figures stay comparable with earlier runs."""
    from grip.annex_a.builder import read_tables_core
    from grip.store.db import make_engine

    engine = make_engine(db)
    w0, c0 = _clocks()
    with engine.connect() as conn:
        read_tables_core(conn, LA)
    w1, c1 = _clocks()
    return {"read_s": w1 - w0, "read_cpu_s": c1 - c0}


def _child(*args: str) -> dict[str, float]:
    proc = subprocess.run(
        [sys.executable, __file__, *args], capture_output=True, text=True, check=True
    )
    return json.loads(proc.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def _python310() -> str | None:
    """A Python 3.10 interpreter for the liiatools venv (pyenv's, or one on PATH)."""
    found = sorted(Path.home().glob(".pyenv/versions/3.10*/bin/python3.10"))
    if found:
        return str(found[-1])
    return shutil.which("python3.10")


def _liiatools(venv: Path, python: str | None, workbook: Path, work: Path) -> dict[str, object]:
    py = venv / "bin" / "python"
    if not py.exists():
        if not python:
            return {
                "ran": False,
                "reason": (
                    f"skipped: no liiatools venv at {venv} and no Python 3.10 found (pyenv or "
                    "PATH; or pass --liiatools-python). liiatools 0.2.0 needs Python 3.10; the "
                    "comparison is optional"
                ),
            }
        try:
            subprocess.run([python, "-m", "venv", str(venv)], check=True)
            subprocess.run(
                [str(venv / "bin" / "pip"), "install", "-q", "liiatools==0.2.0", "numpy<2"],
                check=True,
            )
        except (OSError, subprocess.CalledProcessError) as exc:
            return {"ran": False, "reason": f"could not make the liiatools venv: {exc}"}
    out = work / "liia_out"
    log = work / "liia_log"
    out.mkdir(exist_ok=True)
    log.mkdir(exist_ok=True)
    # liiatools 0.2.0 needs a London LA code and reads its own column names (the Ofsted
    # template's headers, which ofsted-2024 uses for the columns both know).
    cmd = [
        str(py),
        "-m",
        "liiatools",
        "annex-a",
        "cleanfile",
        "--i",
        str(workbook),
        "--la_code",
        "BAR",
        "--la_log_dir",
        str(log),
        "--o",
        str(out),
    ]
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    t1 = time.perf_counter()
    return {
        "ran": proc.returncode == 0,
        "seconds": t1 - t0,
        "exit": proc.returncode,
        "stderr_tail": proc.stderr.strip().splitlines()[-3:],
        "command": " ".join(cmd[1:]),
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--phase", choices=["build", "read", "read-core"])
    ap.add_argument("--db")
    ap.add_argument("--xlsx")
    ap.add_argument("--spec", default="ofsted-2024")
    ap.add_argument("--children", type=int, default=60_000)
    ap.add_argument("--out", type=Path)
    ap.add_argument("--work", type=Path)
    ap.add_argument("--liiatools-venv", type=Path, default=Path("/tmp/liia310"))
    ap.add_argument("--liiatools-python", default=_python310())
    ap.add_argument("--reps", type=int, default=5, help="read/build pairs (median taken)")
    ap.add_argument("--skip-liiatools", action="store_true", help="leave out the comparison")
    a = ap.parse_args()
    if a.phase == "build":
        print(json.dumps(_phase_build(a.db, a.xlsx, a.spec)))
        return
    if a.phase == "read":
        print(json.dumps(_phase_read(a.db)))
        return
    if a.phase == "read-core":
        print(json.dumps(_phase_read_core(a.db)))
        return

    from grip.annex_a.checker import check_workbook
    from grip.annex_a.spec import load_spec
    from grip.casedata.importer import import_extract
    from grip.casedata.synth import synthesise
    from grip.jobs import frozen_heap
    from grip.store.db import make_engine
    from grip.store.migrate import upgrade

    work = a.work or Path(tempfile.mkdtemp(prefix="bench-annex-a-"))
    work.mkdir(parents=True, exist_ok=True)
    db = f"sqlite:///{work / 'grip.sqlite3'}"
    result: dict[str, object] = {"children": a.children, "spec": a.spec, "date": str(AS_OF)}
    if not (work / "grip.sqlite3").exists():
        t0 = time.perf_counter()
        synth = synthesise(work / "extract", a.children, 1, AS_OF, la_code=LA)
        t1 = time.perf_counter()
        upgrade(db)
        imp = import_extract(make_engine(db), synth.out_dir, LA, skip_invalid=True)
        t2 = time.perf_counter()
        result["synth_s"] = t1 - t0
        result["import_s"] = t2 - t1
        result["import_outcome"] = imp.outcome
        result["import_rows_skipped"] = imp.rows_skipped
    xlsx = work / "annex-a.xlsx"
    pairs = []
    for _ in range(a.reps):
        read = _child("--phase", "read", "--db", db)
        built = _child("--phase", "build", "--db", db, "--xlsx", str(xlsx), "--spec", a.spec)
        core = _child("--phase", "read-core", "--db", db)
        pairs.append(
            {
                "read_s": read["read_s"],
                "read_cpu_s": read["read_cpu_s"],
                "read_core_s": core["read_s"],
                "ratio_to_core_read": float(built["total_s"]) / float(core["read_s"]),
                "build": built,
                "ratio": float(built["total_s"]) / float(read["read_s"]),
                "cpu_ratio": float(built["total_cpu_s"]) / float(read["read_cpu_s"]),
            }
        )
    ratio = statistics.median(float(p["ratio"]) for p in pairs)  # type: ignore[arg-type]
    cpu_ratio = statistics.median(float(p["cpu_ratio"]) for p in pairs)  # type: ignore[arg-type]
    peak = max(float(p["build"]["peak_rss_mb"]) for p in pairs)  # type: ignore[index]
    result["rows_read"] = read["rows_read"]
    result["rows_written"] = built["rows"]
    result["reps"] = a.reps
    result["read_baseline_s_median"] = statistics.median(float(p["read_s"]) for p in pairs)  # type: ignore[arg-type]
    result["build_s_median"] = statistics.median(float(p["build"]["total_s"]) for p in pairs)  # type: ignore[index]
    result["phases_s_median"] = {
        k: statistics.median(float(p["build"][k]) for p in pairs)  # type: ignore[index]
        for k in ("read_s", "build_s", "write_s", "read_cpu_s", "build_cpu_s", "write_cpu_s")
    }
    result["build_ratio_to_read"] = ratio
    result["read_core_s_median"] = statistics.median(float(p["read_core_s"]) for p in pairs)  # type: ignore[arg-type]
    result["build_ratio_to_core_read"] = statistics.median(
        float(p["ratio_to_core_read"])  # type: ignore[arg-type]
        for p in pairs
    )
    result["build_cpu_ratio_to_read"] = cpu_ratio
    result["peak_rss_mb"] = peak
    result["build_target_met"] = ratio <= 3.0 and peak < 1536
    result["pairs"] = pairs
    t0 = time.perf_counter()
    with frozen_heap():  # as the check job runs it in a worker process
        report = check_workbook(xlsx, load_spec(a.spec), AS_OF)
    t1 = time.perf_counter()
    result["check"] = {
        "seconds": t1 - t0,
        "rows": report.rows_checked,
        "errors": len(report.errors),
        "warnings": len(report.warnings),
        "workbook_mb": os.path.getsize(xlsx) / 1e6,
    }
    if a.skip_liiatools:
        liia: dict[str, object] = {"ran": False, "reason": "skipped (--skip-liiatools)"}
    else:
        liia = _liiatools(a.liiatools_venv, a.liiatools_python, xlsx, work)
    result["liiatools"] = liia
    if liia.get("ran"):
        result["check_ratio_grip_to_liiatools"] = (t1 - t0) / float(liia["seconds"])  # type: ignore[arg-type]
    text = json.dumps(result, indent=1, default=str)
    if a.out:
        a.out.write_text(text)
    print(text)


if __name__ == "__main__":
    main()
