from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from gongzhi.areas import selectors

router = Router(tags=["areas"])


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
def list_areas(request: HttpRequest, kind: str | None = None, within: str | None = None) -> Any:
    return selectors.area_list(user=request.user, kind=kind, within=within)[:5000]


@router.get("/{code}", response=AreaOut)
def get_area(request: HttpRequest, code: str) -> Any:
    return selectors.area_get(user=request.user, code=code)
