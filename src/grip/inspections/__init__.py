"""Inspections and visits under the ILACS framework (Ofsted 170040): the pathway, the record of
one inspection (type, framework, kind, state), its timeline, team and cases, the Annex B
request log and the pre-inspection analysis. See docs/inspections.md for the public API.
"""

from __future__ import annotations

from grip.inspections.cases import SOURCES, add_cases, cases, remove_case
from grip.inspections.models import Inspection, InspectionSampleCase, InspectionTeamMember
from grip.inspections.records import (
    DateRefused,
    InspectionError,
    InspectionNotAllowed,
    InspectionNotFound,
    InvalidMove,
    NewInspection,
    allowed_moves,
    create_inspection,
    get_inspection,
    list_inspections,
    move,
    team_role_of,
)
from grip.inspections.team import access_until, add_member, remove_member, team
from grip.inspections.timeline import Milestone, Timeline, TimelineError, compute, date_problems

__all__ = [
    "SOURCES",
    "DateRefused",
    "Inspection",
    "InspectionError",
    "InspectionNotAllowed",
    "InspectionNotFound",
    "InspectionSampleCase",
    "InspectionTeamMember",
    "InvalidMove",
    "Milestone",
    "NewInspection",
    "Timeline",
    "TimelineError",
    "access_until",
    "add_cases",
    "add_member",
    "allowed_moves",
    "cases",
    "compute",
    "create_inspection",
    "date_problems",
    "get_inspection",
    "list_inspections",
    "move",
    "remove_case",
    "remove_member",
    "team",
    "team_role_of",
]
