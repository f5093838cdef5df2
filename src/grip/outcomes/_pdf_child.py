"""Child-process entry point: read a pre-checked PDF's text page by page with pypdfium2.

Run only by :func:`grip.outcomes.pdf.read_pdf`, under resource limits. Writes JSON
``{"pages": [text, ...]}`` to stdout; a PDF that cannot be opened gives ``{"error": why}``.
Never imported by the main process.
"""

from __future__ import annotations

import json
import sys


def _why(message: str) -> str:
    lowered = message.lower()
    if "password" in lowered or "security" in lowered:
        return "it is encrypted (password-protected), so its text cannot be read"
    if "format" in lowered or "file" in lowered:
        return f"it is damaged or not a PDF that can be read ({message})"
    return message


def main(path: str, max_pages: int) -> int:
    """Read ``path`` and write its pages' text as JSON to stdout."""
    import pypdfium2 as pdfium

    try:
        doc = pdfium.PdfDocument(path)
    except pdfium.PdfiumError as exc:
        sys.stdout.write(json.dumps({"error": _why(str(exc))}))
        return 0
    try:
        count = len(doc)
        if count == 0:
            sys.stdout.write(json.dumps({"error": "it has no pages"}))
            return 0
        if count > max_pages:
            sys.stdout.write(
                json.dumps({"error": f"it has {count} pages; the limit is {max_pages}"})
            )
            return 0
        pages = []
        for index in range(count):
            page = doc[index]
            textpage = page.get_textpage()
            pages.append(textpage.get_text_range())
            textpage.close()
            page.close()
    finally:
        doc.close()
    sys.stdout.write(json.dumps({"pages": pages}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], int(sys.argv[2])))
