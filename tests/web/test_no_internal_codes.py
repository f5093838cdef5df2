"""No page, document or workbook shows internal codes or source nicknames (a service people can
find their way around, item 4: words, not codes). Every GET page linked from a role's home in a
seeded LA is crawled by following links only, with the DOCX and XLSX downloads it links to; the
visible text (never attributes or hidden inputs) must not contain a code from Grip's own code
lists (roles, audit states, audit-trail actions) as a whole word, nor "seed 00N" / "issue N"."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urldefrag, urljoin, urlsplit

import pytest
import yaml
from openpyxl import load_workbook
from sqlalchemy import Engine

from accounts import make_user, sign_in
from grip.access.roles import policy
from grip.audits.demo import seed_demo_audits
from grip.audits.lifecycle import MODERATOR_KINDS, lifecycle
from grip.demo import build_demo
from grip.settings import Settings

LA = "LA1"
AS_OF = dt.date.today()
EVENTS_YAML = __import__("grip.access", fromlist=["x"]).__path__[0] + "/events.yaml"
#: Pages a crawl must not follow: signing out ends the crawl's session.
#: The audit trail's export is the raw record for an auditor of the system (action codes,
#: hashes, ids): a data file, kept as recorded; the trail's page shows the same in words.
SKIP = ("/sign-out", "/assets/", "/static/", "/admin/audit-trail/export")
MAX_PAGES = 120


def code_words() -> set[str]:
    """Codes from Grip's code lists that are not words: those written with an underscore or a
    dot (roles, audit states and history events, moderator kinds, audit-trail actions and
    their parts)."""
    codes = set(policy().roles) | set(lifecycle().states) | set(lifecycle().events)
    codes |= set(MODERATOR_KINDS)  # an audit history's note once showed "second_auditor"
    with open(EVENTS_YAML, encoding="utf-8") as f:
        events = yaml.safe_load(f)
    for action in events["exact"]:
        codes |= {action, *action.split(".")}
    codes |= set(events["things"]) | set(events["outcomes"])
    return {c for c in codes if "_" in c or "." in c}


def forbidden() -> re.Pattern[str]:
    """Whole-word codes, and references to source documents by internal names."""
    words = "|".join(re.escape(c) for c in sorted(code_words(), key=len, reverse=True))
    return re.compile(rf"(?<![\w.-])({words})(?![\w-])|\bseed 0\d\d\b|\bissue \d+\b", re.I)


class _Visible(HTMLParser):
    """The text a person sees, and the page's links (script, style and templates left out)."""

    def __init__(self) -> None:
        super().__init__()
        self.text: list[str] = []
        self.links: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style", "template"):
            self._hidden += 1
        if tag == "a":
            self.links += [v for k, v in attrs if k == "href" and v]

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "template") and self._hidden:
            self._hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.text.append(data)


def _document_text(content: bytes, kind: str) -> str:
    """The words in a DOCX (its XML's text runs), an XLSX (its cells' values) or a CSV."""
    if kind == "csv":
        return content.decode("utf-8-sig")
    if kind == "xlsx":
        wb = load_workbook(io.BytesIO(content), read_only=True)
        return " ".join(
            str(v) for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for v in row
        )
    with zipfile.ZipFile(io.BytesIO(content)) as z:
        xml = z.read("word/document.xml").decode("utf-8")
    return " ".join(re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", xml))


def _kind(content_type: str) -> str | None:
    if "spreadsheetml" in content_type:
        return "xlsx"
    if "wordprocessingml" in content_type:
        return "docx"
    if "text/csv" in content_type:
        return "csv"
    if "text/html" in content_type:
        return "html"
    return None


def _crawl(client: Any, pattern: re.Pattern[str]) -> tuple[list[str], int]:
    """Follow local links from the home page; (what was found, pages and documents read)."""
    seen: set[str] = set()
    todo = ["/"]
    found: list[str] = []
    while todo and len(seen) < MAX_PAGES:
        url = todo.pop(0)
        if url in seen:
            continue
        seen.add(url)
        r = client.get(url)
        kind = _kind(r.headers.get("content-type", ""))
        if r.status_code != 200 or kind is None:
            continue
        if kind == "html":
            parser = _Visible()
            parser.feed(r.text)
            text = " ".join(parser.text)
            for href in parser.links:
                path = urldefrag(urljoin(url, href))[0]
                if urlsplit(path).netloc or not path.startswith("/") or path.startswith(SKIP):
                    continue
                todo.append(path)
        else:
            text = _document_text(r.content, kind)
        # The test users' own names ("Test qa_lead") are the fixture's, not Grip's words.
        text = re.sub(r"Test [a-z_]+", "Test user", text)
        flat = " ".join(text.split())
        found += [
            f"{url}: {flat[max(0, m.start() - 40) : m.end() + 20]!r}"
            for m in pattern.finditer(flat)
        ]
    return found, len(seen)


@pytest.mark.slow
@pytest.mark.parametrize("role", ["la_admin", "qa_lead", "head_of_service"])
def test_no_page_or_download_shows_a_code(
    client: Any, settings: Settings, engine: Engine, role: str
) -> None:
    build_demo(settings, children=40, seed=1, as_of=AS_OF, la_code=LA)
    seed_demo_audits(engine, LA, AS_OF, seed=1)
    sign_in(client, engine, make_user(engine, role, LA))
    found, read = _crawl(client, forbidden())
    assert read > 10, f"the crawl read only {read} pages"
    assert not found, f"{role}: internal codes on screen:\n" + "\n".join(sorted(set(found)))


def test_the_pattern_finds_codes_in_text_only() -> None:
    pattern = forbidden()
    parser = _Visible()
    parser.feed('<p data-x="team_manager">Role: <b>team_manager</b></p><input value="qa_lead">')
    text = " ".join(parser.text)
    assert [m.group(0) for m in pattern.finditer(text)] == ["team_manager"]
    assert pattern.search("as set out in seed 002") and pattern.search("see issue 12")
    assert not pattern.search("Team manager, QA lead, in progress")
