"""How fast the ``grip`` command starts, printed as JSON.

Run: ``.venv/bin/python bench/bench_cli.py [--runs 15]``. Each command runs in a fresh process;
the baseline is a bare ``python -c pass`` measured in the same run, so ``ratio`` (median seconds /
baseline median) is comparable across machines. Target: ``grip --help`` and the light commands
under 0.5 s (the usable-service target), which on a quiet machine is a ratio of about 10.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time

COMMANDS = {
    "baseline: python -c pass": [sys.executable, "-c", "pass"],
    "grip --help": ["grip", "--help"],
    "grip --version": ["grip", "--version"],
    "grip demo-code": ["grip", "demo-code", "JBSWY3DPEHPK3PXPJBSWY3DPEH"],
    "grip frameworks list": ["grip", "frameworks", "list"],
}

#: The light commands the 0.5 s target is for.
LIGHT = ("grip --help", "grip --version", "grip demo-code")


def _median_seconds(argv: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(argv, capture_output=True, check=False)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    """Time each command and print the medians and their ratios to the baseline."""
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--runs", type=int, default=15)
    runs = ap.parse_args().runs
    grip = shutil.which("grip", path=os.path.dirname(sys.executable)) or "grip"
    medians = {
        name: _median_seconds([grip, *argv[1:]] if argv[0] == "grip" else argv, runs)
        for name, argv in COMMANDS.items()
    }
    base = medians["baseline: python -c pass"]
    print(
        json.dumps(
            {
                "runs": runs,
                "load_average": os.getloadavg()[0],
                "seconds": medians,
                "ratio": {k: v / base for k, v in medians.items()},
                "target_met": all(
                    v < 0.5 for k, v in medians.items() if k != "grip frameworks list"
                ),
            },
            indent=1,
        )
    )


if __name__ == "__main__":
    main()
