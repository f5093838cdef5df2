"""Extract and import every published report of shared/data/ofsted-reports into a fresh
register; print time per report and peak memory as JSON.

Run: ``.venv/bin/python bench/bench_outcomes.py [--reports DIR]``.

For each file: the time to extract it (pre-checks, pypdfium2 in the limited child process,
parsing) and to import it (extract again from scratch, find the theme evidence with TF-IDF,
store it in SQLite in one transaction). The baseline, measured in the same run on the same
files, is pypdfium2 reading the text in this process with no guard, parsing or storing: the
ratio says what isolation, parsing and themes cost on top of the bare reading. Peak memory:
this process's maximum resident set, and the largest of the reader children's.
The issue's target: the whole folder (extract and import) in under 30 s on this machine.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import tempfile
import time
from pathlib import Path

import pypdfium2 as pdfium

from grip.outcomes.extract import expand, extract_file
from grip.outcomes.register import import_file
from grip.store.db import make_engine
from grip.store.migrate import upgrade

DEFAULT = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "ofsted-reports"


def _bare_read(path: Path) -> float:
    start = time.perf_counter()
    try:
        doc = pdfium.PdfDocument(str(path))
        for page in doc:
            page.get_textpage().get_text_range()
        doc.close()
    except pdfium.PdfiumError:
        pass
    return time.perf_counter() - start


def _timed(fn: object, *args: object) -> float:
    start = time.perf_counter()
    fn(*args)  # type: ignore[operator]
    return time.perf_counter() - start


def _fresh(url: str, db: Path) -> object:
    db.unlink(missing_ok=True)
    upgrade(url)
    return make_engine(url)


def run(folder: Path) -> dict[str, object]:
    """Benchmark every ``*.pdf`` in ``folder``."""
    files = expand([folder])
    extract_s: list[float] = []
    import_s: list[float] = []
    base_s: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.sqlite3"
        url = f"sqlite:///{db}"
        engine = _fresh(url, db)
        _timed(import_file, engine, files[0])  # warm up: the first import loads scikit-learn
        engine.dispose()  # type: ignore[attr-defined]
        engine = _fresh(url, db)
        for path in files:
            extract_s.append(_timed(extract_file, path))
            import_s.append(_timed(import_file, engine, path))  # reads the file again itself
            base_s.append(_bare_read(path))
        engine.dispose()  # type: ignore[attr-defined]
    # Importing a file extracts it from scratch, so the import times are the folder's
    # extract-and-import time.
    total = sum(import_s)
    return {
        "reports": len(files),
        "extract_and_import_total_s": round(total, 2),
        "under_30s": total < 30,
        "extract_only_total_s": round(sum(extract_s), 2),
        "per_report_median_s": round(statistics.median(import_s), 4),
        "per_report_max_s": round(max(import_s), 4),
        "baseline_bare_read_median_s": round(statistics.median(base_s), 4),
        "ratio_to_baseline": round(statistics.median(import_s) / statistics.median(base_s), 1),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "peak_reader_child_rss_mb": round(
            resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1
        ),
        "files": [
            {
                "file": f.name,
                "extract_s": round(e, 4),
                "import_s": round(i, 4),
                "baseline_s": round(b, 4),
            }
            for f, e, i, b in zip(files, extract_s, import_s, base_s, strict=True)
        ],
    }


def main() -> None:
    """Parse arguments, run, print JSON."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--reports", type=Path, default=DEFAULT)
    args = parser.parse_args()
    if not args.reports.is_dir():
        raise SystemExit(f"the published Ofsted reports are expected in {args.reports}")
    print(json.dumps(run(args.reports), indent=2))


if __name__ == "__main__":
    main()
