"""Case audits: the monthly quality assurance cycle end to end (Southwark QA framework 2015, §3 and
Appendix 1; ILACS framework (Ofsted 170040) paras 59, 131-135, 147, 150-154, 257-258).

Modules: ``templates`` (audit tools as data), ``sampling`` (the monthly sample), ``lifecycle``
(allocation, the form with optimistic locking, the state machine, moderation, exemption,
chasing), ``actions`` (improvement plans and immediate safety concerns), ``moderation``
(percentage agreement and Cohen's kappa), ``casefile`` (the record summary beside the form),
``reports`` (the quarterly pack, XLSX and DOCX) and ``demo`` (a year of synthetic audits).
See docs/audits.md.
"""
