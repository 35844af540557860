"""Party members and their dues."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Schema, Status

from gongzhi.core.pii import mask
from gongzhi.party import selectors, services
from gongzhi.party.api.common import Page, _need, router
from gongzhi.party.models import DuesCategory

# --- members ---------------------------------------------------------------------------------


class MemberOut(Schema):
    id: int
    name: str
    gender: str
    status: str
    id_number_masked: str
    phone_masked: str
    party_org_id: int | None
    employer_id: int | None
    admitted_on: dt.date
    probation_ends_on: dt.date | None
    became_formal_on: dt.date | None
    joined_on: dt.date
    left_on: dt.date | None

    @staticmethod
    def resolve_id_number_masked(obj: Any) -> str:
        return mask(obj.id_number, "id_number")

    @staticmethod
    def resolve_phone_masked(obj: Any) -> str:
        return mask(obj.phone, "phone")


class MemberIn(Schema):
    name: str = Field(..., min_length=1, max_length=60)
    status: str
    admitted_on: dt.date
    became_formal_on: dt.date | None = None
    id_number: str = ""
    phone: str = ""
    gender: str = ""
    employer_id: int | None = None
    joined_on: dt.date | None = None
    dues_category: DuesCategory = DuesCategory.EMPLOYED


@router.get("/members", response=list[MemberOut])
def list_members(
    request: HttpRequest,
    page: Query[Page],
    org_id: int | None = None,
    status: str | None = None,
    q: str | None = None,
) -> Any:
    _need(request, "party.view")
    org = selectors.party_org_get(user=request.user, pk=org_id) if org_id else None
    qs = selectors.member_list(user=request.user, party_org=org, status=status, q=q)
    return qs[page.offset : page.offset + page.limit]


@router.get("/members/{member_id}", response=MemberOut)
def get_member(request: HttpRequest, member_id: int) -> Any:
    return selectors.member_get(user=request.user, pk=member_id)


@router.post("/orgs/{org_id}/members", response={201: MemberOut})
def create_member(request: HttpRequest, org_id: int, payload: MemberIn) -> Any:
    org = selectors.party_org_get(user=request.user, pk=org_id)
    _need(request, "party.manage_member", org)
    data = payload.dict()
    employer_id = data.pop("employer_id")
    employer = None
    if employer_id:
        employer = selectors.social_org_choices(user=request.user).filter(pk=employer_id).first()
        if employer is None:
            raise ValidationError({"employer_id": _("社会组织不存在或不在您的管辖范围内")})
    data = {k: v for k, v in data.items() if v not in (None, "")}
    member = services.member_create(actor=request.user, party_org=org, employer=employer, **data)
    return Status(201, member)


# --- dues ------------------------------------------------------------------------------------


class QuoteOut(Schema):
    category: str
    base: Decimal
    rate: Decimal | None
    bracket: str
    amount: Decimal


class DuesIn(Schema):
    month: dt.date
    base: Decimal = Field(..., ge=0)
    paid_on: dt.date | None = None


class DuesOut(Schema):
    id: int
    member_id: int
    month: dt.date
    base: Decimal
    bracket: str
    amount: Decimal
    paid_on: dt.date | None


@router.get("/dues/quote", response=QuoteOut)
def dues_quote(
    request: HttpRequest, base: Decimal, category: DuesCategory = DuesCategory.EMPLOYED
) -> Any:
    return services.dues_quote(base=base, category=category)


@router.post("/members/{member_id}/dues", response={201: DuesOut})
def record_dues(request: HttpRequest, member_id: int, payload: DuesIn) -> Any:
    member = selectors.member_get(user=request.user, pk=member_id)
    _need(request, "party.record_dues", member.party_org)
    payment = services.dues_record(
        actor=request.user,
        member=member,
        month=payload.month,
        base=payload.base,
        paid_on=payload.paid_on,
    )
    return Status(201, payment)
