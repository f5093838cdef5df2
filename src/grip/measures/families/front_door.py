# ruff: noqa: S608 - SQL from constants and the definitions file.
"""Contacts and referrals: the front door's unit-row queries."""

from __future__ import annotations

from grip.measures.definitions import Measure
from grip.measures.sqlkit import (
    NUL,
    SqlContext,
    SqlFn,
    in_window,
    kth,
    months_after,
    rule_n,
    timed_wd,
    win,
)


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
    """Referral decisions within n working days of the contact that led to them."""
    return f"""SELECT per.pe, r.cine_person_id pid, r.cine_referral_id item,
      {timed_wd(m, "r.w_contact", "r.w_ref", "kd.d", "r.cine_referral_date")}
      FROM per JOIN referrals_x r ON {in_window("r.cine_referral_date", win(m))}
      {kth("kd", f"r.w_contact + {rule_n(m)}")}
      WHERE r.contact_date IS NOT NULL"""


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
