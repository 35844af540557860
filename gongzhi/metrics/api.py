"""/api/v1/metrics/: the seed's six figures as of a date, and the units below (drill-down)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema

from gongzhi.metrics import selectors, summaries

router = Router(tags=["metrics"])


class OverviewIn(Schema):
    as_of: dt.date
    unit: str | None = None


class OverviewOut(Schema):
    as_of: dt.date
    unit: str | None
    unit_name: str | None
    social_orgs: int
    employees: int
    volunteers: int
    orgs_with_party_org: int
    party_orgs: int
    party_members: int
    refreshed_at: str | None
    pending: list[str]


class ChildOut(Schema):
    code: str
    name: str
    figures: dict[str, int]


@router.get("/overview", response=OverviewOut)
def overview(request: HttpRequest, q: Query[OverviewIn]) -> Any:
    """Figures as of `as_of` for `unit` (default: the caller's own units); 404 outside scope."""
    figures = selectors.figures_as_of(request.user, q.as_of, q.unit)
    unit = selectors.unit_in_scope(request.user, q.unit) if q.unit else None
    return {
        "as_of": q.as_of,
        "unit": unit.code if unit else None,
        "unit_name": unit.name if unit else None,
        **figures,
        **summaries.freshness(),
    }


@router.get("/units", response=list[ChildOut])
def units(request: HttpRequest, q: Query[OverviewIn]) -> Any:
    """The figures of each unit one level below `unit` (default: the caller's home unit)."""
    code = q.unit or getattr(selectors.home_unit(request.user), "code", None)
    if code is None:
        return []
    rows = selectors.children_as_of(request.user, q.as_of, code)
    return [{"code": r.code, "name": r.name, "figures": r.values} for r in rows]
