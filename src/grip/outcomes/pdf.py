"""Read a published report's text safely: checks first, then pypdfium2 in a limited child.

A PDF given to ``grip outcomes extract`` is untrusted input. Like the Annex A workbook check
(:mod:`grip.annex_a.guard`), the parser runs in a separate Python process with an address-space
limit, a CPU limit and a wall-clock timeout, so a hostile or broken file (a parser crash, a
memory blow-up, a hang) costs one clear per-file error and the batch goes on. Before that, cheap
checks refuse what is plainly not a PDF (zero bytes, an HTML page saved as ``.pdf``) or too big.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

# The 45 real reports are 0.2-2 MB and at most 54 pages; the limits leave ample room.
MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_PAGES = 400
CHILD_MEMORY_BYTES = 1024 * 1024 * 1024
CHILD_CPU_SECONDS = 60
CHILD_TIMEOUT_SECONDS = 90
# Run by file name (it imports nothing from grip), so the child needs no import path.
_CHILD = Path(__file__).with_name("_pdf_child.py")


class ReportRefused(ValueError):
    """The file cannot be read as a report; the message says why."""


def _precheck(path: Path) -> None:
    """Refuse a file that is missing, empty, too big or plainly not a PDF."""
    try:
        size = path.stat().st_size
        with path.open("rb") as fh:
            head = fh.read(1024)
    except OSError as exc:
        raise ReportRefused(f"cannot be read: {exc.strerror}") from None
    if size == 0:
        raise ReportRefused("the file is empty (0 bytes), not a PDF")
    if size > MAX_FILE_BYTES:
        raise ReportRefused(
            f"refused: {size} bytes is over the {MAX_FILE_BYTES // (1024 * 1024)} MB limit "
            "for a report"
        )
    if b"%PDF-" not in head:
        lowered = head.lstrip().lower()
        if lowered.startswith((b"<!doctype html", b"<html")) or b"<html" in lowered:
            raise ReportRefused("not a PDF: it is an HTML page (a web page saved with a .pdf name)")
        raise ReportRefused("not a PDF: it does not start with the PDF header %PDF-")


def _limit_child() -> None:  # pragma: no cover - runs in the child before exec
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (CHILD_MEMORY_BYTES, CHILD_MEMORY_BYTES))
    resource.setrlimit(resource.RLIMIT_CPU, (CHILD_CPU_SECONDS, CHILD_CPU_SECONDS + 5))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def _clean(text: str) -> str:
    # PDFium reports a hyphen at a line break as U+FFFE and ends lines with CR LF.
    return text.replace("\ufffe", "-").replace("\r\n", "\n").replace("\r", "\n")


def read_pdf(path: Path, timeout: float = CHILD_TIMEOUT_SECONDS) -> list[str]:
    """The text of each page of the PDF at ``path`` (page 1 first); :class:`ReportRefused`
    with the reason when it is not a readable PDF."""
    _precheck(path)
    try:
        proc = subprocess.run(  # noqa: S603 - fixed argv, our own interpreter and module
            [sys.executable, "-I", str(_CHILD), str(path), str(MAX_PAGES)],
            capture_output=True,
            timeout=timeout,
            preexec_fn=_limit_child,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise ReportRefused(f"refused: reading it took more than {timeout:.0f} seconds") from None
    if proc.returncode != 0:
        raise ReportRefused(
            "could not be read: the PDF reader stopped "
            f"(exit status {proc.returncode}; out of its memory or time limit, or a damaged file)"
        )
    try:
        result = json.loads(proc.stdout)
    except ValueError:
        raise ReportRefused("could not be read: the PDF reader gave no usable answer") from None
    if "error" in result:
        raise ReportRefused(str(result["error"]))
    return [_clean(page) for page in result["pages"]]
