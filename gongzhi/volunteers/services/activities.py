"""Activities and shifts; sign-up with waiting list (check-in and check-out: attendance.py)."""

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
    Shift,
    Team,
    Volunteer,
    VolunteerStatus,
)
from gongzhi.volunteers.services.attendance import lock_volunteer

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


@transaction.atomic
def enrollment_signup(*, actor: Any, volunteer: Volunteer, shift: Shift) -> Enrollment:
    """Enrol, or join the waiting list when the shift is full."""
    lock_volunteer(volunteer.pk)
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
