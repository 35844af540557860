"""/api/v1/volunteers/complaints: lodged by volunteers and residents, handled by the
organiser's unit (submitted -> accepted -> resolved, or rejected)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Schema, Status

from gongzhi.volunteers import selectors, services
from gongzhi.volunteers.api_records.common import RecordPage, need, router
from gongzhi.volunteers.models import ComplaintStatus


class ComplaintIn(Schema):
    content: str
    activity_id: int | None = None
    team_id: int | None = None


class ComplaintOut(Schema):
    id: int
    number: str
    team_id: int
    activity_id: int | None
    status: str
    content: str
    received_on: dt.date
    accepted_on: dt.date | None
    resolved_on: dt.date | None
    resolution: str


class ResolutionIn(Schema):
    resolution: str


# --- complaints ------------------------------------------------------------------------------


@router.get("/complaints", response=list[ComplaintOut])
def complaints(request: HttpRequest, page: Query[RecordPage], status: str | None = None) -> Any:
    if status and status not in ComplaintStatus.values:
        raise ValidationError({"status": _("不是可选的状态")})
    return list(page.of(selectors.complaint_list(user=request.user, status=status)))


@router.get("/complaints/mine", response=list[ComplaintOut])
def my_complaints(request: HttpRequest, page: Query[RecordPage]) -> Any:
    return list(page.of(selectors.complaints_by(request.user)))


@router.post("/complaints", response={201: ComplaintOut})
def complaint_lodge(request: HttpRequest, payload: ComplaintIn) -> Any:
    """A signed-in volunteer or resident lodges a complaint about an activity or a team."""
    from gongzhi.volunteers.models import Activity, Team

    activity = team = None
    if payload.activity_id is not None:
        activity = (
            Activity.objects.exclude(status=Activity.Status.DRAFT)
            .filter(pk=payload.activity_id)
            .first()
        )
        if activity is None:
            raise ValidationError({"activity_id": _("活动不存在")})
    elif payload.team_id is not None:
        team = Team.objects.filter(pk=payload.team_id).first()
        if team is None:
            raise ValidationError({"team_id": _("队伍不存在")})
    return Status(
        201,
        services.complaint_file(
            actor=request.user, team=team, activity=activity, content=payload.content
        ),
    )


@router.get("/complaints/{complaint_id}", response=ComplaintOut)
def complaint(request: HttpRequest, complaint_id: int) -> Any:
    return selectors.complaint_get(user=request.user, pk=complaint_id)


def _handle(request: HttpRequest, complaint_id: int) -> Any:
    c = selectors.complaint_get(user=request.user, pk=complaint_id)
    need(request, "volunteers.handle_complaint", c)
    return c


@router.post("/complaints/{complaint_id}/accept", response=ComplaintOut)
def complaint_accept(request: HttpRequest, complaint_id: int) -> Any:
    return services.complaint_accept(actor=request.user, complaint=_handle(request, complaint_id))


@router.post("/complaints/{complaint_id}/resolve", response=ComplaintOut)
def complaint_resolve(request: HttpRequest, complaint_id: int, payload: ResolutionIn) -> Any:
    return services.complaint_resolve(
        actor=request.user,
        complaint=_handle(request, complaint_id),
        resolution=payload.resolution,
    )


@router.post("/complaints/{complaint_id}/reject", response=ComplaintOut)
def complaint_reject(request: HttpRequest, complaint_id: int, payload: ResolutionIn) -> Any:
    return services.complaint_reject(
        actor=request.user, complaint=_handle(request, complaint_id), reason=payload.resolution
    )
