"""The synthetic authority: a whole local authority's case extract, made up, reproducibly.

``synthesise(out_dir, children, seed, as_of, la_code)`` writes one CSV per table of the extract
format (``format.yaml``; docs/import-format.md), a ``manifest.json`` and, with ``defects > 0``,
a ``defects.json`` listing every planted data-quality error. The same arguments always give
byte-identical files: every family draws from its own ``random.Random`` seeded from (seed, LA
code, family number); rows are streamed to the CSV writers in a fixed order; nothing reads the
clock. See docs/synthetic-authority.md for the model and the proportions it aims at.
"""

from __future__ import annotations

import csv
import json
import random
import re
import zlib
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import IO, Any, Final

from grip.casedata.format import ExtractFormat, load_format
from grip.casedata.synth_journey import Journeys, Names
from grip.casedata.synth_staff import Staff

__all__ = [
    "DEFAULT_LA_CODE",
    "DEFECT_KINDS",
    "PlantedDefect",
    "SynthError",
    "SynthResult",
    "la_name_for",
    "synthesise",
]

DEFAULT_LA_CODE: Final = "X99"
GENERATOR: Final = "grip synth"
MAX_CHILDREN: Final = 2_000_000
MAX_DEFECT_RATE: Final = 0.5

#: Children known to social care over the history window, as a share of the LA's 0-17
#: population: chosen so that the flow and the stock come out at England-like rates per 10,000
#: (referrals about 550 a year, children in need about 330; docs/synthetic-authority.md).
POPULATION_PER_CHILD_KNOWN: Final = 3.15

DEFECT_KINDS: Final = (
    "bad_type",
    "bad_code",
    "blank_required",
    "end_before_start",
    "date_before_birth",
    "dangling_reference",
    "duplicate_key",
)

ROW_CONVENTION: Final = (
    "row is the 1-based data row of the table's CSV file (the header is not counted; the "
    "first data row is row 1, which is line 2 of the file). A duplicate_key defect is an extra "
    "copy of the row before it; the copy is the row reported."
)

_FAMILY_SIZES: Final = (1, 2, 3, 4, 5)
_FAMILY_SIZE_WEIGHTS: Final = (45.0, 28.0, 15.0, 8.0, 4.0)  # children per family known
_LA_NAMES: Final = (
    "Eastmoor",
    "Westvale",
    "Southfen",
    "Brackenridge",
    "Harrowdene",
    "Lowmarsh",
    "Kestrel Bay",
    "Ambermouth",
    "Fernleigh",
    "Coldwater",
    "Ravensholm",
    "Thornbury Vale",
)
_LA_CODE_RE: Final = re.compile(r"^[A-Za-z0-9_-]{1,16}$")

_ID_PREFIX: Final = {
    "family": "F",
    "cla": "PC",
    "ssd_professionals": "PR",
    "ssd_person": "P",
    "ssd_disability": "D",
    "ssd_family": "FM",
    "ssd_contacts": "CT",
    "ssd_early_help_episodes": "EH",
    "ssd_cin_episodes": "R",
    "ssd_cin_assessments": "A",
    "ssd_s47_enquiry": "S",
    "ssd_initial_cp_conference": "IC",
    "ssd_cp_plans": "CP",
    "ssd_cp_reviews": "CR",
    "ssd_cp_visits": "CV",
    "ssd_cin_plans": "CN",
    "grip_cin_reviews": "NR",
    "ssd_cin_visits": "NV",
    "ssd_pre_proceedings": "PP",
    "ssd_cla_episodes": "E",
    "ssd_legal_status": "LS",
    "ssd_cla_placement": "PL",
    "ssd_cla_reviews": "LR",
    "ssd_cla_visits": "LV",
    "ssd_cla_health": "H",
    "ssd_missing": "M",
    "ssd_permanence": "PM",
    "ssd_care_leavers": "LE",
    "ssd_involvements": "I",
    "grip_adopters": "AD",
}


class SynthError(ValueError):
    """Invalid arguments to the generator (the message names the argument and what is allowed)."""


@dataclass(frozen=True)
class PlantedDefect:
    """One planted data-quality error: where it is, what was written, and what kind it is."""

    table: str
    row: int  # 1-based data row, header excluded (see ROW_CONVENTION)
    column: str
    value: str
    original: str
    kind: str


@dataclass(frozen=True)
class SynthResult:
    """What :func:`synthesise` wrote."""

    out_dir: Path
    la_code: str
    la_name: str
    as_of: date
    seed: int
    children: int
    population_0_17: int
    rows: dict[str, int]
    defects: list[PlantedDefect] = field(default_factory=list)

    @property
    def manifest_path(self) -> Path:
        """The extract's manifest.json."""
        return self.out_dir / "manifest.json"

    @property
    def defects_path(self) -> Path | None:
        """The defects manifest, when defects were planted."""
        return self.out_dir / "defects.json" if self.defects else None


def la_name_for(la_code: str) -> str:
    """The fictional name of a synthetic LA: Northshire for the default code, else from a list."""
    if la_code == DEFAULT_LA_CODE:
        return "Northshire (synthetic)"
    return f"{_LA_NAMES[zlib.crc32(la_code.encode()) % len(_LA_NAMES)]} (synthetic)"


def _cell(v: Any) -> str:
    if v is None:
        return ""
    t = v.__class__
    if t is str:
        return str(v)
    if t is date:
        return str(v.isoformat())
    if t is bool:
        return "Y" if v else "N"
    return str(v)


class _Defects:
    """Plants a reproducible sample of defects, one per chosen row, every kind in turn."""

    def __init__(
        self, rate: float, seed: int, la_code: str, fmt: ExtractFormat, dobs: dict[str, date]
    ) -> None:
        self.rate = rate
        self.rng = random.Random(f"grip-synth|{seed}|{la_code}|defects")
        self.dobs = dobs
        self.turn = 0
        self.planted: list[PlantedDefect] = []
        self.plan: dict[str, dict[str, Any]] = {}
        for t in fmt.tables.values():
            names = list(t.columns)
            idx = {n: i for i, n in enumerate(names)}
            cols = list(t.columns.values())
            self.plan[t.name] = {
                "names": names,
                "key": idx[t.key],
                "person": idx[t.person] if t.person else None,
                "typed": [
                    (idx[c.name], c.type)
                    for c in cols
                    if c.type in ("date", "int", "decimal", "bool") and c.name != t.key
                ],
                "code": [idx[c.name] for c in cols if c.type == "code"],
                "required": [idx[c.name] for c in cols if c.required and c.name != t.key],
                "after": [(idx[c.name], idx[c.after[0]]) for c in cols if c.after],
                # A date without an ``after`` rule of its own may move before birth without
                # also breaking an end-before-start rule.
                "birth": [idx[c.name] for c in cols if c.type == "date" and not c.after]
                if t.person
                else [],
                "ref": [idx[c.name] for c in cols if c.ref],
            }

    def maybe(self, table: str, values: list[str], row: int) -> bool:
        """Perhaps plant a defect in ``values`` (row ``row``); True means "write a duplicate"."""
        if table == "ssd_person" or self.rng.random() >= self.rate:
            return False
        plan = self.plan[table]
        for step in range(len(DEFECT_KINDS)):
            k = (self.turn + step) % len(DEFECT_KINDS)
            done = self._try(DEFECT_KINDS[k], plan, table, values, row)
            if done is not None:
                self.turn = k + 1
                return done
        return False

    def _record(
        self, table: str, row: int, plan: dict[str, Any], i: int, new: str, old: str, kind: str
    ) -> None:
        self.planted.append(PlantedDefect(table, row, plan["names"][i], new, old, kind))

    def _try(
        self, kind: str, plan: dict[str, Any], table: str, values: list[str], row: int
    ) -> bool | None:
        rng = self.rng
        if kind == "duplicate_key":
            i = plan["key"]
            self._record(table, row + 1, plan, i, values[i], values[i], kind)
            return True
        if kind == "bad_type":
            if not plan["typed"]:
                return None
            i, ctype = rng.choice(plan["typed"])
            new = {
                "date": rng.choice(("31/12/2023", "2023-02-30", "yesterday")),
                "int": "two",
                "decimal": "n/a",
                "bool": rng.choice(("Yes", "1", "true")),
            }[ctype]
        elif kind == "bad_code":
            if not plan["code"]:
                return None
            i = rng.choice(plan["code"])
            new = "ZZ9"
        elif kind == "blank_required":
            options = [i for i in plan["required"] if values[i]]
            if not options:
                return None
            i = rng.choice(options)
            new = ""
        elif kind == "dangling_reference":
            options = [i for i in plan["ref"] if values[i]]
            if not options:
                return None
            i = rng.choice(options)
            new = f"NOSUCH{row:07d}"
        else:
            dob = self._dob(plan, values)
            if kind == "end_before_start":
                pairs = [(i, a) for i, a in plan["after"] if values[i] and values[a]]
                if not pairs:
                    return None
                i, a = rng.choice(pairs)
                anchor = date.fromisoformat(values[a])
                room = 30 if dob is None else min(30, (anchor - dob).days)
                if room < 1:
                    return None
                new = (anchor - timedelta(days=rng.randint(1, room))).isoformat()
            else:  # date_before_birth
                options = [i for i in plan["birth"] if values[i]]
                if dob is None or not options:
                    return None
                i = rng.choice(options)
                new = (dob - timedelta(days=rng.randint(1, 400))).isoformat()
        self._record(table, row, plan, i, new, values[i], kind)
        values[i] = new
        return False

    def _dob(self, plan: dict[str, Any], values: list[str]) -> date | None:
        p = plan["person"]
        return None if p is None else self.dobs.get(values[p])


class _Writer:
    """Streams rows to one CSV writer per table, counting rows and planting defects."""

    def __init__(self, out_dir: Path, fmt: ExtractFormat) -> None:
        self.files: list[IO[str]] = []
        self.writers: dict[str, Any] = {}
        self.columns: dict[str, list[str]] = {}
        self.colsets: dict[str, frozenset[str]] = {}
        self.counts: dict[str, int] = {}
        self.ids: dict[str, int] = {}
        self.defects: _Defects | None = None
        for t in fmt.tables.values():
            f = (out_dir / t.filename).open("w", encoding="utf-8", newline="", buffering=1 << 20)
            self.files.append(f)
            w = csv.writer(f, lineterminator="\n")
            w.writerow(list(t.columns))
            self.writers[t.name] = w
            self.columns[t.name] = list(t.columns)
            self.colsets[t.name] = frozenset(t.columns)
            self.counts[t.name] = 0

    def next_id(self, kind: str) -> str:
        n = self.ids.get(kind, 0) + 1
        self.ids[kind] = n
        return f"{_ID_PREFIX[kind]}{n:07d}"

    def emit(self, table: str, row: dict[str, Any]) -> None:
        if not row.keys() <= self.colsets[table]:
            unknown = sorted(set(row) - self.colsets[table])
            raise AssertionError(f"generator bug: {table} has no columns {unknown}")
        values = [_cell(row.get(c)) for c in self.columns[table]]
        self.counts[table] += 1
        n = self.counts[table]
        duplicate = self.defects.maybe(table, values, n) if self.defects is not None else False
        w = self.writers[table]
        w.writerow(values)
        if duplicate:
            self.counts[table] += 1
            w.writerow(values)

    def close(self) -> None:
        for f in self.files:
            f.close()


def _check_args(children: int, seed: int, as_of: date, la_code: str, defects: float) -> None:
    if (
        isinstance(children, bool)
        or not isinstance(children, int)
        or not (1 <= children <= MAX_CHILDREN)
    ):
        raise SynthError(
            f"children must be a whole number from 1 to {MAX_CHILDREN}, got {children!r}"
        )
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise SynthError(f"seed must be a whole number 0 or more, got {seed!r}")
    if not isinstance(as_of, date) or not date(2000, 1, 1) <= as_of <= date(2090, 12, 31):
        raise SynthError(f"as_of must be a date from 2000-01-01 to 2090-12-31, got {as_of!r}")
    if not isinstance(la_code, str) or not _LA_CODE_RE.match(la_code):
        raise SynthError(
            f"la_code must be 1-16 letters, digits, '-' or '_' (e.g. X99), got {la_code!r}"
        )
    if not isinstance(defects, int | float) or not 0.0 <= defects <= MAX_DEFECT_RATE:
        raise SynthError(f"defects must be a rate from 0 to {MAX_DEFECT_RATE}, got {defects!r}")


def _adopters(rng: random.Random, journeys: Journeys, writer: _Writer, as_of: date) -> None:
    """Adopter households: one for each child (or sibling group) placed for adoption, and
    others who enquired, went through stage 1 and 2, and withdrew, were not approved, or are
    still waiting (Adoption Agencies Regulations 2005 two-stage process)."""
    groups: dict[tuple[int, date], list[Any]] = {}
    for a in journeys.stats.adoptions:
        groups.setdefault((a.family, a.placed), []).append(a)

    def emit(**row: Any) -> None:
        writer.emit("grip_adopters", {"adop_adopter_id": writer.next_id("grip_adopters"), **row})

    for (_, placed), kids in groups.items():
        matched = min(k.matched for k in kids)
        approval = matched - timedelta(days=rng.randint(30, 330))
        stage2 = approval - timedelta(days=rng.randint(100, 140))
        stage1_end = stage2 - timedelta(days=rng.randint(0, 45))
        stage1 = stage1_end - timedelta(days=rng.randint(45, 70))
        enquiry = stage1 - timedelta(days=rng.randint(7, 60))
        order = kids[0].order
        emit(
            adop_number_of_adopters=2 if rng.random() < 0.75 else 1,
            adop_enquiry_date=enquiry,
            adop_stage1_start_date=stage1,
            adop_stage1_end_date=stage1_end,
            adop_stage2_start_date=stage2,
            adop_application_date=stage2,
            adop_approval_date=approval,
            adop_matched_date=matched,
            adop_matched_person_id=kids[0].pid,
            adop_placed_date=placed,
            adop_number_of_children_placed=len(kids),
            adop_leaving_date=order,
            adop_leaving_reason="ADOPTED" if order else None,
        )
    # Households who have not (yet) adopted: enquiries over the last three years.
    for _ in range(max(3, len(groups))):
        enquiry = as_of - timedelta(days=rng.randint(0, 3 * 365))
        row: dict[str, Any] = {
            "adop_number_of_adopters": 2 if rng.random() < 0.7 else 1,
            "adop_enquiry_date": enquiry,
        }
        steps = (
            ("adop_stage1_start_date", 7, 60),
            ("adop_stage1_end_date", 45, 70),
            ("adop_stage2_start_date", 0, 45),
            ("adop_approval_date", 100, 160),
        )
        d = enquiry
        left: tuple[date, str] | None = None
        for column, lo, hi in steps:
            r = rng.random()
            if r < 0.14:
                left = (d + timedelta(days=rng.randint(1, 40)), "SELF_WITHDRAWN")
                break
            if column == "adop_approval_date" and r < 0.22:
                left = (d + timedelta(days=rng.randint(lo, hi)), "NOT_APPROVED")
                break
            d = d + timedelta(days=rng.randint(lo, hi))
            if d > as_of:
                break
            row[column] = d
            if column == "adop_stage2_start_date":
                row["adop_application_date"] = d
        if left is not None and left[0] <= as_of:
            row["adop_leaving_date"], row["adop_leaving_reason"] = left
        emit(**row)


def _write_defects(
    path: Path, la_code: str, seed: int, defects: float, planted: list[PlantedDefect]
) -> None:
    """The list of planted defects (none written, and a stale one removed, without defects)."""
    if defects > 0:
        body = {
            "la_code": la_code,
            "seed": seed,
            "row_convention": ROW_CONVENTION,
            "kinds": list(DEFECT_KINDS),
            "defects": [asdict(d) for d in planted],
        }
        path.write_text(json.dumps(body, indent=2) + "\n", encoding="utf-8")
    elif path.exists():
        path.unlink()  # a stale list from an earlier run would describe other data


def synthesise(
    out_dir: Path | str,
    children: int,
    seed: int,
    as_of: date,
    la_code: str = DEFAULT_LA_CODE,
    defects: float = 0.0,
    la_name: str | None = None,
) -> SynthResult:
    """Write a synthetic authority's extract to ``out_dir`` (created if need be).

    ``children`` is the number of children known to social care (rows of ``ssd_person``);
    ``as_of`` the extract date (nothing happens after it); ``defects`` the fraction of rows
    given one planted data-quality error (listed in ``defects.json``). Raises
    :class:`SynthError` for invalid arguments. Same arguments, same bytes.
    """
    _check_args(children, seed, as_of, la_code, defects)
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise SynthError(f"output {out} exists and is not a folder")
    out.mkdir(parents=True, exist_ok=True)
    fmt = load_format()
    name = la_name or la_name_for(la_code)
    names = Names()
    writer = _Writer(out, fmt)
    try:
        staff_rng = random.Random(f"grip-synth|{seed}|{la_code}|staff")
        staff = Staff(
            staff_rng,
            children,
            date(as_of.year - 9, 1, 1),
            as_of,
            names.full,
            writer.emit,
            writer.next_id,
        )
        journeys = Journeys(seed, la_code, as_of, writer.emit, writer.next_id, staff, names)
        if defects > 0:
            writer.defects = _Defects(float(defects), seed, la_code, fmt, journeys.dobs)
        size_rng = random.Random(f"grip-synth|{seed}|{la_code}|family-sizes")
        made = 0
        index = 0
        while made < children:
            size = min(size_rng.choices(_FAMILY_SIZES, _FAMILY_SIZE_WEIGHTS)[0], children - made)
            index += 1
            journeys.family(index, size)
            made += size
        _adopters(random.Random(f"grip-synth|{seed}|{la_code}|adopters"), journeys, writer, as_of)
    finally:
        writer.close()
    planted = writer.defects.planted if writer.defects is not None else []
    population = max(1, round(children * POPULATION_PER_CHILD_KNOWN))
    manifest = {
        "format_version": fmt.version,
        "la_code": la_code,
        "la_name": name,
        "as_of": as_of.isoformat(),
        "generator": GENERATOR,
        "seed": seed,
        "children": children,
        "population_0_17": population,
        "defect_rate": float(defects),
        "defects": len(planted),
        "rows": dict(writer.counts),
    }
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    _write_defects(out / "defects.json", la_code, seed, defects, planted)
    return SynthResult(
        out_dir=out,
        la_code=la_code,
        la_name=name,
        as_of=as_of,
        seed=seed,
        children=children,
        population_0_17=population,
        rows=dict(writer.counts),
        defects=planted,
    )
