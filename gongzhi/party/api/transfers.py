"""Transfers of organisational relationship (组织关系转接), step by step."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Schema, Status

from gongzhi.party import selectors, services
from gongzhi.party.api.common import Page, _need, router
from gongzhi.party.models import PartyOrg
from gongzhi.party.rules import may_step_transfer

# --- transfers -------------------------------------------------------------------------------


class TransferOut(Schema):
    id: int
    member_id: int
    from_org_id: int | None
    to_org_id: int | None
    sending_name: str
    receiving_name: str
    state: str
    applied_on: dt.date
    issued_on: dt.date | None
    valid_until: dt.date | None
    received_on: dt.date | None
    receipt_due_on: dt.date | None
    receipt_on: dt.date | None
    archived_on: dt.date | None
    responsible: str

    @staticmethod
    def resolve_responsible(obj: Any) -> str:
        return obj.responsible_org_name()


class TransferIn(Schema):
    applied_on: dt.date
    to_org_id: int | None = None
    to_org_name: str = ""
    reason: str = ""


class StepIn(Schema):
    on: dt.date
    letter_number: str = ""
    valid_days: int | None = Field(None, ge=1)


@router.get("/transfers", response=list[TransferOut])
def list_transfers(request: HttpRequest, page: Query[Page], state: str | None = None) -> Any:
    _need(request, "party.view")
    return selectors.transfer_list(user=request.user, state=state)[
        page.offset : page.offset + page.limit
    ]


@router.get("/transfers/{transfer_id}", response=TransferOut)
def get_transfer(request: HttpRequest, transfer_id: int) -> Any:
    return selectors.transfer_get(user=request.user, pk=transfer_id)


@router.post("/members/{member_id}/transfers", response={201: TransferOut})
def apply_transfer(request: HttpRequest, member_id: int, payload: TransferIn) -> Any:
    member = selectors.member_get(user=request.user, pk=member_id)
    _need(request, "party.manage_transfer", member.party_org)
    to_org = None
    if payload.to_org_id:
        to_org = PartyOrg.objects.filter(pk=payload.to_org_id, dissolved_on__isnull=True).first()
        if to_org is None:
            raise ValidationError({"to_org_id": _("转入党组织不存在")})
    transfer = services.transfer_apply(
        actor=request.user,
        member=member,
        applied_on=payload.applied_on,
        to_org=to_org,
        to_org_name=payload.to_org_name,
        reason=payload.reason,
    )
    return Status(201, transfer)


@router.post("/transfers/{transfer_id}/{step}", response=TransferOut)
def transfer_step(request: HttpRequest, transfer_id: int, step: str, payload: StepIn) -> Any:
    transfer = selectors.transfer_get(user=request.user, pk=transfer_id)
    if step not in ("issue", "receive", "receipt", "archive", "cancel"):
        raise Http404
    if not may_step_transfer(request.user, transfer, step):
        raise PermissionDenied
    if step == "issue":
        return services.transfer_issue(
            actor=request.user,
            transfer=transfer,
            issued_on=payload.on,
            letter_number=payload.letter_number,
            valid_days=payload.valid_days,
        )
    if step == "receive":
        return services.transfer_receive(
            actor=request.user, transfer=transfer, received_on=payload.on
        )
    if step == "receipt":
        return services.transfer_receipt(
            actor=request.user, transfer=transfer, receipt_on=payload.on
        )
    if step == "archive":
        return services.transfer_archive(
            actor=request.user, transfer=transfer, archived_on=payload.on
        )
    return services.transfer_cancel(actor=request.user, transfer=transfer)
