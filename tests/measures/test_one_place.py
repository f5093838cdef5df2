"""One definition, one place: the numbers in definitions.yaml are the numbers the engine uses.

Every timescale, threshold and window a measure states in ``definitions.yaml`` is read by the
engine's SQL (``grip.measures.families``, ``grip.measures.prepare``) and by the per-child rules
(``grip.measures.rules``); none is restated in code. These tests change a number in the YAML
and see the SQL, and a hand-worked figure, move.
"""

from __future__ import annotations

from datetime import date

import pytest
import yaml
from sqlalchemy import Engine

from grip.measures import rules
from grip.measures.definitions import DEFINITIONS_PATH, Definitions, parse_definitions
from grip.measures.engine import LAStandards, compute, sql_for
from grip.measures.prepare import chain_sql, chains, windows_of
from grip.measures.sqlkit import SqlContext

from .builders import CaseBook

# Snapshot measures whose rule restates another measure's timescale (shown in the docs): the
# engine reads the other one, and the two must agree.
RESTATES = {
    "CP_REVIEWS_IN_TIME": "CP_REVIEW_FIRST",
    "CLA_REVIEWS_IN_TIME": "CLA_REVIEW_FIRST",
}


def _raw() -> dict:
    return yaml.safe_load(DEFINITIONS_PATH.read_text(encoding="utf-8"))


def _defs(raw: dict) -> Definitions:
    return parse_definitions(yaml.safe_dump(raw, sort_keys=False))


def _everything(defs: Definitions, mid: str) -> str:
    """The SQL the engine runs for a measure, with every review chain it may read."""
    ctx = SqlContext("X", LAStandards(None, 10, 20), defs.by_id())
    text = sql_for(defs.by_id()[mid], ctx) or ""
    return text + "".join(chain_sql(c) for c in chains(ctx)) + str(windows_of(defs.measures))


def _numbers(raw: dict) -> list[tuple[str, str]]:
    """(measure id, where) for every number a measure states: rule n and numeric params."""
    out = []
    for m in raw["measures"]:
        if m["rule"].get("n") is not None:
            out.append((m["id"], "rule.n"))
        out += [(m["id"], f"params.{k}") for k, v in m.get("params", {}).items() if type(v) is int]
    return out


def _bumped(raw: dict, mid: str, where: str) -> dict:
    new = yaml.safe_load(yaml.safe_dump(raw))
    m = next(x for x in new["measures"] if x["id"] == mid)
    part, key = where.split(".")
    m[part][key] += 7
    return new


def _first(defs: Definitions, mid: str) -> str:
    return next(m.id for m in defs.measures if (m.base_id or m.id) == mid)


@pytest.mark.parametrize(("mid", "where"), _numbers(_raw()))
def test_every_number_in_the_yaml_reaches_the_engine(mid: str, where: str) -> None:
    """Changing any number a measure states changes the SQL the engine runs for it."""
    raw = _raw()
    if mid in RESTATES and where == "rule.n":
        defs = _defs(raw)
        assert defs.by_id()[mid].rule == defs.by_id()[RESTATES[mid]].rule
        return
    before, after = _defs(raw), _defs(_bumped(raw, mid, where))
    target = _first(before, mid)
    assert _everything(before, target) != _everything(after, target), (
        f"{mid} {where} in definitions.yaml is not what the engine uses"
    )


def test_the_per_child_rules_read_the_same_numbers() -> None:
    """grip.measures.rules states no timescale of its own: each comes from the definitions."""
    by_id = _defs(_raw()).by_id()
    assert rules.defined("AS_45WD").n == by_id["AS_45WD"].rule.n
    assert [i.n for i in rules.CLA_REVIEWS] == [
        by_id[k].rule.n for k in ("CLA_REVIEW_FIRST", "CLA_REVIEW_SECOND", "CLA_REVIEW_LATER")
    ]
    visit = by_id["CLA_VISITS_IN_TIME"].params
    assert rules.reg28_interval(date(2026, 1, 5), True, None).n == visit["first_visit_days"]


def test_changing_the_45_day_threshold_in_the_yaml_moves_the_figure(engine: Engine) -> None:
    """Working Together 2018 ch. 1 para 81 (45 working days): a YAML edit moves the figure.

    From Mon 7 Dec 2026 the 45th working day is Thu 11 Feb 2027 (25, 28 Dec and 1 Jan are bank
    holidays); an assessment authorised on Fri 12 Feb 2027 took 46 working days: late at 45,
    in time at 46.
    """
    b = CaseBook()
    c = b.child("C1")
    r = b.referral(c, date(2026, 12, 7))
    b.assessment(c, r, date(2026, 12, 8), date(2027, 2, 12), outcome="CIN", seen=True)
    b.save(engine)
    raw = _raw()
    at_45 = compute(engine, "T01", date(2027, 3, 31), 1, definitions=_defs(raw))
    assert at_45.at("AS_45WD").value == 0.0
    m = next(x for x in raw["measures"] if x["id"] == "AS_45WD")
    m["rule"]["n"] = 46
    at_46 = compute(engine, "T01", date(2027, 3, 31), 1, definitions=_defs(raw))
    assert at_46.at("AS_45WD").value == 100.0
