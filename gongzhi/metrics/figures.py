"""The figures the dashboards count, each defined once (issue 6: the same selectors everywhere).

A `Figure` knows two ways to its value, which must agree (tests/test_summaries.py):

* `count(user, day, prefix)` — straight from the base tables through the owning app's
  scoped selectors: the definition, used for org-scoped users, below-community prefixes
  and to check the summaries;
* its changes by community and day, from the same base tables, which `summaries.refresh`
  turns into the `Delta` summary rows: `stage()` (rows computed in Python, small tables),
  `stage_sql()` (querysets aggregated in the database, large tables), or a `Family` shared
  with the figures one pass over the same base rows gives (the six registry figures from
  one walk of each organisation's history, the star levels from one pass over the ledger).

`watch` lists the models whose changes make the figure's summary stale.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet

Row = tuple[str, dt.date, int]  # (division code, day, change)
KeyedRow = tuple[str, str, dt.date, int]  # (figure key, division code, day, change)


@dataclass(eq=False)
class Family:
    """One staging pass over base tables that gives the changes of several figures.

    `rows()` yields KeyedRows computed in Python; `sql()` returns statements, each a
    SELECT of (figure, code, day, value) columns, run inside the database. A refresh of
    any member runs the pass once and keeps the rows of the figures it rebuilds.
    """

    name: str
    rows: Callable[[], Iterable[KeyedRow]] | None = None
    sql: Callable[[], list[tuple[str, Sequence[Any]]]] | None = None


@dataclass
class Figure:
    key: str
    label: Any
    unit_label: Any
    count: Callable[[Any, dt.date, str | None], int]
    # Python-side changes (small tables) ...
    stage: Callable[[], Iterable[Row]] | None = None
    # ... or querysets selecting (code, day, value) aggregated in the database (large tables).
    stage_sql: Callable[[], list[QuerySet[Any]]] | None = None
    # ... or a pass shared with other figures.
    family: Family | None = None
    watch: list[str] = field(default_factory=list)  # "app_label.ModelName"
    headline: bool = False
    order: int = 50
    divisor: int = 1  # shown as value / divisor (minutes stored, hours shown)

    def shown(self, value: int) -> int | float:
        return value if self.divisor == 1 else round(value / self.divisor, 1)


_figures: dict[str, Figure] = {}


def register(figure: Figure) -> Figure:
    _figures[figure.key] = figure
    return figure


def _load() -> None:
    import gongzhi.metrics.sources  # noqa: F401  (each module registers its figures)


def get(key: str) -> Figure:
    _load()
    return _figures[key]


def all_figures() -> list[Figure]:
    _load()
    return sorted(_figures.values(), key=lambda f: f.order)


# The seed's six headline figures, in the order of the API and the overview page.
HEADLINE = [
    "social_orgs",
    "employees",
    "volunteers",
    "orgs_with_party_org",
    "party_orgs",
    "party_members",
]


def interval_changes(
    code: str, start: dt.date | None, end: dt.date | None, value: int = 1
) -> list[Row]:
    """+value from `start`, -value from `end` (the first day it no longer counts)."""
    out: list[Row] = []
    if start is None:
        return out
    out.append((code, start, value))
    if end is not None:
        out.append((code, end, -value))
    return out


def step_changes(
    code: str, active: tuple[dt.date, dt.date | None], steps: list[tuple[dt.date, int]]
) -> list[Row]:
    """Changes of a value that steps at dated reports, counted only while `active`.

    steps: (date the value takes effect, value), any order. Before the first step the value is 0.
    """
    start, end = active
    points = sorted(steps)
    days = {start} | {d for d, _v in points if d >= start and (end is None or d < end)}
    out: list[Row] = []
    current = 0
    for day in sorted(days):
        value = 0
        for d, v in points:
            if d <= day:
                value = v
        if value != current:
            out.append((code, day, value - current))
            current = value
    if end is not None and current:
        out.append((code, end, -current))
    return out


def intervals_union(code: str, intervals: list[tuple[dt.date, dt.date | None]]) -> list[Row]:
    """+1/-1 changes for “covered on the day” where coverage is the union of [start, end)."""
    spans = sorted((s, e) for s, e in intervals if e is None or e > s)
    out: list[Row] = []
    cur_s: dt.date | None = None
    cur_e: dt.date | None = None
    for s, e in spans:
        if cur_s is None:
            cur_s, cur_e = s, e
        elif cur_e is None or s <= cur_e:
            cur_e = None if (cur_e is None or e is None) else max(cur_e, e)
        else:
            out += interval_changes(code, cur_s, cur_e)
            cur_s, cur_e = s, e
    if cur_s is not None:
        out += interval_changes(code, cur_s, cur_e)
    return out


def clip(
    start: dt.date, end: dt.date | None, *bounds: tuple[dt.date, dt.date | None]
) -> tuple[dt.date, dt.date | None]:
    """The intersection of [start, end) with each [s, e)."""
    for s, e in bounds:
        start = max(start, s)
        if e is not None:
            end = e if end is None else min(end, e)
    return start, end
