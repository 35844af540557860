"""`/api/v1/orgs/`: the registry — list with the page's filters, register, detail by id or
credit code, changes, deregistration, figures as of a date."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query
from ninja.responses import Status

from gongzhi.orgs import selectors, services
from gongzhi.orgs.api.common import area_by_code, org_ref, router
from gongzhi.orgs.api.schemas import (
    ChangeIn,
    ChangeOut,
    DeregisterIn,
    FiguresOut,
    OrgFilters,
    OrgIn,
    OrgOut,
    OrgPage,
)


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
        authority=area_by_code(data.pop("authority_code"), "authority_code"),
        area=area_by_code(data.pop("area_code"), "area_code"),
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
    return OrgOut.of(org_ref(request, ref))


@router.get("/{ref}/changes", response=list[ChangeOut])
def list_changes(request: HttpRequest, ref: str) -> Any:
    return list(selectors.change_list(user=request.user, org=org_ref(request, ref)))


@router.post("/{ref}/changes", response={201: ChangeOut}, summary="变更登记")
def change_org(request: HttpRequest, ref: str, payload: ChangeIn) -> Any:
    change = services.org_change(actor=request.user, org=org_ref(request, ref), **payload.dict())
    return Status(201, change)


@router.post("/{ref}/deregister", response=OrgOut, summary="注销 / 撤销")
def deregister_org(request: HttpRequest, ref: str, payload: DeregisterIn) -> Any:
    org = services.org_deregister(actor=request.user, org=org_ref(request, ref), **payload.dict())
    return OrgOut.of(org)
