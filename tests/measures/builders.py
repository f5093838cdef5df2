"""Hand-made children for the measures tests: insert case rows straight into a fresh test DB.

Every child here is synthetic (ids like C1, no names beyond placeholders). Each helper fills the
required columns with neutral defaults so a test states only the dates that matter.
"""

from __future__ import annotations

import itertools
from datetime import date
from typing import Any

from sqlalchemy import Engine, insert

from grip.casedata.models import CASE_TABLES
from grip.store.base import LocalAuthority
from grip.store.db import transaction

_ids = itertools.count(1)


def _id(prefix: str) -> str:
    return f"{prefix}{next(_ids)}"


class CaseBook:
    """Collects rows per table, then writes them in one transaction."""

    def __init__(self, la_code: str = "T01") -> None:
        self.la = la_code
        self.rows: dict[str, list[dict[str, Any]]] = {}

    def add(self, table: str, **cols: Any) -> dict[str, Any]:
        row = {"la_code": self.la, **cols}
        self.rows.setdefault(table, []).append(row)
        return row

    # --- people and staff --------------------------------------------------------------------
    def team(self, team_id: str, name: str) -> str:
        self.add("ssd_department", dept_team_id=team_id, dept_team_name=name)
        return team_id

    def worker(self, prof_id: str, team_id: str | None = None) -> str:
        self.add(
            "ssd_professionals",
            prof_professional_id=prof_id,
            prof_professional_name=f"Worker {prof_id}",
            prof_professional_job_title="SW",
            prof_professional_team_id=team_id,
        )
        return prof_id

    def child(
        self,
        pid: str,
        dob: date = date(2015, 6, 1),
        sex: str = "F",
        ethnicity: str = "WBRI",
        uasc: bool = False,
    ) -> str:
        self.add(
            "ssd_person",
            pers_person_id=pid,
            pers_forename="Test",
            pers_surname="Child",
            pers_sex=sex,
            pers_ethnicity=ethnicity,
            pers_dob=dob,
            pers_is_uasc=uasc,
        )
        return pid

    def disability(self, pid: str, code: str = "LD") -> None:
        self.add(
            "ssd_disability", disa_table_id=_id("D"), disa_person_id=pid, disa_disability_code=code
        )

    def allocate(
        self, pid: str, worker: str, start: date, end: date | None = None, team: str | None = None
    ) -> None:
        self.add(
            "ssd_involvements",
            invo_involvements_id=_id("I"),
            invo_person_id=pid,
            invo_professional_id=worker,
            invo_professional_role="SW",
            invo_professional_team_id=team,
            invo_involvement_start_date=start,
            invo_involvement_end_date=end,
        )

    # --- front door and assessment -----------------------------------------------------------
    def contact(self, pid: str, on: date, outcome: str | None = None) -> str:
        cid = _id("K")
        self.add(
            "ssd_contacts",
            cont_contact_id=cid,
            cont_person_id=pid,
            cont_contact_date=on,
            cont_contact_source_code="6",
            cont_contact_outcome=outcome,
        )
        return cid

    def referral(
        self,
        pid: str,
        on: date,
        close: date | None = None,
        contact_id: str | None = None,
        nfa: bool = False,
    ) -> str:
        rid = _id("R")
        self.add(
            "ssd_cin_episodes",
            cine_referral_id=rid,
            cine_person_id=pid,
            cine_contact_id=contact_id,
            cine_referral_date=on,
            cine_referral_source_code="6",
            cine_referral_nfa=nfa,
            cine_close_date=close,
        )
        return rid

    def assessment(
        self,
        pid: str,
        rid: str,
        start: date,
        auth: date | None,
        outcome: str | None = "CIN",
        seen: bool | None = True,
    ) -> str:
        aid = _id("A")
        self.add(
            "ssd_cin_assessments",
            cina_assessment_id=aid,
            cina_person_id=pid,
            cina_referral_id=rid,
            cina_assessment_start_date=start,
            cina_assessment_child_seen=seen,
            cina_assessment_auth_date=auth,
            cina_assessment_outcome=outcome,
        )
        return aid

    # --- s47 and child protection ------------------------------------------------------------
    def s47(
        self,
        pid: str,
        rid: str,
        strategy: date,
        start: date | None = None,
        icpc_required: bool | None = None,
    ) -> str:
        sid = _id("S")
        self.add(
            "ssd_s47_enquiry",
            s47e_s47_enquiry_id=sid,
            s47e_person_id=pid,
            s47e_referral_id=rid,
            s47e_strategy_discussion_date=strategy,
            s47e_s47_start_date=start or strategy,
            s47e_s47_icpc_required=icpc_required,
        )
        return sid

    def icpc(self, pid: str, rid: str, s47_id: str | None, on: date, plan: bool = True) -> str:
        iid = _id("IC")
        self.add(
            "ssd_initial_cp_conference",
            icpc_icpc_id=iid,
            icpc_person_id=pid,
            icpc_s47_enquiry_id=s47_id,
            icpc_referral_id=rid,
            icpc_icpc_transfer_in=False,
            icpc_icpc_date=on,
            icpc_icpc_outcome_cp_flag=plan,
        )
        return iid

    def cp_plan(
        self,
        pid: str,
        rid: str,
        start: date,
        end: date | None = None,
        category: str = "NEG",
        icpc_id: str | None = None,
        core_group: date | None = None,
    ) -> str:
        plan = _id("CP")
        self.add(
            "ssd_cp_plans",
            cppl_cp_plan_id=plan,
            cppl_person_id=pid,
            cppl_referral_id=rid,
            cppl_icpc_id=icpc_id,
            cppl_cp_plan_start_date=start,
            cppl_cp_plan_end_date=end,
            cppl_first_core_group_date=core_group,
            cppl_cp_plan_initial_category=category,
            cppl_cp_plan_latest_category=category,
        )
        return plan

    def cp_review(self, pid: str, plan: str, on: date) -> None:
        self.add(
            "ssd_cp_reviews",
            cppr_cp_review_id=_id("CR"),
            cppr_person_id=pid,
            cppr_cp_plan_id=plan,
            cppr_cp_review_date=on,
        )

    def cp_visit(
        self, pid: str, plan: str, on: date, seen: bool = True, alone: bool = False
    ) -> None:
        self.add(
            "ssd_cp_visits",
            cppv_cp_visit_id=_id("CV"),
            cppv_person_id=pid,
            cppv_cp_plan_id=plan,
            cppv_cp_visit_date=on,
            cppv_cp_visit_seen=seen,
            cppv_cp_visit_seen_alone=alone,
        )

    # --- children in need --------------------------------------------------------------------
    def cin_plan(self, pid: str, rid: str, start: date, end: date | None = None) -> str:
        plan = _id("CN")
        self.add(
            "ssd_cin_plans",
            cinp_cin_plan_id=plan,
            cinp_person_id=pid,
            cinp_referral_id=rid,
            cinp_cin_plan_start_date=start,
            cinp_cin_plan_end_date=end,
        )
        return plan

    def cin_review(self, pid: str, plan: str, on: date) -> None:
        self.add(
            "grip_cin_reviews",
            cinr_cin_review_id=_id("NR"),
            cinr_person_id=pid,
            cinr_cin_plan_id=plan,
            cinr_cin_review_date=on,
        )

    def cin_visit(self, pid: str, plan: str, on: date, seen: bool = True) -> None:
        self.add(
            "ssd_cin_visits",
            cinv_cin_visit_id=_id("NV"),
            cinv_person_id=pid,
            cinv_cin_plan_id=plan,
            cinv_cin_visit_date=on,
            cinv_cin_visit_seen=seen,
            cinv_cin_visit_seen_alone=False,
        )

    # --- children in care --------------------------------------------------------------------
    def cla(self, pid: str, entered: date, ceased: date | None = None) -> str:
        cla_id = _id("LA")
        self.add(
            "ssd_cla_episodes",
            clae_cla_episode_id=_id("E"),
            clae_person_id=pid,
            clae_cla_id=cla_id,
            clae_entered_care_date=entered,
            clae_cla_episode_start_date=entered,
            clae_cla_episode_start_reason="S",
            clae_cla_primary_need_code="N1",
            clae_cla_episode_ceased_date=ceased,
        )
        return cla_id

    def legal_status(self, pid: str, status: str, start: date, end: date | None = None) -> None:
        self.add(
            "ssd_legal_status",
            lega_legal_status_id=_id("LS"),
            lega_person_id=pid,
            lega_legal_status=status,
            lega_legal_status_start_date=start,
            lega_legal_status_end_date=end,
        )

    def placement(
        self,
        pid: str,
        cla_id: str,
        start: date,
        end: date | None = None,
        ptype: str = "U6",
        la: str | None = None,
        long_term: bool = False,
        reason: str | None = None,
    ) -> None:
        self.add(
            "ssd_cla_placement",
            clap_cla_placement_id=_id("PL"),
            clap_person_id=pid,
            clap_cla_id=cla_id,
            clap_cla_placement_start_date=start,
            clap_cla_placement_end_date=end,
            clap_cla_placement_type=ptype,
            clap_cla_placement_provider="PR1",
            clap_cla_placement_la=la,
            clap_cla_placement_change_reason=reason,
            clap_cla_placement_long_term=long_term,
        )

    def cla_review(self, pid: str, cla_id: str, on: date) -> None:
        self.add(
            "ssd_cla_reviews",
            clar_cla_review_id=_id("LR"),
            clar_person_id=pid,
            clar_cla_id=cla_id,
            clar_cla_review_date=on,
        )

    def cla_visit(self, pid: str, cla_id: str, on: date, seen: bool = True) -> None:
        self.add(
            "ssd_cla_visits",
            clav_cla_visit_id=_id("LV"),
            clav_person_id=pid,
            clav_cla_id=cla_id,
            clav_cla_visit_date=on,
            clav_cla_visit_seen=seen,
            clav_cla_visit_seen_alone=False,
        )

    def health(self, pid: str, kind: str, on: date) -> None:
        self.add(
            "ssd_cla_health",
            clah_health_check_id=_id("H"),
            clah_person_id=pid,
            clah_health_check_type=kind,
            clah_health_check_date=on,
        )

    def missing(
        self,
        pid: str,
        start: date,
        end: date | None,
        kind: str = "M",
        offered: bool | None = None,
        accepted: bool | None = None,
    ) -> None:
        self.add(
            "ssd_missing",
            miss_table_id=_id("M"),
            miss_person_id=pid,
            miss_missing_episode_start_date=start,
            miss_missing_episode_type=kind,
            miss_missing_episode_end_date=end,
            miss_missing_rhi_offered=offered,
            miss_missing_rhi_accepted=accepted,
        )

    def permanence(self, pid: str, cla_id: str | None = None, **cols: Any) -> None:
        self.add(
            "ssd_permanence",
            perm_table_id=_id("PM"),
            perm_person_id=pid,
            perm_cla_id=cla_id,
            **cols,
        )

    def care_leaver(self, pid: str, **cols: Any) -> None:
        defaults = {
            "clea_care_leaver_eligibility": "FORMER_RELEVANT",
            "clea_care_leaver_in_touch": "YES",
        }
        self.add(
            "ssd_care_leavers",
            clea_table_id=_id("CL"),
            clea_person_id=pid,
            **{**defaults, **cols},
        )

    def adopter(self, **cols: Any) -> None:
        self.add(
            "grip_adopters",
            adop_adopter_id=_id("AH"),
            adop_number_of_adopters=2,
            adop_enquiry_date=date(2020, 1, 1),
            **cols,
        )

    def pre_proceedings(
        self, pid: str, decision: date, outcome: str | None = None, outcome_date: date | None = None
    ) -> None:
        self.add(
            "ssd_pre_proceedings",
            prep_table_id=_id("PP"),
            prep_person_id=pid,
            prep_pre_pro_decision_date=decision,
            prep_pre_pro_outcome=outcome,
            prep_outcome_date=outcome_date,
        )

    # --- writing -----------------------------------------------------------------------------
    def save(self, engine: Engine, la_name: str = "Testshire") -> None:
        """Write the LA (if new) and every row, tables in load order."""
        with transaction(engine) as s:
            if s.get(LocalAuthority, self.la) is None:
                s.add(LocalAuthority(code=self.la, name=la_name))
                s.flush()
            for name, table in CASE_TABLES.items():
                rows = self.rows.get(name)
                if not rows:
                    continue
                cols = {c.name for c in table.columns}
                full = [{c: r.get(c) for c in cols} for r in rows]
                s.execute(insert(table), full)
        self.rows.clear()
