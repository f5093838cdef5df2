"""The documents' structure as data (``structure.yaml``): which document each type of
inspection or visit leaves (ILACS framework (Ofsted 170040) para 202), the sections the lead
inspector writes, the first page's four questions (para 205), where care leavers are reported
(para 211), the page limit (para 212) and the clearing states and moves (paras 214-216)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import yaml

from grip import frameworks


class StructureError(ValueError):
    """No document is defined for this type or framework; the message says which."""


@dataclass(frozen=True)
class TextSection:
    """A section whose text the lead inspector writes."""

    id: str
    heading: str
    hint: str
    paragraph: str


@cache
def data() -> dict[str, Any]:
    """The shipped ``structure.yaml``, checked for its version."""
    raw = yaml.safe_load(
        (resources.files("grip.reports") / "structure.yaml").read_text(encoding="utf-8")
    )
    if not isinstance(raw, dict) or raw.get("version") != 1:
        raise StructureError("grip/reports/structure.yaml: expected a mapping with version: 1")
    return raw


def kind_for(inspection_type: str) -> str:
    """The kind of document an ``inspection_type`` leaves (para 202)."""
    docs = data()["documents"]
    if inspection_type not in docs:
        raise StructureError(
            f"a {inspection_type!r} leaves no report or letter; expected one of {', '.join(docs)}"
        )
    return str(docs[inspection_type])


def kind_spec(kind: str) -> dict[str, Any]:
    """The data of one kind of document."""
    return dict(data()["kinds"][kind])


def layout(framework_id: str) -> dict[str, Any]:
    """The report's judgements table, sections and care leavers placing under a framework."""
    found = data()["frameworks"].get(framework_id)
    if not found or not found.get("sections"):
        raise StructureError(
            f"Grip has no inspection report layout for {framework_id!r}; it has one for "
            + ", ".join(k for k, v in data()["frameworks"].items() if v.get("sections"))
        )
    return dict(found)


CARE_LEAVERS = "care-leavers"


def report_sections(framework_id: str) -> list[TextSection]:
    """The inspection report's text sections: the four questions (para 205), a section per
    judgement (para 206) and care leavers (para 211), then the children's summary (para 202)."""
    spec = kind_spec("inspection-report")
    fw = frameworks.load(framework_id)
    lay = layout(framework_id)
    out = [TextSection(q["id"], q["text"], "", "205") for q in spec["questions"]]
    for jid in lay["sections"]:
        out.append(TextSection(jid, fw.judgement(jid).title, "", "206, 210"))
        if lay["care_leavers"].get("within") == jid:
            out.append(
                TextSection(
                    CARE_LEAVERS,
                    "Care leavers",
                    "The experiences and progress of care leavers (always reported: para 211).",
                    "211",
                )
            )
    cs = spec["children_summary"]
    out.append(TextSection(cs["id"], cs["title"], cs["hint"], "202"))
    return out


def letter_sections(kind: str) -> list[TextSection]:
    """A letter's text sections (the ones with an ``id``; the others list findings)."""
    return [
        TextSection(s["id"], s["heading"], s.get("hint", ""), str(s["paragraph"]))
        for s in kind_spec(kind)["sections"]
        if "id" in s
    ]


def text_sections(kind: str, framework_id: str) -> list[TextSection]:
    """The sections the lead inspector writes in a document of ``kind``."""
    if kind == "inspection-report":
        return report_sections(framework_id)
    return letter_sections(kind)


def states() -> dict[str, dict[str, Any]]:
    """Clearing states (id -> label, paragraph)."""
    return dict(data()["states"])


def moves() -> dict[str, dict[str, Any]]:
    """Clearing moves (id -> from, to, team roles, checks ...)."""
    return dict(data()["moves"])
