"""The English local authorities, identified by their DfE LA code, from the shipped LA list.

The list (``data/local-authorities.csv``; DfE and ONS, Open Government Licence v3.0) gives each
LA's name and other names, region and its ten DfE statistical neighbours, nearest first.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

LA_LIST_PATH = Path(str(resources.files("grip.outcomes") / "data" / "local-authorities.csv"))


@dataclass(frozen=True)
class LocalAuthority:
    """One English LA as the LA list describes it."""

    code: str
    name: str
    other_names: tuple[str, ...]
    region_code: str
    region: str
    la_type: str
    neighbours: tuple[str, ...]


def normalise(text: str) -> str:
    """Lower case, '&' as 'and', straight apostrophes dropped, other punctuation as spaces."""
    text = text.lower().replace("&", " and ").replace("’", "").replace("'", "")
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())


def _names(raw: str) -> tuple[str, ...]:
    inner = raw.strip().strip("[]")
    return tuple(n.strip() for n in inner.split(",") if n.strip()) if inner else ()


@cache
def all_las() -> dict[str, LocalAuthority]:
    """Every LA in the list by DfE LA code."""
    out: dict[str, LocalAuthority] = {}
    with LA_LIST_PATH.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            code = row["la_code"].strip()
            out[code] = LocalAuthority(
                code=code,
                name=row["local_authority_ons_name"].strip(),
                other_names=_names(row["also_known_as"]),
                region_code=row["region_code"].strip(),
                region=row["region_name"].strip(),
                la_type=row["ons_la_type"].strip(),
                neighbours=tuple(c.strip() for c in row["stat_neighbours"].split(",") if c.strip()),
            )
    return out


def get(code: str) -> LocalAuthority:
    """The LA with this DfE code; KeyError naming the code when the list has none."""
    try:
        return all_las()[code]
    except KeyError:
        raise KeyError(f"no LA with DfE code {code!r} in the LA list") from None


def regions() -> list[str]:
    """The regions' names, sorted."""
    return sorted({la.region for la in all_las().values()})


def find_in(text: str) -> LocalAuthority | None:
    """The LA whose name (or other name) appears as whole words in ``text``, the longest match
    winning (so "North Somerset" beats "Somerset"); None when no LA's name is there."""
    haystack = f" {normalise(text)} "
    best: tuple[int, LocalAuthority] | None = None
    for la in all_las().values():
        for name in (la.name, *la.other_names):
            key = normalise(name)
            if key and f" {key} " in haystack and (best is None or len(key) > best[0]):
                best = (len(key), la)
    return best[1] if best else None
