"""Evidence, findings and judgements: what inspectors record, and how they reach a grade.

ILACS framework (Ofsted 170040) paras 181-201: the evidence record (contemporaneous, evaluative,
under the framework's headings, with no names of children or family members), the judgement
meeting (best fit, checked by the framework's rules), findings at focused and monitoring visits,
and the feedback meeting. See docs/evidence.md.

Public API for other capabilities (reports reuse these):

* ``grip.evidence.name_guard``: ``NameIndex.from_store(db, la)``, ``check(fields, index)``,
  ``ensure_clean(fields, index)`` (raises ``NamesFound``).
* ``grip.evidence.headings.evidence_headings(framework)``: the headings evidence is recorded
  under (the 17 ILACS headings; the judgements of SIF 2013 and CP 2012).
* ``grip.evidence.meeting.check_meeting(framework, grades, facts, support)``: the rule engine's
  verdict on proposed judgements, with the evidence requirement of para 187.
"""
