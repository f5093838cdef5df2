"""Action plans after an inspection or visit, and what happens after (ILACS framework (Ofsted
170040) paras 112-139, 219-221). See docs/actionplans.md.

* ``grip.actionplans.schedule``: the dates (plan deadline, action planning visit, agenda,
  quarterly monitoring), pure, from YAML data.
* ``grip.actionplans.plans``: opening a plan (refused after a monitoring visit; after a focused
  visit the existing plan is updated), its deadlines, its progress record of later visits, the
  inspector's review.
* ``grip.actionplans.actions``: actions answering the report's areas for improvement, with
  owner, due date, progress and evidence of impact.
* ``grip.actionplans.changes``: what changed since the report, and the plan's document.
"""
