"""Party organisations: list, read, create (with the social organisations covered)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Schema, Status

from gongzhi.areas.models import Area
from gongzhi.party import selectors, services
from gongzhi.party.api.common import Page, _need, router
from gongzhi.party.models import PartyOrgKind

# --- Party organisations --------------------------------------------------------------------


class PartyOrgOut(Schema):
    id: int
    name: str
    kind: str
    built_by: str
    regional_kind: str
    area_code: str
    parent_id: int | None
    served_area_code: str | None
    established_on: dt.date
    dissolved_on: dt.date | None
    term_started_on: dt.date | None
    term_years: int | None
    election_due_on: dt.date | None
    member_count: int | None = None

    @staticmethod
    def resolve_served_area_code(obj: Any) -> str | None:
        return obj.served_area.code if obj.served_area_id else None


class PartyOrgIn(Schema):
    name: str = Field(..., min_length=1, max_length=200)
    kind: PartyOrgKind
    built_by: str
    area_code: str
    established_on: dt.date
    regional_kind: str = ""
    served_area_code: str | None = None
    parent_id: int | None = None
    covered_org_ids: list[int] = []
    village_or_community: bool = False
    party_groups: int = Field(0, ge=0)


@router.get("/orgs", response=list[PartyOrgOut])
def list_orgs(
    request: HttpRequest, page: Query[Page], q: str | None = None, kind: str | None = None
) -> Any:
    _need(request, "party.view")
    qs = selectors.party_org_list(user=request.user, q=q, kind=kind)
    return qs[page.offset : page.offset + page.limit]


@router.get("/orgs/{org_id}", response=PartyOrgOut)
def get_org(request: HttpRequest, org_id: int) -> Any:
    return selectors.party_org_get(user=request.user, pk=org_id)


@router.post("/orgs", response={201: PartyOrgOut})
def create_org(request: HttpRequest, payload: PartyOrgIn) -> Any:
    _need(request, "party.manage_org")
    areas = selectors.scope_areas(user=request.user)
    area = areas.filter(code=payload.area_code).first()
    if area is None:
        raise ValidationError({"area_code": _("区划代码不存在或不在您的管辖范围内")})
    served = None
    if payload.served_area_code:
        served = Area.objects.filter(code=payload.served_area_code).first()
        if served is None:
            raise ValidationError({"served_area_code": _("区划代码不存在")})
    covered = list(
        selectors.social_org_choices(user=request.user).filter(pk__in=payload.covered_org_ids)
    )
    if len(covered) != len(set(payload.covered_org_ids)):
        raise ValidationError({"covered_org_ids": _("社会组织不存在或不在您的管辖范围内")})
    parent = None
    if payload.parent_id:
        parent = selectors.party_org_get(user=request.user, pk=payload.parent_id)
    org = services.party_org_create(
        actor=request.user,
        name=payload.name,
        kind=payload.kind,
        built_by=payload.built_by,
        area=area,
        established_on=payload.established_on,
        regional_kind=payload.regional_kind,
        served_area=served,
        parent=parent,
        covered_orgs=covered,
        village_or_community=payload.village_or_community,
        party_groups=payload.party_groups,
    )
    return Status(201, org)
