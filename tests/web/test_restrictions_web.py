"""Restricted cases on the web (issue 4 §5): restrict with an access list and review date,
break-glass with a typed reason (logged; QA lead notified), lift."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Engine

from grip.access import audit
from grip.access.testing import make_user, page_csrf, sign_in
from grip.store.db import transaction


def test_restrict_break_glass_and_lift(client: Any, engine: Engine, settings: Any) -> None:
    from fastapi.testclient import TestClient

    from grip.web.app import create_app

    worker = make_user(engine, "social_worker", "LA1")
    lead = make_user(engine, "qa_lead", "LA1")
    sign_in(client, engine, lead)
    page = client.get("/admin/restrictions")
    token = page_csrf(page.text)
    review = (dt.date.today() + dt.timedelta(days=90)).isoformat()
    r = client.post(
        "/admin/restrictions",
        data={
            "person_id": "P-77",
            "reason": "high-profile family",
            "review_date": review,
            "access": f"{worker.username}, ghost-user",
            "csrf_token": token,
        },
    )
    assert r.status_code == 400 and "ghost-user: no such user in this LA" in r.text
    r = client.post(
        "/admin/restrictions",
        data={
            "person_id": "P-77",
            "reason": "high-profile family",
            "review_date": review,
            "access": worker.username,
            "csrf_token": token,
        },
    )
    assert r.status_code == 200 and "P-77 is restricted" in r.text and worker.username in r.text

    with TestClient(create_app(settings), base_url="http://127.0.0.1") as other:
        manager = sign_in(other, engine, make_user(engine, "team_manager", "LA1"))
        assert other.get("/break-glass/NOT-RESTRICTED").status_code == 404
        form = other.get("/break-glass/P-77")
        assert form.status_code == 200 and "will be recorded" in form.text
        short = other.post(
            "/break-glass/P-77", data={"reason": "need it", "csrf_token": manager.csrf_token}
        )
        assert short.status_code == 400 and "at least 15 characters" in short.text
        ok = other.post(
            "/break-glass/P-77",
            data={
                "reason": "child reported missing, police need history",
                "csrf_token": manager.csrf_token,
            },
        )
        assert ok.status_code == 200 and 'id="granted"' in ok.text
    # The QA lead sees the notification; the trail has the reason.
    assert "Break-glass access to restricted case P-77" in client.get("/account").text
    with transaction(engine) as db:
        events = audit.find_events(db, audit.EventFilter(la_code="LA1", action="case.break"))
    assert events[0].detail == "child reported missing, police need history"
    r = client.post("/admin/restrictions/P-77/lift", data={"csrf_token": token})
    assert r.status_code == 200 and "no longer restricted" in r.text
    assert (
        client.post("/admin/restrictions/P-77/lift", data={"csrf_token": token}).status_code == 404
    )
