"""/api/v1/volunteers/: self-service for the mobile client (sign-up, check-in) and organisers.

Auth is the core API's (session or `Authorization: Bearer gz_...`). Records out of the
caller's scope are 404; domain errors are 422 naming the field (gongzhi/api.py).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from pydantic import Field

from gongzhi.accounts.apiauth import BearerKey, ScanTokenAuth, SessionUser, bearer_user
from gongzhi.core.paging import Page, limit_field
from gongzhi.volunteers import selectors, services
from gongzhi.volunteers.models import Enrollment, EntryStatus, Volunteer
from gongzhi.volunteers.views.common import volunteer_from_code

router = Router(tags=["volunteers"])


def _mount_records() -> None:
    from gongzhi.volunteers.api_records import router as records_router

    router.add_router("", records_router)


def me_consented(request: HttpRequest) -> Volunteer:
    """The caller's volunteer profile; 422 on `consent` while the privacy notice they agreed
    to is not the current one (PIPL art. 14; POST /me/consent agrees again)."""
    v = selectors.volunteer_of(request.user)
    if v is None:
        raise Http404
    selectors.require_consent(v)
    return v


_me = me_consented


def _need(request: HttpRequest, perm: str, obj: Any = None) -> None:
    if not request.user.has_perm(perm, obj):
        raise PermissionDenied


# Each list's default page is its former fixed size, so a client that sends no paging gets
# the same first page as before (the shifts and enrollments lists keep Page's 100).
class Page50(Page):
    limit: int = limit_field(50)


class Page200(Page):
    limit: int = limit_field(200)


class Page500(Page):
    limit: int = limit_field(500)


class VolunteerOut(Schema):
    id: int
    number: str
    name: str
    phone_masked: str
    id_number_masked: str
    area_code: str
    registered_on: dt.date
    status: str
    approved_hours: float
    stars: int


class ShiftOut(Schema):
    id: int
    activity_id: int
    title: str
    category: str
    team: str
    area_code: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    capacity: int
    enrolled: int = 0
    waiting: int = 0

    @staticmethod
    def resolve_title(obj: Any) -> str:
        return obj.activity.title

    @staticmethod
    def resolve_category(obj: Any) -> str:
        return obj.activity.category

    @staticmethod
    def resolve_team(obj: Any) -> str:
        return obj.activity.team.name


class EnrollmentOut(Schema):
    id: int
    shift_id: int
    status: str
    checked_in_at: dt.datetime | None
    checked_out_at: dt.datetime | None


class CheckinIn(Schema):
    token: str
    action: Literal["in", "out"] = "in"


class CheckinOut(Schema):
    enrollment: EnrollmentOut
    minutes: int | None = None


class OrganiserCheckinIn(Schema):
    volunteer_number: str | None = None
    code: str | None = None
    action: Literal["in", "out"] = "in"


class TeamOut(Schema):
    id: int
    code: str
    name: str
    kind: str
    owner_kind: str
    area_code: str


class ActivityOut(Schema):
    id: int
    title: str
    category: str
    team_id: int
    area_code: str
    status: str


class HoursOut(Schema):
    id: int
    volunteer_id: int
    team_id: int
    shift_id: int | None
    kind: str
    source: str
    status: str
    minutes: int
    service_date: dt.date
    content: str


# Database ids are 64-bit: a larger number is a 422 naming the field, not a database error.
EntryId = Annotated[int, Field(ge=1, le=2**63 - 1)]


class ApproveIn(Schema):
    ids: list[EntryId]


class ApproveOut(Schema):
    approved: list[int]
    skipped: list[int]


class VerifyOut(Schema):
    number: str
    status: str
    hours: float
    period_from: dt.date
    period_to: dt.date
    issuer_name: str
    issued_on: dt.date | None


# --- the volunteer's own --------------------------------------------------------------------


@router.get("/me", response=VolunteerOut)
def me(request: HttpRequest) -> Any:
    return _me(request)


@router.get("/me/enrollments", response=list[EnrollmentOut])
def my_enrollments(request: HttpRequest, page: Query[Page]) -> Any:
    return list(page.of(selectors.enrollments_of(_me(request))))


@router.get("/shifts", response=list[ShiftOut])
def open_shifts(
    request: HttpRequest,
    page: Query[Page],
    category: str | None = None,
    near: str | None = None,
) -> Any:
    qs = selectors.open_shifts_for(volunteer=selectors.volunteer_of(request.user), near=near)
    if category:
        qs = qs.filter(activity__category=category)
    return list(page.of(qs))


@router.get("/shifts/{shift_id}", response=ShiftOut)
def open_shift(request: HttpRequest, shift_id: int) -> Any:
    return selectors.open_shift_get(shift_id)


@router.post("/shifts/{shift_id}/signup", response={201: EnrollmentOut})
def signup(request: HttpRequest, shift_id: int) -> Any:
    shift = selectors.open_shift_get(shift_id)
    return Status(
        201, services.enrollment_signup(actor=request.user, volunteer=_me(request), shift=shift)
    )


@router.post("/enrollments/{enrollment_id}/cancel", response=EnrollmentOut)
def cancel(request: HttpRequest, enrollment_id: int) -> Any:
    e = Enrollment.objects.filter(pk=enrollment_id, volunteer=_me(request)).first()
    if e is None:
        raise Http404
    services.enrollment_cancel(actor=request.user, enrollment=e)
    e.refresh_from_db()
    return e


@router.post("/checkin", response=CheckinOut, auth=[SessionUser(), ScanTokenAuth()])
def checkin(request: HttpRequest, payload: CheckinIn) -> Any:
    """The volunteer scanned the shift's QR code: check in (or out) by its token."""
    # A phone's first scan is one statement on PostgreSQL, its token's look-up included
    # (issue 7: a 2,000-person event; ScanTokenAuth). Anything else goes on as before, with
    # the caller looked up: one statement finds their enrollment by the code for a check-in
    # in the checking-in transaction; only when there is none is the reason looked up: no
    # volunteer profile (404), an outdated consent (422 `consent`), an unknown code (404) or
    # no enrollment (422 `token`).
    key = getattr(request, "auth", None)
    if payload.action == "in" and isinstance(key, BearerKey):
        e = services.enrollment_checkin_by_scan(
            key=key, token=payload.token, method=Enrollment.Method.API
        )
        if e is not None:
            return CheckinOut(enrollment=EnrollmentOut.from_orm(e), minutes=None)
    user = bearer_user(request)
    if payload.action == "in":
        e = services.enrollment_checkin_by_token(
            actor=user, token=payload.token, method=Enrollment.Method.API
        )
        if e is not None:
            return CheckinOut(enrollment=EnrollmentOut.from_orm(e), minutes=None)
    else:
        e = selectors.checkin_enrollment(user=user, token=payload.token)
    if e is None:
        _me(request)
        selectors.shift_by_token(payload.token)
        raise ValidationError({"token": _("您没有报名此班次")})
    selectors.require_consent(e.volunteer)
    return _attend(request, e, payload.action, Enrollment.Method.API)


def _attend(request: HttpRequest, e: Enrollment, action: str, method: str) -> CheckinOut:
    minutes = None
    if action == "out":
        entry = services.enrollment_checkout(actor=request.user, enrollment=e)
        minutes = entry.minutes if entry else 0
        e.refresh_from_db(fields=["status", "checked_in_at", "checked_out_at"])
    else:
        e = services.enrollment_checkin(actor=request.user, enrollment=e, method=method)
    return CheckinOut(enrollment=EnrollmentOut.from_orm(e), minutes=minutes)


# --- organisers ------------------------------------------------------------------------------


@router.post("/shifts/{shift_id}/attendance", response=CheckinOut)
def organiser_checkin(request: HttpRequest, shift_id: int, payload: OrganiserCheckinIn) -> Any:
    """An organiser checks a volunteer in/out: by their scanned personal code or number."""
    shift = selectors.shift_get(user=request.user, pk=shift_id)
    _need(request, "volunteers.organise", shift)
    number = payload.volunteer_number
    if payload.code:
        number = volunteer_from_code(payload.code)
        if number is None:
            raise ValidationError({"code": _("不是有效的志愿者二维码")})
    if not number:
        raise ValidationError({"volunteer_number": _("请提供志愿者编号或二维码")})
    e = (
        Enrollment.objects.filter(shift=shift, volunteer__number=number)
        .select_related("shift")
        .first()
    )
    if e is None:
        raise ValidationError({"volunteer_number": _("该志愿者没有报名此班次")})
    method = Enrollment.Method.VOLUNTEER_QR if payload.code else Enrollment.Method.LIST
    return _attend(request, e, payload.action, method)


@router.get("/people", response=list[VolunteerOut])
def people(request: HttpRequest, page: Query[Page50], q: str = "") -> Any:
    """Volunteers in the caller's scope by number; with `q`, the best `limit` matches."""
    if q:
        # A search is a look-up (each branch an index range with a LIMIT, 1.1M rows): its
        # matches have no total order to page through, so it answers the first page only.
        if page.offset:
            raise ValidationError({"offset": _("搜索结果不分页，请缩小搜索条件")})
        return selectors.volunteer_search(user=request.user, query=q, limit=page.limit)
    return list(page.of(selectors.volunteer_list(user=request.user)))


@router.get("/people/{volunteer_id}", response=VolunteerOut)
def person(request: HttpRequest, volunteer_id: int) -> Any:
    return selectors.volunteer_get(user=request.user, pk=volunteer_id)


@router.get("/teams", response=list[TeamOut])
def teams(request: HttpRequest, page: Query[Page200]) -> Any:
    return list(page.of(selectors.team_list(user=request.user)))


@router.get("/teams/{team_id}", response=TeamOut)
def team(request: HttpRequest, team_id: int) -> Any:
    return selectors.team_get(user=request.user, pk=team_id)


@router.get("/activities", response=list[ActivityOut])
def activities(request: HttpRequest, page: Query[Page200]) -> Any:
    return list(page.of(selectors.activity_list(user=request.user)))


@router.get("/activities/{activity_id}", response=ActivityOut)
def activity(request: HttpRequest, activity_id: int) -> Any:
    return selectors.activity_get(user=request.user, pk=activity_id)


@router.get("/hours", response=list[HoursOut])
def hours(request: HttpRequest, page: Query[Page500], status: str | None = None) -> Any:
    return list(page.of(selectors.hours_list(user=request.user, status=status)))


@router.post("/hours/approve", response=ApproveOut)
def approve(request: HttpRequest, payload: ApproveIn) -> Any:
    allowed = [
        e.pk
        for e in selectors.hours_list(user=request.user, status=EntryStatus.PENDING).filter(
            pk__in=payload.ids
        )
        if request.user.has_perm("volunteers.approve_hours", e)
    ]
    result = services.hours_approve(actor=request.user, entry_ids=allowed)
    skipped = [pk for pk, _r in result.skipped] + sorted(set(payload.ids) - set(allowed))
    return ApproveOut(approved=result.approved, skipped=skipped)


@router.get("/hours/{entry_id}", response=HoursOut)
def hours_entry(request: HttpRequest, entry_id: int) -> Any:
    return selectors.hours_get(user=request.user, pk=entry_id)


@router.get("/verify/{number}", response=VerifyOut, auth=None)
def verify(request: HttpRequest, number: str) -> Any:
    """Public: confirms a certificate's number, hours and issuer; no personal data."""
    cert = selectors.certificate_for_verification(number)
    if cert is None:
        raise Http404
    return VerifyOut(
        number=cert.number,
        status=cert.status,
        hours=cert.hours,
        period_from=cert.period_from,
        period_to=cert.period_to,
        issuer_name=cert.issuer_name,
        issued_on=cert.issued_on,
    )


_mount_records()
