"""Accessibility checking in a real browser: axe-core (from npm) run inside Chromium.

Used by ``tests/web/test_accessibility.py``. The bar is WCAG 2.2 AA, the legal bar for UK
public-sector services (the Public Sector Bodies Accessibility Regulations 2018 point at it),
so axe runs every rule tagged for levels A and AA of WCAG 2.0, 2.1 and 2.2.

The app's Content Security Policy forbids injected scripts, so the contexts made here bypass
it (``bypass_csp=True``); the policy itself is tested in ``tests/web/test_hardening.py``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[2]
AXE_JS = REPO_ROOT / "node_modules" / "axe-core" / "axe.min.js"

#: axe rule tags for WCAG 2.0, 2.1 and 2.2 at levels A and AA.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

#: axe's "best-practice" rules that GOV.UK pages keep to (landmarks, headings, skip link):
#: not WCAG success criteria in themselves, but what lets screen reader and keyboard users
#: find their way round a page (WCAG 1.3.1 and 2.4.1 in spirit).
STRUCTURE_RULES = (
    "region",
    "landmark-one-main",
    "landmark-unique",
    "landmark-no-duplicate-banner",
    "landmark-no-duplicate-contentinfo",
    "landmark-no-duplicate-main",
    "landmark-banner-is-top-level",
    "landmark-contentinfo-is-top-level",
    "landmark-main-is-top-level",
    "page-has-heading-one",
    "heading-order",
    "empty-heading",
    "empty-table-header",
    "skip-link",
)


def axe_source() -> Path:
    """The axe-core script installed by ``make install`` (``npm ci``); a clear error if absent."""
    if not AXE_JS.is_file():
        raise FileNotFoundError(
            f"{AXE_JS} is missing: run `make install` (npm ci installs axe-core from "
            "package-lock.json)"
        )
    return AXE_JS


def a11y_context(browser: Any) -> Any:
    """A browser context in which axe can be injected despite the app's strict CSP."""
    return browser.new_context(bypass_csp=True, viewport={"width": 1280, "height": 900})


#: WCAG rules whose "needs review" answers count as failures. ``th-has-data-cells`` needs
#: review when a table has header cells but no data rows: an empty table, which should be a
#: sentence instead (1.3.1); Grip's tables are simple enough that it means nothing else.
REVIEW_IS_FAILURE = ("th-has-data-cells",)


def run_axe(page: Any) -> list[dict[str, Any]]:
    """Run axe on the page as it stands: every WCAG A/AA rule, then the structural rules in
    ``STRUCTURE_RULES``. Returns the violations (empty when the page passes), counting as
    violations the "needs review" answers of the rules in ``REVIEW_IS_FAILURE``."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(axe_source()))
    run = "async (opts) => await window.axe.run(document, opts)"
    violations: list[dict[str, Any]] = []
    for only in (
        {"type": "tag", "values": WCAG_TAGS},
        {"type": "rule", "values": list(STRUCTURE_RULES)},
    ):
        result = page.evaluate(run, {"runOnly": only, "resultTypes": ["violations", "incomplete"]})
        violations += result["violations"]
        violations += [
            r | {"impact": r.get("impact") or "review"}
            for r in result["incomplete"]
            if r["id"] in REVIEW_IS_FAILURE
        ]
    return violations


#: WCAG 1.4.10 Reflow: content fits 320 CSS pixels wide (1280 px at 400% zoom) without
#: scrolling sideways. Data tables are exempt (they need two dimensions to make sense), as is
#: preformatted text.
REFLOW_WIDTH = 320

_OVERFLOW_JS = """() => {
  const width = document.documentElement.clientWidth;
  const out = [];
  for (const el of document.querySelectorAll('body *')) {
    if (el.closest('table, pre')) continue;
    const r = el.getBoundingClientRect();
    if (r.width > 0 && r.right > width + 1) {
      const id = el.id ? '#' + el.id : '';
      const cls = typeof el.className === 'string' && el.className
        ? '.' + el.className.trim().split(/\\s+/).join('.') : '';
      out.push(`${el.tagName.toLowerCase()}${id}${cls} ends at ${Math.round(r.right)}px`);
    }
  }
  return out;
}"""


def reflow_overflow(page: Any) -> list[str]:
    """Elements (outside tables) that stick out past a 320 px wide viewport; the page is put
    back to its usual size afterwards."""
    size = page.viewport_size
    page.set_viewport_size({"width": REFLOW_WIDTH, "height": 900})
    try:
        out: list[str] = page.evaluate(_OVERFLOW_JS)
    finally:
        page.set_viewport_size(size)
    return out


#: A phone's width: no page may scroll sideways at it, tables included (wide tables scroll in
#: their own box, grip.js); issue "pages that scroll sideways at 375 px".
PHONE_WIDTH = 375


def page_width_at_phone(page: Any) -> int:
    """The page's scroll width with the viewport 375 px wide; the size is put back after."""
    size = page.viewport_size
    page.set_viewport_size({"width": PHONE_WIDTH, "height": 800})
    try:
        return int(page.evaluate("() => document.documentElement.scrollWidth"))
    finally:
        page.set_viewport_size(size)


_PHONE_OVERFLOW_JS = """() => {
  const width = document.documentElement.clientWidth;
  const sticksOut = (rects) => [...rects].some((r) => r.width > 0 && r.right > width + 1);
  const clipped = (el) => {
    for (let a = el; a && a !== document.body; a = a.parentElement) {
      if (getComputedStyle(a).overflowX !== 'visible') return true;
    }
    return false;
  };
  const name = (el) => {
    const id = el.id ? '#' + el.id : '';
    const cls = typeof el.className === 'string' && el.className
      ? '.' + el.className.trim().split(/\\s+/).join('.') : '';
    return `${el.tagName.toLowerCase()}${id}${cls}`;
  };
  const out = [];
  for (const el of document.querySelectorAll('body *')) {
    if (!clipped(el.parentElement) && sticksOut([el.getBoundingClientRect()])
        && ![...el.children].some((c) => sticksOut([c.getBoundingClientRect()]))) {
      out.push(`${name(el)} ends at ${Math.round(el.getBoundingClientRect().right)}px`);
    }
  }
  const text = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = text.nextNode(); n; n = text.nextNode()) {
    const range = document.createRange();
    range.selectNodeContents(n);
    if (!clipped(n.parentElement) && sticksOut(range.getClientRects())) {
      out.push(`text in ${name(n.parentElement)}: ${n.textContent.trim().slice(0, 60)}`);
    }
  }
  return out;
}"""


def phone_overflow(page: Any) -> list[str]:
    """The innermost elements and the texts that make the page scroll sideways at 375 px
    (those inside a box that scrolls by itself, such as a wide table's, left out); the size is
    put back after."""
    size = page.viewport_size
    page.set_viewport_size({"width": PHONE_WIDTH, "height": 800})
    try:
        out: list[str] = page.evaluate(_PHONE_OVERFLOW_JS)
    finally:
        page.set_viewport_size(size)
    return out


def describe(label: str, violations: list[dict[str, Any]]) -> str:
    """A readable account of ``violations`` on the page ``label``: rule id, impact, help URL,
    and each failing element's CSS target with axe's summary of what to fix."""
    lines = [f"{label}: {len(violations)} violation(s)"]
    for v in violations:
        lines.append(f"  [{v['impact']}] {v['id']}: {v['help']} ({v['helpUrl']})")
        for node in v["nodes"][:5]:
            summary = " ".join(str(node.get("failureSummary", "")).split())
            lines.append(f"      at {json.dumps(node['target'])}: {summary[:300]}")
        if len(v["nodes"]) > 5:
            lines.append(f"      … and {len(v['nodes']) - 5} more element(s)")
    return "\n".join(lines)
