"""The LA's measures kept between page views, per data version.

Computing every measure at 12 monthly points takes seconds for a large LA (the engine's target
is 5 s for 60,000 children), while a page drawn from a computed run takes milliseconds. So a
run is computed once and kept, keyed by the LA, the date and the *data version*: the LA's
import runs, its restricted cases (slices leave those children out) and its measures settings.
A new import, a restriction added or lifted, or a changed setting gives a new version and so a
fresh run on the next view; nothing else changes what ``compute`` would return. A kept run is
also dropped after ``max_age`` seconds, whatever happens.

Only one computation per key runs at a time: when twenty people open the dashboard together
after an import, one computes and the others wait for its result (rather than twenty
computations fighting for the same cores).

The child lists behind a figure (the drill-down) are kept with their run the same way, and the
home page's headline caseload counts by the same key (:data:`COUNTS`; five counts over every
episode take 25 ms at 60,000 children, on every view of every home page).

As the server starts (``grip serve``, ``grip demo``), :func:`warm` computes every LA's run for
today in the background, so the first view of the dashboard reads a kept run instead of
waiting for the computation (1.4 s for the demo's 3,000 children; docs/performance.md).

This is the one place the measures and the headline counts are cached;
:func:`grip.measures.engine.compute` and :func:`grip.casedata.summary.headline_counts` are the
plain paths and ``tests/measures/test_kept.py`` holds each equal to its kept copy.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections import OrderedDict
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from grip.casedata.summary import HeadlineCounts, headline_counts
from grip.measures.engine import MeasuresRun, compute
from grip.measures.results import ChildRow

Key = tuple[str, str, date, str]
#: Child lists kept per run (each slice of each measure is one).
ROW_LISTS_PER_RUN = 256


def data_version(engine: Engine, la_code: str) -> str:
    """A digest of everything in the store that changes an LA's measures (see module doc)."""
    from grip.access.models import CaseRestriction
    from grip.casedata.runs import ImportRun
    from grip.measures.models import MeasuresLASetting

    runs, restricted, setting = (
        ImportRun.__table__,
        CaseRestriction.__table__,
        MeasuresLASetting.__table__,
    )
    with engine.connect() as conn:
        imports = conn.execute(
            select(func.count(), func.max(runs.c.finished_at)).where(runs.c.la_code == la_code)
        ).one()
        hidden = conn.execute(
            select(restricted.c.person_id)
            .where(restricted.c.la_code == la_code)
            .order_by(restricted.c.person_id)
        ).scalars()
        ids = "\x1f".join(str(i) for i in hidden)
        row = conn.execute(select(setting).where(setting.c.la_code == la_code)).first()
    raw = f"{tuple(imports)!r}|{ids}|{tuple(row) if row else ()!r}"
    return hashlib.sha256(raw.encode()).hexdigest()


class KeptRuns:
    """Computed runs by (database, LA, date, data version); thread-safe, least recent dropped."""

    def __init__(self, size: int = 6, max_age: float = 3600) -> None:
        self.size = size
        self.max_age = max_age
        self._runs: OrderedDict[Key, tuple[float, MeasuresRun, threading.Lock]] = OrderedDict()
        self._computing: dict[Key, threading.Lock] = {}
        self._rows: dict[int, dict[tuple[Any, ...], list[ChildRow]]] = {}
        self._lock = threading.Lock()

    def _hit(self, key: Key) -> tuple[MeasuresRun, threading.Lock] | None:
        with self._lock:
            hit = self._runs.get(key)
            if hit is None or time.monotonic() - hit[0] >= self.max_age:
                return None
            self._runs.move_to_end(key)
            return hit[1], hit[2]

    def get(
        self, engine: Engine, la_code: str, on: date, settings: Any = None
    ) -> tuple[MeasuresRun, threading.Lock]:
        """The LA's run at ``on`` (12 months) and the lock to hold while reading it.

        ``engine`` is the LA's engine (``grip.store.db.la_engine``). Raises
        :class:`grip.measures.engine.MeasuresError` as ``compute`` does.
        """
        key = (str(engine.url), la_code, on, data_version(engine, la_code))
        hit = self._hit(key)
        if hit is not None:
            return hit
        with self._lock:
            flight = self._computing.setdefault(key, threading.Lock())
        with flight:  # one computation per key; the others wait here, then find it kept
            hit = self._hit(key)
            if hit is not None:
                return hit
            try:
                run = compute(engine, la_code, on, 12, settings=settings)
                lock = threading.Lock()
                with self._lock:
                    if key in self._runs:  # an expired run of the same key: forget its lists
                        self._rows.pop(id(self._runs[key][1]), None)
                    self._runs[key] = (time.monotonic(), run, lock)
                    while len(self._runs) > self.size:
                        self._runs.popitem(last=False)
            finally:
                with self._lock:
                    self._computing.pop(key, None)
            return run, lock

    def children(
        self,
        run: MeasuresRun,
        measure_id: str,
        *,
        only_numerator: bool | None = None,
        dimension: str | None = None,
        slice_value: str | None = None,
    ) -> list[ChildRow]:
        """``run.children(...)`` kept with the run: a run's rows never change, and DuckDB
        works each list out afresh (tens of ms for a few thousand children). Call it holding
        the run's lock, as for any read of the run."""
        args = (measure_id, only_numerator, dimension, slice_value)
        with self._lock:
            memo = self._rows.setdefault(id(run), {})
            if args in memo:
                return memo[args]
        rows = run.children(
            measure_id, only_numerator=only_numerator, dimension=dimension, slice_value=slice_value
        )
        with self._lock:
            if len(memo) < ROW_LISTS_PER_RUN:
                memo[args] = rows
        return rows

    def clear(self) -> None:
        """Forget every kept run (tests)."""
        with self._lock:
            self._runs.clear()
            self._rows.clear()


#: The process's kept runs (the measures pages read through it).
RUNS = KeptRuns()


class KeptCounts:
    """Headline caseload counts by (database, LA, date, data version); thread-safe, bounded."""

    def __init__(self, size: int = 64) -> None:
        self.size = size
        self._counts: OrderedDict[Key, HeadlineCounts] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, engine: Engine, la_code: str, on: date) -> HeadlineCounts:
        """:func:`grip.casedata.summary.headline_counts` for the LA's engine
        (``grip.store.db.la_engine``), counted once per data version."""
        key = (str(engine.url), la_code, on, data_version(engine, la_code))
        with self._lock:
            if key in self._counts:
                self._counts.move_to_end(key)
                return self._counts[key]
        with engine.connect() as conn:
            counts = headline_counts(conn, la_code, on)
        with self._lock:
            self._counts[key] = counts
            while len(self._counts) > self.size:
                self._counts.popitem(last=False)
        return counts


#: The process's kept headline counts (the home page reads through it).
COUNTS = KeptCounts()


def warm(engine: Engine, on: date, settings: Any = None) -> list[str]:
    """Compute and keep the measures at ``on`` of every LA with data; the LAs warmed.

    ``engine`` is the app's engine (each LA is read through its own LA engine). An LA whose
    measures cannot be computed (no data yet) is left for its first view to explain.
    """
    from grip.measures.standards import MeasuresError
    from grip.store.base import LocalAuthority
    from grip.store.db import la_engine

    with engine.connect() as conn:
        codes = list(conn.scalars(select(LocalAuthority.code).order_by(LocalAuthority.code)))
    warmed = []
    for code in codes:
        try:
            RUNS.get(la_engine(engine, code), code, on, settings=settings)
        except MeasuresError:
            continue
        warmed.append(code)
    return warmed
