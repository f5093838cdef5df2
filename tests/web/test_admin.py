"""LA admin pages: users and roles, the audit trail (view, filter, export)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from typing import Any

from sqlalchemy import Engine

from accounts import make_user, page_csrf, sign_in
from grip.access import audit
from grip.store.db import transaction


def test_admin_manages_own_la_users_and_other_la_is_404(client: Any, engine: Engine) -> None:
    admin = sign_in(client, engine, make_user(engine, "la_admin", "LA1"))
    page = client.get("/admin/users")
    assert page.status_code == 200
    token = page_csrf(page.text)
    r = client.post(
        "/admin/users",
        data={
            "username": "new.worker",
            "display_name": "New Worker",
            "role": "social_worker",
            "csrf_token": token,
        },
    )
    assert r.status_code == 200 and 'id="one-time-password"' in r.text
    bad = client.post(
        "/admin/users",
        data={
            "username": "visitor",
            "display_name": "A Visitor",
            "role": "inspector",
            "csrf_token": token,
        },
    )
    assert bad.status_code == 400 and "expiry" in bad.text
    other = make_user(engine, "social_worker", "LA2")
    for action in ("disable", "enable", "revoke", "reset", "role"):
        r = client.post(
            f"/admin/users/{other.id}/{action}", data={"csrf_token": token, "role": "auditor"}
        )
        assert r.status_code == 404, action
    assert other.username not in client.get("/admin/users").text
    assert admin.username in client.get("/admin/users").text


def test_disabling_signs_the_user_out_at_once(engine: Engine, settings: Any) -> None:
    from fastapi.testclient import TestClient

    from grip.web.app import create_app

    app = create_app(settings)
    with (
        TestClient(app, base_url="http://127.0.0.1") as admin_c,
        TestClient(app, base_url="http://127.0.0.1") as worker_c,
    ):
        sign_in(admin_c, engine, make_user(engine, "la_admin", "LA1"))
        worker = sign_in(worker_c, engine, make_user(engine, "social_worker", "LA1"))
        assert worker_c.get("/account").status_code == 200
        token = page_csrf(admin_c.get("/admin/users").text)
        r = admin_c.post(f"/admin/users/{worker.id}/disable", data={"csrf_token": token})
        assert r.status_code == 200 and "disabled and signed out" in r.text
        assert worker_c.get("/account").status_code == 401
        r = admin_c.post(f"/admin/users/{worker.id}/enable", data={"csrf_token": token})
        assert r.status_code == 200
        sign_in(worker_c, engine, worker)
        r = admin_c.post(
            f"/admin/users/{worker.id}/role", data={"csrf_token": token, "role": "team_manager"}
        )
        assert r.status_code == 200
        # A role change ends the sessions too.
        assert worker_c.get("/account").status_code == 401


def test_audit_trail_dates_use_the_govuk_date_input(client: Any, engine: Engine) -> None:
    """GOV.UK date input (Service Manual, "Dates"): day, month and year; a date that does not
    exist is named beside its field with what was typed kept; older ISO links still work."""
    audit.record_event(engine, action="case.read", la_code="LA1", object_id="TODAY")
    sign_in(client, engine, make_user(engine, "la_admin", "LA1"))
    page = client.get("/admin/audit-trail")
    assert 'type="date"' not in page.text and "YYYY-MM-DD" not in page.text
    assert 'name="since-day"' in page.text and 'name="until-year"' in page.text
    bad = client.get("/admin/audit-trail?since-day=31&since-month=2&since-year=2026&username=x")
    assert bad.status_code == 400
    assert "From must be a real date" in bad.text and 'href="#since-day"' in bad.text
    assert 'value="31"' in bad.text and 'value="x"' in bad.text
    today = dt.datetime.now(dt.UTC).date()
    parts = f"day={today.day}&until-month={today.month}&until-year={today.year}"
    assert "TODAY" in client.get(f"/admin/audit-trail?until-{parts}").text
    gone = today - dt.timedelta(days=1)
    assert "TODAY" not in client.get(f"/admin/audit-trail?until={gone.isoformat()}").text
    assert "TODAY" in client.get(f"/admin/audit-trail?since={today.isoformat()}").text
    backwards = client.get(f"/admin/audit-trail?since={today.isoformat()}&until={gone}")
    assert backwards.status_code == 400 and "on or before" in backwards.text


def test_audit_trail_view_filter_and_export(client: Any, engine: Engine) -> None:
    for i, action in enumerate(["case.read", "case.read", "export.xlsx"]):
        audit.record_event(
            engine,
            action=action,
            la_code="LA1",
            object_type="case",
            object_id=f"P{i}",
            detail='=HYPERLINK("http://x")',
        )
    audit.record_event(engine, action="case.read", la_code="LA2", object_id="OTHER-LA")
    sign_in(client, engine, make_user(engine, "la_admin", "LA1"))
    html = client.get("/admin/audit-trail").text
    assert "P0" in html and "OTHER-LA" not in html and "Signed in" in html
    assert "signin.success" not in html  # words, not codes
    html = client.get("/admin/audit-trail?action=case.read&object_id=P1").text
    rows = re.findall(r'<tr class="govuk-table__row">\s*<td', html)
    assert len(rows) == 1 and "P1" in html
    assert client.get("/admin/audit-trail?since=not-a-date").status_code == 400
    r = client.get("/admin/audit-trail/export?format=csv&action=case")
    assert r.headers["content-type"].startswith("text/csv")
    data = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert data[0][:3] == ["id", "at", "user_id"] and len(data) == 3
    head = data[0]
    assert {row[head.index("event")] for row in data[1:]} == {"Read a child's record"}  # in words
    assert {row[head.index("result")] for row in data[1:]} == {"Done"}
    assert all(row[-1].startswith("'=") for row in data[1:])
    x = client.get("/admin/audit-trail/export?format=xlsx")
    with zipfile.ZipFile(io.BytesIO(x.content)) as z:
        xml = "".join(z.read(n).decode() for n in z.namelist() if n.endswith(".xml"))
    assert "<f>" not in xml and "OTHER-LA" not in xml and "P2" in xml
    # The exports themselves are in the trail.
    with transaction(engine) as db:
        found = audit.find_events(db, audit.EventFilter(la_code="LA1", action="export."))
    assert {e.action for e in found} >= {"export.csv", "export.xlsx"}


def test_non_admins_cannot_see_the_trail(client: Any, engine: Engine) -> None:
    sign_in(client, engine, make_user(engine, "dcs", "LA1"))
    assert client.get("/admin/audit-trail").status_code == 403
    assert client.get("/admin/users").status_code == 403
    with transaction(engine) as db:
        denied = audit.find_events(db, audit.EventFilter(la_code="LA1", action="authz.denied"))
    assert len(denied) == 2 and denied[0].outcome == "denied"


def test_la_admin_cannot_make_a_platform_operator(client: Any, engine: Engine) -> None:
    sign_in(client, engine, make_user(engine, "la_admin", "LA1"))
    token = page_csrf(client.get("/admin/users").text)
    r = client.post(
        "/admin/users",
        data={
            "username": "escalate",
            "display_name": "Es Calate",
            "role": "platform_operator",
            "csrf_token": token,
        },
    )
    assert r.status_code == 403 and "cannot give the role Platform operator" in r.text
    target = make_user(engine, "social_worker", "LA1")
    r = client.post(
        f"/admin/users/{target.id}/role", data={"role": "platform_operator", "csrf_token": token}
    )
    assert r.status_code == 403 and "cannot give the role Platform operator" in r.text
    with transaction(engine) as db:
        from grip.access.models import Membership

        assert db.get(Membership, (target.id, "LA1")).role == "social_worker"  # type: ignore[union-attr]


def test_failed_sign_ins_of_the_las_users_are_in_its_trail(client: Any, engine: Engine) -> None:
    """A wrong password for a user of LA1 is an event in LA1's trail (and not LA2's)."""
    worker = make_user(engine, "social_worker", "LA1")
    page = client.get("/sign-in").text
    client.post(
        "/sign-in",
        data={"username": worker.username, "password": "wrong" * 4, "csrf_token": page_csrf(page)},
    )
    with transaction(engine) as db:
        la1 = audit.find_events(db, audit.EventFilter(la_code="LA1", action="signin.failure"))
        la2 = audit.find_events(db, audit.EventFilter(la_code="LA2", action="signin.failure"))
    assert [e.username for e in la1] == [worker.username] and la2 == []
    sign_in(client, engine, make_user(engine, "la_admin", "LA1"))
    html = client.get("/admin/audit-trail?action=signin.failure").text
    assert worker.username in html


def test_removing_disabling_or_resetting_asks_first_and_says_what_happens(
    client: Any, engine: Engine
) -> None:
    sign_in(client, engine, make_user(engine, "la_admin", "LA1"))
    worker = make_user(engine, "social_worker", "LA1")
    page = client.get("/admin/users").text
    for action, words in (
        ("revoke", "loses their role in this local authority at once"),
        ("disable", "is signed out everywhere"),
        ("reset", "password and authenticator stop working at once"),
    ):
        assert f'href="/admin/users/{worker.id}/confirm?action={action}"' in page
        confirm = client.get(f"/admin/users/{worker.id}/confirm?action={action}")
        assert confirm.status_code == 200 and words in confirm.text
        assert f'action="/admin/users/{worker.id}/{action}"' in confirm.text
        assert 'href="/admin/users">Cancel' in confirm.text
    # Only users of this LA, and only those actions.
    other = make_user(engine, "social_worker", "LA2")
    assert client.get(f"/admin/users/{other.id}/confirm?action=disable").status_code == 404
    assert client.get(f"/admin/users/{worker.id}/confirm?action=delete").status_code == 400
    # Nothing happens until the confirmation is posted.
    assert 'id="confirm"' in client.get(f"/admin/users/{worker.id}/confirm?action=disable").text
    assert "Disabled" not in client.get("/admin/users").text


def test_the_add_user_form_starts_on_the_role_with_least_access(
    client: Any, engine: Engine
) -> None:
    from grip.access.roles import policy

    sign_in(client, engine, make_user(engine, "la_admin", "LA1"))
    grantable = policy().grants["la_admin"]
    least = policy().least_privileged(grantable)
    assert least is not None
    held = {r: sum(r in h for h in policy().permissions.values()) for r in grantable}
    assert held[least] == min(held.values())
    make_user(engine, "auditor", "LA1")
    page = client.get("/admin/users").text
    assert f'<option value="{least}" selected>' in page.split('id="role"')[1]
    # A user's role is changed on its own page, linked from their row (no inputs in the table).
    assert re.search(r'href="/admin/users/\d+/role">Change role', page)


def test_role_change_shows_its_errors_in_place_and_keeps_what_was_typed(
    client: Any, engine: Engine
) -> None:
    """The one form pattern (docs/architecture.md, "A form"): a bad date is named beside the
    date input, a library refusal beside its field, status 400, the input kept."""
    sign_in(client, engine, make_user(engine, "la_admin", "LA1"))
    target = make_user(engine, "social_worker", "LA1")
    page = client.get(f"/admin/users/{target.id}/role")
    assert page.status_code == 200 and 'id="expires-day"' in page.text
    token = page_csrf(page.text)
    bad = {"role": "inspector", "expires-day": "31", "expires-month": "2", "expires-year": "2027"}
    r = client.post(f"/admin/users/{target.id}/role", data=bad | {"csrf_token": token})
    assert r.status_code == 400 and "Access ends must be a real date" in r.text
    assert 'href="#expires-day"' in r.text and 'value="31"' in r.text
    # An inspector's access must end on a date: the library's refusal goes beside that field.
    r = client.post(
        f"/admin/users/{target.id}/role", data={"role": "inspector", "csrf_token": token}
    )
    assert r.status_code == 400 and 'href="#expires-day"' in r.text and "expir" in r.text
    with transaction(engine) as db:
        from grip.access.models import Membership

        assert db.get(Membership, (target.id, "LA1")).role == "social_worker"  # type: ignore[union-attr]


def test_add_user_keeps_what_was_typed_and_names_the_missing_field(
    client: Any, engine: Engine
) -> None:
    sign_in(client, engine, make_user(engine, "la_admin", "LA1"))
    token = page_csrf(client.get("/admin/users").text)
    r = client.post(
        "/admin/users", data={"username": "kept.name", "role": "auditor", "csrf_token": token}
    )
    assert r.status_code == 400 and "Enter full name" in r.text
    assert 'href="#display_name"' in r.text and 'value="kept.name"' in r.text
