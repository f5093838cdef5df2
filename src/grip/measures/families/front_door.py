# ruff: noqa: S608 - SQL from constants and the definitions file.
"""Contacts and referrals: the front door's unit-row queries."""

from __future__ import annotations

from typing import TYPE_CHECKING

from grip.measures.sqlkit import NUL, in_window, kth, late_wd, months_after, rule_n, win

if TYPE_CHECKING:
    from grip.measures.definitions import Measure
    from grip.measures.sqlkit import SqlContext, SqlFn


def contacts(m: Measure, ctx: SqlContext) -> str:
    """Every contact in the window."""
    return f"""SELECT per.pe, c.cont_person_id pid, c.cont_contact_id item, 1 num, 0 den,
      {NUL} due, c.cont_contact_date done, 0 late
      FROM per JOIN ssd_contacts c ON {in_window("c.cont_contact_date", win(m))}"""


def referrals(m: Measure, ctx: SqlContext) -> str:
    """Every referral in the window."""
    return f"""SELECT per.pe, r.cine_person_id pid, r.cine_referral_id item, 1 num, 0 den,
      {NUL} due, r.cine_referral_date done, 0 late
      FROM per JOIN ssd_cin_episodes r ON {in_window("r.cine_referral_date", win(m))}"""


def conversion(m: Measure, ctx: SqlContext) -> str:
    """Contacts in the window, counted when a referral followed."""
    return f"""SELECT per.pe, c.cont_person_id pid, c.cont_contact_id item,
      CASE WHEN c.cont_contact_outcome = 'REFERRAL' OR c.has_ref THEN 1 ELSE 0 END num,
      1 den, {NUL} due, c.cont_contact_date done, 0 late
      FROM per JOIN contacts_x c ON {in_window("c.cont_contact_date", win(m))}"""


def rereferral(m: Measure, ctx: SqlContext) -> str:
    """Referrals in the window within n months of the child's previous referral."""
    return f"""SELECT per.pe, r.cine_person_id pid, r.cine_referral_id item,
      CASE WHEN r.prev_ref IS NOT NULL
           AND r.cine_referral_date <= {months_after("r.prev_ref", rule_n(m))}
           THEN 1 ELSE 0 END num, 1 den, {NUL} due, r.cine_referral_date done, 0 late
      FROM per JOIN referrals_x r ON {in_window("r.cine_referral_date", win(m))}"""


def decision(m: Measure, ctx: SqlContext) -> str:
    """Referrals in the window decided within n working days of being received.

    Working Together: a decision about the type of response is made within one working day of
    the referral being received. The referral date is the day it was received (CIN census);
    the decision is the first of the assessment starting, the strategy discussion, or no
    further action. A referral with no decision by the point is late once past due.
    """
    n = rule_n(m)
    return f"""SELECT per.pe, r.cine_person_id pid, r.cine_referral_id item,
      CASE WHEN d.decided <= per.pe AND d.w_decided - r.w_ref <= {n} THEN 1 ELSE 0 END num,
      1 den, kd.d due, CASE WHEN d.decided <= per.pe THEN d.decided END done,
      CASE WHEN d.decided <= per.pe THEN {late_wd("r.w_ref", "d.w_decided", n)}
           ELSE {late_wd("r.w_ref", "per.wpe", n)} END late
      FROM per JOIN referrals_x r ON {in_window("r.cine_referral_date", win(m))}
      JOIN referral_decision d ON d.rid = r.cine_referral_id
      {kth("kd", f"r.w_ref + {n}")}
      WHERE d.decided <= per.pe OR kd.d <= per.pe"""


def nfa_after_assessment(m: Measure, ctx: SqlContext) -> str:
    """Assessments authorised in the window with outcome no further action."""
    return f"""SELECT per.pe, a.cina_person_id pid, a.cina_assessment_id item,
      CASE WHEN a.cina_assessment_outcome = 'NFA' THEN 1 ELSE 0 END num, 1 den,
      {NUL} due, a.cina_assessment_auth_date done, 0 late
      FROM per JOIN assess_x a ON {in_window("a.cina_assessment_auth_date", win(m))}"""


SQL: dict[str, SqlFn] = {
    "FD_CONTACTS": contacts,
    "FD_REFERRALS": referrals,
    "FD_CONVERSION": conversion,
    "FD_REREFERRAL": rereferral,
    "FD_DECISION_1WD": decision,
    "FD_NFA_AFTER_ASSESSMENT": nfa_after_assessment,
}
