"""Pages to browse the inspection frameworks, and to check a set of judgements against the rules.

Everything here reads packaged data (no database, no children's data); every route needs
``frameworks:read``. The judgement check is a GET form: it changes nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse

from grip import frameworks
from grip.frameworks import Framework, Judgement
from grip.web import forms
from grip.web.deps import render
from grip.web.security import requires

router = APIRouter()
READ = [requires("frameworks:read")]
MAX_QUERY = 200


def _framework(framework_id: str) -> Framework:
    if framework_id not in frameworks.framework_ids():
        raise HTTPException(status_code=404, detail="No such framework")
    return frameworks.load(framework_id)


def _judgement(fw: Framework, judgement_id: str) -> Judgement:
    try:
        return fw.judgement(judgement_id)
    except KeyError as exc:
        raise HTTPException(status_code=404, detail="No such judgement") from exc


def _crumbs(*items: tuple[str, str | None]) -> list[dict[str, str]]:
    out = [{"text": "Frameworks", "href": "/frameworks"}]
    for text, href in items:
        out.append({"text": text, "href": href} if href else {"text": text})
    return out


@router.get("/frameworks", response_class=HTMLResponse, dependencies=READ)
def framework_index(request: Request) -> HTMLResponse:
    """Every framework, the one in force first."""
    return render(
        request,
        "frameworks/index.html",
        title="Inspection frameworks",
        frameworks=frameworks.list_frameworks(),
    )


@router.get("/frameworks/search", response_class=HTMLResponse, dependencies=READ)
def framework_search(request: Request, q: str = "") -> HTMLResponse:
    """Criteria, headings, descriptors and rules containing every word of ``q``."""
    query = q.strip()[:MAX_QUERY]
    hits = frameworks.search(query) if query else []
    return render(
        request,
        "frameworks/search.html",
        title=f"Search: {query}" if query else "Search the frameworks",
        query=query,
        values={"q": query},
        hits=hits,
        breadcrumbs=_crumbs(("Search", None)),
    )


@router.get("/frameworks/{framework_id}", response_class=HTMLResponse, dependencies=READ)
def framework_page(request: Request, framework_id: str) -> HTMLResponse:
    """One framework: sources, scale, judgements, facts, rules, focused visits."""
    fw = _framework(framework_id)
    return render(
        request,
        "frameworks/framework.html",
        title=fw.short_title,
        fw=fw,
        breadcrumbs=_crumbs((fw.short_title, None)),
    )


@router.get(
    "/frameworks/{framework_id}/judgements/{judgement_id}",
    response_class=HTMLResponse,
    dependencies=READ,
)
def judgement_page(request: Request, framework_id: str, judgement_id: str) -> HTMLResponse:
    """One judgement: its headings and criteria with their sources, and its grade descriptors."""
    fw = _framework(framework_id)
    judgement = _judgement(fw, judgement_id)
    return render(
        request,
        "frameworks/judgement.html",
        title=f"{judgement.title} – {fw.short_title}",
        fw=fw,
        judgement=judgement,
        breadcrumbs=_crumbs((fw.short_title, f"/frameworks/{fw.id}"), (judgement.title, None)),
    )


@router.get("/frameworks/{framework_id}/judge", response_class=HTMLResponse, dependencies=READ)
def judge_page(request: Request, framework_id: str) -> HTMLResponse:
    """A form to check a set of grades and facts against the rules, with the engine's answer."""
    fw = _framework(framework_id)
    params = request.query_params
    grades, facts, errors = _judge_input(fw, params)
    checked = "check" in params and not errors
    return render(
        request,
        "frameworks/judge.html",
        status_code=400 if errors else 200,
        title=f"Check judgements – {fw.short_title}",
        fw=fw,
        grades=grades,
        errors=errors,
        values=forms.values(params),
        result=frameworks.evaluate(fw, grades, facts) if checked else None,
        breadcrumbs=_crumbs((fw.short_title, f"/frameworks/{fw.id}"), ("Check judgements", None)),
    )


def _judge_input(
    fw: Framework, params: Mapping[str, str]
) -> tuple[dict[str, str], dict[str, bool], forms.FormErrors]:
    """The grades and findings chosen on the check form, and any choice not offered."""
    scale = {g.id for g in fw.scale}
    grades: dict[str, str] = {}
    facts: dict[str, bool] = {}
    errors = forms.FormErrors()
    for j in fw.judgements:
        value = params.get(f"grade-{j.id}", "")
        if value and value not in scale:
            errors.add(f"grade-{j.id}", f"Choose a grade for {j.title} from the list")
        elif value:
            grades[j.id] = value
    for fact in fw.facts:
        value = params.get(f"fact-{fact.id}", "")
        if value in ("yes", "no"):
            facts[fact.id] = value == "yes"
        elif value:
            errors.add(f"fact-{fact.id}", "Answer yes, no or not recorded")
    return grades, facts, errors


@router.get("/api/frameworks", dependencies=READ)
def api_frameworks() -> list[dict[str, Any]]:
    """The frameworks (id, title, status, judgement ids)."""
    return [
        {
            "id": f.id,
            "title": f.title,
            "short_title": f.short_title,
            "status": f.status,
            "judgements": [j.id for j in f.judgements],
        }
        for f in frameworks.list_frameworks()
    ]


@router.get("/api/frameworks/{framework_id}", dependencies=READ)
def api_framework(framework_id: str) -> dict[str, Any]:
    """One framework as ``grip frameworks show --json`` prints it (schema: show.schema.json)."""
    result: dict[str, Any] = _framework(framework_id).model_dump(mode="json", by_alias=True)
    return result
