"""Check an Annex A workbook: every problem as its own row, never just counts.

Each list is found by its headers (case, spacing, typographic quotes and real misspellings
tolerated; the sheet name helps but is not needed). Every cell is then checked against its
column in the spec, each row against the list's window for the inspection date, each list for
duplicates where one row per child is required (ILACS framework (Ofsted 170040) para 251), and the
lists against each other (para 250: one child ID across lists). A problem names the list, the sheet
row, the child ID, the column, the value, the rule id and what was expected.
"""

from __future__ import annotations

import html
import json
import math
import re
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any

import yaml

from grip.annex_a.guard import Sheet, read_workbook
from grip.annex_a.population import in_population, window_start
from grip.annex_a.spec import (
    ColumnSpec,
    ListSpec,
    Spec,
    SpecError,
    available_specs,
    load_spec,
    match_headers,
    normalise_header,
    sheet_list_number,
)
from grip.casedata.facts import age_on

ERROR = "error"
WARNING = "warning"

_POSTCODE = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]?(?: ?[0-9][A-Z]{2})?$")
_DATE_TEXT = re.compile(r"^\s*(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})\s*$")
_ISO_DATE = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})(?:[ T].*)?$")

#: Rules applied to every column of a type, by type.
TYPE_RULES: dict[str, tuple[str, ...]] = {
    "id": ("type.id", "text.formula"),
    "text": ("type.text", "text.formula"),
    "date": ("type.date", "type.date_text", "date.before_birth", "date.after_inspection"),
    "integer": ("type.integer",),
    "number": ("type.number",),
    "code": ("code.allowed", "code.alias"),
    "postcode": ("type.postcode",),
}


@dataclass(frozen=True)
class Problem:
    """One problem in a workbook."""

    list: int | None
    sheet: str
    row: int | None
    child_id: str
    column: str
    value: str
    rule: str
    message: str
    severity: str = ERROR


@cache
def _check_words() -> dict[str, str]:
    raw = yaml.safe_load(files("grip.annex_a").joinpath("checks.yaml").read_text("utf-8"))
    return {str(k): str(v) for k, v in raw["rules"].items()}


def rule_words(rule: str) -> str:
    """The check a problem failed, in words (``required.blank``: "Blank, but every row needs
    it"), from ``checks.yaml``; the code itself for one without words."""
    return _check_words().get(rule, rule)


def workbook_problem(rule: str, message: str, list_number: int | None = None) -> Problem:
    """A problem with the workbook as a whole (or a whole list), not with a cell."""
    return Problem(list_number, "", None, "", "", "", rule, message)


@dataclass
class CheckReport:
    """Everything found in one workbook."""

    file: str
    spec_id: str
    inspection_date: date | None
    lists_found: dict[int, str] = field(default_factory=dict)
    rows_checked: int = 0
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        """Problems of severity error."""
        return [p for p in self.problems if p.severity == ERROR]

    @property
    def warnings(self) -> list[Problem]:
        """Problems of severity warning."""
        return [p for p in self.problems if p.severity == WARNING]

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready form of the report."""
        return {
            "file": self.file,
            "spec": self.spec_id,
            "inspection_date": self.inspection_date.isoformat() if self.inspection_date else None,
            "lists_found": {str(k): v for k, v in sorted(self.lists_found.items())},
            "rows_checked": self.rows_checked,
            "errors": len(self.errors),
            "warnings": len(self.warnings),
            "notes": self.notes,
            "problems": [asdict(p) for p in self.problems],
        }


def column_rules(spec: Spec, lst: ListSpec, col: ColumnSpec) -> set[str]:
    """Every rule id that checks this column (the coverage a test asserts is never empty)."""
    rules = set(TYPE_RULES[col.type])
    rules.update(("header.missing_column", "cell.formula"))
    if col.required:
        rules.add("required.blank")
    if col.required_if:
        rules.add("required_if.blank")
    if col.min is not None or col.max is not None:
        rules.add("range.integer")
    if col.not_before:
        rules.add("date.order")
    if col.id == "age":
        rules.add("age.mismatch")
    if col.id == lst.key_column and lst.row in ("per_child", "per_adopter"):
        rules.add("duplicate.child")
    pop_cols: set[str] = set()
    for c in lst.population.conditions:
        pop_cols.update(x for x in (c.in_window, c.pending, *(c.open_at or ()), *c.not_ended) if x)
    if col.id in pop_cols:
        rules.add("window.outside")
    for cc in spec.cross_checks:
        then = cc.then
        if then.get("column") == col.id and then.get("list") == lst.number:
            rules.add(cc.id)
        if col.id in then.get("same_across_lists", []) or (
            col.id == lst.key_column and cc.when.get("list") == lst.number
        ):
            rules.add(cc.id)
    return rules


# --------------------------------------------------------------------------------------------
# Cell conversion.


def _as_date(v: Any) -> tuple[date | None, bool]:
    """(date, was_text) for a cell; (None, False) when it is not a date."""
    if isinstance(v, datetime):
        return v.date(), False
    if isinstance(v, date):
        return v, False
    if isinstance(v, str):
        m = _DATE_TEXT.match(v)
        try:
            if m:
                return date(int(m.group(3)), int(m.group(2)), int(m.group(1))), True
            m = _ISO_DATE.match(v)
            if m:
                return date(int(m.group(1)), int(m.group(2)), int(m.group(3))), True
        except ValueError:
            return None, False
    return None, False


def _blank(v: Any) -> bool:
    return v is None or (isinstance(v, str) and not v.strip())


def _show(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, datetime):
        v = v.date()
    if isinstance(v, date):
        return v.strftime("%d/%m/%Y")
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)[:200]


def _as_int(v: Any) -> int | None:
    if isinstance(v, bool):
        return None
    if isinstance(v, int):
        return v
    if isinstance(v, float) and v.is_integer():
        return int(v)
    if isinstance(v, str) and re.fullmatch(r"\s*-?\d+\s*", v):
        return int(v)
    return None


def _as_number(v: Any) -> float | int | None:
    if isinstance(v, bool):
        return None
    if isinstance(v, int | float):
        return v
    if isinstance(v, str) and re.fullmatch(r"\s*-?\d+(?:\.\d+)?\s*", v):
        return float(v) if "." in v else int(v)
    return None


def _id_text(v: Any) -> str:
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return "" if v is None else str(v).strip()


# --------------------------------------------------------------------------------------------
# Finding the lists.


def _header_row(rows: list[list[Any]]) -> int | None:
    for i, row in enumerate(rows[:10]):
        if sum(1 for v in row if isinstance(v, str) and v.strip()) >= 2:
            return i
    return None


_COMMON = frozenset(
    {
        "child_id",
        "gender",
        "ethnicity",
        "date_of_birth",
        "age",
        "disability",
        "uasc",
        "allocated_team",
        "allocated_worker",
    }
)


def _locate(sheets: list[Sheet], spec: Spec) -> dict[int, tuple[Sheet, int, dict[str, int]]]:
    """Map list number -> (sheet, header row index, column id -> position).

    A sheet is scored against each list by the share of its header cells that are the list's
    columns, plus the share of the list's own (not common child) columns it has, plus a bonus
    when the sheet name says the list number. Each list and each sheet is used once.
    """
    candidates: list[tuple[float, int, int, Sheet, int, dict[str, int]]] = []
    for si, sh in enumerate(sheets):
        hr = _header_row(sh.rows)
        if hr is None:
            continue
        nonempty = sum(1 for v in sh.rows[hr] if not _blank(v))
        named = sheet_list_number(sh.name)
        for lst in spec.lists:
            m = match_headers(sh.rows[hr], lst)
            if len(m.positions) < 2:
                continue
            own = [c.id for c in lst.columns if c.id not in _COMMON]
            distinct = sum(1 for c in m.positions if c not in _COMMON)
            precision = len(m.positions) / max(1, nonempty)
            if precision < 0.5 or (distinct == 0 and named != lst.number):
                continue
            score = precision + distinct / max(1, len(own)) + (0.5 if named == lst.number else 0)
            candidates.append((score, -si, lst.number, sh, hr, m.positions))
    candidates.sort(key=lambda t: (-t[0], -t[1]))
    found: dict[int, tuple[Sheet, int, dict[str, int]]] = {}
    used: set[str] = set()
    for _score, _si, number, sh, hr, pos in candidates:
        if number in found or sh.name in used:
            continue
        found[number] = (sh, hr, pos)
        used.add(sh.name)
    return found


def _cover_date(sheets: list[Sheet]) -> date | None:
    """The inspection date a Grip cover sheet states, if the workbook has one."""
    for sh in sheets:
        if sh.name.strip().lower() != "cover":
            continue
        for row in sh.rows[:20]:
            if len(row) >= 2 and str(row[0]).strip().lower() == "inspection date":
                d, _ = _as_date(row[1])
                return d
    return None


# --------------------------------------------------------------------------------------------
# Checking.


class _ListChecker:
    def __init__(
        self,
        spec: Spec,
        lst: ListSpec,
        sheet: Sheet,
        hr: int,
        pos: dict[str, int],
        d: date | None,
        report: CheckReport,
    ) -> None:
        self.spec, self.lst, self.sheet, self.hr, self.pos = spec, lst, sheet, hr, pos
        self.d, self.report = d, report
        self.values: list[tuple[int, str, dict[str, Any]]] = []

    def add(
        self,
        sheet_row: int,
        child: str,
        col: ColumnSpec | None,
        value: Any,
        rule: str,
        message: str,
        severity: str = ERROR,
    ) -> None:
        self.report.problems.append(
            Problem(
                list=self.lst.number,
                sheet=self.sheet.name,
                row=sheet_row,
                child_id=child,
                column=col.header if col else "",
                value=_show(value),
                rule=rule,
                message=message,
                severity=severity,
            )
        )

    def run(self) -> None:
        lst = self.lst
        header = self.sheet.rows[self.hr]
        for col in lst.columns:
            if col.id not in self.pos and not col.grip_extra:
                sev = ERROR if col.required or col.required_if else WARNING
                self.add(
                    self.hr + 1,
                    "",
                    col,
                    "",
                    "header.missing_column",
                    f"no column for '{col.header}' was found in the header row",
                    sev,
                )
        known = set(self.pos.values())
        for i, h in enumerate(header):
            if i not in known and not _blank(h):
                self.report.problems.append(
                    Problem(
                        lst.number,
                        self.sheet.name,
                        self.hr + 1,
                        "",
                        str(h)[:100],
                        "",
                        "header.unknown_column",
                        f"column '{h}' is not part of {lst.sheet} in spec "
                        f"{self.spec.id}; it is not checked",
                        WARNING,
                    )
                )
        cols = [(c, self.pos[c.id]) for c in lst.columns if c.id in self.pos]
        key_pos = self.pos.get(lst.key_column)
        for r in range(self.hr + 1, len(self.sheet.rows)):
            raw = self.sheet.rows[r]
            if all(_blank(v) for v in raw):
                continue
            sheet_row = r + 1
            child = _id_text(raw[key_pos]) if key_pos is not None and key_pos < len(raw) else ""
            row: dict[str, Any] = {}
            for col, p in cols:
                v = raw[p] if p < len(raw) else None
                if (r, p) in self.sheet.formulas:
                    self.formula(sheet_row, child, col, v)
                row[col.id] = self.cell(sheet_row, child, col, v)
            self.fill_absent(row)
            self.report.rows_checked += 1
            self.row_rules(sheet_row, child, row)
            self.values.append((sheet_row, child, row))
        self.duplicates()

    def formula(self, sheet_row: int, child: str, col: ColumnSpec, v: Any) -> None:
        """A cell holding a formula: its value is whatever the spreadsheet last cached."""
        # A value the template computes itself (the age) may come from a formula; anything
        # else should be data from the case system, so a formula there is an error.
        computed = col.type == "number"
        self.add(
            sheet_row,
            child,
            col,
            v,
            "cell.formula",
            "the cell holds a formula; its value is the result the spreadsheet last saved, "
            "which Grip does not recalculate: paste the values instead"
            + (" (accepted here: the template computes this column)" if computed else ""),
            WARNING if computed else ERROR,
        )

    def numeric(self, sheet_row: int, child: str, col: ColumnSpec, v: Any) -> float | int | None:
        """A whole number (``integer``), or any number (``number``: what the template computes,
        such as an age with decimals), within the column's range."""
        whole = col.type == "integer"
        n = _as_int(v) if whole else _as_number(v)
        what = "a whole number" if whole else "a number"
        if n is None:
            self.add(sheet_row, child, col, v, f"type.{col.type}", f"expected {what}")
            return None
        if (col.min is not None and n < col.min) or (col.max is not None and n > col.max):
            self.add(
                sheet_row,
                child,
                col,
                v,
                "range.integer",
                f"expected {what} from {col.min} to {col.max}"
                if col.max is not None
                else f"expected {what} of at least {col.min}",
            )
        return n

    def cell(self, sheet_row: int, child: str, col: ColumnSpec, v: Any) -> Any:
        """Check one cell against its column; return its typed value (None when unusable)."""
        if _blank(v):
            if col.required:
                self.add(
                    sheet_row, child, col, v, "required.blank", f"'{col.header}' must not be blank"
                )
            return None
        t = col.type
        if t == "date":
            return self.date_cell(sheet_row, child, col, v)
        if t in ("integer", "number"):
            return self.numeric(sheet_row, child, col, v)
        if t == "code":
            return self.code_cell(sheet_row, child, col, v)
        if t == "postcode":
            return self.postcode_cell(sheet_row, child, col, v)
        return self.text_cell(sheet_row, child, col, v)

    def date_cell(self, sheet_row: int, child: str, col: ColumnSpec, v: Any) -> date | None:
        """A real Excel date (a date written as text is read, with a warning)."""
        d, was_text = _as_date(v)
        if d is None:
            self.add(
                sheet_row,
                child,
                col,
                v,
                "type.date",
                "expected a date (an Excel date shown dd/mm/yyyy)",
            )
            return None
        if was_text:
            self.add(
                sheet_row,
                child,
                col,
                v,
                "type.date_text",
                "date written as text; expected a real Excel date (dd/mm/yyyy)",
                WARNING,
            )
        return d

    def code_cell(self, sheet_row: int, child: str, col: ColumnSpec, v: Any) -> str | None:
        """One of the column's codes, in the template's form (an alias is read, with a warning)."""
        cs = self.spec.code_set(col)
        s = _id_text(v)
        canon = cs.canonical(s)
        if canon is None:
            shown = ", ".join(cs.allowed[:8]) + (" ..." if len(cs.allowed) > 8 else "")
            self.add(
                sheet_row,
                child,
                col,
                v,
                "code.allowed",
                f"not an allowed code for '{col.header}'; expected one of: {shown}",
            )
            return None
        if canon != s:
            self.add(
                sheet_row,
                child,
                col,
                v,
                "code.alias",
                f"'{s}' accepted as '{canon}'; write the template's form '{canon}'",
                WARNING,
            )
        return canon

    def postcode_cell(self, sheet_row: int, child: str, col: ColumnSpec, v: Any) -> str | None:
        """A UK postcode or postcode district, in capitals."""
        s = str(v).strip().upper()
        if not _POSTCODE.match(s):
            self.add(
                sheet_row,
                child,
                col,
                v,
                "type.postcode",
                "expected a UK postcode or postcode district (for example 'SE1' or 'SE1 7QP')",
            )
            return None
        return s

    def text_cell(self, sheet_row: int, child: str, col: ColumnSpec, v: Any) -> str | None:
        """Text or an identifier (text a spreadsheet would read as a formula is warned of)."""
        t = col.type
        if isinstance(v, date | bool):
            rule = "type.id" if t == "id" else "type.text"
            self.add(sheet_row, child, col, v, rule, "expected text, found a date or true/false")
            return None
        s = _id_text(v)
        if t == "id" and (len(s) > 48 or not re.fullmatch(r"[A-Za-z0-9_./-]+", s)):
            self.add(
                sheet_row,
                child,
                col,
                v,
                "type.id",
                "expected an identifier: letters, digits and _ . / - only, at most 48 characters",
            )
            return None
        if s.startswith(("=", "+", "@")) or (s.startswith("-") and not _as_int(s)):
            self.add(
                sheet_row,
                child,
                col,
                v,
                "text.formula",
                "text starting with = + - or @ is read as a formula by spreadsheets",
                WARNING,
            )
        return s

    def row_rules(self, sheet_row: int, child: str, row: dict[str, Any]) -> None:
        """Checks across a row's cells: required-if, date order, the age, the list's window."""
        lst = self.lst
        for col in lst.columns:
            if col.id not in self.pos:
                continue
            v = row.get(col.id)
            if col.required_if and (v is None) and row.get(col.required_if) not in (None, 0):
                self.add(
                    sheet_row,
                    child,
                    col,
                    v,
                    "required_if.blank",
                    f"'{col.header}' is needed because '{lst.column(col.required_if).header}' "
                    "is filled",
                )
            if isinstance(v, date):
                self.date_order(sheet_row, child, col, v, row)
        self.age_agrees(sheet_row, child, row)
        self.in_window(sheet_row, child, row)

    def date_order(
        self, sheet_row: int, child: str, col: ColumnSpec, v: date, row: dict[str, Any]
    ) -> None:
        """A date is not before the date of birth or the columns it follows, nor after D."""
        lst, d, dob = self.lst, self.d, row.get("date_of_birth")
        if col.id != "date_of_birth" and isinstance(dob, date) and v < dob:
            self.add(
                sheet_row,
                child,
                col,
                v,
                "date.before_birth",
                f"date is before the date of birth {dob:%d/%m/%Y}",
            )
        if d is not None and v > d:
            self.add(
                sheet_row,
                child,
                col,
                v,
                "date.after_inspection",
                f"date is after the inspection date {d:%d/%m/%Y}",
            )
        for other in col.not_before:
            ov = row.get(other)
            if isinstance(ov, date) and v < ov:
                self.add(
                    sheet_row,
                    child,
                    col,
                    v,
                    "date.order",
                    f"must not be before '{lst.column(other).header}' ({ov:%d/%m/%Y})",
                )

    def age_agrees(self, sheet_row: int, child: str, row: dict[str, Any]) -> None:
        """The age given is the child's age on the inspection date (whole years)."""
        d, dob, age = self.d, row.get("date_of_birth"), row.get("age")
        if d is None or not isinstance(dob, date) or age is None:
            return
        want = age_on(dob, d)
        # The template may give the age with decimals: its whole years must agree.
        if want is not None and math.floor(age) != want:
            self.add(
                sheet_row,
                child,
                self.lst.column("age"),
                age,
                "age.mismatch",
                f"age on the inspection date {d:%d/%m/%Y} is {want} from the date of birth",
            )

    def in_window(self, sheet_row: int, child: str, row: dict[str, Any]) -> None:
        """The row belongs to the list's population on the inspection date."""
        lst, d = self.lst, self.d
        if (
            d is not None
            and not self.missing_population_columns()
            and not in_population(lst.population, row, d)
        ):
            start = window_start(d, lst.population.window_months)
            pcol = self.first_population_column()
            self.add(
                sheet_row,
                child,
                pcol,
                row.get(pcol.id) if pcol else "",
                "window.outside",
                f"row is outside this list's window for {d:%d/%m/%Y} (from "
                f"{start:%d/%m/%Y}): {lst.population.rule}",
            )

    def population_columns(self) -> list[str]:
        out: list[str] = []
        for c in self.lst.population.conditions:
            for x in (c.in_window, c.pending, *(c.open_at or ()), *c.not_ended):
                if x and x not in out:
                    out.append(x)
        return out

    def when_absent(self, col_id: str) -> dict[str, Any] | None:
        """How to read a Grip column the workbook lacks from the template's own columns
        (``params.when_absent``: a date column, a code column and the codes that mean it), if
        the spec says and those columns are present."""
        rule = self.lst.column(col_id).params.get("when_absent")
        if rule and rule["date"] in self.pos and rule["code"] in self.pos:
            return dict(rule)
        return None

    def fill_absent(self, row: dict[str, Any]) -> None:
        """Fill the Grip columns a workbook in the template's bare layout lacks, where the
        template's own columns say the same thing (list 11: a refusal is the leaving date
        with the leaving reason "Application refused")."""
        for c in self.population_columns():
            rule = self.when_absent(c) if c not in self.pos else None
            if rule is not None:
                row[c] = row.get(rule["date"]) if row.get(rule["code"]) in rule["codes"] else None

    def missing_population_columns(self) -> bool:
        return any(
            c not in self.pos and self.when_absent(c) is None for c in self.population_columns()
        )

    def first_population_column(self) -> ColumnSpec | None:
        cols = self.population_columns()
        return self.lst.column(cols[0]) if cols else None

    def duplicates(self) -> None:
        if self.lst.row not in ("per_child", "per_adopter"):
            return
        seen: dict[str, int] = {}
        key = self.lst.column(self.lst.key_column)
        for sheet_row, child, _row in self.values:
            if not child:
                continue
            if child in seen:
                self.add(
                    sheet_row,
                    child,
                    key,
                    child,
                    "duplicate.child",
                    f"{self.lst.sheet} has one row per "
                    f"{'adopter' if self.lst.row == 'per_adopter' else 'child'} "
                    "(ILACS framework (Ofsted 170040) para 251); "
                    f"this ID is already on sheet row {seen[child]}",
                )
            else:
                seen[child] = sheet_row


def _cross_checks(spec: Spec, checkers: dict[int, _ListChecker], report: CheckReport) -> None:
    for cc in spec.cross_checks:
        when, then = cc.when, cc.then
        if "same_across_lists" in then:
            first: dict[str, dict[str, tuple[Any, int, int]]] = defaultdict(dict)
            for number, ch in sorted(checkers.items()):
                if ch.lst.key_column != "child_id":
                    continue
                for sheet_row, child, row in ch.values:
                    for cid in then["same_across_lists"]:
                        v = row.get(cid)
                        if not child or v is None:
                            continue
                        prev = first[cid].get(child)
                        if prev is None:
                            first[cid][child] = (v, number, sheet_row)
                        elif prev[0] != v:
                            ch.add(
                                sheet_row,
                                child,
                                ch.lst.column(cid),
                                v,
                                cc.id,
                                f"{cc.message}: {ch.lst.column(cid).header} here differs from "
                                f"List {prev[1]} row {prev[2]} ({_show(prev[0])})",
                            )
            continue
        src = checkers.get(int(when.get("list", 0)))
        if src is None:
            continue
        target = checkers.get(int(then["list"]))
        if target is None:
            continue
        index = {child: row for _r, child, row in target.values if child}
        for sheet_row, child, row in src.values:
            if not child:
                continue
            if "blank" in when and row.get(when["blank"]) is not None:
                continue
            col = (
                target.lst.column(then["column"]) if target.lst.has_column(then["column"]) else None
            )
            if col is None or then["column"] not in target.pos:
                continue
            if "between" in then:
                v = row.get(then["column"])
                lo, hi = then["between"]
                if v is not None and not lo <= v <= hi:
                    src.add(sheet_row, child, col, v, cc.id, cc.message)
                continue
            trow = index.get(child)
            if trow is None:
                if not then.get("optional"):
                    src.add(
                        sheet_row,
                        child,
                        src.lst.column(src.lst.key_column),
                        child,
                        cc.id,
                        f"{cc.message}; this child is not on {target.lst.sheet}",
                    )
                continue
            if "equals" in then and trow.get(then["column"]) != then["equals"]:
                src.add(
                    sheet_row,
                    child,
                    col,
                    trow.get(then["column"]),
                    cc.id,
                    f"{cc.message}; {target.lst.sheet} has '{_show(trow.get(then['column']))}'",
                )


def _template_headers(spec: Spec) -> frozenset[str]:
    """Every header a spec's template writes (primary headers only, not aliases)."""
    return frozenset(normalise_header(c.header) for lst in spec.lists for c in lst.columns)


def _header_cells(sheets: list[Sheet]) -> list[str]:
    out = []
    for sh in sheets:
        hr = _header_row(sh.rows)
        if hr is not None:
            out += [normalise_header(v) for v in sh.rows[hr] if isinstance(v, str) and v.strip()]
    return out


def _matches(cells: list[str], headers: frozenset[str]) -> int:
    return sum(1 for c in cells if c in headers)


def other_version(sheets: list[Sheet], spec: Spec) -> tuple[str, int, int] | None:
    """(spec id, its header matches, ``spec``'s) when another template version's headers fit
    the workbook clearly better than ``spec``'s, else None."""
    cells = _header_cells(sheets)
    own = _matches(cells, _template_headers(spec))
    best: tuple[str, int, int] | None = None
    for other_id in available_specs(spec.path.parent):
        if other_id == spec.id:
            continue
        try:
            other = load_spec(other_id, spec.path.parent)
        except SpecError:
            continue
        n = _matches(cells, _template_headers(other))
        # Versions share most headers (child ID, gender …), and an LA may add columns of its
        # own: the other version must leave at most half as many headers unexplained, and at
        # least five fewer.
        own_left, other_left = len(cells) - own, len(cells) - n
        clear = other_left <= own_left / 2 and own_left - other_left >= 5
        if clear and (best is None or n > best[1]):
            best = (other_id, n, own)
    return best


def _version_problem(sheets: list[Sheet], spec: Spec) -> Problem | None:
    found = other_version(sheets, spec)
    if found is None:
        return None
    other_id, n, own = found
    return workbook_problem(
        "workbook.other_spec",
        f"this workbook's headers are those of template version {other_id} ({n} header cells "
        f"match it, {own} match {spec.id}): check it with --spec {other_id}",
    )


def check_sheets(
    sheets: list[Sheet], spec: Spec, inspection_date: date | None = None, file_name: str = ""
) -> CheckReport:
    """Check already-parsed sheets against ``spec`` for ``inspection_date``."""
    d = inspection_date or _cover_date(sheets)
    report = CheckReport(file=file_name, spec_id=spec.id, inspection_date=d)
    if inspection_date is None and d is not None:
        report.notes.append(f"inspection date {d:%d/%m/%Y} taken from the workbook's cover sheet")
    if d is None:
        report.notes.append("no inspection date given: window, age and future-date checks skipped")
    version = _version_problem(sheets, spec)
    if version is not None:
        report.problems.append(version)
    found = _locate(sheets, spec)
    if not found:
        report.problems.append(
            workbook_problem(
                "workbook.no_lists",
                f"no sheet has the headers of any list of spec {spec.id}",
            )
        )
        return report
    checkers: dict[int, _ListChecker] = {}
    for lst in spec.lists:
        if lst.number not in found:
            report.problems.append(
                workbook_problem(
                    "workbook.list_missing",
                    f"{lst.sheet} ({lst.title}) was not found: no sheet has its headers",
                    lst.number,
                )
            )
            continue
        sh, hr, pos = found[lst.number]
        report.lists_found[lst.number] = sh.name
        ch = _ListChecker(spec, lst, sh, hr, pos, d, report)
        ch.run()
        checkers[lst.number] = ch
    _cross_checks(spec, checkers, report)
    report.problems.sort(key=lambda p: (p.list or 0, p.row or 0, p.column, p.rule))
    return report


def check_workbook(
    path: Path, spec: Spec, inspection_date: date | None = None, display_name: str | None = None
) -> CheckReport:
    """Guard, parse (in a limited child process) and check the workbook at ``path``."""
    sheets = read_workbook(path, display_name)
    return check_sheets(sheets, spec, inspection_date, display_name or path.name)


# --------------------------------------------------------------------------------------------
# Reports.

_FIELDS = ("list", "sheet", "row", "child_id", "column", "value", "rule", "severity", "message")


def write_report(report: CheckReport, out: Path) -> None:
    """Write the report as .json, .html or .xlsx (by the file's suffix)."""
    suffix = out.suffix.lower()
    if suffix == ".json":
        out.write_text(json.dumps(report.to_dict(), indent=1), encoding="utf-8")
    elif suffix in (".html", ".htm"):
        out.write_text(report_html(report), encoding="utf-8")
    elif suffix == ".xlsx":
        import xlsxwriter

        wb = xlsxwriter.Workbook(
            str(out),
            {"strings_to_formulas": False, "strings_to_numbers": False, "strings_to_urls": False},
        )
        try:
            ws = wb.add_worksheet("Problems")
            for c, f in enumerate(_FIELDS):
                ws.write_string(0, c, f)
            for r, p in enumerate(report.problems, start=1):
                for c, f in enumerate(_FIELDS):
                    v = getattr(p, f)
                    if isinstance(v, int):
                        ws.write_number(r, c, v)
                    elif v is not None:
                        ws.write_string(r, c, str(v))
        finally:
            wb.close()
    else:
        raise ValueError(f"{out}: report must end .json, .html or .xlsx")


def report_html(report: CheckReport) -> str:
    """A standalone HTML page listing every problem (escaped)."""
    e = html.escape
    rows = "".join(
        "<tr>"
        + "".join(
            f"<td>{e(str(getattr(p, f) if getattr(p, f) is not None else ''))}</td>"
            for f in _FIELDS
        )
        + "</tr>"
        for p in report.problems
    )
    head = "".join(f"<th scope='col'>{e(f)}</th>" for f in _FIELDS)
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>Annex A check: {e(report.file)}</title></head><body>"
        f"<h1>Annex A check: {e(report.file)}</h1>"
        f"<p>Spec {e(report.spec_id)}; {len(report.errors)} errors, {len(report.warnings)} "
        f"warnings in {report.rows_checked} rows.</p>"
        f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table></body></html>"
    )
