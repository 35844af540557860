"""The worklist, coverage figures and the checks that feed the credit lists."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Schema

from gongzhi.party import selectors
from gongzhi.party.api.common import _need, router

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
    orgs_with_union: int
    orgs_with_youth_league: int
    orgs_with_women_federation: int
    orgs_with_all_four: int
    four_builds_coverage: Decimal


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
