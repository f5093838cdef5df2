"""Annex A list specs: versioned YAML data, validated on load.

A spec (``specs/<id>.yaml``) describes the eleven child-level lists of ILACS framework (Ofsted
170040) Annex A (paras 246-253) for one version of Ofsted's template: each list's population rule
(window and which events count), whether it has one row per event or per child (para 251), and its
columns in order with header text, type, whether required, allowed codes (``specs/codes-*.yaml``)
and, for every derived column, its rule in words. A template change (say Gender renamed Sex) is a
new spec file, never new code: the builder and checker read everything from here.
"""

from __future__ import annotations

import difflib
import json
import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import jsonschema
import yaml

SPECS_DIR = Path(__file__).parent / "specs"
DEFAULT_SPEC = "ofsted-2024"

#: The derived values the builder knows how to compute (``source: derived.<name>``).
DERIVATIONS: frozenset[str] = frozenset(
    {
        "age_at_date",
        "has_disability",
        "is_uasc",
        "allocated_team",
        "allocated_worker",
        "count_before_event",
        "case_status",
        "last_seen",
        "last_cp_visit",
        "last_cp_visit_seen_alone",
        "last_cp_review",
        "legal_status_in_window",
        "previous_cp_plans",
        "second_period_12m",
        "legal_status_start",
        "legal_status_code",
        "last_cla_review",
        "last_cla_visit",
        "last_health",
        "placements_12m",
        "latest_placement",
        "placement_location",
        "missing_12m",
        "last_missing",
        "siblings",
        "stage2_end",
        "not_held",
    }
)

#: Fields of the person record (``source: person.<name>``).
PERSON_FIELDS: frozenset[str] = frozenset({"id", "sex", "ethnicity", "dob"})

#: An adopter's record as stored (``grip_adopters``, column by column); the builder derives
#: ``refused_date`` from it.
ADOPTER_RECORD: tuple[str, ...] = (
    "id",
    "enquiry_date",
    "stage1_start",
    "stage1_end",
    "stage2_start",
    "application_date",
    "approved_date",
    "matched_date",
    "placed_date",
    "children_placed",
    "leaving_date",
    "leaving_reason",
)

#: Fields each kind of event record carries (``source: event.<name>``).
EVENT_FIELDS: dict[str, frozenset[str]] = {
    "contact": frozenset({"date", "source"}),
    "early_help": frozenset({"start", "end", "organisation"}),
    "referral": frozenset({"date", "source", "nfa"}),
    "assessment": frozenset({"start", "end", "child_seen", "needs_support"}),
    "s47": frozenset({"start", "icpc_date", "icpc_unnecessary", "icpc_plan"}),
    "cin_episode": frozenset({"start", "end", "primary_need", "closure_reason"}),
    "cp_plan": frozenset({"start", "end", "initial_category", "latest_category"}),
    "cla_period": frozenset(
        {"start", "end", "category_of_need", "reason_ceased", "last_iro_contact", "permanence_plan"}
    ),
    "care_leaver": frozenset(
        {
            "eligibility",
            "in_touch",
            "latest_contact",
            "accommodation",
            "suitability",
            "activity",
            "pathway_plan_review",
            "personal_adviser",
        }
    ),
    "adoption": frozenset(
        {
            "entered_care",
            "decision_date",
            "placement_order_date",
            "matched_date",
            "placed_date",
            "adoption_order_date",
            "reversed_date",
            "reversed_reason",
            "ffa_date",
        }
    ),
    "adopter": frozenset(ADOPTER_RECORD) | {"refused_date"},
}


class SpecError(ValueError):
    """A spec or code file is invalid; the message names the file and the problem."""


# --------------------------------------------------------------------------------------------
# Header matching: tolerant of case, spacing, typographic quotes and real-world misspellings.

_QUOTES = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"', "‐": "-", "–": "-", "—": "-"})


def normalise_header(text: object) -> str:
    """A header reduced for comparison: NFKC, straight quotes, lower case, letters/digits only."""
    s = unicodedata.normalize("NFKC", str(text or "")).translate(_QUOTES).lower()
    s = s.replace("'", "").replace("&", " and ")
    return " ".join(re.findall(r"[a-z0-9]+", s))


def normalise_code(text: object) -> str:
    """A code value reduced for alias comparison (case, spacing and quotes ignored)."""
    s = unicodedata.normalize("NFKC", str(text)).translate(_QUOTES).strip().lower()
    return " ".join(s.split())


_LETTER = re.compile(r"^[a-z]{1,2}[0-9]?\)\s*")


def loose_code(text: object) -> str:
    """A code value reduced further, for the variants case systems produce: the template's
    letter prefix dropped (``b) Female`` -> ``female``) and separators ignored, so
    ``N1 - Abuse or Neglect``, ``N1: Abuse or neglect`` and ``n1 abuse or neglect`` agree."""
    s = _LETTER.sub("", normalise_code(text))
    return " ".join(re.findall(r"[a-z0-9+]+", s))


def _code_part(code: str) -> str | None:
    """The DfE code a template entry carries (``f) U6: Foster ...`` -> ``u6``), if any."""
    m = re.match(r"^(?:[a-z]{1,2}[0-9]?\)\s*)?([a-z0-9]{1,4})\s*(?::|\s-\s)", normalise_code(code))
    return m.group(1) if m else None


# --------------------------------------------------------------------------------------------
# The model.


@dataclass(frozen=True)
class Code:
    """One allowed value: the template's lettered code, the case-model codes and aliases."""

    code: str
    sources: tuple[str, ...]
    aliases: tuple[str, ...]


@dataclass(frozen=True)
class CodeSet:
    """A named list of allowed values."""

    name: str
    codes: tuple[Code, ...]
    _by_source: dict[str, str] = field(default_factory=dict, compare=False, repr=False)
    _by_alias: dict[str, str] = field(default_factory=dict, compare=False, repr=False)

    _by_loose: dict[str, str] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        for c in self.codes:
            for s in c.sources:
                self._by_source.setdefault(s, c.code)
            for a in (c.code, *c.aliases):
                self._by_alias.setdefault(normalise_code(a), c.code)
        loose: dict[str, set[str]] = {}
        for c in self.codes:
            part = _code_part(c.code)
            for a in (c.code, *c.aliases, *([part] if part else [])):
                loose.setdefault(loose_code(a), set()).add(c.code)
        # A loose form that two codes share (REFU and NOBT are both "s)") matches neither.
        self._by_loose.update({k: next(iter(v)) for k, v in loose.items() if k and len(v) == 1})

    def from_source(self, value: object) -> str | None:
        """The lettered code for a case-model code, or None when it has no mapping."""
        if value is None:
            return None
        if isinstance(value, bool):
            value = "Y" if value else "N"
        return self._by_source.get(str(value))

    def canonical(self, value: object) -> str | None:
        """The template's code a workbook value stands for, else None: the code itself, an
        alias, or a variant in case, spacing, letter prefix or separator (:func:`loose_code`)."""
        return self._by_alias.get(normalise_code(value)) or self._by_loose.get(loose_code(value))

    @property
    def allowed(self) -> list[str]:
        """The lettered codes, in template order."""
        return [c.code for c in self.codes]


@dataclass(frozen=True)
class ColumnSpec:
    """One column of a list, in template order."""

    id: str
    header: str
    aliases: tuple[str, ...]
    type: str
    source: str
    required: bool = False
    required_if: str | None = None
    codes: str | None = None
    min: int | None = None
    max: int | None = None
    not_before: tuple[str, ...] = ()
    params: dict[str, Any] = field(default_factory=dict, compare=False)
    rule: str | None = None
    #: Grip's own column after the template's (para 253 siblings, list 11 refusal date): a
    #: workbook in the template's layout is not warned for lacking it.
    grip_extra: bool = False

    @property
    def derived(self) -> bool:
        """True when the builder computes the value from several records (rule written out)."""
        return self.source.startswith("derived.")


@dataclass(frozen=True)
class Condition:
    """One way a row belongs to a list's population (the population is the union, ``any``)."""

    in_window: str | None = None
    open_at: tuple[str, str] | None = None
    pending: str | None = None
    not_ended: tuple[str, ...] = ()
    current: bool = False


@dataclass(frozen=True)
class Population:
    """Who is on a list for an inspection date: events of one kind meeting any condition."""

    event: str
    window_months: int
    conditions: tuple[Condition, ...]
    rule: str


@dataclass(frozen=True)
class ListSpec:
    """One of the eleven lists."""

    number: int
    sheet: str
    title: str
    paras: tuple[int, ...]
    description: str
    population: Population
    row: str
    columns: tuple[ColumnSpec, ...]

    def column(self, column_id: str) -> ColumnSpec:
        """The column with this id (KeyError when absent)."""
        for c in self.columns:
            if c.id == column_id:
                return c
        raise KeyError(f"list {self.number} has no column {column_id!r}")

    def has_column(self, column_id: str) -> bool:
        """True when the list has a column with this id."""
        return any(c.id == column_id for c in self.columns)

    @property
    def key_column(self) -> str:
        """The id column that identifies the row's subject (child or adopter)."""
        return "adopter_id" if self.row == "per_adopter" else "child_id"


@dataclass(frozen=True)
class CrossCheck:
    """A consistency rule between lists (ILACS framework (Ofsted 170040) para 250: one child ID
    across lists)."""

    id: str
    when: dict[str, Any]
    then: dict[str, Any]
    message: str
    paras: tuple[int, ...] = ()


@dataclass(frozen=True)
class Spec:
    """A whole Annex A template version."""

    id: str
    version: int
    title: str
    source: str
    codes_id: str
    lists: tuple[ListSpec, ...]
    code_sets: dict[str, CodeSet]
    cross_checks: tuple[CrossCheck, ...]
    path: Path

    def list(self, number: int) -> ListSpec:
        """List ``number`` (1-11)."""
        for lst in self.lists:
            if lst.number == number:
                return lst
        raise KeyError(f"spec {self.id} has no list {number}")

    def code_set(self, column: ColumnSpec) -> CodeSet:
        """The code set of a code column."""
        if column.codes is None:
            raise KeyError(f"column {column.id} has no code set")
        return self.code_sets[column.codes]


# --------------------------------------------------------------------------------------------
# Loading and validation.


@cache
def _schema(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((SPECS_DIR / name).read_text(encoding="utf-8"))
    return data


#: libyaml's safe loader where PyYAML has it (its wheels on PyPI do): it reads the spec and code
#: files six times faster than the pure-Python one, and checking a workbook reads every template
#: version's (to say when a workbook is of another version). It makes the same data as
#: ``yaml.SafeLoader``: ``tests/annex_a/test_spec.py`` holds every spec file equal.
SPEC_LOADER: type[yaml.SafeLoader] | type[Any] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _read_yaml(path: Path) -> Any:
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=SPEC_LOADER)  # noqa: S506
    except FileNotFoundError:
        raise SpecError(f"{path}: file not found") from None
    except yaml.YAMLError as exc:
        raise SpecError(f"{path}: not valid YAML: {exc}") from None


def _validate(data: Any, schema: str, path: Path) -> None:
    validator = jsonschema.Draft202012Validator(_schema(schema))
    errors = sorted(validator.iter_errors(data), key=lambda e: list(e.absolute_path))
    if errors:
        e = errors[0]
        where = "/".join(str(p) for p in e.absolute_path) or "(top)"
        raise SpecError(f"{path}: at {where}: {e.message}")


def load_codes(codes_id: str, directory: Path = SPECS_DIR) -> dict[str, CodeSet]:
    """Load and validate the code lists ``<directory>/<codes_id>.yaml``."""
    path = directory / f"{codes_id}.yaml"
    data = _read_yaml(path)
    _validate(data, "codes.schema.json", path)
    sets: dict[str, CodeSet] = {}
    for name, entries in data["code_sets"].items():
        codes = tuple(
            Code(
                code=str(e["code"]),
                sources=tuple(str(s) for s in e.get("from", [])),
                aliases=tuple(str(a) for a in e.get("aliases", [])),
            )
            for e in entries
        )
        seen = [c.code for c in codes]
        if len(set(seen)) != len(seen):
            raise SpecError(f"{path}: code set {name} repeats a code")
        sets[name] = CodeSet(name=name, codes=codes)
    return sets


def _flatten(items: list[Any]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for item in items:
        if isinstance(item, list):
            out.extend(item)
        else:
            out.append(item)
    return out


def _column(d: dict[str, Any]) -> ColumnSpec:
    return ColumnSpec(
        id=d["id"],
        header=d["header"],
        aliases=tuple(d.get("aliases", [])),
        type=d["type"],
        source=d["source"],
        required=bool(d.get("required", False)),
        required_if=d.get("required_if"),
        codes=d.get("codes"),
        min=d.get("min"),
        max=d.get("max"),
        not_before=tuple(d.get("not_before", [])),
        params=dict(d.get("params", {})),
        rule=d.get("rule"),
        grip_extra=bool(d.get("grip_extra", False)),
    )


def _condition(d: dict[str, Any]) -> Condition:
    open_at = d.get("open_at")
    return Condition(
        in_window=d.get("in_window"),
        open_at=(open_at[0], open_at[1]) if open_at else None,
        pending=d.get("pending"),
        not_ended=tuple(d.get("not_ended", [])),
        current=bool(d.get("current", False)),
    )


def _check_list(lst: ListSpec, sets: dict[str, CodeSet], path: Path) -> None:
    where = f"{path}: list {lst.number}"
    ids = [c.id for c in lst.columns]
    dupes = {i for i in ids if ids.count(i) > 1}
    if dupes:
        raise SpecError(f"{where}: column ids repeated: {sorted(dupes)}")
    headers = [normalise_header(c.header) for c in lst.columns]
    if len(set(headers)) != len(headers):
        raise SpecError(f"{where}: two columns share a header")
    types = {c.id: c.type for c in lst.columns}
    if lst.key_column not in types:
        raise SpecError(f"{where}: needs a {lst.key_column} column")
    event = lst.population.event
    for c in lst.columns:
        cw = f"{where} column {c.id}"
        if c.type == "code" and c.codes not in sets:
            raise SpecError(f"{cw}: unknown code set {c.codes!r}")
        for other in (*c.not_before, *([c.required_if] if c.required_if else [])):
            if other not in types:
                raise SpecError(f"{cw}: refers to unknown column {other!r}")
        for other in c.not_before:
            if types[other] != "date" or c.type != "date":
                raise SpecError(f"{cw}: not_before compares dates only ({other})")
        kind, _, name = c.source.partition(".")
        if kind == "person" and name not in PERSON_FIELDS:
            raise SpecError(f"{cw}: unknown person field {name!r}")
        if kind == "event" and name not in EVENT_FIELDS[event]:
            raise SpecError(f"{cw}: a {event} event has no field {name!r}")
        if kind == "derived" and name not in DERIVATIONS:
            raise SpecError(f"{cw}: unknown derivation {name!r}")
    for cond in lst.population.conditions:
        refs = [cond.in_window, cond.pending, *(cond.open_at or ()), *cond.not_ended]
        for ref in refs:
            if ref is not None and types.get(ref) != "date":
                raise SpecError(f"{where}: population refers to {ref!r}, not a date column")


def load_spec(spec_id: str = DEFAULT_SPEC, directory: Path = SPECS_DIR) -> Spec:
    """Load, validate and return the spec ``<directory>/<spec_id>.yaml``.

    Kept once read: parsing and validating a spec costs about 150 ms, and every Annex A page
    names the specs. The copy is read again whenever a spec or code-list file in
    ``directory`` changes (its name, size or modification time); :func:`read_spec` is the
    plain, uncached path and ``tests/annex_a/test_spec.py`` holds the two equal. Raises
    :class:`SpecError` naming the file and the first problem found.
    """
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]{0,63}", spec_id):
        raise SpecError(f"spec id {spec_id!r} is not a valid name")
    stamp = tuple(
        (p.name, st.st_mtime_ns, st.st_size)
        for p in sorted(directory.glob("*.yaml"))
        for st in (p.stat(),)
    )
    return _kept_spec(spec_id, directory, stamp)


@lru_cache(maxsize=16)
def _kept_spec(spec_id: str, directory: Path, _stamp: tuple[tuple[str, int, int], ...]) -> Spec:
    return read_spec(spec_id, directory)


def read_spec(spec_id: str = DEFAULT_SPEC, directory: Path = SPECS_DIR) -> Spec:
    """Read and validate the spec ``<directory>/<spec_id>.yaml`` from disk (uncached)."""
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", spec_id):
        raise SpecError(f"spec id {spec_id!r} is not a valid name")
    path = directory / f"{spec_id}.yaml"
    data = _read_yaml(path)
    _validate(data, "spec.schema.json", path)
    if data["id"] != spec_id:
        raise SpecError(f"{path}: id {data['id']!r} does not match the file name")
    sets = load_codes(data["codes"], directory)
    lists = []
    for raw in data["lists"]:
        pop = raw["population"]
        lists.append(
            ListSpec(
                number=raw["number"],
                sheet=raw["sheet"],
                title=raw["title"],
                paras=tuple(raw["paras"]),
                description=raw["description"],
                population=Population(
                    event=pop["event"],
                    window_months=pop["window_months"],
                    conditions=tuple(_condition(c) for c in pop["any"]),
                    rule=pop["rule"],
                ),
                row=raw["row"],
                columns=tuple(_column(c) for c in _flatten(raw["columns"])),
            )
        )
    numbers = sorted(lst.number for lst in lists)
    if numbers != list(range(1, 12)):
        raise SpecError(f"{path}: lists must be numbered 1 to 11 once each, got {numbers}")
    lists.sort(key=lambda lst: lst.number)
    for lst in lists:
        _check_list(lst, sets, path)
    cross = tuple(
        CrossCheck(
            id=c["id"],
            when=dict(c["when"]),
            then=dict(c["then"]),
            message=c["message"],
            paras=tuple(c.get("paras", [])),
        )
        for c in data.get("cross_checks", [])
    )
    return Spec(
        id=data["id"],
        version=data["version"],
        title=data["title"],
        source=data["source"],
        codes_id=data["codes"],
        lists=tuple(lists),
        code_sets=sets,
        cross_checks=cross,
        path=path,
    )


def available_specs(directory: Path = SPECS_DIR) -> list[str]:
    """Ids of the spec files in ``directory`` (code-list files excluded)."""
    out = []
    for p in sorted(directory.glob("*.yaml")):
        head = p.read_text(encoding="utf-8")[:4000]
        if re.search(r"^kind:\s*annex-a-spec\s*$", head, re.M):
            out.append(p.stem)
    return out


# --------------------------------------------------------------------------------------------
# Finding lists and columns in a workbook by their headers.


@dataclass(frozen=True)
class HeaderMatch:
    """How a sheet's header row maps onto a list: column id -> 0-based position."""

    list_number: int
    positions: dict[str, int]
    unknown: tuple[str, ...]
    score: float


@cache
def _names(column: ColumnSpec) -> tuple[str, ...]:
    return (normalise_header(column.header), *(normalise_header(a) for a in column.aliases))


@cache
def _fuzzy(cell: str, name: str) -> float:
    # Misspellings seen in real workbooks (Uniqe, brith, Ethinicity) score above 0.85; distinct
    # headers sharing words ("Date of Birth" vs "Date of Contact") stay below it. The cheap
    # upper bounds prune almost every pair before the full ratio is computed.
    sm = difflib.SequenceMatcher(None, cell, name)
    if sm.real_quick_ratio() < 0.85 or sm.quick_ratio() < 0.85:
        return 0.0
    r = sm.ratio()
    return r if r >= 0.85 else 0.0


def match_headers(headers: list[object], lst: ListSpec) -> HeaderMatch:
    """Match a header row to a list's columns; each column and each cell is used once.

    Exact matches (after normalising case, spacing and quotes, against the header and its
    aliases) are taken first; only cells left over are compared fuzzily with columns left over.
    """
    cells = [normalise_header(h) for h in headers]
    positions: dict[str, int] = {}
    used: set[int] = set()
    total = 0.0
    exact: dict[str, str] = {}
    for col in lst.columns:
        for n in _names(col):
            exact.setdefault(n, col.id)
    for pos, cell in enumerate(cells):
        cid = exact.get(cell) if cell else None
        if cid is not None and cid not in positions:
            positions[cid] = pos
            used.add(pos)
            total += 1.0
    scored = []
    for pos, cell in enumerate(cells):
        if not cell or pos in used:
            continue
        for col in lst.columns:
            if col.id in positions:
                continue
            sc = max(_fuzzy(cell, n) for n in _names(col))
            if sc > 0:
                scored.append((sc, pos, col.id))
    scored.sort(key=lambda t: (-t[0], t[1]))
    for sc, pos, cid in scored:
        if cid in positions or pos in used:
            continue
        positions[cid] = pos
        used.add(pos)
        total += sc
    unknown = tuple(str(headers[i]) for i, c in enumerate(cells) if c and i not in used)
    return HeaderMatch(lst.number, positions, unknown, total / max(1, len(lst.columns)))


def sheet_list_number(name: str) -> int | None:
    """The list number a sheet name states ("List 8", "list8 - CLA", "L8"), if any."""
    m = re.match(r"^\s*(?:list|l)\s*[-_ ]?\s*(\d{1,2})\b", name, re.I)
    if m and 1 <= int(m.group(1)) <= 11:
        return int(m.group(1))
    return None
