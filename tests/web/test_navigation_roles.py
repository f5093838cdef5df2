"""Every role finds its way round Grip by the service navigation alone (issue: a service people
can find their way around): sign in, land on the role's home, click each area the navigation
offers, and check each page with axe (WCAG 2.2 AA) and at a phone's width (375 px, no sideways
scrolling: WCAG 1.4.10 Reflow). One browser and one live server, parametrised by role."""

from __future__ import annotations

from typing import Any

import pytest
from a11y import PHONE_WIDTH, a11y_context, describe, page_width_at_phone, run_axe
from sqlalchemy import Engine

from accounts import make_user, submit_sign_in
from grip.access.roles import policy
from grip.web import navigation

#: The roles of an LA's staff and its inspectors (the platform operator has no LA pages).
LA_ROLES = sorted(r for r in policy().roles if r != "platform_operator")
NAV_LINKS = ".govuk-service-navigation__list a"


def _sign_in(page: Any, base: str, engine: Engine, role: str) -> None:
    """Sign in as a new user of ``role`` in LA1 through the real pages; no address typed after."""
    submit_sign_in(page, base, engine, make_user(engine, role, "LA1"))
    page.wait_for_url(f"{base}/")


def _check_page(page: Any, label: str) -> list[str]:
    """axe's violations on the page, and whether it scrolls sideways at 375 px."""
    out = []
    violations = run_axe(page)
    if violations:
        out.append(describe(label, violations))
    width = page_width_at_phone(page)
    if width > PHONE_WIDTH:
        out.append(f"{label}: {width} px wide at {PHONE_WIDTH} px (the page scrolls sideways)")
    return out


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.parametrize("role", LA_ROLES)
def test_each_role_reaches_its_areas_by_the_navigation(
    browser: Any, live_server: str, engine: Engine, role: str
) -> None:
    allowed = [a.href for a in navigation.areas() if policy().allows(role, a.permission)]
    context = a11y_context(browser)
    page = context.new_page()
    failures: list[str] = []
    try:
        _sign_in(page, live_server, engine, role)
        assert page.locator("h1").count() == 1, "the role's home has no heading"
        failures += _check_page(page, f"{role}: home")
        shown = page.locator(NAV_LINKS).evaluate_all("els => els.map(e => e.getAttribute('href'))")
        assert shown == allowed, f"{role}: navigation shows {shown}, permissions allow {allowed}"
        for href in allowed:
            page.click(f"{NAV_LINKS}[href='{href}']")
            page.wait_for_url(f"{live_server}{href}")
            assert page.locator("h1").count() == 1, f"{role}: {href} has no single heading"
            assert "not found" not in page.title().lower(), f"{role}: {href} not found"
            failures += _check_page(page, f"{role}: {href}")
    finally:
        context.close()
    assert not failures, "\n\n".join(failures)
