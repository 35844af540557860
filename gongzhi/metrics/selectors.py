"""Reads of the dashboards, the overview API and `gongzhi figures` — one path for all three.

The scope rule holds: a unit outside the user's scope does not exist for them (404); with
no unit, the user's own units are summed. Area-scoped users read the summary tables;
users whose scope includes organisations (an organisation's administrator, a Party
secretary), or a unit below community level, are counted from the base tables through
the apps' selectors — the same definitions the summaries are built from.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.http import Http404

from gongzhi.areas.models import CHILD_KIND, Area, Kind
from gongzhi.core.scope import scope_of
from gongzhi.metrics import figures as F
from gongzhi.metrics import (
    sources,  # noqa: F401  (registers the figures)
    summaries,
)

CITY_CODE = "430400000000"


@dataclass
class UnitFigures:
    area: Area | None
    values: dict[str, int]

    @property
    def code(self) -> str:
        return self.area.code if self.area else ""

    @property
    def name(self) -> str:
        return self.area.name if self.area else ""


def unit_in_scope(user: Any, code: str) -> Area:
    """The unit with `code` if the user's scope covers it, else 404."""
    scope = scope_of(user)
    area = Area.objects.filter(code=code).first()
    if area is None or not scope.covers_area(area.code):
        raise Http404
    return area


def home_unit(user: Any) -> Area | None:
    """The unit a dashboard opens on: the city for city-wide users, else the user's widest unit."""
    scope = scope_of(user)
    if scope.everything:
        return Area.objects.get(code=CITY_CODE)
    if len(scope.area_prefixes) == 1 and not any(scope.orgs.values()):
        prefix = scope.area_prefixes[0]
        return Area.objects.filter(prefix=prefix).order_by("code").first()
    return None


def _summary_units(user: Any, unit: Area | None) -> list[str] | None:
    """The unit prefixes to read from the summaries, or None to count from the base tables."""
    scope = scope_of(user)
    if unit is not None:
        return [unit.prefix] if len(unit.prefix) <= 12 else None
    if scope.everything:
        return ["4304"]
    if any(scope.orgs.values()) or not scope.area_prefixes:
        return None
    if any(len(p) > 12 for p in scope.area_prefixes):
        return None
    return list(scope.area_prefixes)


def figures_as_of(
    user: Any, day: dt.date, unit_code: str | None = None, keys: Sequence[str] | None = None
) -> dict[str, int]:
    """The figures (default: the six headline ones) as of `day`, within the user's scope."""
    keys = list(keys or F.HEADLINE)
    unit = unit_in_scope(user, unit_code) if unit_code else None
    units = _summary_units(user, unit)
    if units is None:
        prefix = unit.prefix if unit else None
        return {k: F.get(k).count(user, day, prefix) for k in keys}
    totals = dict.fromkeys(keys, 0)
    for values in summaries.as_of(units, day, keys).values():
        for k, v in values.items():
            totals[k] += v
    return totals


def figures_from_base(
    user: Any, day: dt.date, unit_code: str | None = None, keys: Sequence[str] | None = None
) -> dict[str, int]:
    """The same figures straight from the base tables (the definition; slower)."""
    keys = list(keys or F.HEADLINE)
    unit = unit_in_scope(user, unit_code) if unit_code else None
    return {k: F.get(k).count(user, day, unit.prefix if unit else None) for k in keys}


def children(unit: Area) -> list[Area]:
    """The units one level down (drill-down), real or synthetic."""
    kind = CHILD_KIND.get(Kind(unit.kind))
    if unit.kind == Kind.CITY:
        return list(
            Area.objects.filter(parent=unit, kind__in=[Kind.COUNTY, Kind.ZONE]).order_by("code")
        )
    if kind is None:
        return []
    return list(Area.objects.filter(parent=unit, kind=kind).order_by("code"))


def children_as_of(
    user: Any, day: dt.date, unit_code: str, keys: Sequence[str] | None = None
) -> list[UnitFigures]:
    """One row per child unit of `unit_code` (in scope), as of `day`."""
    keys = list(keys or F.HEADLINE)
    unit = unit_in_scope(user, unit_code)
    kids = children(unit)
    if not kids:
        return []
    if all(len(k.prefix) <= 12 for k in kids) and _summary_units(user, unit) is not None:
        values = summaries.as_of([k.prefix for k in kids], day, keys)
        return [UnitFigures(k, values[k.prefix]) for k in kids]
    return [
        UnitFigures(k, {key: F.get(key).count(user, day, k.prefix) for key in keys}) for k in kids
    ]


def trend(
    user: Any,
    unit_code: str | None,
    start: dt.date,
    end: dt.date,
    keys: Sequence[str] | None = None,
) -> dict[str, list[tuple[dt.date, int]]]:
    """Month-end values from `start` to `end` for the unit (default: the user's home unit)."""
    keys = list(keys or F.HEADLINE)
    unit = unit_in_scope(user, unit_code) if unit_code else home_unit(user)
    if unit is None or len(unit.prefix) > 12:
        return {k: [] for k in keys}
    return summaries.monthly(unit.prefix, keys, start, end)
