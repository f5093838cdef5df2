"""Run every benchmark in bench/ (``make bench``), each in its own process; each prints JSON.

``python -m bench`` runs them all; ``python -m bench import annex`` runs those whose file name
contains one of the words. Benchmarks run on demand, never in the timed test suite.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main(argv: list[str]) -> int:
    """Run the selected benchmarks; return non-zero if any failed."""
    scripts = sorted(HERE.glob("bench_*.py"))
    if argv:
        scripts = [s for s in scripts if any(w in s.stem for w in argv)]
    failed = 0
    for script in scripts:
        print(f"# {script.name}", file=sys.stderr, flush=True)
        done = subprocess.run([sys.executable, str(script)], check=False)
        failed += done.returncode != 0
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
