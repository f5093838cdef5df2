"""Evidence pages through the app: record an entry, a refused name shown in place with the text
kept, the judgement meeting, findings and feedback, and who is refused."""

from __future__ import annotations

from typing import Any

from accounts import page_csrf, sign_in

from .conftest import Team

HEAD = "ilacs-2017/help-protection/early-help"


def _entry_form(
    statement: str, evidence: str = "Four of five plans were timely."
) -> dict[str, Any]:
    return {
        "source": "case-file",
        "marker": "strength",
        "headings": [HEAD],
        "cases": ["P1"],
        "statement": statement,
        "evidence": evidence,
        "impact": "Children get help early.",
    }


def test_record_an_entry_and_a_refused_name_keeps_the_text(client: Any, team: Team) -> None:
    user = sign_in(client, team.engine, team.inspector)
    base = f"/inspections/{team.inspection_id}/evidence"
    page = client.get(f"{base}/new")
    assert page.status_code == 200
    form = {
        **_entry_form("Help is <b>timely</b>.", "Marlia's plan was reviewed."),
        "csrf_token": page_csrf(page.text),
    }
    r = client.post(f"{base}/new", data=form)
    assert r.status_code == 400
    assert "govuk-error-summary" in r.text and 'href="#evidence"' in r.text
    assert "“Marlia” is a name of a child or family member" in r.text
    assert "Marlia&#39;s plan was reviewed." in r.text  # kept, escaped
    form["evidence"] = "The plan for P1 (M.E.) was reviewed."
    r = client.post(f"{base}/new", data=form, follow_redirects=False)
    assert r.status_code == 303
    page = client.get(r.headers["location"])
    assert "Help is &lt;b&gt;timely&lt;/b&gt;." in page.text and "<b>timely</b>" not in page.text
    listing = client.get(base)
    assert "Help is &lt;b&gt;timely" in listing.text and user.username


def test_bad_input_names_the_field(client: Any, team: Team) -> None:
    sign_in(client, team.engine, team.inspector)
    base = f"/inspections/{team.inspection_id}/evidence"
    token = page_csrf(client.get(f"{base}/new").text)
    form = {**_entry_form(""), "headings": [], "source": "", "csrf_token": token}
    r = client.post(f"{base}/new", data=form)
    assert r.status_code == 400
    for field in ("#headings", "#source", "#statement"):
        assert f'href="{field}"' in r.text
    assert "Four of five plans were timely." in r.text


def test_la_staff_cannot_read_the_record_or_early_findings(client: Any, team: Team) -> None:
    sign_in(client, team.engine, team.la_staff)
    base = f"/inspections/{team.inspection_id}"
    assert client.get(f"{base}/evidence").status_code == 403
    assert client.get(f"{base}/findings").status_code == 403
    assert client.get(f"{base}/judgements").status_code == 403
    assert client.get("/inspections/nope/evidence").status_code == 404


def test_meeting_page_shows_the_engines_verdict(client: Any, team: Team) -> None:
    sign_in(client, team.engine, team.lead)
    base = f"/inspections/{team.inspection_id}"
    token = page_csrf(client.get(f"{base}/evidence/new").text)
    client.post(
        f"{base}/evidence/new", data={**_entry_form("Help is timely."), "csrf_token": token}
    )
    page = client.get(f"{base}/judgements")
    assert page.status_code == 200
    form = {
        "csrf_token": token,
        "grade-help-protection": "inadequate",
        "grade-overall": "good",
        "fact-widespread-or-serious-failure": "no",
    }
    r = client.post(f"{base}/judgements", data=form, follow_redirects=True)
    assert "para 101" in r.text
    r = client.post(f"{base}/judgements/confirm", data={"csrf_token": token})
    assert r.status_code == 400 and "cannot be confirmed" not in r.text
    assert "Error: " in r.text.split("</title>")[0]


def test_para_190_qa_manager_notes_the_record_once_reviewed(client: Any, team: Team) -> None:
    sign_in(client, team.engine, team.qa)
    base = f"/inspections/{team.inspection_id}/evidence"
    page = client.get(base)
    assert "Add note to the record" in page.text
    token = page_csrf(page.text)
    note = {"note": "Reviewed: early help well covered.", "csrf_token": token}
    r = client.post(f"{base}/notes", data=note, follow_redirects=False)
    assert r.status_code == 303
    assert "Reviewed: early help well covered." in client.get(base).text
    r = client.post(f"{base}/notes", data={"note": "Thornby's file is thin.", "csrf_token": token})
    assert r.status_code == 400 and "para 191" in r.text
