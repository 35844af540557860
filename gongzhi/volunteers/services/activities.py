"""Activities and shifts; sign-up with waiting list; check-in and check-out."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.core import audit
from gongzhi.volunteers import rules_config
from gongzhi.volunteers.models import (
    Activity,
    Enrollment,
    EnrollmentStatus,
    EntrySource,
    HoursEntry,
    Shift,
    Team,
    Volunteer,
    VolunteerStatus,
)

ACTIVE = (EnrollmentStatus.ENROLLED, EnrollmentStatus.WAITLISTED)


@transaction.atomic
def activity_create(
    *,
    actor: Any,
    team: Team,
    title: str,
    category: str,
    area: Any,
    description: str = "",
    address: str = "",
    required_qualifications: list[str] | None = None,
    publish: bool = True,
    synthetic: bool = False,
) -> Activity:
    if not title.strip():
        raise ValidationError({"title": _("请填写活动名称")})
    if category not in dict(rules_config.category_choices()):
        raise ValidationError({"category": _("不是可选的服务类别")})
    quals = list(required_qualifications or [])
    known = dict(rules_config.qualification_choices())
    for q in quals:
        if q not in known:
            raise ValidationError({"required_qualifications": _("不是可选的资质类型")})
    activity = Activity(
        team=team,
        title=title.strip(),
        category=category,
        area=area,
        description=description,
        address=address,
        required_qualifications=quals,
        status=Activity.Status.PUBLISHED if publish else Activity.Status.DRAFT,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
        synthetic=synthetic,
    )
    activity.save()
    audit.record(
        actor=actor, action="volunteers.activity_create", obj=activity, after={"title": title}
    )
    return activity


@transaction.atomic
def activity_publish(*, actor: Any, activity: Activity) -> Activity:
    activity.status = Activity.Status.PUBLISHED
    activity.save(update_fields=["status"])
    audit.record(actor=actor, action="volunteers.activity_publish", obj=activity)
    return activity


@transaction.atomic
def shift_create(
    *, actor: Any, activity: Activity, starts_at: dt.datetime, ends_at: dt.datetime, capacity: int
) -> Shift:
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": _("结束时间须晚于开始时间")})
    if capacity < 1:
        raise ValidationError({"capacity": _("招募人数至少为 1")})
    shift = Shift(activity=activity, starts_at=starts_at, ends_at=ends_at, capacity=capacity)
    shift.save()
    audit.record(
        actor=actor,
        action="volunteers.shift_create",
        obj=shift,
        after={"starts_at": starts_at, "ends_at": ends_at, "capacity": capacity},
    )
    return shift


def signup_blocker(volunteer: Volunteer, shift: Shift) -> str | None:
    """Why this volunteer may not sign up for this shift, or None. Shown on the page."""
    activity = shift.activity
    if activity.status != Activity.Status.PUBLISHED:
        return _("活动未发布或已取消")
    if volunteer.status != VolunteerStatus.ACTIVE:
        return _("志愿者状态不是“正常”，不能报名")
    if shift.ends_at <= timezone.now():
        return _("班次已结束")
    needed = activity.required_qualifications or []
    if needed:
        day = timezone.localtime(shift.starts_at).date()
        held = {q.kind: q for q in volunteer.qualifications.all() if q.kind in needed}
        missing = []
        for kind in needed:
            q = held.get(kind)
            if q is None:
                missing.append(_("缺少%(q)s") % {"q": rules_config.qualification_label(kind)})
            elif not q.valid_on(day):
                missing.append(
                    _("%(q)s已于 %(d)s 过期")
                    % {"q": rules_config.qualification_label(kind), "d": q.expires_on}
                )
        if missing:
            return _("本活动需要相应资质：") + "；".join(missing)
    return None


def _lock_volunteer(volunteer: Volunteer) -> None:
    # Every write that changes a volunteer's hours or attendance takes this row lock first,
    # in the same order, so concurrent requests for one volunteer run one after the other.
    Volunteer.objects.select_for_update().filter(pk=volunteer.pk).values_list("pk").first()


@transaction.atomic
def enrollment_signup(*, actor: Any, volunteer: Volunteer, shift: Shift) -> Enrollment:
    """Enrol, or join the waiting list when the shift is full."""
    _lock_volunteer(volunteer)
    shift = Shift.objects.select_for_update().select_related("activity").get(pk=shift.pk)
    reason = signup_blocker(volunteer, shift)
    if reason:
        raise ValidationError({"shift": reason})
    existing = Enrollment.objects.filter(shift=shift, volunteer=volunteer).first()
    if existing is not None and existing.status in ACTIVE:
        raise ValidationError({"shift": _("您已报名此班次")})
    clash = (
        Enrollment.objects.filter(
            volunteer=volunteer,
            status=EnrollmentStatus.ENROLLED,
            shift__starts_at__lt=shift.ends_at,
            shift__ends_at__gt=shift.starts_at,
        )
        .exclude(shift=shift)
        .exists()
    )
    if clash:
        raise ValidationError({"shift": _("与您已报名的其他班次时间冲突")})
    enrolled = Enrollment.objects.filter(shift=shift, status=EnrollmentStatus.ENROLLED).count()
    status = EnrollmentStatus.ENROLLED if enrolled < shift.capacity else EnrollmentStatus.WAITLISTED
    now = timezone.now()
    if existing is None:
        enrollment = Enrollment(shift=shift, volunteer=volunteer, status=status, queued_at=now)
        enrollment.save()
    else:
        enrollment = existing
        enrollment.status, enrollment.queued_at, enrollment.cancelled_at = status, now, None
        enrollment.save(update_fields=["status", "queued_at", "cancelled_at"])
    audit.record(
        actor=actor, action="volunteers.enrollment_signup", obj=enrollment, after={"status": status}
    )
    return enrollment


@transaction.atomic
def enrollment_cancel(*, actor: Any, enrollment: Enrollment) -> Enrollment | None:
    """Cancel; when an enrolled place frees up, the first on the waiting list is promoted.

    Returns the promoted enrollment, if any.
    """
    shift = Shift.objects.select_for_update().get(pk=enrollment.shift_id)
    enrollment = Enrollment.objects.select_for_update().get(pk=enrollment.pk)
    if enrollment.status not in ACTIVE:
        raise ValidationError({"enrollment": _("该报名已取消")})
    if enrollment.checked_in_at:
        raise ValidationError({"enrollment": _("已签到，不能取消报名")})
    was_enrolled = enrollment.status == EnrollmentStatus.ENROLLED
    enrollment.status = EnrollmentStatus.CANCELLED
    enrollment.cancelled_at = timezone.now()
    enrollment.save(update_fields=["status", "cancelled_at"])
    audit.record(actor=actor, action="volunteers.enrollment_cancel", obj=enrollment)
    promoted = None
    if was_enrolled:
        enrolled = Enrollment.objects.filter(shift=shift, status=EnrollmentStatus.ENROLLED).count()
        if enrolled < shift.capacity:
            promoted = (
                Enrollment.objects.select_for_update()
                .filter(shift=shift, status=EnrollmentStatus.WAITLISTED)
                .order_by("queued_at", "id")
                .first()
            )
            if promoted is not None:
                promoted.status = EnrollmentStatus.ENROLLED
                promoted.save(update_fields=["status"])
                audit.record(
                    actor=actor,
                    action="volunteers.enrollment_promote",
                    obj=promoted,
                    after={"from": "waitlisted"},
                )
    return promoted


def _locked_enrollment(enrollment: Enrollment) -> Enrollment:
    _lock_volunteer(enrollment.volunteer)
    return (
        Enrollment.objects.select_for_update()
        .select_related("shift__activity__team", "volunteer")
        .get(pk=enrollment.pk)
    )


@transaction.atomic
def enrollment_checkin(
    *, actor: Any, enrollment: Enrollment, method: str, at: dt.datetime | None = None
) -> Enrollment:
    """Check in; repeating it changes nothing (a double scan must not count twice)."""
    now = at or timezone.now()
    e = _locked_enrollment(enrollment)
    if e.status != EnrollmentStatus.ENROLLED:
        raise ValidationError({"enrollment": _("未报名成功（候补或已取消），不能签到")})
    if e.checked_in_at:
        return e
    shift = e.shift
    early = dt.timedelta(minutes=rules_config.current().checkin_early_minutes)
    if now < shift.starts_at - early:
        raise ValidationError({"enrollment": _("签到尚未开始")})
    if now > shift.ends_at:
        raise ValidationError({"enrollment": _("班次已结束，不能签到")})
    busy = (
        Enrollment.objects.filter(
            volunteer_id=e.volunteer_id, checked_in_at__isnull=False, checked_out_at__isnull=True
        )
        .filter(shift__starts_at__lt=shift.ends_at, shift__ends_at__gt=shift.starts_at)
        .exclude(pk=e.pk)
        .exists()
    )
    if busy:
        raise ValidationError({"enrollment": _("您在同一时段的其他班次已签到，请先签退")})
    e.checked_in_at = now
    e.checkin_method = method
    e.save(update_fields=["checked_in_at", "checkin_method"])
    audit.record(actor=actor, action="volunteers.checkin", obj=e, after={"method": method})
    return e


def attended_minutes(shift: Shift, checked_in: dt.datetime, checked_out: dt.datetime) -> int:
    """Service time is the part of the attendance inside the shift: arriving early or staying
    late is travel or waiting, not service (DOMAIN.md: travel time is not service time)."""
    start = max(checked_in, shift.starts_at)
    end = min(checked_out, shift.ends_at)
    return max(0, int((end - start).total_seconds() // 60))


@transaction.atomic
def enrollment_checkout(
    *, actor: Any, enrollment: Enrollment, at: dt.datetime | None = None
) -> HoursEntry | None:
    """Check out and write the pending attendance entry; a repeat returns the same entry."""
    from gongzhi.volunteers.services.hours import check_shift_cap

    now = at or timezone.now()
    e = _locked_enrollment(enrollment)
    if not e.checked_in_at:
        raise ValidationError({"enrollment": _("尚未签到，不能签退")})
    if e.checked_out_at:
        return HoursEntry.objects.filter(enrollment=e, source=EntrySource.ATTENDANCE).first()
    e.checked_out_at = max(now, e.checked_in_at)
    e.save(update_fields=["checked_out_at"])
    minutes = attended_minutes(e.shift, e.checked_in_at, e.checked_out_at)
    entry = None
    if minutes > 0:
        check_shift_cap(volunteer_id=e.volunteer_id, shift=e.shift, minutes=minutes)
        activity = e.shift.activity
        entry = HoursEntry.objects.create(
            volunteer_id=e.volunteer_id,
            team_id=activity.team_id,
            activity=activity,
            shift=e.shift,
            enrollment=e,
            source=EntrySource.ATTENDANCE,
            minutes=minutes,
            service_date=timezone.localtime(e.shift.starts_at).date(),
            category=activity.category,
            content=activity.title[:200],
            area_code=e.shift.area_code,
            owner_org_id=e.shift.owner_org_id,
            recorded_at=timezone.now(),
            recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
    audit.record(actor=actor, action="volunteers.checkout", obj=e, after={"minutes": minutes})
    return entry
