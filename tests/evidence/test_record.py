"""The evidence record: versions kept, the name guard on save, bad input named by field, the
sample and team rules (ILACS framework (Ofsted 170040) paras 181-192)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from grip.evidence import record as rec
from grip.evidence.models import EvidenceEntry
from grip.evidence.name_guard import NamesFound
from grip.inspections import get_inspection

from .conftest import LA, Team

HEAD = "ilacs-2017/help-protection/early-help"


def entry(**kw: object) -> rec.EntryInput:
    base: dict[str, object] = {
        "source": "case-file",
        "marker": "strength",
        "headings": [HEAD],
        "cases": ["P1"],
        "statement": "Early help is timely and well coordinated.",
        "evidence": "Four of five early help assessments were completed within timescale.",
        "impact": "Families get help quickly and needs do not escalate.",
    }
    return rec.EntryInput(**{**base, **kw})  # type: ignore[arg-type]


def test_paras_181_182_every_version_is_kept_and_timed(team: Team) -> None:
    with team.session(team.inspector) as db:
        insp = get_inspection(db, LA, team.inspection_id)
        e = rec.record_entry(db, insp, entry(), team.actor(team.inspector), team.names(db))
        eid = e.id
    with team.session(team.lead) as db:
        insp = get_inspection(db, LA, team.inspection_id)
        rec.edit_entry(
            db, insp, eid, entry(statement="Early help is timely; step-down is weaker."),
            team.actor(team.lead), team.names(db), expected_version=1,
        )  # fmt: skip
        e = rec.get_entry(db, insp, eid)
        vs = rec.versions(db, e)
        assert [v.number for v in vs] == [1, 2]
        assert vs[0].statement == "Early help is timely and well coordinated."
        assert vs[1].statement.endswith("step-down is weaker.")
        assert (vs[0].saved_by, vs[1].saved_by) == (team.inspector.id, team.lead.id)
        assert e.version == 2 and e.recorded_at <= e.updated_at
        with pytest.raises(rec.Locked, match="changed"):
            rec.edit_entry(db, insp, eid, entry(), team.actor(team.lead), team.names(db), 1)


@pytest.mark.parametrize(
    "text",
    ["Marlia's plan is drifting.", "The worker saw ELMHURST alone.", "Elmhrust was seen.",
     "Visits to Thornbys' home are regular.", "Mrs Quill attended."],
)  # fmt: skip
def test_para_191_names_from_the_case_store_are_refused(team: Team, text: str) -> None:
    with team.session(team.inspector) as db:
        insp = get_inspection(db, LA, team.inspection_id)
        with pytest.raises(NamesFound) as err:
            rec.record_entry(
                db, insp, entry(evidence=text), team.actor(team.inspector), team.names(db)
            )
        assert err.value.hits[0].field == "evidence"
    with team.session(team.inspector) as db:
        assert db.scalars(select(EvidenceEntry)).all() == []


@pytest.mark.parametrize(
    ("kw", "field", "words"),
    [
        ({"headings": []}, "headings", "at least one heading"),
        ({"headings": ["ilacs-2017/nope"]}, "headings", "not a heading"),
        ({"source": ""}, "source", "where the evidence came from"),
        ({"statement": "   "}, "statement", "evaluative statement"),
        ({"marker": "meh"}, "marker", "what the entry shows"),
        ({"cases": ["P5"]}, "cases", "not in this inspection's sample"),
        ({"impact": "x" * 20_001}, "impact", "keep it under"),
    ],
)
def test_bad_input_is_refused_naming_the_field(
    team: Team, kw: dict[str, object], field: str, words: str
) -> None:
    with team.session(team.inspector) as db:
        insp = get_inspection(db, LA, team.inspection_id)
        with pytest.raises(rec.Invalid) as err:
            rec.record_entry(db, insp, entry(**kw), team.actor(team.inspector), team.names(db))
        assert words in err.value.errors[field]


def test_markup_and_long_text_are_kept_as_plain_text(team: Team) -> None:
    text = "<script>alert(1)</script> <b>bold</b> " + "long " * 3000
    with team.session(team.inspector) as db:
        insp = get_inspection(db, LA, team.inspection_id)
        e = rec.record_entry(
            db, insp, entry(evidence=text), team.actor(team.inspector), team.names(db)
        )
        assert e.evidence == text.strip()


def test_only_the_writing_team_records_and_only_the_team_reads(team: Team) -> None:
    with team.session(team.la_staff) as db:
        insp = get_inspection(db, LA, team.inspection_id)
        with pytest.raises(rec.NotAllowed):
            rec.record_entry(db, insp, entry(), team.actor(team.la_staff), team.names(db))
        with pytest.raises(rec.NotAllowed):
            rec.entries(db, insp, team.actor(team.la_staff))
    with team.session(team.qa) as db:
        insp = get_inspection(db, LA, team.inspection_id)
        with pytest.raises(rec.NotAllowed, match="recording evidence"):
            rec.record_entry(db, insp, entry(), team.actor(team.qa), team.names(db))
        assert rec.entries(db, insp, team.actor(team.qa)) == []


def test_para_190_qa_manager_notes(team: Team) -> None:
    with team.session(team.inspector) as db:
        insp = get_inspection(db, LA, team.inspection_id)
        eid = rec.record_entry(db, insp, entry(), team.actor(team.inspector), team.names(db)).id
        with pytest.raises(rec.NotAllowed):
            rec.add_qa_note(db, insp, "Fine.", team.actor(team.inspector), team.names(db), eid)
    with team.session(team.qa) as db:
        insp = get_inspection(db, LA, team.inspection_id)
        rec.add_qa_note(
            db, insp, "Quantify the extent (para 188).", team.actor(team.qa), team.names(db), eid
        )
        assert [n.entry_id for n in rec.qa_notes(db, insp)] == [eid]


def test_search_filter_and_coverage(team: Team) -> None:
    cic = "ilacs-2017/children-in-care/care-leavers"
    with team.session(team.inspector) as db:
        insp = get_inspection(db, LA, team.inspection_id)
        a = rec.record_entry(db, insp, entry(), team.actor(team.inspector), team.names(db)).id
    with team.session(team.lead) as db:
        insp = get_inspection(db, LA, team.inspection_id)
        b = rec.record_entry(
            db, insp, entry(headings=[HEAD, cic], cases=["P2", "P3"], marker="priority-concern",
                            statement="Pathway plans are weak."),
            team.actor(team.lead), team.names(db),
        ).id  # fmt: skip
        me = team.actor(team.lead)
        ids = lambda **f: {e.id for e in rec.entries(db, insp, me, rec.Filters(**f))}  # noqa: E731
        assert ids() == {a, b}
        assert ids(heading=cic) == {b}
        assert ids(judgement="children-in-care") == {b}
        assert ids(inspector=team.inspector.id) == {a}
        assert ids(case="P3") == {b}
        assert ids(marker="strength") == {a}
        assert ids(text="pathway") == {b}
        cov = {c.ref: c for c in rec.coverage(db, insp)}
        assert (cov[HEAD].entries, cov[HEAD].cases, cov[HEAD].inspectors) == (2, 3, 2)
        assert cov[cic].entries == 1 and cov["ilacs-2017/leaders/workforce"].entries == 0
        assert len(cov) == 17
