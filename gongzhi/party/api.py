"""The party API at /api/v1/party/: thin handlers over selectors and services."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status

from gongzhi.areas.models import Area
from gongzhi.core.pii import mask
from gongzhi.party import selectors, services
from gongzhi.party.models import DuesCategory, LifeKind, PartyOrgKind
from gongzhi.party.rotation import schedule
from gongzhi.party.rules import may_step_transfer

router = Router(tags=["party"])
MAX_PAGE = 500


def _need(request: HttpRequest, perm: str, obj: Any = None) -> None:
    if not request.user.has_perm(perm, obj):
        raise PermissionDenied


class Page(Schema):
    limit: int = Field(100, ge=1, le=MAX_PAGE)
    offset: int = Field(0, ge=0)


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
    from django.core.exceptions import ValidationError

    _need(request, "party.manage_org")
    areas = selectors.scope_areas(user=request.user)
    area = areas.filter(code=payload.area_code).first()
    if area is None:
        raise ValidationError({"area_code": "区划代码不存在或不在您的管辖范围内"})
    served = None
    if payload.served_area_code:
        served = Area.objects.filter(code=payload.served_area_code).first()
        if served is None:
            raise ValidationError({"served_area_code": "区划代码不存在"})
    covered = list(
        selectors.social_org_choices(user=request.user).filter(pk__in=payload.covered_org_ids)
    )
    if len(covered) != len(set(payload.covered_org_ids)):
        raise ValidationError({"covered_org_ids": "社会组织不存在或不在您的管辖范围内"})
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
    from django.core.exceptions import ValidationError

    org = selectors.party_org_get(user=request.user, pk=org_id)
    _need(request, "party.manage_member", org)
    data = payload.dict()
    employer_id = data.pop("employer_id")
    employer = None
    if employer_id:
        employer = selectors.social_org_choices(user=request.user).filter(pk=employer_id).first()
        if employer is None:
            raise ValidationError({"employer_id": "社会组织不存在或不在您的管辖范围内"})
    data = {k: v for k, v in data.items() if v not in (None, "")}
    member = services.member_create(actor=request.user, party_org=org, employer=employer, **data)
    return Status(201, member)


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
        from django.core.exceptions import ValidationError

        raise ValidationError({"attendee_ids": "出席人员须为本党组织党员"})
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
    from django.core.exceptions import ValidationError

    from gongzhi.party.models import PartyOrg

    member = selectors.member_get(user=request.user, pk=member_id)
    _need(request, "party.manage_transfer", member.party_org)
    to_org = None
    if payload.to_org_id:
        to_org = PartyOrg.objects.filter(pk=payload.to_org_id, dissolved_on__isnull=True).first()
        if to_org is None:
            raise ValidationError({"to_org_id": "转入党组织不存在"})
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
    from django.http import Http404

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
    from django.core.exceptions import ValidationError
    from django.http import Http404

    alliance = selectors.alliance_get(user=request.user, pk=alliance_id)
    _need(request, "party.claim_item", alliance)
    item = selectors.item_list(user=request.user, alliance=alliance).filter(pk=item_id).first()
    if item is None:
        raise Http404
    member = alliance.members.filter(pk=payload.member_id).first()
    if member is None:
        raise ValidationError({"member_id": "认领单位不是该联盟成员"})
    return services.item_claim(
        actor=request.user, item=item, claimed_on=timezone.localdate(), member=member
    )


# --- worklist and coverage ------------------------------------------------------------------


class WorkItemOut(Schema):
    check: str
    severity: str
    subject: str
    message: str
    url: str


class CoverageOut(Schema):
    unit_code: str
    unit_name: str
    as_of: dt.date
    social_orgs: int
    orgs_with_party_org: int
    orgs_with_instructor_only: int
    party_orgs: int
    formal_members: int
    probationary_members: int
    party_members: int
    organisational_coverage: Decimal
    work_coverage: Decimal


class OrgRefOut(Schema):
    id: int
    name: str
    credit_code: str | None
    area_code: str
    formal_members: int


@router.get("/worklist", response=list[WorkItemOut])
def get_worklist(request: HttpRequest, org_id: int | None = None) -> Any:
    _need(request, "party.view")
    org = selectors.party_org_get(user=request.user, pk=org_id) if org_id else None
    return selectors.worklist(user=request.user, party_org=org)


@router.get("/coverage", response=CoverageOut)
def get_coverage(
    request: HttpRequest, as_of: dt.date | None = None, area: str | None = None
) -> Any:
    return selectors.coverage_figures(
        user=request.user, as_of=as_of or timezone.localdate(), area_prefix=area
    ).as_dict()


@router.get("/coverage/districts", response=list[CoverageOut])
def get_coverage_by_district(request: HttpRequest, as_of: dt.date | None = None) -> Any:
    return [
        f.as_dict()
        for f in selectors.coverage_by_district(
            user=request.user, as_of=as_of or timezone.localdate()
        )
    ]


@router.get("/orgs-requiring-party-org", response=list[OrgRefOut])
def get_orgs_requiring_party_org(request: HttpRequest, as_of: dt.date | None = None) -> Any:
    """应建未建: the organisations the credit-list cause applies to."""
    return selectors.orgs_requiring_party_org(
        user=request.user, as_of=as_of or timezone.localdate()
    )
