"""Benchmark the measures engine on a synthetic large LA; prints JSON.

Run: ``.venv/bin/python bench/bench_measures.py [--children 60000] [--work /tmp/grip-bench]``.
Builds (once, cached in ``--work``) a synthetic authority with ``grip.casedata.synth`` and imports
it into SQLite (rows with planted problems skipped), then times ``compute`` for 12 monthly points
and the XLSX pack, each in a fresh child process so ``peak_rss_mb`` is that step's own peak.
Target (issue 6): every measure for 60,000 children at 12 monthly points in under 5 s, peak
memory under 1.5 GB. Numbers and the engine decision: docs/measures-engine-decision.md.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import resource
import time
from datetime import date
from pathlib import Path
from typing import Any

AS_OF = date(2026, 3, 31)


def _prepare(children: int, work: Path) -> str:
    from grip.casedata.importer import import_extract
    from grip.casedata.synth import synthesise
    from grip.store.db import make_engine
    from grip.store.migrate import upgrade

    work.mkdir(parents=True, exist_ok=True)
    db = work / f"measures-{children}.sqlite3"
    url = f"sqlite:///{db}"
    if not db.exists():
        folder = work / f"extract-{children}"
        synthesise(folder, children, 7, AS_OF, la_code="X99")
        upgrade(url)
        engine = make_engine(url)
        result = import_extract(engine, folder, "X99", skip_invalid=True)
        if not result.ok:
            raise SystemExit(f"import failed: {result.message}")
        engine.dispose()
    return url


def _measure(url: str, pack: bool, q: Any) -> None:
    from grip.measures.engine import compute, set_la_standards
    from grip.measures.pack import pack_bytes
    from grip.store.db import make_engine

    engine = make_engine(url)
    set_la_standards(engine, "X99", child_population=189_000)
    t0 = time.perf_counter()
    run = compute(engine, "X99", AS_OF, 12)
    t1 = time.perf_counter()
    out: dict[str, Any] = {
        "compute_s": round(t1 - t0, 3),
        "steps_s": {k: round(v, 3) for k, v in run.timings.items()},
        "unit_rows": run.con.execute("SELECT count(*) FROM u").fetchone()[0],  # type: ignore[index]
        "rows_loaded": sum(run.row_counts.values()),
    }
    if pack:
        data = pack_bytes(run)
        out["pack_s"] = round(time.perf_counter() - t1, 3)
        out["pack_bytes"] = len(data)
    out["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    q.put(out)


def main() -> None:
    """Run the benchmark and print JSON."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--children", type=int, default=60_000)
    ap.add_argument("--work", type=Path, default=Path("/tmp/grip-bench"))
    ap.add_argument("--no-pack", action="store_true")
    args = ap.parse_args()
    url = _prepare(args.children, args.work)
    ctx = mp.get_context("spawn")
    q = ctx.Queue()
    p = ctx.Process(target=_measure, args=(url, not args.no_pack, q))
    p.start()
    result = q.get()
    p.join()
    result.update(
        children=args.children,
        points=12,
        target_s=5.0,
        target_rss_mb=1536,
        meets_time=result["compute_s"] < 5.0,
        meets_memory=result["peak_rss_mb"] < 1536,
    )
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
