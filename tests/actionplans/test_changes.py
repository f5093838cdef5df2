"""What changed: each area for improvement beside the measures its actions link to, at the
date the report was received and now, exactly as the measures engine computes them (no second
calculation), with the way each moved."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import cast

from sqlalchemy import Engine

from grip.access.scope import system_job
from grip.actionplans import actions as acts
from grip.actionplans import changes, plans
from grip.casedata.importer import import_extract
from grip.casedata.synth import synthesise
from grip.measures.definitions import load_definitions
from grip.measures.engine import compute
from grip.store.db import la_engine

from .conftest import AREAS, LA, World

D = dt.date
RECEIVED, NOW = D(2026, 12, 18), D(2027, 3, 31)


def test_values_are_the_engines_at_both_dates(world: World, tmp_path: Path) -> None:
    synthesise(tmp_path / "extract", 200, 7, NOW, la_code=LA)
    with system_job("test: load a synthetic extract"):
        assert import_extract(world.engine, tmp_path / "extract", LA, skip_invalid=True).ok
    defs = load_definitions()
    measure = next(m for m in defs.measures if m.headline and m.polarity != "neither")
    with world.session(world.qa) as db:
        plan = plans.create_plan(db, LA, world.inspection_id, RECEIVED, world.actor(world.qa))
        area = acts.areas(db, plan, world.actor(world.qa))[0].finding.id
        action = acts.add_action(db, plan, world.actor(world.qa), finding_id=area,
                                 description="Weekly oversight checks", owner_user_id=world.hos.id,
                                 due_date=D(2027, 3, 1))  # fmt: skip
        acts.add_impact(db, plan, action, world.actor(world.qa), "measure", measure.id)
        wc = changes.what_changed(db, plan, NOW, viewer=world.actor(world.qa))
        engine = cast(Engine, db.get_bind())
    assert [r.area.finding.text for r in wc.areas] == list(AREAS)
    [got] = wc.areas[0].measures
    expected = []
    for on in (RECEIVED, NOW):
        run = compute(la_engine(engine, LA), LA, on, 1, measure_ids=[measure.id])
        expected.append(run.at(measure.id).value)
        run.con.close()
    assert (got.then, got.now) == tuple(expected)
    assert got.now is not None and got.then is not None  # real figures, not two blanks
    assert wc.areas[1].measures == [] and wc.areas[1].actions == []
    if got.then is not None and got.now is not None and got.then != got.now:
        up = got.now > got.then
        assert got.moved == (
            "better" if up == (measure.polarity == "higher_is_better") else "worse"
        )


def test_moved_follows_polarity() -> None:
    assert changes._moved(10.0, 12.0, "higher_is_better") == "better"
    assert changes._moved(10.0, 12.0, "lower_is_better") == "worse"
    assert changes._moved(10.0, 10.0, "lower_is_better") == "no change"
    assert changes._moved(10.0, 12.0, "neither") == "up"
    assert changes._moved(None, 12.0, "higher_is_better") == "no figure"
