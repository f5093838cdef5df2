"""Benchmark the synthetic authority generator on a large LA, printed as JSON.

Run: ``.venv/bin/python bench/bench_synth.py [--children N]`` (default 60,000, the DESIGN.md
"large LA"). Reports wall and CPU seconds, rows written, rows per CPU second and the process's
peak resident memory. The target is under 60 s with modest memory: rows are streamed to the
CSV writers, never held.
"""

from __future__ import annotations

import argparse
import json
import resource
import tempfile
import time
from datetime import date

from grip.casedata.synth import synthesise


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--children", type=int, default=60_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        wall, cpu = time.perf_counter(), time.process_time()
        result = synthesise(tmp, args.children, args.seed, date(2025, 3, 31))
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    rows = sum(result.rows.values())
    print(
        json.dumps(
            {
                "bench": "synth",
                "children": args.children,
                "rows": rows,
                "wall_s": round(wall, 2),
                "cpu_s": round(cpu, 2),
                "rows_per_cpu_s": round(rows / cpu),
                "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
                "target_s": 60,
            }
        )
    )


if __name__ == "__main__":
    main()
