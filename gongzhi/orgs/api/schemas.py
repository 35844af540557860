"""Input and output schemas of `/api/v1/orgs/` (they make its OpenAPI schema)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from ninja import Schema

from gongzhi.core.pii import mask
from gongzhi.orgs.models import AnnualReport, SocialOrg


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


class ConfirmIn(Schema):
    listed_on: dt.date | None = None
    authority: str = ""
    decision_no: str = ""


class RejectIn(Schema):
    reason: str


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
