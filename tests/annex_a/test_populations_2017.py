"""Who is on lists 9 and 11, and the cross-list checks, as the ILACS framework (Ofsted 170040)
para 249 defines them; each rule with a boundary case. D = 14 June 2024; the 12-month window
starts 14 June 2023 (that day counts)."""

from __future__ import annotations

import copy
from datetime import date
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy import Engine

from grip.annex_a.builder import build
from grip.annex_a.checker import check_sheets
from grip.annex_a.guard import read_workbook
from grip.annex_a.spec import load_spec
from grip.annex_a.workbook import write_xlsx
from grip.store.base import LocalAuthority

from .caseset import LA, D, insert, make_caseset, person
from .test_builder import _rows

SPEC = load_spec("ilacs-2017")


def _la(engine: Engine) -> None:
    with engine.begin() as conn:
        conn.execute(sa.insert(LocalAuthority), [{"code": LA, "name": "Testshire"}])


def _adopter(aid: str, **cols: object) -> dict[str, object]:
    return {"adop_adopter_id": aid, "adop_number_of_adopters": 1, **cols}


def test_list_11_takes_adopters_as_para_249_defines_them(engine: Engine) -> None:
    """(a) enquiry followed up (information pack and interview: stage 1 started) in the last 12
    months, the window's first day included; (b) approved or rejected in them, a withdrawal not
    being a rejection; (c) a child placed with them in them."""
    _la(engine)
    insert(
        engine,
        "grip_adopters",
        _adopter(
            "A-ON-EDGE",
            adop_enquiry_date=date(2023, 5, 1),
            adop_stage1_start_date=date(2023, 6, 14),
        ),
        _adopter(
            "A-DAY-BEFORE",
            adop_enquiry_date=date(2023, 5, 1),
            adop_stage1_start_date=date(2023, 6, 13),
        ),
        _adopter("A-ENQUIRY-ONLY", adop_enquiry_date=date(2024, 3, 1)),
        _adopter(
            "B-APPROVED",
            adop_enquiry_date=date(2022, 9, 1),
            adop_stage1_start_date=date(2022, 10, 1),
            adop_stage1_end_date=date(2022, 12, 1),
            adop_stage2_start_date=date(2023, 1, 5),
            adop_approval_date=date(2023, 7, 1),
        ),
        _adopter(
            "B-REFUSED",
            adop_enquiry_date=date(2022, 9, 1),
            adop_leaving_date=date(2024, 1, 10),
            adop_leaving_reason="NOT_APPROVED",
        ),
        _adopter(
            "B-WITHDREW",
            adop_enquiry_date=date(2022, 9, 1),
            adop_leaving_date=date(2024, 1, 10),
            adop_leaving_reason="SELF_WITHDRAWN",
        ),
        _adopter(
            "C-PLACED",
            adop_enquiry_date=date(2021, 1, 1),
            adop_approval_date=date(2022, 1, 1),
            adop_matched_date=date(2024, 1, 1),
            adop_placed_date=date(2024, 2, 1),
        ),
    )

    rows = _rows(build(engine, LA, D, SPEC), 11)
    assert sorted(r["adopter_id"] for r in rows) == [
        "A-ON-EDGE",
        "B-APPROVED",
        "B-REFUSED",
        "C-PLACED",
    ]
    refused = next(r for r in rows if r["adopter_id"] == "B-REFUSED")
    assert refused["leaving_reason"] == "3 - Application refused"
    assert refused["refused_date"] == date(2024, 1, 10)


def test_list_9_takes_care_leavers_receiving_services(engine: Engine) -> None:
    """Aged 16 to 25 on D (16 on D itself counts, 26 does not) and receiving leaving care
    services: not died and not no-longer-requiring services; refusing contact still counts."""
    leavers = {
        "AGED-16": (date(2008, 6, 14), "YES"),
        "AGED-26": (date(1998, 6, 14), "YES"),
        "NO-LONGER": (date(2004, 1, 1), "NREQ"),
        "DIED": (date(2004, 1, 1), "DIED"),
        "REFUSES": (date(2004, 1, 1), "REFU"),
    }
    _la(engine)
    for pid, (dob, touch) in leavers.items():
        person(engine, pid, dob)
        insert(
            engine,
            "ssd_care_leavers",
            {
                "clea_table_id": f"T-{pid}",
                "clea_person_id": pid,
                "clea_care_leaver_eligibility": "FORMER_RELEVANT",
                "clea_care_leaver_in_touch": touch,
                "clea_care_leaver_activity": "F5",
            },
        )
    rows = _rows(build(engine, LA, D, SPEC), 9)
    assert sorted(r["child_id"] for r in rows) == ["AGED-16", "REFUSES"]
    assert {r["activity"] for r in rows} == {
        "F5: Young person engaged full time in training or employment (not apprenticeship)"
    }


def test_a_looked_after_child_must_be_on_list_6_as_looked_after(
    engine: Engine, tmp_path: Path
) -> None:
    """Paras 249-250: a child in care on D (list 8, not ceased) is a child in need on list 6
    with case status a) Looked after child; a CP plan child is on lists 7 and 6."""
    make_caseset(engine)
    out = tmp_path / "a.xlsx"
    write_xlsx(build(engine, LA, D, SPEC), out)
    sheets = read_workbook(out)
    assert check_sheets(sheets, SPEC, D).errors == []
    broken = copy.deepcopy(sheets)
    l6 = next(s for s in broken if s.name == "List 6")
    status = l6.rows[0].index("Case Status")
    c2 = next(r for r in l6.rows[1:] if r[0] == "C2")
    c2[status] = "c) Child in need plan"
    report = check_sheets(broken, SPEC, D)
    assert [(p.list, p.child_id, p.rule) for p in report.errors] == [
        (8, "C2", "cross.looked_after_in_list6")
    ]
    l6.rows.remove(c2)
    gone = check_sheets(broken, SPEC, D)
    assert [(p.child_id, p.rule) for p in gone.errors] == [("C2", "cross.looked_after_in_list6")]
    assert "not on List 6" in gone.errors[0].message
