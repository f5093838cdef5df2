"""The service navigation: each role sees exactly the areas it can use, on every page."""

from __future__ import annotations

import re
from typing import Any

import pytest
from sqlalchemy import Engine

from grip.access.roles import policy
from grip.web import navigation
from grip.web.navigation import parse_areas, safe_return_path

LA_ROLES = sorted(r for r in policy().roles if r != "platform_operator")


def _nav_links(html: str) -> list[str]:
    block = html.split('class="govuk-service-navigation__list"', 1)
    if len(block) < 2:
        return []
    return re.findall(r'href="([^"]+)"', block[1].split("</ul>", 1)[0])


@pytest.mark.parametrize("role", LA_ROLES)
def test_each_role_sees_exactly_the_areas_it_can_open(
    client: Any, signed_in: Any, role: str
) -> None:
    signed_in(role)
    shown = _nav_links(client.get("/account").text)
    for area in navigation.areas():
        opens = client.get(area.href).status_code == 200
        assert (area.href in shown) == opens, (role, area.href, opens)


def test_navigation_marks_the_current_area(client: Any, signed_in: Any) -> None:
    signed_in("qa_lead")
    html = client.get("/audits/actions").text
    nav = html.split('class="govuk-service-navigation__list"', 1)[1].split("</ul>", 1)[0]
    active = re.findall(r'service-navigation__item--active">\s*<a[^>]*href="([^"]+)"', nav)
    assert active == ["/audits"]


def test_signed_out_pages_have_no_areas(client: Any) -> None:
    assert _nav_links(client.get("/sign-in").text) == []


def test_an_area_with_an_unknown_permission_or_page_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown permission 'nope:read'"):
        parse_areas({"areas": [{"text": "X", "href": "/", "permission": "nope:read"}]}, "nav")
    good = {"areas": [{"text": "X", "href": "/nowhere", "permission": "account:self"}]}
    with pytest.raises(ValueError, match="'/nowhere' is not a page of the app"):
        parse_areas(good, "nav", routes=["/"])


@pytest.mark.parametrize(
    "value",
    [
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example",
        "",
        None,
        "audits",
        "/sign-in/code",
        "/x\r\nSet-Cookie: a=b",
        "/" + "a" * 400,
    ],
)
def test_return_path_is_only_a_local_page(value: str | None) -> None:
    assert safe_return_path(value) is None


def test_return_path_keeps_a_local_page_with_its_query() -> None:
    assert safe_return_path("/audits?state=submitted") == "/audits?state=submitted"


@pytest.mark.browser
def test_sign_in_returns_to_the_page_asked_for(
    live_server: str, page: Any, engine: Engine, browser_sign_in: Any
) -> None:
    landed: list[str] = []
    page.on("framenavigated", lambda f: landed.append(f.url) if f == page.main_frame else None)
    page.goto(f"{live_server}/audits/actions")
    assert page.url == f"{live_server}/sign-in"
    browser_sign_in(page, live_server, "qa_lead")
    after_code = landed[landed.index(f"{live_server}/sign-in/code") + 1]
    assert after_code == f"{live_server}/audits/actions"
    page.goto(f"{live_server}/")
    page.click(".govuk-service-navigation__list a[href='/audits']")
    page.wait_for_url(f"{live_server}/audits")
    page.click(".grip-subnav a[href='/audits/actions']")
    page.wait_for_url(f"{live_server}/audits/actions")
    assert page.locator("h1").count() == 1
