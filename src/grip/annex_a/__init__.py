"""Annex A: the eleven child-level lists of ILACS framework (Ofsted 170040) (paras 246-253), built
and checked.

``spec`` loads the versioned list specs (data); ``builder`` builds the lists from the case
store for any inspection date; ``workbook`` writes them as XLSX/CSV; ``guard`` refuses hostile
workbooks before parsing and parses them in a limited child process; ``checker`` reports every
problem of a workbook as its own row.
"""
