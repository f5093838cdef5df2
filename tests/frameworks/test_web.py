"""Framework pages: browse frameworks, judgements, headings and criteria with their sources,
and check a set of judgements. All need ``frameworks:read``."""

from __future__ import annotations

import itertools
import re
from typing import Any

import pytest

from grip import frameworks


def test_signed_out_visitor_cannot_read_frameworks(client: Any) -> None:
    response = client.get("/frameworks", follow_redirects=False)
    assert response.status_code in (302, 303, 401)
    assert "Early help" not in response.text
    assert client.get("/api/frameworks/ilacs-2017").status_code == 401


def test_index_lists_every_framework_in_force_first(client: Any, signed_in: Any) -> None:
    signed_in(role="social_worker")
    response = client.get("/frameworks")
    assert response.status_code == 200
    rows = re.findall(r'data-framework="([a-z0-9-]+)"', response.text)
    assert rows == ["ilacs-2023", "ilacs-2017", "sif-2013", "cp-2012"]
    assert "<caption" in response.text and 'scope="col"' in response.text


def test_framework_page_shows_judgements_rules_and_focused_visits(
    client: Any, signed_in: Any
) -> None:
    signed_in(role="inspector")
    html = client.get("/frameworks/ilacs-2017").text
    assert re.findall(r'data-judgement="([a-z-]+)"', html) == [
        "overall",
        "help-protection",
        "children-in-care",
        "leaders",
    ]
    assert 'data-rule="widespread-failure-limits-overall"' in html
    assert "ofsted-170040 para 100" in html
    assert "Requires improvement to be good" in html
    # Para 107: the five aspects evaluated on every focused visit.
    aspects = re.search(r'id="focused-visit-aspects">(.*?)</ul>', html, re.S)
    assert aspects is not None and aspects.group(1).count("<li>") == 5


def test_judgement_page_shows_each_heading_and_criterion_with_its_source(
    client: Any, signed_in: Any
) -> None:
    signed_in()
    html = client.get("/frameworks/ilacs-2017/judgements/help-protection").text
    fw = frameworks.load("ilacs-2017")
    judgement = fw.judgement("help-protection")
    assert re.findall(r'data-heading="([^"]+)"', html) == [h.ref for h in judgement.headings]
    for heading in judgement.headings:
        for criterion in heading.criteria:
            assert f'data-ref="{criterion.ref}"' in html
    assert html.count("Source: ofsted-170040") >= len(judgement.all_criteria())
    # Headings in order: h1, then h2 sections, then h3 headings; no level skipped.
    levels = [int(n) for n in re.findall(r"<h([1-6])", html)]
    assert levels[0] == 1
    assert all(b - a <= 1 for a, b in itertools.pairwise(levels))


def test_unknown_framework_or_judgement_is_not_found(client: Any, signed_in: Any) -> None:
    signed_in()
    assert client.get("/frameworks/ilacs-1999").status_code == 404
    assert client.get("/frameworks/ilacs-2017/judgements/adoption").status_code == 404
    assert client.get("/frameworks/..%2F..%2Fetc/judge").status_code == 404


def test_search_finds_criteria_across_frameworks(client: Any, signed_in: Any) -> None:
    signed_in()
    html = client.get("/frameworks/search", params={"q": "key documents passport"}).text
    refs = re.findall(r'<li class="govuk-!-margin-bottom-4" data-ref="([^"]+)"', html)
    assert "ilacs-2017/children-in-care/care-leavers/key-documents" in refs
    assert any(r.startswith("sif-2013/") for r in refs)
    escaped = client.get("/frameworks/search", params={"q": "<script>alert(1)</script>"}).text
    assert "<script>alert(1)</script>" not in escaped


def test_judge_form_explains_a_violation(client: Any, signed_in: Any) -> None:
    signed_in(role="inspector")
    params = {
        "grade-overall": "good",
        "grade-help-protection": "inadequate",
        "grade-children-in-care": "good",
        "grade-leaders": "good",
        "fact-widespread-or-serious-failure": "no",
        "fact-leaders-show-understanding": "yes",
        "check": "1",
    }
    html = client.get("/frameworks/ilacs-2017/judge", params=params).text
    assert 'data-status="violation"' in html
    assert 'data-rule="inadequate-practice-limits-overall" data-state="broken"' in html
    assert "ofsted-170040 para 101" in html
    allowed = re.search(r'data-judgement="overall">(.*?)</tr>', html, re.S)
    assert allowed is not None and "Inadequate" in allowed.group(1)


def test_judge_form_rejects_unknown_grade_with_a_message(client: Any, signed_in: Any) -> None:
    signed_in()
    r = client.get("/frameworks/ilacs-2017/judge", params={"grade-overall": "superb", "check": "1"})
    html = r.text
    assert r.status_code == 400 and "There is a problem" in html
    assert 'href="#grade-overall"' in html and 'id="grade-overall-error"' in html
    assert "Choose a grade for Overall effectiveness" in html
    assert 'id="verdict"' not in html


def test_api_framework_matches_show_json(client: Any, signed_in: Any) -> None:
    signed_in()
    data = client.get("/api/frameworks/sif-2013").json()
    assert data == frameworks.load("sif-2013").model_dump(mode="json", by_alias=True)
    assert [f["id"] for f in client.get("/api/frameworks").json()] == [
        "ilacs-2023",
        "ilacs-2017",
        "sif-2013",
        "cp-2012",
    ]


@pytest.mark.browser
def test_browse_to_a_criterion_and_check_judgements_in_a_browser(
    live_server: str, page: Any, client: Any, signed_in: Any
) -> None:
    # Sign in through the in-process client and hand its session cookie to the browser: the
    # browser_sign_in fixture's form POST is refused today (Chromium sends "Origin: null" under
    # the app's no-referrer policy). Both serve the same app and database.
    signed_in(role="qa_lead")
    page.context.add_cookies(
        [{"name": k, "value": v, "url": live_server} for k, v in client.cookies.items()]
    )
    page.goto(f"{live_server}/frameworks")
    page.get_by_role(
        "link", name="Inspections of local authority children's services (ILACS)", exact=True
    ).click()
    page.get_by_role(
        "link", name="The impact of leaders on social work practice with children and families"
    ).click()
    assert page.get_by_role("heading", level=3, name="Workforce").is_visible()
    assert page.locator('[data-ref="ilacs-2017/leaders/workforce/workloads"]').is_visible()
    page.goto(f"{live_server}/frameworks/ilacs-2017/judge")
    page.select_option("#grade-help-protection", "inadequate")
    page.select_option("#grade-children-in-care", "good")
    page.select_option("#grade-leaders", "outstanding")
    page.select_option("#grade-overall", "inadequate")
    page.check("input[name=fact-widespread-or-serious-failure][value=no]")
    page.check("input[name=fact-leaders-show-understanding][value=yes]")
    page.get_by_role("button", name="Check").click()
    assert page.locator("#verdict").get_attribute("data-status") == "violation"
    row = page.locator('[data-rule="leaders-with-understanding"]')
    assert row.get_attribute("data-state") == "broken"
    assert "para 101" in row.inner_text()
