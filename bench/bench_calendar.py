"""Benchmark grip.calendar's hot functions against plain date arithmetic, printed as JSON.

Run: ``.venv/bin/python bench/bench_calendar.py [--calls N]``. Each function is called on the same
random dates (2000-2040) and steps; the baseline is ``d + timedelta(days=n)`` measured in the same
run, so ``ratio`` (ns per call / baseline ns per call) is comparable across machines. The one-off
table build is reported separately as ``build_ms``.
"""

from __future__ import annotations

import argparse
import json
import random
import time
from collections.abc import Callable
from datetime import date, timedelta

import grip.calendar as cal


def _time(fn: Callable[[], None], calls: int) -> float:
    """Best of three runs, in nanoseconds per call."""
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter_ns()
        fn()
        best = min(best, (time.perf_counter_ns() - start) / calls)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--calls", type=int, default=200_000)
    args = parser.parse_args()
    calls: int = args.calls

    rng = random.Random(20171101)
    lo, hi = date(2000, 1, 1).toordinal(), date(2040, 12, 31).toordinal()
    days = [date.fromordinal(rng.randint(lo, hi)) for _ in range(calls)]
    others = [date.fromordinal(rng.randint(lo, hi)) for _ in range(calls)]
    steps = [rng.randint(-60, 60) for _ in range(calls)]
    pairs = list(zip(days, steps, strict=True))
    spans = list(zip(days, others, strict=True))

    start = time.perf_counter()
    cal.is_working_day(date(2026, 1, 1))  # builds the table once
    build_ms = (time.perf_counter() - start) * 1000

    def baseline() -> None:
        for d, n in pairs:
            d + timedelta(days=n)

    def is_working() -> None:
        f = cal.is_working_day
        for d in days:
            f(d)

    def add_wd() -> None:
        f = cal.add_working_days
        for d, n in pairs:
            f(d, n)

    def between() -> None:
        f = cal.working_days_between
        for a, b in spans:
            f(a, b)

    def add_m() -> None:
        f = cal.add_months
        for d, n in pairs:
            f(d, n)

    def age() -> None:
        f = cal.age_in_years
        for a, b in spans:
            f(min(a, b), max(a, b))

    base_ns = _time(baseline, calls)
    results = {}
    for name, fn in [
        ("is_working_day", is_working),
        ("add_working_days", add_wd),
        ("working_days_between", between),
        ("add_months", add_m),
        ("age_in_years", age),
    ]:
        ns = _time(fn, calls)
        results[name] = {"ns_per_call": round(ns, 1), "ratio": round(ns / base_ns, 2)}

    print(
        json.dumps(
            {
                "benchmark": "grip.calendar",
                "calls": calls,
                "build_ms": round(build_ms, 1),
                "baseline": {"what": "d + timedelta(days=n)", "ns_per_call": round(base_ns, 1)},
                "results": results,
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
