"""What every part of the party API shares: the router, paging, the permission check."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja import Router

from gongzhi.core.paging import Page

router = Router(tags=["party"])


def _need(request: HttpRequest, perm: str, obj: Any = None) -> None:
    if not request.user.has_perm(perm, obj):
        raise PermissionDenied


__all__ = ["Page", "_need", "router"]
