"""The measures dashboard's first view after the server starts (never run in timed tests).
Prints JSON.

The demo LA (``--children`` children, as ``grip demo`` builds it) is served twice by uvicorn:
``cold``, as the server was before it warmed the measures (the first view computes every
measure), and ``warmed``, as ``grip serve`` and ``grip demo`` now start it
(``grip.web.app.warm_measures``). Each time the first ``/measures`` is asked for ``--pause``
seconds after the server answers (someone signing in), and its time is given in ms and as a
ratio to ``/healthz`` measured in the same run. Goal: under 1 s warmed.

Usage: .venv/bin/python -m bench.bench_first_view [--children 3000] [--pause 5] [--work DIR]
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.bench_web import first_views, prepare, serve, sessions

GOAL_MS = 1000


def first_view(url: str, work: Path, warm: bool, pause: float) -> dict[str, float]:
    """The first /measures (and /healthz) of a freshly started server, in ms."""
    proc, base = serve(url, work, warm=warm)
    try:
        made = sessions(url, 1)
        time.sleep(pause)
        token, _csrf = made["readers"][0]
        wanted = {"healthz": "/healthz", "measures dashboard": "/measures"}
        return first_views(base, made["cookie"], token, wanted)
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--children", type=int, default=3000, help="the demo's size")
    ap.add_argument("--pause", type=float, default=5.0, help="seconds to sign in")
    ap.add_argument("--work", type=Path)
    a = ap.parse_args()
    work = a.work or Path(tempfile.gettempdir()) / "grip-bench-first-view"
    work.mkdir(parents=True, exist_ok=True)
    url = f"sqlite:///{work / f'first-view-{a.children}.sqlite3'}"
    result: dict[str, Any] = {"children": a.children, "pause_s": a.pause,
                              "data": prepare(url, a.children, work)}  # fmt: skip
    for name, warm in (("cold", False), ("warmed", True)):
        views = first_view(url, work / name, warm, a.pause)
        ms = views["measures dashboard"]
        result[name] = {"dashboard_ms": ms, "healthz_ms": views["healthz"],
                        "ratio_to_healthz": round(ms / max(views["healthz"], 0.1), 1)}  # fmt: skip
    result["warmed_vs_cold"] = round(
        result["warmed"]["dashboard_ms"] / result["cold"]["dashboard_ms"], 3
    )
    result["goal_met"] = result["warmed"]["dashboard_ms"] < GOAL_MS
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
