from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema

from gongzhi.areas import selectors
from gongzhi.core.paging import Page, limit_field

router = Router(tags=["areas"])


class AreaPage(Page):
    """5,000 by default, the list's former fixed size: a district's whole tree in one page."""

    limit: int = limit_field(5000, maximum=5000)


class AreaOut(Schema):
    code: str
    name: str
    kind: str
    parent_code: str | None
    synthetic: bool

    @staticmethod
    def resolve_parent_code(obj: Any) -> str | None:
        return obj.parent.code if obj.parent_id else None


@router.get("", response=list[AreaOut])
def list_areas(
    request: HttpRequest,
    page: Query[AreaPage],
    kind: str | None = None,
    within: str | None = None,
) -> Any:
    # Ordered by the unique code (Area.Meta.ordering), so offsets page without gaps.
    return page.of(selectors.area_list(user=request.user, kind=kind, within=within))


@router.get("/{code}", response=AreaOut)
def get_area(request: HttpRequest, code: str) -> Any:
    return selectors.area_get(user=request.user, code=code)
