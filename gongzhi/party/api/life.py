"""Organisational life (组织生活) records."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Schema, Status

from gongzhi.party import selectors, services
from gongzhi.party.api.common import Page, _need, router
from gongzhi.party.models import LifeKind

# --- organisational life -------------------------------------------------------------------


class LifeOut(Schema):
    id: int
    party_org_id: int
    kind: str
    held_on: dt.date
    topic: str
    voting_members: int
    voting_present: int
    quorate: bool | None
    attendee_ids: list[int]

    @staticmethod
    def resolve_attendee_ids(obj: Any) -> list[int]:
        return [m.pk for m in obj.attendees.all()]


class LifeIn(Schema):
    kind: LifeKind
    held_on: dt.date
    topic: str = Field(..., min_length=1, max_length=200)
    minutes: str = ""
    attendee_ids: list[int] = []
    grades: dict[int, str] = {}


@router.get("/life", response=list[LifeOut])
def list_life(
    request: HttpRequest, page: Query[Page], org_id: int | None = None, kind: str | None = None
) -> Any:
    _need(request, "party.view")
    org = selectors.party_org_get(user=request.user, pk=org_id) if org_id else None
    qs = selectors.life_record_list(user=request.user, party_org=org, kind=kind)
    return qs.prefetch_related("attendees")[page.offset : page.offset + page.limit]


@router.get("/life/{record_id}", response=LifeOut)
def get_life(request: HttpRequest, record_id: int) -> Any:
    return selectors.life_record_get(user=request.user, pk=record_id)


@router.post("/orgs/{org_id}/life", response={201: LifeOut})
def create_life(request: HttpRequest, org_id: int, payload: LifeIn) -> Any:
    org = selectors.party_org_get(user=request.user, pk=org_id)
    _need(request, "party.record_meeting", org)
    attendees = list(
        selectors.member_list(user=request.user, party_org=org).filter(pk__in=payload.attendee_ids)
    )
    if len(attendees) != len(set(payload.attendee_ids)):
        raise ValidationError({"attendee_ids": _("出席人员须为本党组织党员")})
    record = services.life_record_create(
        actor=request.user,
        party_org=org,
        kind=payload.kind,
        held_on=payload.held_on,
        topic=payload.topic,
        minutes=payload.minutes,
        attendees=attendees,
        grades=payload.grades,
    )
    return Status(201, record)
