"""What the records API's modules share: the router they register on, and look-ups."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router

from gongzhi.core.paging import Page, limit_field
from gongzhi.volunteers import selectors
from gongzhi.volunteers.models import Volunteer

router = Router(tags=["volunteers"])


class RecordPage(Page):
    """A page of a records list; 200 by default, the lists' former fixed size."""

    limit: int = limit_field(200)


def need(request: HttpRequest, perm: str, obj: Any = None) -> None:
    if not request.user.has_perm(perm, obj):
        raise PermissionDenied


def team_for(request: HttpRequest, team_id: int, perm: str) -> Any:
    """The team in the caller's scope (404 otherwise) on which they hold `perm` (403)."""
    team = selectors.team_get(user=request.user, pk=team_id)
    need(request, perm, team)
    return team


def volunteers_by_number(numbers: list[str], field: str) -> list[Volunteer]:
    wanted = [n.strip().upper() for n in numbers if n.strip()]
    found = {v.number: v for v in Volunteer.objects.filter(number__in=wanted)}
    unknown = [n for n in wanted if n not in found]
    if unknown:
        raise ValidationError({field: _("没有找到志愿者编号：%(n)s") % {"n": "、".join(unknown)}})
    return [found[n] for n in dict.fromkeys(wanted)]


def volunteer_by_number(number: str) -> Volunteer:
    if not (number or "").strip():
        raise ValidationError({"volunteer_number": _("请填写志愿者编号")})
    return volunteers_by_number([number], "volunteer_number")[0]
