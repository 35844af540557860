"""Writes for training (with attendance), awards, evaluations and complaints (MZ/T 061).

An organiser records these only for volunteers of their team: a member (now or before),
someone enrolled in one of its activities, or someone whose service it recorded.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.core import audit
from gongzhi.volunteers.keys import allocate
from gongzhi.volunteers.models import (
    Activity,
    Award,
    Complaint,
    ComplaintStatus,
    Enrollment,
    EnrollmentStatus,
    Evaluation,
    HoursEntry,
    Team,
    TeamMember,
    Training,
    TrainingRecord,
    Volunteer,
    VolunteerStatus,
)


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def is_volunteer_of_team(volunteer: Volunteer, team: Team) -> bool:
    """Whether `team` may write records about `volunteer` (谁记录谁证明: its own volunteers)."""
    return (
        TeamMember.objects.filter(team=team, volunteer=volunteer).exists()
        or Enrollment.objects.filter(volunteer=volunteer, shift__activity__team=team)
        .exclude(status=EnrollmentStatus.CANCELLED)
        .exists()
        or HoursEntry.objects.filter(team=team, volunteer=volunteer).exists()
    )


def _check_of_team(volunteer: Volunteer, team: Team, field: str = "volunteer") -> None:
    if volunteer.status == VolunteerStatus.DELETED:
        raise ValidationError({field: _("该志愿者的个人信息已删除")})
    if not is_volunteer_of_team(volunteer, team):
        raise ValidationError(
            {field: _("%(n)s 不是本队伍的队员或活动参与者") % {"n": volunteer.number}}
        )


def _not_future(day: dt.date, field: str) -> None:
    if day > timezone.localdate():
        raise ValidationError({field: _("日期不能晚于今天")})


def _hours(value: Any) -> Decimal:
    try:
        hours = Decimal(str(value or 0))
    except InvalidOperation:
        raise ValidationError({"hours": _("培训学时应为数字")}) from None
    if hours < 0 or hours > 1000:
        raise ValidationError({"hours": _("培训学时应在 0 到 1000 之间")})
    return hours.quantize(Decimal("0.1"))


# --- training --------------------------------------------------------------------------------


@transaction.atomic
def training_record(
    *,
    actor: Any,
    team: Team,
    title: str,
    held_on: dt.date,
    hours: Any = 0,
    provider: str = "",
    content: str = "",
    attended: Iterable[Volunteer] = (),
    absent: Iterable[Volunteer] = (),
) -> Training:
    """Record a training session and its attendance list (attended and absent volunteers)."""
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": _("请填写培训名称")})
    _not_future(held_on, "held_on")
    hours_d = _hours(hours)
    present, missing = list(attended), list(absent)
    both = {v.pk for v in present} & {v.pk for v in missing}
    if both:
        raise ValidationError({"absent": _("同一志愿者不能既出勤又缺勤")})
    training = Training.objects.create(
        team=team,
        title=title[:120],
        provider=(provider or team.name)[:120],
        held_on=held_on,
        hours=hours_d,
        content=content,
        area_code=team.area_code,
        owner_org_id=team.owner_org_id,
        created_by=_user(actor),
    )
    for v in present:
        _attendance(training, v, True)
    for v in missing:
        _attendance(training, v, False)
    audit.record(
        actor=actor,
        action="volunteers.training_record",
        obj=training,
        after={"title": title, "attended": len(present), "absent": len(missing)},
    )
    return training


def _attendance(training: Training, volunteer: Volunteer, attended: bool) -> TrainingRecord:
    _check_of_team(volunteer, training.team, field="attended" if attended else "absent")
    record, _created = TrainingRecord.objects.update_or_create(
        training=training,
        volunteer=volunteer,
        defaults={
            "title": training.title,
            "provider": training.provider,
            "held_on": training.held_on,
            "hours": training.hours,
            "attended": attended,
            "area_code": training.area_code,
            "owner_org_id": training.owner_org_id,
        },
    )
    return record


@transaction.atomic
def training_attendance_set(
    *, actor: Any, training: Training, volunteer: Volunteer, attended: bool
) -> TrainingRecord:
    """Add a volunteer to a training's list or change their attendance."""
    record = _attendance(training, volunteer, attended)
    audit.record(
        actor=actor,
        action="volunteers.training_attendance",
        obj=record,
        after={"volunteer": volunteer.number, "attended": attended},
    )
    return record


@transaction.atomic
def training_add(
    *,
    actor: Any,
    volunteer: Volunteer,
    title: str,
    held_on: dt.date,
    provider: str = "",
    hours: Any = 0,
) -> TrainingRecord:
    """A training the volunteer attended elsewhere, written on their record by a registrar."""
    if not (title or "").strip():
        raise ValidationError({"title": _("请填写培训名称")})
    t = TrainingRecord.objects.create(
        volunteer=volunteer,
        title=title.strip(),
        held_on=held_on,
        provider=provider,
        hours=_hours(hours),
        area_code=volunteer.area_code,
    )
    audit.record(actor=actor, action="volunteers.training_add", obj=t, after={"title": title})
    return t


# --- awards and evaluations ------------------------------------------------------------------


@transaction.atomic
def award_add(
    *,
    actor: Any,
    volunteer: Volunteer,
    title: str,
    awarded_by: str,
    awarded_on: dt.date,
    level: str = "",
    team: Team | None = None,
) -> Award:
    """Record a commendation; with `team`, only for that team's volunteers."""
    if not (title or "").strip():
        raise ValidationError({"title": _("请填写奖励名称")})
    if not (awarded_by or "").strip():
        raise ValidationError({"awarded_by": _("请填写授予单位")})
    _not_future(awarded_on, "awarded_on")
    if team is not None:
        _check_of_team(volunteer, team)
    a = Award.objects.create(
        volunteer=volunteer,
        team=team,
        title=title.strip(),
        awarded_by=awarded_by.strip(),
        awarded_on=awarded_on,
        level=level,
        area_code=team.area_code if team else volunteer.area_code,
        owner_org_id=team.owner_org_id if team else None,
    )
    audit.record(
        actor=actor,
        action="volunteers.award_add",
        obj=a,
        after={"title": a.title, "volunteer": volunteer.number},
    )
    return a


@transaction.atomic
def evaluation_add(
    *,
    actor: Any,
    volunteer: Volunteer,
    team: Team,
    period: str,
    grade: str,
    comment: str = "",
    evaluated_on: dt.date | None = None,
    activity: Activity | None = None,
) -> Evaluation:
    if grade not in Evaluation.Grade.values:
        raise ValidationError({"grade": _("不是可选的等次")})
    if not (period or "").strip():
        raise ValidationError({"period": _("请填写评价期间")})
    if activity is not None and activity.team_id != team.pk:
        raise ValidationError({"activity": _("活动不属于该队伍")})
    _check_of_team(volunteer, team)
    e = Evaluation.objects.create(
        volunteer=volunteer,
        team=team,
        activity=activity,
        period=period.strip(),
        grade=grade,
        comment=comment,
        evaluated_on=evaluated_on or timezone.localdate(),
        area_code=team.area_code,
        owner_org_id=team.owner_org_id,
    )
    audit.record(
        actor=actor,
        action="volunteers.evaluation_add",
        obj=e,
        after={"grade": grade, "volunteer": volunteer.number},
    )
    return e


# --- complaints ------------------------------------------------------------------------------


@transaction.atomic
def complaint_file(
    *,
    actor: Any,
    team: Team | None = None,
    content: str,
    activity: Activity | None = None,
    volunteer: Volunteer | None = None,
    complainant: str = "",
    complainant_phone: str = "",
    received_on: dt.date | None = None,
) -> Complaint:
    """Lodge a complaint about an activity or its organiser (a volunteer or the public)."""
    from gongzhi.volunteers.services.registry import validate_phone

    if activity is not None:
        if team is not None and activity.team_id != team.pk:
            raise ValidationError({"activity": _("活动不属于该队伍")})
        team = activity.team
    if team is None:
        raise ValidationError({"team": _("请选择被投诉的活动或队伍")})
    content = (content or "").strip()
    if not content:
        raise ValidationError({"content": _("请填写投诉内容")})
    if len(content) > 2000:
        raise ValidationError({"content": _("投诉内容不能超过 2000 字")})
    user = _user(actor)
    phone = validate_phone(complainant_phone) if complainant_phone else ""
    if getattr(actor, "is_authenticated", None) is False and not (complainant.strip() and phone):
        # The public lodges without an account: the unit needs someone to answer.
        raise ValidationError({"complainant_phone": _("请留下姓名和联系电话，便于回复")})
    day = received_on or timezone.localdate()
    c = Complaint.objects.create(
        number=f"TS{day:%Y}{allocate(f'TS{day:%Y}', 1):07d}",
        tracking_token=secrets.token_urlsafe(16),
        team=team,
        activity=activity,
        volunteer=volunteer,
        area_code=team.area_code,
        owner_org_id=team.owner_org_id,
        complainant=complainant.strip()[:60],
        complainant_phone=phone,
        complainant_user=user,
        content=content,
        received_on=day,
    )
    audit.record(
        actor=actor,
        action="volunteers.complaint_file",
        obj=c,
        after={"number": c.number, "team": team.code},
    )
    return c


# Which state may follow which (MZ/T 061: complaints are handled to a resolution).
TRANSITIONS = {
    ComplaintStatus.SUBMITTED: {ComplaintStatus.ACCEPTED, ComplaintStatus.REJECTED},
    ComplaintStatus.ACCEPTED: {ComplaintStatus.RESOLVED},
    ComplaintStatus.RESOLVED: set(),
    ComplaintStatus.REJECTED: set(),
}


def _move(complaint: Complaint, to: str) -> Complaint:
    locked = Complaint.objects.select_for_update().get(pk=complaint.pk)
    if to not in TRANSITIONS[ComplaintStatus(locked.status)]:
        raise ValidationError(
            {
                "status": _("投诉当前为“%(s)s”，不能改为“%(t)s”")
                % {"s": locked.get_status_display(), "t": ComplaintStatus(to).label}
            }
        )
    return locked


@transaction.atomic
def complaint_accept(*, actor: Any, complaint: Complaint) -> Complaint:
    c = _move(complaint, ComplaintStatus.ACCEPTED)
    c.status = ComplaintStatus.ACCEPTED
    c.accepted_on = timezone.localdate()
    c.handled_by = _user(actor)
    c.save(update_fields=["status", "accepted_on", "handled_by"])
    audit.record(actor=actor, action="volunteers.complaint_accept", obj=c)
    return c


@transaction.atomic
def complaint_resolve(*, actor: Any, complaint: Complaint, resolution: str) -> Complaint:
    if not (resolution or "").strip():
        raise ValidationError({"resolution": _("请填写处理结果")})
    c = _move(complaint, ComplaintStatus.RESOLVED)
    c.status = ComplaintStatus.RESOLVED
    c.resolution = resolution.strip()
    c.resolved_on = timezone.localdate()
    c.handled_by = _user(actor) or c.handled_by
    c.save(update_fields=["status", "resolution", "resolved_on", "handled_by"])
    audit.record(actor=actor, action="volunteers.complaint_resolve", obj=c)
    return c


@transaction.atomic
def complaint_reject(*, actor: Any, complaint: Complaint, reason: str) -> Complaint:
    """Not accepted (e.g. outside the unit's remit); the complainant sees the reason."""
    if not (reason or "").strip():
        raise ValidationError({"resolution": _("请填写不予受理的理由")})
    c = _move(complaint, ComplaintStatus.REJECTED)
    c.status = ComplaintStatus.REJECTED
    c.resolution = reason.strip()
    c.resolved_on = timezone.localdate()
    c.handled_by = _user(actor)
    c.save(update_fields=["status", "resolution", "resolved_on", "handled_by"])
    audit.record(actor=actor, action="volunteers.complaint_reject", obj=c)
    return c
