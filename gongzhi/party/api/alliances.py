"""Regional Party-building alliances, their rotation and claimable items."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Schema

from gongzhi.party import selectors, services
from gongzhi.party.api.common import _need, router
from gongzhi.party.rotation import schedule

# --- alliances -------------------------------------------------------------------------------


class ChairOut(Schema):
    starts_on: dt.date
    ends_on: dt.date
    chair: str


class AllianceOut(Schema):
    id: int
    name: str
    area_code: str
    established_on: dt.date
    members: list[str]
    schedule: list[ChairOut]

    @staticmethod
    def resolve_members(obj: Any) -> list[str]:
        return [m.name for m in obj.members.all()]

    @staticmethod
    def resolve_schedule(obj: Any) -> list[dict[str, Any]]:
        return [
            {"starts_on": p.starts_on, "ends_on": p.ends_on, "chair": p.chair.name}
            for p in schedule(obj, timezone.localdate())
        ]


class ItemOut(Schema):
    id: int
    kind: str
    title: str
    status: str
    claimed_by_member_id: int | None
    claimed_on: dt.date | None
    completed_on: dt.date | None


class ClaimIn(Schema):
    member_id: int


@router.get("/alliances", response=list[AllianceOut])
def list_alliances(request: HttpRequest) -> Any:
    _need(request, "party.view")
    return selectors.alliance_list(user=request.user).prefetch_related(
        "members__party_org", "members__social_org"
    )


@router.get("/alliances/{alliance_id}", response=AllianceOut)
def get_alliance(request: HttpRequest, alliance_id: int) -> Any:
    return selectors.alliance_get(user=request.user, pk=alliance_id)


@router.get("/alliances/{alliance_id}/items", response=list[ItemOut])
def list_items(request: HttpRequest, alliance_id: int) -> Any:
    alliance = selectors.alliance_get(user=request.user, pk=alliance_id)
    return selectors.item_list(user=request.user, alliance=alliance)


@router.post("/alliances/{alliance_id}/items/{item_id}/claim", response=ItemOut)
def claim_item(request: HttpRequest, alliance_id: int, item_id: int, payload: ClaimIn) -> Any:
    alliance = selectors.alliance_get(user=request.user, pk=alliance_id)
    _need(request, "party.claim_item", alliance)
    item = selectors.item_list(user=request.user, alliance=alliance).filter(pk=item_id).first()
    if item is None:
        raise Http404
    member = alliance.members.filter(pk=payload.member_id).first()
    if member is None:
        raise ValidationError({"member_id": _("认领单位不是该联盟成员")})
    return services.item_claim(
        actor=request.user, item=item, claimed_on=timezone.localdate(), member=member
    )
