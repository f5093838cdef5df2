# ruff: noqa: E501
"""What each published report says, confirmed by reading it, with the page each value is on.

Grades in the order the framework's judgement table gives them (O outstanding, G good, RI
requires improvement, I inadequate, - not graded):

- ilacs-2017: overall, help and protection, children in care and care leavers, leaders (page 1)
- ilacs-2023: overall, help and protection, children in care, care leavers, leaders (page 1)
- sif-2013: overall, help and protection, looked after, adoption (2.1), care leavers (2.2),
  leadership (page 1), LSCB (on the page in `lscb_page`: "The Local Safeguarding Children Board
  is …", the LSCB section the contents page lists)

LA name, inspection dates and, where stated, "Report published" are on page 1. ILACS reports do
not state their publication date in their text, so `published` is None for them. Inspection type
for ILACS: fieldwork of at most one week is a short inspection, two weeks a standard one (ILACS
framework, Ofsted 170040, paras 52-55); SIF and the 2013 looked-after-children reports say what
they are in their title on page 1.
"""

from __future__ import annotations

from typing import NamedTuple


class R(NamedTuple):
    file: str
    la_code: str
    framework: str
    inspection_type: str
    fieldwork_start: str
    fieldwork_end: str
    published: str | None
    grades: str
    lscb_page: int | None


ORDER = {
    "ilacs-2017": ["overall", "help-protection", "children-in-care", "leaders"],
    "ilacs-2023": ["overall", "help-protection", "children-in-care", "care-leavers", "leaders"],
    "sif-2013": [
        "overall",
        "help-protection",
        "looked-after",
        "adoption",
        "care-leavers",
        "leadership",
        "lscb",
    ],
    "lac-2013": [],
}
GRADE = {"O": "outstanding", "G": "good", "RI": "requires-improvement", "I": "inadequate"}


def judgements(r: R) -> dict[str, str]:
    """The expected judgements of a report, by Grip's judgement id."""
    grades = r.grades.split() if r.grades else []
    return {j: GRADE[g] for j, g in zip(ORDER[r.framework], grades, strict=True) if g != "-"}


# fmt: off
EXPECTED = [
    R("barking-and-dagenham-2019-04-01.pdf", "301", "ilacs-2017", "standard", "2019-02-18", "2019-03-01", None, "RI RI RI RI", None),
    R("barnsley-2018-11-19.pdf", "370", "ilacs-2017", "standard", "2018-10-08", "2018-10-19", None, "G G G G", None),
    R("bexley-2018-08-20.pdf", "303", "ilacs-2017", "standard", "2018-07-09", "2018-07-20", None, "O O G O", None),
    R("bexley-2023-03-24.pdf", "303", "ilacs-2023", "short", "2023-02-06", "2023-02-10", None, "O G G O O", None),
    R("bracknell-forest-2017-07-14.pdf", "867", "sif-2013", "inspection", "2017-04-28", "2017-05-25", "2017-07-14", "G G O O O G G", 28),
    R("bury-2021-12-17.pdf", "351", "ilacs-2017", "standard", "2021-10-25", "2021-11-05", None, "I I RI I", None),
    R("calderdale-2015-03-20.pdf", "381", "sif-2013", "inspection", "2015-01-13", "2015-02-04", "2015-03-20", "RI RI RI I RI RI RI", 41),
    R("calderdale-2024-05-15.pdf", "381", "ilacs-2023", "short", "2024-02-19", "2024-02-23", None, "G G G G G", None),
    R("cambridgeshire-2024-05-16.pdf", "873", "ilacs-2023", "standard", "2024-03-04", "2024-03-15", None, "RI RI RI RI RI", None),
    R("devon-2015-05-12.pdf", "878", "sif-2013", "inspection", "2015-02-24", "2015-03-18", "2015-05-12", "RI RI RI G I RI I", 43),
    R("ealing-2024-07-12.pdf", "307", "ilacs-2023", "standard", "2024-04-22", "2024-05-03", None, "G RI G G G", None),
    R("east-riding-of-yorkshire-2017-02-13.pdf", "811", "sif-2013", "inspection", "2016-11-21", "2016-12-15", "2017-02-13", "G G G G O G G", 31),
    R("east-sussex-2024-02-06.pdf", "845", "ilacs-2023", "short", "2023-12-11", "2023-12-15", None, "G G O G G", None),
    R("gateshead-2019-06-11.pdf", "390", "ilacs-2017", "short", "2019-04-29", "2019-05-03", None, "G G G G", None),
    R("gloucestershire-2022-04-01.pdf", "916", "ilacs-2017", "standard", "2022-02-07", "2022-02-18", None, "RI RI RI RI", None),
    R("hammersmith-and-fulham-2019-10-15.pdf", "205", "ilacs-2017", "short", "2019-09-09", "2019-09-13", None, "G G G G", None),
    R("havering-2016-12-09.pdf", "311", "sif-2013", "inspection", "2016-09-27", "2016-10-20", "2016-12-09", "RI RI RI RI I RI RI", 38),
    R("havering-2024-02-16.pdf", "311", "ilacs-2023", "standard", "2023-12-11", "2023-12-22", None, "I I I RI I", None),
    R("kent-2013-08-23.pdf", "886", "lac-2013", "looked-after-children", "2013-07-15", "2013-07-19", "2013-08-23", "", None),
    R("knowsley-2025-01-20.pdf", "340", "ilacs-2023", "standard", "2024-11-18", "2024-11-29", None, "I I RI I I", None),
    R("leicester-2021-11-12.pdf", "856", "ilacs-2017", "standard", "2021-09-20", "2021-10-01", None, "G G G G", None),
    R("medway-2013-08-23.pdf", "887", "lac-2013", "looked-after-children", "2013-07-15", "2013-07-19", "2013-08-23", "", None),
    R("medway-2023-09-11.pdf", "887", "ilacs-2023", "standard", "2023-07-17", "2023-07-28", None, "G RI G G G", None),
    R("merton-2022-05-09.pdf", "315", "ilacs-2017", "short", "2022-02-28", "2022-03-04", None, "O G O O", None),
    R("north-somerset-2017-08-25.pdf", "802", "sif-2013", "inspection", "2017-06-12", "2017-07-07", "2017-08-25", "RI RI RI G G RI I", 31),
    R("north-tyneside-2020-04-15.pdf", "392", "ilacs-2017", "short", "2020-03-09", "2020-03-13", None, "O O G O", None),
    R("north-tyneside-2025-01-13.pdf", "392", "ilacs-2023", "short", "2024-11-11", "2024-11-15", None, "O O O O O", None),
    R("north-yorkshire-2018-08-06.pdf", "815", "ilacs-2017", "short", "2018-07-02", "2018-07-06", None, "O O O O", None),
    R("peterborough-2018-08-06.pdf", "874", "ilacs-2017", "standard", "2018-06-25", "2018-07-06", None, "G G G G", None),
    R("richmond-upon-thames-2017-12-08.pdf", "318", "sif-2013", "inspection", "2017-09-25", "2017-10-19", "2017-12-08", "G G G G G G G", 31),
    R("slough-2019-03-04.pdf", "871", "ilacs-2017", "standard", "2019-01-21", "2019-02-01", None, "RI RI RI RI", None),
    R("staffordshire-2019-03-11.pdf", "860", "ilacs-2017", "short", "2019-02-04", "2019-02-08", None, "G RI G G", None),
    R("suffolk-2016-02-11.pdf", "935", "sif-2013", "inspection", "2015-11-23", "2015-12-17", "2016-02-11", "G RI G G RI G G", 37),
    R("suffolk-2024-08-21.pdf", "935", "ilacs-2023", "short", "2024-06-03", "2024-06-07", None, "RI RI G RI RI", None),
    R("telford-wrekin-2020-03-02.pdf", "894", "ilacs-2017", "standard", "2020-01-20", "2020-01-31", None, "O G O O", None),
    R("torbay-2022-05-18.pdf", "880", "ilacs-2017", "standard", "2022-03-21", "2022-04-01", None, "G G G G", None),
    R("trafford-2015-05-12.pdf", "358", "sif-2013", "inspection", "2015-01-27", "2015-02-18", "2015-05-12", "G G G G O O G", 39),
    R("trafford-2023-01-31.pdf", "358", "ilacs-2017", "standard", "2022-11-21", "2022-12-02", None, "RI RI RI RI", None),
    R("waltham-forest-2019-03-11.pdf", "320", "ilacs-2017", "standard", "2019-01-28", "2019-02-08", None, "G G G O", None),
    R("wandsworth-2018-07-20.pdf", "212", "sif-2013", "re-inspection", "2018-05-08", "2018-05-31", "2018-07-20", "RI RI RI RI G RI -", None),
    R("westminster-2025-01-13.pdf", "213", "ilacs-2023", "short", "2024-11-11", "2024-11-15", None, "O O O O O", None),
    R("wirral-2016-09-20.pdf", "344", "sif-2013", "inspection", "2016-07-04", "2016-07-28", "2016-09-20", "I I RI RI I I I", 36),
    R("wirral-2019-07-29.pdf", "344", "ilacs-2017", "standard", "2019-06-17", "2019-06-28", None, "RI RI RI G", None),
    R("york-2022-05-04.pdf", "816", "ilacs-2017", "standard", "2022-03-07", "2022-03-18", None, "RI RI RI RI", None),
]
# fmt: on

# Files refused, with the words their error must contain.
REFUSED = {"blackpool-2012-07-13.pdf": "HTML page"}
