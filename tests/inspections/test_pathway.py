"""The pathway and what is due next: ILACS framework (Ofsted 170040) paras 13-24, 112-128."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import Engine

from grip.access.scope import Scope, scoped
from grip.audits.lifecycle import As
from grip.inspections import InspectionError
from grip.inspections.pathway import PastActivity as P
from grip.inspections.pathway import plan, plan_for, record_history

D = dt.date
TODAY = D(2026, 12, 4)


def test_no_graded_inspection_asks_for_one() -> None:
    p = plan([P("focused-visit", D(2025, 5, 1))], TODAY)
    assert p.pathway is None and p.steps == []


def test_good_leads_to_a_short_inspection_paras_13_17_18() -> None:
    """Para 17: good or outstanding → a short inspection about three years on; para 13:
    within six months either side; para 18: one focused visit or JTAI between."""
    p = plan([P("standard", D(2024, 3, 15), overall="good")], TODAY)
    assert (p.pathway, p.paragraph) == (1, "17-18")
    nxt = p.steps[0]
    assert nxt.what == "The next short inspection"
    assert (nxt.earliest, nxt.latest) == (D(2026, 9, 15), D(2027, 9, 15))
    assert p.steps[1].paragraph == "18" and "Up to 1 focused visit" in p.steps[1].what
    assert "para 14" in p.not_in[0]


def test_one_focused_visit_uses_up_pathway_1s_allowance_para_18() -> None:
    p = plan(
        [P("short", D(2024, 3, 15), overall="outstanding"), P("focused-visit", D(2025, 6, 4))],
        TODAY,
    )
    assert [s.what for s in p.steps] == ["The next short inspection"]


def test_requires_improvement_leads_to_a_standard_inspection_paras_20_21() -> None:
    """Para 20: a standard inspection about three years on; para 21: up to two focused visits."""
    p = plan(
        [P("standard", D(2023, 11, 17), overall="requires-improvement"),
         P("focused-visit", D(2025, 2, 5))],
        TODAY,
    )  # fmt: skip
    assert p.pathway == 2
    assert p.steps[0].what == "The next standard inspection"
    assert (p.steps[0].earliest, p.steps[0].latest) == (D(2026, 5, 17), D(2027, 5, 17))
    assert p.steps[1].what.startswith("Up to 1 focused visit")


def test_the_latest_graded_inspection_decides_para_20() -> None:
    """Para 20: a standard inspection that results in good moves the LA to pathway one."""
    p = plan(
        [P("standard", D(2021, 3, 5), overall="requires-improvement"),
         P("standard", D(2024, 3, 15), overall="good")],
        TODAY,
    )  # fmt: skip
    assert p.pathway == 1


def test_inadequate_starts_with_the_action_planning_visit_paras_22_116() -> None:
    """Para 116: the action planning visit about 30 working days after the LA receives its
    report (sent 18 working days after fieldwork: the table after para 216). Fieldwork ended
    Friday 13 March 2026; the report is received Friday 10 April (after Easter), the visit due
    about 30 working days later: Monday 25 May is a bank holiday, so Tuesday 26 May."""
    p = plan([P("standard", D(2026, 3, 13), overall="inadequate")], D(2026, 3, 20))
    assert p.pathway == 3
    assert p.steps[0].what == "The action planning visit"
    assert p.steps[0].earliest == D(2026, 5, 26)
    assert p.steps[1].what == "Monitoring visit 1" and p.steps[1].paragraph == "112, 128"


def test_after_four_monitoring_visits_re_inspection_may_follow_para_22() -> None:
    """Para 22: usually four to six monitoring visits, then re-inspection under the framework
    the LA was judged under (footnote 4: it may be the SIF)."""
    history = [P("standard", D(2024, 1, 19), "sif-2013", "inadequate"),
               P("action-planning-visit", D(2024, 4, 2))]  # fmt: skip
    history += [
        P("monitoring-visit", d)
        for d in (D(2024, 6, 5), D(2024, 9, 5), D(2024, 12, 5), D(2025, 3, 5))
    ]
    p = plan(history, TODAY)
    assert [s.what for s in p.steps] == [
        "Monitoring visit 5",
        "Re-inspection under sif-2013 (the framework it was judged under)",
    ]
    assert p.steps[0].overdue  # due about 5 June 2025
    history += [P("monitoring-visit", D(2025, 6, 5)), P("monitoring-visit", D(2025, 9, 5))]
    assert plan(history, TODAY).steps[0].what.startswith("Re-inspection under sif-2013")


def test_history_is_checked_field_by_field(engine: Engine, make_user: Any) -> None:
    qa = make_user("qa_lead", "LA1")
    with scoped(engine, Scope("LA1", qa.id, qa.role)) as db:
        with pytest.raises(InspectionError, match="overall: a standard or short inspection has"):
            record_history(db, "LA1", P("standard", D(2024, 3, 1)), As(qa.id, qa.role))
        with pytest.raises(InspectionError, match="overall: a focused visit is not graded"):
            record_history(db, "LA1", P("focused-visit", D(2024, 3, 1), overall="good"),
                           As(qa.id, qa.role))  # fmt: skip
        with pytest.raises(InspectionError, match="type: 'thematic' is not one of"):
            record_history(db, "LA1", P("thematic", D(2024, 3, 1)), As(qa.id, qa.role))
        record_history(db, "LA1", P("short", D(2024, 3, 1), overall="good"), As(qa.id, qa.role))
        assert plan_for(db, "LA1", TODAY).pathway == 1


def test_the_outcomes_register_feeds_the_pathway(engine: Engine, make_user: Any) -> None:
    """An LA with no history entered by hand takes its pathway from the outcomes register."""
    from grip.outcomes import record_outcome

    qa = make_user("qa_lead", "208")
    judgements = {"overall": "inadequate", "help-protection": "inadequate",
                  "children-in-care": "requires-improvement", "leaders": "inadequate"}  # fmt: skip
    record_outcome(
        engine,
        la_code="208",
        framework="ilacs-2017",
        fieldwork_start=D(2026, 3, 2),
        fieldwork_end=D(2026, 3, 13),
        published=D(2026, 4, 15),
        judgements=judgements,
    )
    with scoped(engine, Scope("208", qa.id, qa.role)) as db:
        p = plan_for(db, "208", D(2026, 3, 20))
    assert p.pathway == 3 and p.steps[0].what == "The action planning visit"
