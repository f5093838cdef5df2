"""The self-evaluation as a document (grip.documents content model): the three questions of
ILACS framework (Ofsted 170040) para 33, the author's text beside Grip's evidence panels
(each chart followed by its table), weaknesses beside their actions (para 38), the principles
of para 36 and the prompts of para 37. Evidence carries no child's name: panels hold only
aggregate figures and action descriptions."""

from __future__ import annotations

import json
from typing import Any

from grip.documents.content import Chart, Document, Paragraph, Section, Table
from grip.selfeval.models import SelfEvaluation
from grip.selfeval.structure import load_structure


def to_document(se: SelfEvaluation, la_name: str) -> Document:
    """The self-evaluation as a :class:`~grip.documents.content.Document`."""
    s = load_structure()
    panels = json.loads(se.panels)
    narrative: dict[str, str] = json.loads(se.narrative)
    removed = set(json.loads(se.removed))
    doc = Document(
        title=f"{la_name}: self-evaluation of social work practice {se.year}",
        subtitle=f"Evidence at {se.evidence_on:%d %B %Y}; version {se.version}",
        footer="OFFICIAL - self-evaluation shared with Ofsted",
    )
    know = doc.section(s.questions["know"])
    _text(know, narrative.get("know"))
    for area in s.areas:
        sub = know.subsection(area.title)
        _text(sub, narrative.get(area.id))
        for p in panels["areas"].get(area.id, []):
            if p["id"] not in removed:
                _measure(sub, p)
        mine = panels.get("area_audits", {}).get(area.id)
        if mine and area.audit_cohort != "all" and mine["id"] not in removed:
            _audits(sub.subsection(f"Case audits: {area.title.lower()}"), mine, moderation=False)
    how = doc.section(s.questions["how"])
    _text(how, narrative.get("how"))
    if "audits" not in removed:
        _audits(how.subsection("Case audits and moderation"), panels["audits"])
    plans = doc.section(s.questions["plans"])
    _text(plans, narrative.get("plans"))
    _weaknesses(plans.subsection("Weaknesses and the actions in hand"), se, panels["actions"])
    _principles(doc.section("How this self-evaluation meets the principles"), se)
    return doc


def _text(sec: Section, text: str | None) -> None:
    for para in (text or "").split("\n\n"):
        if para.strip():
            sec.add(Paragraph(para.strip()))


def _fmt(v: float | None) -> str:
    return "no figure" if v is None else f"{v:.1f}"


def _measure(sec: Section, p: dict[str, Any]) -> None:
    sec.add(
        Paragraph(
            f"{p['name']}: {_fmt(p['value'])} at {p['on']} "
            f"(a year earlier, {p['year_ago_on']}: {_fmt(p['year_ago'])})."
        ),
        Chart(
            title=f"{p['name']}, last 12 months",
            labels=[d for d, _ in p["trend"]],
            values=[v for _, v in p["trend"]],
            label_heading="Month end",
            value_heading=p["unit"].replace("_", " "),
        ),
    )


def _audits(sec: Section, a: dict[str, Any], moderation: bool = True) -> None:
    """Grades and themes; moderation agreement is LA-wide, so only on the LA-wide panel."""
    grades = a["grades"]
    sec.add(
        Paragraph(f"{a['audits']} case audits in {a['quarter']}."),
        Table(header=["Grade", "Audits"], rows=sorted(grades.items()), caption="Audit grades"),
        Table(
            header=["Section", "Good or better", "Requires improvement or worse", "Weakest on"],
            rows=[
                (x["title"], x["strength"], x["weakness"], "; ".join(x.get("weak_questions", [])))
                for x in a["sections"]
            ],
            caption="Themes: how each section of the audit tool was graded",
        ),
    )
    if moderation:
        sec.add(
            Paragraph(
                f"Moderation: {a['moderation_n']} moderated audits, agreement "
                f"{_fmt(a['moderation_percent'])}%, Cohen's kappa {_fmt(a['moderation_kappa'])}."
            )
        )


def _weaknesses(sec: Section, se: SelfEvaluation, actions: dict[str, Any]) -> None:
    by_id = {a["id"]: a for a in actions["open"]}
    rows = []
    for w in json.loads(se.weaknesses):
        a = by_id.get(w.get("action_id", ""))
        plan = (
            f"{a['description']} (owner {a['owner']}, due {a['due']}, {a['status']})"
            if a
            else (
                "linked action closed or not found"
                if w.get("action_id")
                else "no action linked yet"
            )
        )
        rows.append((w["text"], plan))
    sec.add(Table(header=["Weakness", "Action"], rows=rows, caption="Weaknesses and plans"))
    latest = actions.get("plan")
    if latest:
        visits = "; ".join(f"{v['title']} ({v['on']})" for v in latest["updated_after"])
        sec.add(
            Paragraph(
                f"Action plan after the last inspection: due {latest['due_text']}"
                + (f", updated after the focused visit(s): {visits}" if visits else "")
                + " (ILACS framework (Ofsted 170040) para 220)."
            )
        )
    sec.add(
        Paragraph(
            f"Improvement actions: {actions['total']}, done {actions['done']}, "
            f"open {len(actions['open'])}, overdue {len(actions['overdue'])}."
        )
    )


def _principles(sec: Section, se: SelfEvaluation) -> None:
    s = load_structure()
    ticked = json.loads(se.principles)
    rows = [
        (
            text,
            "Yes" if ticked.get(pid, {}).get("ticked") else "Not yet",
            ticked.get(pid, {}).get("note", ""),
        )
        for pid, text in s.principles.items()
    ]
    sec.add(Table(header=["Principle", "Met", "Note"], rows=rows))
