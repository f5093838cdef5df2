"""Row-level validation of a case extract, before anything loads.

The rules are those of ``docs/import-format.md`` (generated from ``format.yaml``): the type of
each value, required columns, DfE codes, unique identifiers, references between tables, no date
before the person's date of birth, end dates not before their start (the ``after`` columns).
Structural problems come first: a missing or extra file, a file that is not UTF-8 or not CSV,
missing, unknown or repeated columns, and rows with the wrong number of fields.

Every problem is a :class:`Problem` naming table, row, column, value, rule and what was
expected. **Rows are numbered from 1 for the first data row: the header is not counted**, so
row ``n`` is the ``n``-th record after the header (line ``n + 1`` of a file without line breaks
inside values). The synthetic generator's defects manifest uses the same numbering.

Validation works column by column on the whole extract in memory: each distinct date, number or
code is parsed once (memoised), and ISO dates are kept as their ``YYYY-MM-DD`` text, which
orders exactly as the dates do, so the date rules are plain string comparisons.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import operator
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import compress, count, repeat
from pathlib import Path
from typing import Any

import duckdb

from grip.casedata.format import Column, ExtractFormat, Table, load_format

#: ``progress(phase, done, total)``: called as work advances (``check`` counts bytes of CSV,
#: ``load`` counts rows). The CLI draws it as a progress bar.
Progress = Callable[[str, int, int], None]

MANIFEST = "manifest.json"

#: Problems about a whole file or the extract: nothing can load while any remains, even with
#: ``skip_invalid``.
FILE_RULES: frozenset[str] = frozenset(
    {
        "missing_file",
        "unknown_file",
        "not_utf8",
        "malformed_csv",
        "empty_file",
        "missing_column",
        "unknown_column",
        "duplicate_column",
        "manifest",
        "format_version",
        "la_mismatch",
        "row_count",
        # A NUL or other control character in a value: a corrupt or hostile file, so
        # nothing loads even skipping rows (penetration test, December 2026).
        "control_character",
        "outside_folder",
    }
)

#: Problems about one row: with ``skip_invalid`` the row (and every row referring to it) is
#: left out and the rest loads.
ROW_RULES: frozenset[str] = frozenset(
    {
        "ragged_row",
        "required",
        "type",
        "too_long",
        "code",
        "duplicate_key",
        "reference",
        "reference_invalid",
        "before_birth",
        "date_order",
    }
)

LA_CODE_RE = re.compile(r"[A-Za-z0-9_-]{1,16}")
_DATE_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_INT_RE = re.compile(r"-?[0-9]{1,10}")
_DEC_RE = re.compile(r"-?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")
_ID_MAX = 48
#: C0 controls except tab, line feed and carriage return (free text may hold line breaks),
#: DEL and the C1 controls.
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_INT_MAX = 2**31 - 1
_BAD: Any = object()
_UNSEEN: Any = object()


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with an extract.

    ``row`` is the 1-based data row (header not counted) or ``None`` for a problem with a
    whole file; ``column`` is ``None`` when the problem is not about one column.
    """

    table: str
    row: int | None
    column: str | None
    value: str
    rule: str
    expected: str

    @property
    def file(self) -> str:
        """The file the problem is in."""
        return MANIFEST if self.table == "manifest" else f"{self.table}.csv"

    @property
    def whole_file(self) -> bool:
        """True when the problem stops the whole extract loading, even with skip_invalid."""
        return self.rule in FILE_RULES

    def as_dict(self) -> dict[str, Any]:
        """The problem as a plain dict (for JSON and CSV)."""
        return {
            "file": self.file,
            "table": self.table,
            "row": self.row,
            "column": self.column,
            "value": self.value,
            "rule": self.rule,
            "expected": self.expected,
        }

    def describe(self) -> str:
        """One line for people: where, what was found, what was expected."""
        where = self.file
        if self.row is not None:
            where += f" row {self.row}"
        if self.column:
            where += f", {self.column}"
        shown = self.value if len(self.value) <= 60 else self.value[:57] + "..."
        found = f" = {shown!r}" if self.value else ""
        return f"{where}{found}: expected {self.expected}"


@dataclass
class TableData:
    """One table's values after validation, column by column in format order.

    Values are converted for loading: ``None`` for blank, ``int``/``float``/``bool`` for those
    types and text otherwise (dates stay ``YYYY-MM-DD`` text, which both databases accept).
    """

    name: str
    columns: list[str]
    values: list[list[Any]]
    rows: int
    #: 0-based indices of rows with a problem (including rows referring to invalid rows).
    invalid: set[int] = field(default_factory=set)
    #: 0-based indices of blank lines: neither data nor a problem.
    blank: set[int] = field(default_factory=set)

    @property
    def data_rows(self) -> int:
        """Rows of data (blank lines not counted)."""
        return self.rows - len(self.blank)

    @property
    def valid_rows(self) -> int:
        """Rows that pass every rule."""
        return self.rows - len(self.blank) - len(self.invalid)

    def row_tuples(self) -> Iterable[tuple[Any, ...]]:
        """The valid rows as tuples in column order, in file order."""
        rows: Iterable[tuple[Any, ...]] = zip(*self.values, strict=True)
        skip = self.invalid | self.blank
        if skip:
            rows = (r for i, r in enumerate(rows) if i not in skip)
        return rows


@dataclass
class ValidationReport:
    """The outcome of :func:`validate_extract`."""

    folder: Path
    la_code: str
    format_version: str
    manifest: dict[str, Any]
    as_of: dt.date | None
    content_hash: str
    problems: list[Problem]
    tables: dict[str, TableData]

    @property
    def ok(self) -> bool:
        """True when there is no problem at all."""
        return not self.problems

    @property
    def fatal(self) -> bool:
        """True when a whole-file problem means nothing can load, even skipping rows."""
        return any(p.whole_file for p in self.problems) or self.as_of is None

    @property
    def rows_read(self) -> dict[str, int]:
        """Data rows per table."""
        return {name: t.data_rows for name, t in self.tables.items()}

    @property
    def rows_valid(self) -> dict[str, int]:
        """Rows per table that pass every rule (what ``skip_invalid`` loads)."""
        return {name: t.valid_rows for name, t in self.tables.items()}

    @property
    def rows_invalid(self) -> int:
        """How many rows have at least one problem."""
        return sum(len(t.invalid) for t in self.tables.values())

    def counts(self) -> Counter[tuple[str, str]]:
        """Problems per (table, rule)."""
        return Counter((p.table, p.rule) for p in self.problems)


class _Checker:
    """Validates one extract folder; state shared between tables (keys, memos)."""

    def __init__(self, fmt: ExtractFormat, folder: Path, progress: Progress | None) -> None:
        self.fmt = fmt
        self.folder = folder
        self.progress = progress
        self.problems: list[Problem] = []
        self.tables: dict[str, TableData] = {}
        # key value -> 0-based row of its first occurrence, for tables others refer to
        self.first_row: dict[str, dict[str, int]] = {}
        self.referenced = {c.ref for t in fmt.tables.values() for c in t.columns.values() if c.ref}
        self.date_memo: dict[str, Any] = {}
        self.int_memo: dict[str, Any] = {}
        self.code_memo: dict[str, dict[str, Any]] = {}
        self.dob: dict[str, str] = {}
        self.duck = duckdb.connect(config={"threads": 2, "memory_limit": "1GB"})

    # --- reading -----------------------------------------------------------------------

    def read(self, table: Table, hasher: Any) -> tuple[list[str], list[Any]] | None:
        """The file's header and data rows, or None after recording why it cannot be read."""
        path = self.folder / table.filename
        data = self.file_bytes(table, path, hasher)
        if data is None:
            return None
        text = self.decode(table, data)
        if text is None:
            return None
        lines = data.count(b"\n") + (0 if data.endswith(b"\n") else 1)
        del data
        reader = csv.reader(io.StringIO(text, newline=""), strict=True)
        header = self.header(table, reader)
        if header is None or not self.check_header(table, header):
            return None
        rows = self._read_fast(path, header, lines)
        if rows is not None:
            return header, rows
        try:
            return header, list(reader)
        except csv.Error as exc:
            self.problems.append(
                Problem(
                    table.name,
                    max(reader.line_num - 1, 1),
                    None,
                    "",
                    "malformed_csv",
                    f"well-formed CSV: {exc} (near line {reader.line_num})",
                )
            )
            return None

    def file_problem(self, table: Table, rule: str, expected: str) -> None:
        """Note a problem with a whole file (no row, no column)."""
        self.problems.append(Problem(table.name, None, None, "", rule, expected))

    def file_bytes(self, table: Table, path: Path, hasher: Any) -> bytes | None:
        """The file's bytes (added to the extract's hash), or None when it is outside the
        folder or missing."""
        if outside_folder(self.folder, path):
            self.problems.append(_outside_problem(table.name, table.filename))
            _hash_file(hasher, table, None)
            return None
        if not path.is_file():
            self.file_problem(
                table,
                "missing_file",
                f"a file {table.filename} (every table must be present; "
                "a table with no rows has just its header)",
            )
            _hash_file(hasher, table, None)
            return None
        data = path.read_bytes()
        _hash_file(hasher, table, data)
        return data

    def decode(self, table: Table, data: bytes) -> str | None:
        """The file as UTF-8 text (a byte order mark allowed), or None naming the bad byte."""
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = data.count(b"\n", 0, exc.start) + 1
            self.problems.append(
                Problem(
                    table.name,
                    line - 1 if line > 1 else None,
                    None,
                    data[exc.start : exc.start + 4].hex(" "),
                    "not_utf8",
                    f"UTF-8 text: byte {exc.start} (line {line}) is not UTF-8; "
                    "save the file as UTF-8",
                )
            )
            return None

    def header(self, table: Table, reader: Iterator[list[str]]) -> list[str] | None:
        """The header row's column names, or None when it is malformed or empty."""
        try:
            first: list[str] = next(reader, [])
        except csv.Error as exc:
            self.file_problem(table, "malformed_csv", f"a CSV header row ({exc})")
            return None
        if not any(first):
            self.file_problem(
                table, "empty_file", "a header row naming the columns: " + ", ".join(table.columns)
            )
            return None
        return [h.strip() for h in first]

    def _read_fast(self, path: Path, header: list[str], lines: int) -> list[Any] | None:
        """Rows read by DuckDB's CSV reader (about twice as fast as the csv module).

        Used only when its rows are exactly the csv module's: DuckDB skips blank lines and
        reports ragged rows or stray quotes as one error, so when it fails, or when its row
        count and the file's line count disagree (blank lines, line breaks inside values),
        None sends the caller to the csv module, which numbers and reports every row.
        """
        # Names are the format's own (check_header passed), so safe to quote into SQL.
        columns = ", ".join(f"'{h}': 'VARCHAR'" for h in header)
        select = ", ".join(f"coalesce(\"{h}\", '')" for h in header)
        query = (
            f"SELECT {select} FROM read_csv(?, header = true, auto_detect = false, "  # noqa: S608
            f"columns = {{{columns}}}, delim = ',', quote = '\"', escape = '\"', "
            "strict_mode = true, null_padding = false)"
        )
        try:
            rows: list[Any] = self.duck.execute(query, [str(path)]).fetchall()
        except duckdb.Error:  # any parse trouble: the csv module will say exactly what and where
            return None
        return rows if len(rows) + 1 == lines else None

    def check_header(self, table: Table, header: list[str]) -> bool:
        """Record each duplicate, unknown or missing column; True when the header is right."""
        found = [
            *(
                (name, name, "duplicate_column", f"each column once (this one appears {n} times)")
                for name, n in Counter(header).items()
                if n > 1
            ),
            *(
                (
                    name,
                    name,
                    "unknown_column",
                    "only the columns of the format: " + ", ".join(table.columns),
                )
                for name in header
                if name not in table.columns
            ),
            *(
                (
                    name,
                    "",
                    "missing_column",
                    f"a column {name} in the header (blank values are allowed "
                    "where the column is optional)",
                )
                for name in table.columns
                if name not in header
            ),
        ]
        for column, value, rule, expected in found:
            self.problems.append(Problem(table.name, None, column, value, rule, expected))
        return not found

    # --- per column --------------------------------------------------------------------

    def convert(self, table: Table, col: Column, vals: tuple[str, ...]) -> list[Any]:
        """The column's values converted for loading, recording its problems.

        Works on the distinct values (parsed once each, memoised across columns); the rows
        are only walked one by one to locate a problem, so a clean column costs a few
        C-speed passes.
        """
        problems = self.problems
        tname, cname = table.name, col.name
        distinct = set(vals)
        if col.required and "" in distinct:
            problems.extend(
                Problem(tname, i + 1, cname, "", "required", "a value (this column is required)")
                for i, v in enumerate(vals)
                if not v
            )
        if col.type in ("id", "text"):
            if _CONTROL_RE.search("".join(distinct)):
                problems.extend(_control_problems(tname, cname, vals))
            if col.type == "id" and max(map(len, distinct), default=0) > _ID_MAX:
                problems.extend(
                    Problem(
                        tname,
                        i + 1,
                        cname,
                        v,
                        "too_long",
                        f"an identifier of at most {_ID_MAX} characters (this has {len(v)})",
                    )
                    for i, v in enumerate(vals)
                    if len(v) > _ID_MAX
                )
            return [v or None for v in vals]
        rule = "type"
        parse: Callable[[str], Any]
        if col.type == "date":
            memo, parse = self.date_memo, _parse_date
            expected = "a date as YYYY-MM-DD, between 1900 and 2099"
        elif col.type == "int":
            memo, parse = self.int_memo, _parse_int
            expected = "a whole number"
        elif col.type == "decimal":
            memo, parse = {}, _parse_decimal
            expected = "a number such as 0.5"
        elif col.type == "bool":
            memo, parse = {"Y": True, "N": False}, _bad
            expected = "Y or N"
        else:
            assert col.codes is not None
            rule = "code"
            memo = self.code_memo.setdefault(
                col.codes, {v: v for v in self.fmt.codes[col.codes].values}
            )
            parse = _bad
            allowed = list(self.fmt.codes[col.codes].values)
            shown = ", ".join(allowed[:12]) + (", ..." if len(allowed) > 12 else "")
            expected = f"a code from the {col.codes} list ({shown})"
        bad: set[str] = set()
        for v in distinct:
            if not v:
                continue
            r = memo.get(v, _UNSEEN)
            if r is _UNSEEN:
                r = memo[v] = parse(v)
            if r is _BAD:
                bad.add(v)
        if bad:
            problems.extend(
                Problem(tname, i + 1, cname, v, rule, expected)
                for i, v in enumerate(vals)
                if v in bad
            )
        if col.type in ("date", "code"):
            # Kept as text: a valid value converts to itself.
            if bad:
                return [None if v in bad else (v or None) for v in vals]
            return [v or None for v in vals]
        good = {v: memo[v] for v in distinct if v and v not in bad}
        return list(map(good.get, vals))

    # --- per table ---------------------------------------------------------------------

    def check_table(self, table: Table, header: list[str], rows: list[Any]) -> None:
        """Convert and check one table's rows: values, keys, date order and birth, references."""
        first_problem = len(self.problems)
        width = len(header)
        blank, suppressed = self.pad_ragged(table, rows, width)
        n = len(rows)
        raw = dict(zip(header, zip(*rows, strict=True) if rows else [()] * width, strict=True))
        del rows
        names = list(table.columns)
        values = [self.convert(table, table.columns[c], raw[c]) for c in names]
        cols = dict(zip(names, values, strict=True))
        first = self.unique_keys(table, cols[table.key], n)
        self.date_order(table, cols, raw)
        if table.name == "ssd_person":
            dob = cols["pers_dob"]
            self.dob = {
                k: dob[j] for k, j in first.items() if dob[j] is not None and j not in suppressed
            }
        elif table.person is not None:
            self.not_before_birth(table, table.person, cols, raw)
        del raw

        # Ragged rows and blank lines were padded with blanks: only the ragged_row problem
        # stands for them, not the blanks it implies.
        quiet = suppressed | blank
        if quiet:
            self.problems[first_problem:] = [
                p
                for p in self.problems[first_problem:]
                if p.rule == "ragged_row" or p.row is None or p.row - 1 not in quiet
            ]
        invalid = {p.row - 1 for p in self.problems[first_problem:] if p.row is not None}
        data = TableData(table.name, names, values, n, invalid, blank)
        self.tables[table.name] = data
        if table.name in self.referenced:
            self.first_row[table.name] = first
        self.references(table, cols, data)

    def pad_ragged(self, table: Table, rows: list[Any], width: int) -> tuple[set[int], set[int]]:
        """Pad rows whose width differs from the header's with blanks, reporting all but blank
        lines; returns (blank lines, ragged rows) by row index."""
        blank: set[int] = set()
        suppressed: set[int] = set()
        if not set(map(len, rows)) - {width}:
            return blank, suppressed
        for i, r in enumerate(rows):
            if len(r) == width:
                continue
            if not r or (len(r) == 1 and not r[0]):
                blank.add(i)
            else:
                suppressed.add(i)
                self.problems.append(
                    Problem(
                        table.name,
                        i + 1,
                        None,
                        f"{len(r)} fields",
                        "ragged_row",
                        f"{width} fields, as in the header",
                    )
                )
            rows[i] = [""] * width
        return blank, suppressed

    def unique_keys(self, table: Table, keys: list[Any], n: int) -> dict[Any, int]:
        """Identifiers unique in their table: the row of each key's first occurrence (which
        keeps the key); later ones are reported."""
        # Built backwards so the first occurrence's row is the one kept.
        first = dict(zip(reversed(keys), range(n - 1, -1, -1), strict=True))
        first.pop(None, None)
        if len(first) < n - keys.count(None):
            seen: set[str] = set()
            for i, k in enumerate(keys):
                if k is None:
                    continue
                if k in seen:
                    self.problems.append(
                        Problem(
                            table.name,
                            i + 1,
                            table.key,
                            k,
                            "duplicate_key",
                            f"a {table.key} used once in the table (already at row {first[k] + 1})",
                        )
                    )
                seen.add(k)
        return first

    def date_order(self, table: Table, cols: dict[str, list[Any]], raw: dict[str, Any]) -> None:
        """End dates not before their start (format.yaml ``after``)."""
        # ISO text orders as dates do; a blank compares below every date, so flagged rows are
        # re-checked for blanks.
        for col in table.columns.values():
            for other in col.after:
                a_col, b_col = cols[col.name], cols[other]
                flagged = compress(count(), map(operator.lt, raw[col.name], raw[other]))
                self.problems.extend(
                    Problem(
                        table.name,
                        i + 1,
                        col.name,
                        a_col[i],
                        "date_order",
                        f"a date on or after {other} ({b_col[i]})",
                    )
                    for i in flagged
                    if a_col[i] is not None and b_col[i] is not None
                )

    def not_before_birth(
        self, table: Table, person: str, cols: dict[str, list[Any]], raw: dict[str, Any]
    ) -> None:
        """No date in a child's row (person column ``person``) before their date of birth."""
        pcol = cols[person]
        dobs = list(map(self.dob.get, raw[person], repeat("")))
        for col in table.columns.values():
            if col.type != "date":
                continue
            dcol = cols[col.name]
            flagged = compress(count(), map(operator.lt, raw[col.name], dobs))
            self.problems.extend(
                Problem(
                    table.name,
                    i + 1,
                    col.name,
                    dcol[i],
                    "before_birth",
                    f"a date on or after the person's date of birth ({dobs[i]}, "
                    f"ssd_person {pcol[i]})",
                )
                for i in flagged
                if dcol[i] is not None
            )

    def references(self, table: Table, cols: dict[str, list[Any]], data: TableData) -> None:
        """References: to an existing row, and to a valid one."""
        refs = [c for c in table.columns.values() if c.ref]
        self_refs = [c for c in refs if c.ref == table.name]
        for col in [c for c in refs if c.ref != table.name]:
            self.check_refs(table, col, cols[col.name], data)
        # A table referring to itself: repeat until no newly invalid row appears.
        while self_refs:
            before = len(data.invalid)
            for col in self_refs:
                self.check_refs(table, col, cols[col.name], data, skip_reported=True)
            if len(data.invalid) == before:
                break

    def check_refs(
        self,
        table: Table,
        col: Column,
        vals: list[Any],
        data: TableData,
        *,
        skip_reported: bool = False,
    ) -> None:
        assert col.ref is not None
        target = self.tables.get(col.ref)
        first = self.first_row.get(col.ref)
        if target is None or first is None:
            return  # the referenced file itself has a whole-file problem, already reported
        tkey = self.fmt.tables[col.ref].key
        bad_target = target.invalid
        if bad_target:
            valid: Any = {k for k, j in first.items() if j not in bad_target}
        else:
            valid = first
        unknown = set(vals).difference(valid)
        unknown.discard(None)
        if not unknown:
            return
        for i, v in enumerate(vals):
            if v not in unknown or i in data.blank:
                continue
            if skip_reported and i in data.invalid:
                continue
            j = first.get(v)
            if j is None:
                problem = Problem(
                    table.name,
                    i + 1,
                    col.name,
                    v,
                    "reference",
                    f"the {tkey} of a row in {col.ref}",
                )
            else:
                problem = Problem(
                    table.name,
                    i + 1,
                    col.name,
                    v,
                    "reference_invalid",
                    f"a reference to a valid row: {col.ref} row {j + 1} has problems, so this "
                    "row cannot load either",
                )
            self.problems.append(problem)
            data.invalid.add(i)


def _control_problems(table: str, column: str, vals: tuple[str, ...]) -> Iterable[Problem]:
    """A problem for each value holding a control character, shown escaped (``\\x00``)."""
    for i, v in enumerate(vals):
        found = _CONTROL_RE.search(v)
        if found:
            shown = _CONTROL_RE.sub(lambda m: f"\\x{ord(m.group()):02x}", v)[:60]
            yield Problem(
                table,
                i + 1,
                column,
                shown,
                "control_character",
                f"text without control characters (U+{ord(found.group()):04X} at character "
                f"{found.start() + 1})",
            )


def outside_folder(folder: Path, path: Path) -> bool:
    """Whether ``path`` (in the extract ``folder``) is a link that leads out of the folder:
    the import must not read files elsewhere on the server through an extract's link."""
    try:
        return not path.resolve().is_relative_to(folder.resolve())
    except (OSError, RuntimeError):  # a link loop
        return True


def _outside_problem(table: str, filename: str) -> Problem:
    return Problem(
        table,
        None,
        None,
        filename,
        "outside_folder",
        "a file in the extract folder (this is a link to a file outside it, which is not read)",
    )


def _hasher(fmt: ExtractFormat) -> Any:
    return hashlib.sha256(f"grip-extract {fmt.version}\0".encode())


def _hash_file(hasher: Any, table: Table, data: bytes | None) -> None:
    if data is None:
        hasher.update(f"{table.name}\0missing\0".encode())
    else:
        hasher.update(f"{table.name}\0{len(data)}\0".encode())
        hasher.update(data)


def content_hash(folder: Path | str) -> str:
    """The extract's content hash (the table files' bytes), as ``ValidationReport.content_hash``.

    Cheap next to validation: the importer uses it to see an already-loaded extract at once.
    """
    fmt = load_format()
    hasher = _hasher(fmt)
    for table in fmt.tables.values():
        path = Path(folder) / table.filename
        readable = path.is_file() and not outside_folder(Path(folder), path)
        _hash_file(hasher, table, path.read_bytes() if readable else None)
    return str(hasher.hexdigest())


def _bad(_v: str) -> Any:
    return _BAD


def _parse_date(v: str) -> Any:
    if not _DATE_RE.fullmatch(v) or not "1900" <= v[:4] <= "2099":
        return _BAD
    try:
        dt.date.fromisoformat(v)
    except ValueError:
        return _BAD
    return v


def _parse_int(v: str) -> Any:
    if not _INT_RE.fullmatch(v):
        return _BAD
    n = int(v)
    return n if -_INT_MAX <= n <= _INT_MAX else _BAD


def _parse_decimal(v: str) -> Any:
    return float(v) if _DEC_RE.fullmatch(v) else _BAD


def _read_manifest(
    folder: Path,
    fmt: ExtractFormat,
    la_code: str,
    from_la: str | None,
    problems: list[Problem],
) -> dict[str, Any]:
    path = folder / MANIFEST
    if outside_folder(folder, path):
        problems.append(_outside_problem("manifest", MANIFEST))
        return {}
    if not path.is_file():
        return {}
    try:
        manifest = json.loads(path.read_text("utf-8"))
        if not isinstance(manifest, dict):
            raise ValueError("not a JSON object")
    except (ValueError, UnicodeDecodeError) as exc:
        problems.append(Problem("manifest", None, None, "", "manifest", f"a JSON object ({exc})"))
        return {}
    version = manifest.get("format_version")
    if version is not None and str(version) != fmt.version:
        problems.append(
            Problem(
                "manifest",
                None,
                "format_version",
                str(version),
                "format_version",
                f"format version {fmt.version} (this Grip reads only that version)",
            )
        )
    their_la = manifest.get("la_code")
    if their_la is not None and str(their_la) != la_code and str(their_la) != from_la:
        problems.append(
            Problem(
                "manifest",
                None,
                "la_code",
                str(their_la),
                "la_mismatch",
                f"the LA given ({la_code}): this extract is {their_la}'s. To load it as "
                f"{la_code} on purpose, pass --from-la {their_la}",
            )
        )
    return manifest


def _manifest_as_of(manifest: dict[str, Any], problems: list[Problem]) -> dt.date | None:
    raw = manifest.get("as_of")
    if raw is None:
        return None
    try:
        return dt.date.fromisoformat(str(raw))
    except ValueError:
        problems.append(
            Problem("manifest", None, "as_of", str(raw), "manifest", "a date as YYYY-MM-DD")
        )
        return None


def validate_extract(
    folder: Path | str,
    la_code: str,
    *,
    as_of: dt.date | None = None,
    from_la: str | None = None,
    progress: Progress | None = None,
) -> ValidationReport:
    """Check every file and row of the extract in ``folder`` for LA ``la_code``.

    ``as_of`` (the date the extract was taken) comes from ``manifest.json`` unless given here;
    without either the report is fatal. A manifest naming another LA is a whole-file problem
    unless ``from_la`` names that LA (loading it as ``la_code`` on purpose). Nothing is
    written anywhere. Raises ``ValueError`` for an LA code that cannot be one.
    """
    if not LA_CODE_RE.fullmatch(la_code):
        raise ValueError(
            f"LA code {la_code!r}: expected 1-16 letters, digits, '-' or '_' (e.g. 210)"
        )
    folder = Path(folder)
    if not folder.is_dir():
        raise FileNotFoundError(f"extract folder {folder} does not exist")
    fmt = load_format()
    problems: list[Problem] = []
    manifest = _read_manifest(folder, fmt, la_code, from_la, problems)
    manifest_as_of = _manifest_as_of(manifest, problems)
    if as_of is None:
        as_of = manifest_as_of
    if as_of is None and not any(p.rule == "manifest" for p in problems):
        problems.append(
            Problem(
                "manifest",
                None,
                "as_of",
                "",
                "manifest",
                f"the extract's date: as_of in {MANIFEST}, or --as-of",
            )
        )
    problems += _unknown_files(folder, fmt)
    checker = _Checker(fmt, folder, progress)
    checker.problems = problems
    hasher = _hasher(fmt)
    _check_tables(checker, fmt, folder, hasher, progress)
    problems += _row_counts(manifest, checker.tables)
    return ValidationReport(
        folder=folder,
        la_code=la_code,
        format_version=fmt.version,
        manifest=manifest,
        as_of=as_of,
        content_hash=hasher.hexdigest(),
        problems=problems,
        tables=checker.tables,
    )


def _unknown_files(folder: Path, fmt: ExtractFormat) -> list[Problem]:
    """CSV files in the folder that are not a table of the format."""
    known = {t.filename for t in fmt.tables.values()}
    return [
        Problem(
            path.stem,
            None,
            None,
            path.name,
            "unknown_file",
            "only the format's tables (a misspelt file name?): see docs/import-format.md",
        )
        for path in sorted(folder.glob("*.csv"))
        if path.name not in known
    ]


def _check_tables(
    checker: _Checker, fmt: ExtractFormat, folder: Path, hasher: Any, progress: Progress | None
) -> None:
    """Read and check each table in the format's order, reporting progress by bytes read."""
    sizes = {
        t.name: (folder / t.filename).stat().st_size if (folder / t.filename).is_file() else 0
        for t in fmt.tables.values()
    }
    total, done = sum(sizes.values()), 0
    for table in fmt.tables.values():
        read = checker.read(table, hasher)
        if read is not None:
            checker.check_table(table, *read)
        done += sizes[table.name]
        if progress is not None:
            progress("check", done, total)


def _row_counts(manifest: dict[str, Any], tables: dict[str, TableData]) -> list[Problem]:
    """Tables whose row count differs from the manifest's (a truncated or mixed-up file)."""
    expected_rows = manifest.get("rows")
    if not isinstance(expected_rows, dict):
        return []
    out: list[Problem] = []
    for name, data in tables.items():
        want = expected_rows.get(name)
        if isinstance(want, int) and want != data.data_rows:
            out.append(
                Problem(
                    name,
                    None,
                    None,
                    str(data.data_rows),
                    "row_count",
                    f"{want} rows, as {MANIFEST} says (a truncated or mixed-up file?)",
                )
            )
    return out


# --- reporting ---------------------------------------------------------------------------


def format_summary(report: ValidationReport, examples: int = 3, max_groups: int = 40) -> str:
    """A readable summary: problems grouped by table and rule, with the first few examples.

    At most ``max_groups`` (table, rule) groups are shown; the rest are counted.
    """
    if not report.problems:
        rows = sum(report.rows_read.values())
        return f"{rows:,} rows in {len(report.tables)} tables: no problems"
    grouped: dict[tuple[str, str], list[Problem]] = {}
    for p in report.problems:
        group = grouped.setdefault((p.table, p.rule), [])
        if len(group) < examples:
            group.append(p)
    counts = report.counts()
    lines = [
        f"{len(report.problems):,} problems in {report.rows_invalid:,} rows"
        + (" (and whole-file problems)" if any(p.whole_file for p in report.problems) else "")
        + ":"
    ]
    for shown_groups, ((table, rule), shown) in enumerate(grouped.items()):
        if shown_groups == max_groups:
            rest = sum(counts[k] for k in list(grouped)[max_groups:])
            lines.append(f"  ... and {rest:,} more problems of other kinds (see --errors-out)")
            break
        n = counts[(table, rule)]
        file = shown[0].file
        lines.append(f"  {file}: {rule} x{n:,}")
        for p in shown:
            lines.append(f"    - {p.describe()}")
        if n > len(shown):
            lines.append(f"    ... and {n - len(shown):,} more")
    return "\n".join(lines)


def _neutralise(value: str) -> str:
    """Stop a spreadsheet reading a value as a formula (OWASP CSV injection).

    Fallback only: :func:`write_problems_csv` uses ``grip.documents.safe`` when present.
    """
    if value and value[0] in "=+-@\t\r":
        return "'" + value
    return value


PROBLEM_COLUMNS = ("file", "table", "row", "column", "value", "rule", "expected")


def write_problems_csv(problems: Iterable[Problem], path: Path | str) -> int:
    """Write every problem to ``path`` as formula-safe CSV; returns how many.

    Values that a spreadsheet would read as a formula (starting ``=``, ``+``, ``-``, ``@``,
    tab or carriage return) get a leading apostrophe.
    """
    rows = [(p.file, p.table, p.row, p.column or "", p.value, p.rule, p.expected) for p in problems]
    try:
        from grip.documents.safe import csv_bytes
    except ImportError:  # the shared writer not installed yet: same neutralising, locally
        with open(path, "w", encoding="utf-8-sig", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(PROBLEM_COLUMNS)
            for r in rows:
                writer.writerow(["" if v is None else _neutralise(str(v)) for v in r])
    else:
        Path(path).write_bytes(csv_bytes(PROBLEM_COLUMNS, rows))
    return len(rows)
