"""Child-process entry point: parse a pre-checked workbook with python-calamine.

Run only by :func:`grip.annex_a.guard.read_workbook`, under resource limits. Writes a pickle of
``[(sheet name, rows)]`` with plain values to stdout; any failure is one line on stderr and a
non-zero exit status. Never imported by the main process.
"""

from __future__ import annotations

import pickle
import sys


def main(path: str) -> int:
    """Parse ``path`` and write the sheets to stdout."""
    import python_calamine

    try:
        wb = python_calamine.CalamineWorkbook.from_path(path)
        out = []
        for name in wb.sheet_names:
            sheet = wb.get_sheet_by_name(name)
            out.append((name, sheet.to_python(skip_empty_area=False)))
    except Exception as exc:  # calamine raises its own error types for damaged parts
        sys.stderr.write(f"{type(exc).__name__}: {exc}\n")
        return 2
    sys.stdout.buffer.write(pickle.dumps(out, protocol=pickle.HIGHEST_PROTOCOL))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
