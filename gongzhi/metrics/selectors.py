"""Reads of the dashboards, the overview API and `gongzhi figures` — one path for all three.

The scope rule holds: a unit outside the user's scope does not exist for them (404); with
no unit, the user's own units are summed. Area-scoped users read the summary tables;
users whose scope includes organisations (an organisation's administrator, a Party
secretary), or a unit below community level, are counted from the base tables through
the apps' selectors — the same definitions the summaries are built from.
"""

from __future__ import annotations

import datetime as dt
import os.path
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, FloatField, QuerySet, Sum
from django.db.models.fields.json import KT
from django.db.models.functions import Cast, Substr
from django.http import Http404

from gongzhi.areas.models import CHILD_KIND, Area, Kind
from gongzhi.core.scope import get_or_404, restrict, scope_of
from gongzhi.metrics import figures as F
from gongzhi.metrics import (
    index,
    sources,  # noqa: F401  (registers the figures)
    summaries,
)
from gongzhi.metrics.models import IndexScore, IndexUnit

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


# --- the evaluation index, read from its stored copy (models.IndexScore) --------------------


def index_rows(user: Any, year: int, version: str, prefix: str | None = None) -> QuerySet[Any]:
    """The stored index rows of a year and version in the user's scope (and a unit)."""
    qs = restrict(IndexScore.objects.filter(year=year, version=version), user)
    return qs.filter(area_code__startswith=prefix) if prefix else qs


def _whole_in_scope(user: Any, prefix: str) -> bool:
    """Whether the user may see every organisation under the unit `prefix`: only then may a
    stored unit row (models.IndexUnit), which sums them all, stand for what they see."""
    scope = scope_of(user)
    return scope.everything or any(prefix.startswith(p) for p in scope.area_prefixes)


def _stored_units(user: Any, year: int, version: str, prefixes: list[str]) -> dict[str, Any]:
    if not prefixes:
        return {}
    rows = IndexUnit.objects.filter(year=year, version=version, prefix__in=prefixes)
    return {u.prefix: u for u in restrict(rows, user)}


def index_ranking(
    user: Any, year: int, config: Any, prefix: str | None = None, limit: int = 50
) -> tuple[list[index.OrgScore], int]:
    """The best `limit` organisations with their breakdowns (ties by name, then id), and how
    many there are: the stored count of the unit when the user sees all of it, else a count
    of the rows in scope (an organisation's own user: a handful)."""
    rows = index_rows(user, year, config.version, prefix)
    # Index order (indexscore_best) up to the limit: the year's other rows are not read.
    top = rows.order_by("-score", "org__name", "org_id").values_list(
        "org_id", "org__name", "area_code", "parts"
    )[:limit]
    scores = [index.from_stored(o, n, a, p, config) for o, n, a, p in top]
    if prefix and _whole_in_scope(user, prefix):
        unit = _stored_units(user, year, config.version, [prefix]).get(prefix)
        return scores, unit.orgs if unit else 0
    return scores, rows.count()


def index_units(user: Any, year: int, config: Any, units: list[Area]) -> list[index.UnitScore]:
    """Each unit's average of its organisations' dimension scores, best first: the stored
    unit rows (one per unit, written by the refresh) for the units the user sees whole, a
    GROUP BY of the rows in scope for any other (index.rank_units is the definition)."""
    whole = [u for u in units if _whole_in_scope(user, u.prefix)]
    stored = _stored_units(user, year, config.version, [u.prefix for u in whole])
    ranked = []
    for u in whole:
        r = stored.get(u.prefix)
        ranked.append(
            index.UnitScore(u.code, u.name, r.orgs, r.score, r.dimensions)
            if r
            else index.unit_score(u.code, u.name, [])
        )
    ranked += _units_from_rows(user, year, config, [u for u in units if u not in whole])
    ranked.sort(key=lambda r: (-r.score, r.code))
    return ranked


def _units_from_rows(user: Any, year: int, config: Any, units: list[Area]) -> list[index.UnitScore]:
    """Units a scope covers in part: one GROUP BY the unit's prefix of the rows in scope."""
    sums: dict[str, dict[str, Any]] = {}
    for length in sorted({len(u.prefix) for u in units}):
        prefixes = [u.prefix for u in units if len(u.prefix) == length]
        rows = (
            index_rows(user, year, config.version, os.path.commonprefix(prefixes))
            .annotate(unit=Substr("area_code", 1, length))
            .filter(unit__in=prefixes)
            .order_by()
            .values("unit")
            .annotate(
                n=Count("id"),
                **{
                    f"d_{d.key}": Sum(Cast(KT(f"dimensions__{d.key}"), FloatField()))
                    for d in config.dimensions
                },
            )
        )
        sums.update({r["unit"]: r for r in rows})
    ranked = []
    for u in units:
        r = sums.get(u.prefix)
        n = r["n"] if r else 0
        dims = {d.key: round((r[f"d_{d.key}"] or 0) / n, 2) for d in config.dimensions} if r else {}
        ranked.append(
            index.UnitScore(u.code, u.name, n, round(sum(dims.values()), 2) if n else 0.0, dims)
        )
    return ranked


def index_org(user: Any, org_id: int, year: int, config: Any) -> index.OrgScore:
    """One organisation's stored breakdown; 404 out of scope or not active that year."""
    row = get_or_404(
        IndexScore.objects.filter(year=year, version=config.version).select_related("org"),
        user,
        org_id=org_id,
    )
    return index.from_stored(row.org_id, row.org.name, row.area_code, row.parts, config)
