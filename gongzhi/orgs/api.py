"""`/api/v1/orgs/`: the registry over JSON — list with the page's filters, detail by id or
credit code, and each service. Thin: schemas in, services and selectors, schemas out."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from ninja.responses import Status

from gongzhi.areas.models import Area
from gongzhi.core.pii import mask
from gongzhi.orgs import selectors, services
from gongzhi.orgs.models import AnnualReport, CreditListing, Evaluation, Penalty, SocialOrg

router = Router(tags=["orgs"])


class OrgOut(Schema):
    id: int
    name: str
    credit_code: str | None
    kind: str
    kind_label: str
    community_category: str
    registration_level: str
    authority_code: str
    area_code: str
    domicile: str
    industry: str
    purpose: str
    business_scope: str
    supervising_unit: str
    activity_region: str
    founding_funds: Decimal | None
    unit_members: int | None
    individual_members: int | None
    council_size: int | None
    legal_rep_name: str
    legal_rep_phone_masked: str
    registered_on: dt.date
    deregistered_on: dt.date | None
    deregistration_reason: str
    status: str
    current_grade: int | None = None
    synthetic: bool

    @staticmethod
    def of(org: SocialOrg) -> OrgOut:
        return OrgOut(
            id=org.pk,
            name=org.name,
            credit_code=org.credit_code,
            kind=org.kind,
            kind_label=str(org.get_kind_display()),
            community_category=org.community_category,
            registration_level=org.registration_level,
            authority_code=org.authority.code,
            area_code=org.area_code,
            domicile=org.domicile,
            industry=org.industry,
            purpose=org.purpose,
            business_scope=org.business_scope,
            supervising_unit=org.supervising_unit,
            activity_region=org.activity_region,
            founding_funds=org.founding_funds,
            unit_members=org.unit_members,
            individual_members=org.individual_members,
            council_size=org.council_size,
            legal_rep_name=org.legal_rep_name,
            legal_rep_phone_masked=mask(org.legal_rep_phone, "phone"),
            registered_on=org.registered_on,
            deregistered_on=org.deregistered_on,
            deregistration_reason=org.deregistration_reason,
            status=org.status,
            current_grade=getattr(org, "current_grade", None),
            synthetic=org.synthetic,
        )


class OrgPage(Schema):
    count: int
    items: list[OrgOut]


class OrgFilters(Schema):
    q: str = ""
    district: str = ""
    kind: str = ""
    status: str = ""
    grade: str = ""
    listing: str = ""
    has_party_org: bool | None = None
    build: str = ""
    sort: str = "name"
    limit: int = 50
    offset: int = 0


class OrgDetails(Schema):
    domicile: str = ""
    industry: str = ""
    purpose: str = ""
    business_scope: str = ""
    supervising_unit: str = ""
    activity_region: str = ""
    founding_funds: Decimal | None = None
    unit_members: int | None = None
    individual_members: int | None = None
    council_size: int | None = None
    legal_rep_name: str = ""
    legal_rep_phone: str = ""


class OrgIn(OrgDetails):
    name: str
    kind: str
    authority_code: str
    area_code: str
    registered_on: dt.date
    credit_code: str | None = None
    community_category: str = ""


class ChangeIn(Schema):
    effective_on: dt.date
    changes: dict[str, Any]
    reason: str = ""
    approval_no: str = ""


class ChangeOut(Schema):
    id: int
    effective_on: dt.date
    before: dict[str, Any]
    after: dict[str, Any]
    reason: str


class DeregisterIn(Schema):
    on: dt.date
    reason: str
    revoked: bool = False


class ReportIn(Schema):
    year: int
    submitted_on: dt.date | None = None
    result: str = ""
    employees: int = 0
    social_workers: int = 0
    other_professionals: int = 0
    volunteers: int = 0
    income: Decimal | None = None
    spending: Decimal | None = None
    has_party_org: bool = False
    no_party_org_reason: str = ""
    party_instructor: str = ""
    party_members: int = 0
    party_activists: int = 0
    has_union: bool = False
    union_on: dt.date | None = None
    has_youth_league: bool = False
    youth_league_on: dt.date | None = None
    has_women_federation: bool = False
    women_federation_on: dt.date | None = None


class ReportOut(ReportIn):
    id: int
    org_id: int

    @staticmethod
    def of(r: AnnualReport) -> ReportOut:
        fields = {f: getattr(r, f) for f in ReportIn.model_fields}
        return ReportOut(id=r.pk, org_id=r.org_id, **fields)


class EvaluationIn(Schema):
    evaluated_on: dt.date
    score: int
    authority: str = ""
    certificate_no: str = ""


class EvaluationOut(Schema):
    id: int
    org_id: int
    evaluated_on: dt.date
    score: int
    grade: int | None
    valid_until: dt.date
    authority: str
    certificate_no: str


class PenaltyIn(Schema):
    decided_on: dt.date
    kind: str
    fine_yuan: Decimal | None = None
    authority: str = ""
    decision_no: str = ""
    reason: str = ""


class PenaltyOut(PenaltyIn):
    id: int
    org_id: int


class ListingIn(Schema):
    list_kind: str
    cause: str
    listed_on: dt.date
    detail: str = ""
    authority: str = ""
    decision_no: str = ""


class ListingOut(Schema):
    id: int
    org_id: int
    list_kind: str
    cause: str
    detail: str
    state: str
    listed_on: dt.date
    authority: str
    decision_no: str
    rectified_on: dt.date | None
    rectification: str
    removed_on: dt.date | None
    removal_reason: str
    promoted_from_id: int | None


class DelistIn(Schema):
    removed_on: dt.date
    reason: str
    rectified_on: dt.date | None = None
    rectification: str = ""


class FiguresOut(Schema):
    as_of: dt.date
    within: str | None
    organisations: int
    by_kind: dict[str, int]
    by_district: dict[str, int]
    by_industry: dict[str, int]
    employees: int
    social_workers: int
    other_professionals: int
    volunteers: int
    four_builds: dict[str, int]


def _org(request: HttpRequest, ref: str) -> SocialOrg:
    """An organisation by id, or by its 18-character credit code."""
    if len(ref) == 18:
        return selectors.org_get(user=request.user, credit_code=ref)
    if not ref.isdecimal():
        raise Http404
    return selectors.org_get(user=request.user, pk=int(ref))


def _area(code: str, field: str) -> Area:
    area = Area.objects.filter(code=code).first()
    if area is None:
        raise ValidationError({field: _("区划代码不存在")})
    return area


@router.get("/", response=OrgPage, summary="List organisations (filters as the page)")
def list_orgs(request: HttpRequest, filters: Query[OrgFilters]) -> Any:
    f = filters.dict()
    limit, offset = max(1, min(f.pop("limit"), 500)), max(0, min(f.pop("offset"), 10**9))
    if f["grade"] not in ("", "none", "1", "2", "3", "4", "5"):
        raise ValidationError({"grade": _("等级应为 1–5 或 none")})
    qs = selectors.org_list(user=request.user, **f)
    return OrgPage(count=qs.count(), items=[OrgOut.of(o) for o in qs[offset : offset + limit]])


@router.post("/", response={201: OrgOut}, summary="Register or file an organisation")
def create_org(request: HttpRequest, payload: OrgIn) -> Any:
    data = payload.dict()
    org = services.org_register(
        actor=request.user,
        name=data.pop("name"),
        kind=data.pop("kind"),
        authority=_area(data.pop("authority_code"), "authority_code"),
        area=_area(data.pop("area_code"), "area_code"),
        registered_on=data.pop("registered_on"),
        credit_code=data.pop("credit_code"),
        **data,
    )
    return Status(201, OrgOut.of(org))


@router.get("/as-of", response=FiguresOut, summary="Registry figures as of a date")
def figures(request: HttpRequest, as_of: dt.date, within: str | None = None) -> Any:
    kw: dict[str, Any] = {"user": request.user, "as_of": as_of, "within": within}
    totals = selectors.report_totals_as_of(**kw)
    return FiguresOut(
        as_of=as_of,
        within=within,
        organisations=selectors.org_count_as_of(**kw),
        by_kind=selectors.counts_by_kind(**kw),
        by_district=selectors.counts_by_district(**kw),
        by_industry=selectors.counts_by_industry(**kw),
        four_builds=selectors.four_builds_as_of(**kw),
        **totals,
    )


@router.get("/{ref}", response=OrgOut, summary="One organisation by id or credit code")
def get_org(request: HttpRequest, ref: str) -> Any:
    return OrgOut.of(_org(request, ref))


@router.get("/{ref}/changes", response=list[ChangeOut])
def list_changes(request: HttpRequest, ref: str) -> Any:
    return list(selectors.change_list(user=request.user, org=_org(request, ref)))


@router.post("/{ref}/changes", response={201: ChangeOut}, summary="变更登记")
def change_org(request: HttpRequest, ref: str, payload: ChangeIn) -> Any:
    change = services.org_change(actor=request.user, org=_org(request, ref), **payload.dict())
    return Status(201, change)


@router.post("/{ref}/deregister", response=OrgOut, summary="注销 / 撤销")
def deregister_org(request: HttpRequest, ref: str, payload: DeregisterIn) -> Any:
    org = services.org_deregister(actor=request.user, org=_org(request, ref), **payload.dict())
    return OrgOut.of(org)


@router.get("/{ref}/annual-reports", response=list[ReportOut])
def list_reports(request: HttpRequest, ref: str) -> Any:
    return [
        ReportOut.of(r) for r in selectors.report_list(user=request.user, org=_org(request, ref))
    ]


@router.post("/{ref}/annual-reports", response={201: ReportOut}, summary="File an annual report")
def file_report(request: HttpRequest, ref: str, payload: ReportIn) -> Any:
    report = services.report_file(actor=request.user, org=_org(request, ref), **payload.dict())
    return Status(201, ReportOut.of(report))


@router.get("/{ref}/evaluations", response=list[EvaluationOut])
def list_evaluations(request: HttpRequest, ref: str) -> Any:
    return list(selectors.evaluation_list(user=request.user, org=_org(request, ref)))


@router.post("/{ref}/evaluations", response={201: EvaluationOut}, summary="Record a grade")
def record_evaluation(request: HttpRequest, ref: str, payload: EvaluationIn) -> Any:
    evaluation: Evaluation = services.evaluation_record(
        actor=request.user, org=_org(request, ref), **payload.dict()
    )
    return Status(201, evaluation)


@router.get("/{ref}/penalties", response=list[PenaltyOut])
def list_penalties(request: HttpRequest, ref: str) -> Any:
    return list(selectors.penalty_list(user=request.user, org=_org(request, ref)))


@router.post("/{ref}/penalties", response={201: PenaltyOut}, summary="Record a penalty (处罚)")
def record_penalty(request: HttpRequest, ref: str, payload: PenaltyIn) -> Any:
    """A fine at or above the serious-list threshold also proposes the listing for review."""
    penalty: Penalty = services.penalty_record(
        actor=request.user, org=_org(request, ref), **payload.dict()
    )
    return Status(201, penalty)


@router.get("/{ref}/listings", response=list[ListingOut])
def list_listings(request: HttpRequest, ref: str) -> Any:
    return list(selectors.listing_list(user=request.user, org=_org(request, ref)))


@router.post("/{ref}/listings", response={201: ListingOut}, summary="List on a credit list")
def add_listing(request: HttpRequest, ref: str, payload: ListingIn) -> Any:
    entry: CreditListing = services.listing_add(
        actor=request.user, org=_org(request, ref), **payload.dict()
    )
    return Status(201, entry)


@router.post("/{ref}/listings/{listing_id}/remove", response=ListingOut, summary="Delist")
def remove_listing(request: HttpRequest, ref: str, listing_id: int, payload: DelistIn) -> Any:
    org = _org(request, ref)
    entry = selectors.listing_list(user=request.user, org=org).filter(pk=listing_id).first()
    if entry is None:
        raise Http404
    return services.listing_remove(actor=request.user, listing=entry, **payload.dict())
