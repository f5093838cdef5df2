"""The service navigation is built from the role's permissions, and sign-in lands people on
the page they asked for or their home page."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.routing import APIRoute
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import Engine

from grip.access import totp
from grip.access.roles import policy
from grip.access.testing import PASSWORD, make_user, page_csrf
from grip.settings import Settings
from grip.web.app import create_app, iter_routes
from grip.web.navigation import areas, landing, return_path
from grip.web.security import PERMISSION_ATTR

ROLES = sorted(policy().roles)


def _get_routes(settings: Settings) -> dict[str, str]:
    found = {}
    for route in iter_routes(create_app(settings)):
        if isinstance(route, APIRoute) and "GET" in route.methods:
            for dep in route.dependant.dependencies:
                if hasattr(dep.call, PERMISSION_ATTR):
                    found[route.path] = getattr(dep.call, PERMISSION_ATTR)
    return found


def test_every_area_opens_for_every_role_that_sees_it(settings: Settings) -> None:
    """A role shown an area in the navigation may open its page: no link leads to a 403."""
    routes = _get_routes(settings)
    for area in areas():
        assert area.href in routes, f"{area.label}: no page at {area.href}"
        seeing = set(policy().roles_for(area.permission))
        opening = set(policy().roles_for(routes[area.href]))
        assert seeing <= opening, f"{area.label}: {sorted(seeing - opening)} see it, cannot open"


def _nav_labels(html: str) -> list[str]:
    nav = html.split('class="govuk-service-navigation__list"', 1)[1].split("</ul>", 1)[0]
    links = re.findall(r"<a [^>]*>(.*?)</a>", nav, flags=re.S)
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", t)).strip() for t in links]


@pytest.mark.parametrize("role", ROLES)
def test_each_role_sees_exactly_its_areas(signed_in: Any, client: Any, role: str) -> None:
    signed_in(role)
    page = client.get("/account")
    assert page.status_code == 200
    expected = [a.label for a in areas() if role in policy().roles_for(a.permission)]
    assert _nav_labels(page.text) == expected
    assert 'aria-current="page"' in page.text  # the current area is marked


def test_signed_out_pages_have_no_areas(client: Any) -> None:
    page = client.get("/sign-in")
    assert "govuk-service-navigation__list" not in page.text


def test_sign_in_returns_to_the_page_asked_for(client: Any, engine: Engine) -> None:
    user = make_user(engine, "qa_lead")
    r = client.get("/audits/actions?x=1", headers={"accept": "text/html"}, follow_redirects=False)
    assert r.headers["location"] == "/sign-in?next=%2Faudits%2Factions%3Fx%3D1"
    form = client.get(r.headers["location"])
    assert 'name="next" value="/audits/actions?x=1"' in form.text
    r = client.post(
        "/sign-in",
        data={
            "username": user.username,
            "password": PASSWORD,
            "next": "/audits/actions?x=1",
            "csrf_token": page_csrf(form.text),
        },
        follow_redirects=False,
    )
    assert r.headers["location"] == "/sign-in/code?next=%2Faudits%2Factions%3Fx%3D1"
    form = client.get(r.headers["location"])
    r = client.post(
        "/sign-in/code",
        data={
            "code": totp.code_at(user.totp_secret, totp_now()),
            "next": "/audits/actions?x=1",
            "csrf_token": page_csrf(form.text),
        },
        follow_redirects=False,
    )
    assert r.status_code == 303 and r.headers["location"] == "/audits/actions?x=1"


def totp_now() -> Any:
    from grip.access import clock

    return clock.now()


def test_sign_in_without_a_page_lands_on_home(signed_in: Any, client: Any) -> None:
    signed_in("la_admin")
    home = client.get("/")
    assert home.status_code == 200
    assert 'href="/admin/users"' in home.text and "Audit trail" in home.text
    assert "Measures" not in home.text  # not an LA admin's area


@pytest.mark.parametrize(
    "value",
    [
        "https://evil.example/",
        "//evil.example/x",
        "/\\evil.example",
        "/sign-in",
        "/sign-out",
        "",
        "javascript:alert(1)",
        "/a\nb",
    ],
)
def test_return_path_refuses_other_sites_and_loops(value: str) -> None:
    assert return_path(value) is None
    assert landing(value) == "/"


@given(st.text(max_size=80))
def test_return_path_only_ever_gives_a_path_on_this_site(value: str) -> None:
    back = return_path(value)
    if back is not None:
        assert back == value and back.startswith("/") and not back.startswith("//")
        assert "\\" not in back and back.isprintable()
