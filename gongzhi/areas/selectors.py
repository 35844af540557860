"""Reads of administrative units, through the scope rule."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from gongzhi.areas.models import CHILD_KIND, Area, Kind
from gongzhi.core.scope import get_or_404, restrict, scope_of


def area_list(*, user: Any, kind: str | None = None, within: str | None = None) -> QuerySet[Area]:
    qs = restrict(Area.objects.select_related("parent"), user)
    if kind:
        qs = qs.filter(kind=kind)
    if within:
        qs = qs.filter(code__startswith=within)
    return qs


def area_get(*, user: Any, code: str) -> Area:
    return get_or_404(Area.objects.select_related("parent"), user, code=code)


def area_children(*, user: Any, area: Area) -> QuerySet[Area]:
    return area_list(user=user).filter(parent=area)


def top_areas(*, user: Any) -> list[Area]:
    """The highest units a user may see: the roots of their scope (city for the city, ...)."""
    scope = scope_of(user)
    if scope.everything:
        return list(Area.objects.filter(kind=Kind.CITY))
    return list(Area.objects.filter(prefix__in=scope.area_prefixes).order_by("code"))


def child_kind(kind: str) -> str | None:
    child = CHILD_KIND.get(Kind(kind))
    return child.value if child else None


def areas_by_code(codes: list[str]) -> dict[str, Area]:
    """Unscoped look-up for importers validating references (the importer checks scope itself)."""
    return {a.code: a for a in Area.objects.filter(code__in=codes)}
