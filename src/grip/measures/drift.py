# ruff: noqa: S608 - SQL from constants; the only outside value is a checked date.
"""Drift lists: children whose cases may be drifting, for managers to look at (not rates)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import duckdb

from grip.calendar import add_months
from grip.casedata.facts import allocated_on_sql, open_on_sql


@dataclass(frozen=True)
class DriftRow:
    """A child on a drift list, with why."""

    drift_id: str
    person_id: str
    since: date | None
    detail: str
    team: str
    worker: str


def drift_lists(
    con: duckdb.DuckDBPyConnection, on: date, icpc_working_days: int = 15
) -> dict[str, list[DriftRow]]:
    """Every drift list at ``on``, each child with the team and worker allocated then
    (``icpc_working_days``: the ICPC timescale of the definitions, S47_ICPC_15WD)."""
    queries = _queries(on, icpc_working_days)
    return {did: _with_allocation(con, did, sql, on) for did, sql in queries.items()}


def _queries(on: date, icpc_wd: int) -> dict[str, str]:
    d = on.isoformat()
    m3 = add_months(on, -3).isoformat()
    m12 = add_months(on, -12).isoformat()
    return {
        "DRIFT_OPEN_LONG": f"""
          WITH act AS (
            SELECT cina_person_id pid, cina_assessment_start_date d FROM ssd_cin_assessments
            UNION ALL SELECT cina_person_id, cina_assessment_auth_date FROM ssd_cin_assessments
            UNION ALL SELECT cinr_person_id, cinr_cin_review_date FROM grip_cin_reviews
            UNION ALL SELECT cppr_person_id, cppr_cp_review_date FROM ssd_cp_reviews
            UNION ALL SELECT clar_person_id, clar_cla_review_date FROM ssd_cla_reviews
            UNION ALL SELECT icpc_person_id, icpc_icpc_date FROM ssd_initial_cp_conference
            UNION ALL SELECT cppv_person_id, cppv_cp_visit_date FROM ssd_cp_visits
            UNION ALL SELECT cinv_person_id, cinv_cin_visit_date FROM ssd_cin_visits
            UNION ALL SELECT clav_person_id, clav_cla_visit_date FROM ssd_cla_visits)
          SELECT r.cine_person_id pid, min(r.cine_referral_date) since,
            'open since ' || strftime(min(r.cine_referral_date), '%d/%m/%Y')
              || '; last activity ' || coalesce(strftime(
                (SELECT max(a.d) FROM act a WHERE a.pid = r.cine_person_id AND a.d <= DATE '{d}'),
                '%d/%m/%Y'), 'none') detail
          FROM cin_open_x r
          WHERE r.cine_referral_date <= DATE '{m12}'
            AND {open_on_sql("r.cine_referral_date", "r.cine_close_date", f"DATE '{d}'")}
            AND NOT EXISTS (SELECT 1 FROM act a WHERE a.pid = r.cine_person_id
                            AND a.d > DATE '{m3}' AND a.d <= DATE '{d}')
          GROUP BY r.cine_person_id""",
        "DRIFT_REPEAT_S47": f"""
          SELECT s.s47e_person_id pid, min(s.s47e_s47_start_date) since,
            count(*) || ' enquiries in 12 months, no plan' detail
          FROM ssd_s47_enquiry s
          WHERE s.s47e_s47_start_date > DATE '{m12}' AND s.s47e_s47_start_date <= DATE '{d}'
            AND NOT EXISTS (SELECT 1 FROM ssd_cp_plans p WHERE p.cppl_person_id = s.s47e_person_id
              AND p.cppl_cp_plan_start_date > DATE '{m12}'
              AND p.cppl_cp_plan_start_date <= DATE '{d}')
          GROUP BY s.s47e_person_id HAVING count(*) >= 2""",
        "DRIFT_PRE_PROCEEDINGS": f"""
          SELECT prep_person_id pid, min(prep_pre_pro_decision_date) since,
            (DATE '{d}' - min(prep_pre_pro_decision_date)) || ' days in pre-proceedings' detail
          FROM ssd_pre_proceedings
          WHERE prep_pre_pro_decision_date <= DATE '{d}' - 112
            AND {open_on_sql("prep_pre_pro_decision_date", "prep_outcome_date", f"DATE '{d}'")}
            AND coalesce(prep_pre_pro_outcome, 'ONGOING') IN ('ONGOING', '')
          GROUP BY prep_person_id""",
        "DRIFT_PLACEMENT_MOVES": f"""
          SELECT clap_person_id pid, min(clap_cla_placement_end_date) since,
            count(*) || ' placement end(s) not for the care plan: '
              || string_agg(DISTINCT clap_cla_placement_change_reason, ', ') detail
          FROM ssd_cla_placement
          WHERE clap_cla_placement_end_date > DATE '{m12}'
            AND clap_cla_placement_end_date <= DATE '{d}'
            AND clap_cla_placement_change_reason IS NOT NULL
            AND clap_cla_placement_change_reason NOT IN ('CARPL', 'PLACE')
          GROUP BY clap_person_id""",
        # Working Together: a conference within 15 working days of the strategy discussion.
        # An enquiry that concluded a conference was needed, with none held by its due date,
        # is flagged for the child (a conference needed but never held).
        "DRIFT_ICPC_NOT_HELD": f"""
          SELECT s.s47e_person_id pid, min(s.s47e_strategy_discussion_date) since,
            'conference needed after the enquiry of '
              || strftime(min(s.s47e_s47_start_date), '%d/%m/%Y') || '; none held' detail
          FROM ssd_s47_enquiry s
          JOIN cal_w ws ON ws.d = coalesce(s.s47e_strategy_discussion_date, s.s47e_s47_start_date)
          JOIN cal_k due ON due.k = ws.w + {icpc_wd}
          WHERE coalesce(s.s47e_s47_icpc_required, 0) = 1 AND due.d < DATE '{d}'
            AND NOT EXISTS (SELECT 1 FROM ssd_initial_cp_conference i
              WHERE i.icpc_s47_enquiry_id = s.s47e_s47_enquiry_id
                AND i.icpc_icpc_date <= DATE '{d}')
          GROUP BY s.s47e_person_id""",
    }


def _with_allocation(
    con: duckdb.DuckDBPyConnection, did: str, sql: str, on: date
) -> list[DriftRow]:
    """A drift list's children with the team and worker allocated on ``on``."""
    d = on.isoformat()
    rows = con.execute(
        f"""SELECT q.pid, q.since, q.detail,
              coalesce(dep.dept_team_name, 'Unallocated') team,
              coalesce(pr.prof_professional_name, 'Unallocated') worker
            FROM ({sql}) q
            LEFT JOIN ({allocated_on_sql(f"(SELECT DATE '{d}' AS pe)")}) al ON al.pid = q.pid
            LEFT JOIN ssd_professionals pr ON pr.prof_professional_id = al.worker
            LEFT JOIN ssd_department dep ON dep.dept_team_id = al.team
            ORDER BY q.since, q.pid"""
    ).fetchall()
    return [DriftRow(did, r[0], r[1], r[2], r[3], r[4]) for r in rows]
