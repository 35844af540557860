"""The hours ledger: record, self-report, approve (in bulk), decline, reverse. Never delete.

Lock order, everywhere: volunteer rows (by id) first, then ledger rows. A volunteer's
running total (`Volunteer.approved_minutes`) changes only here, in the same transaction
as the decision that changes it.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Case, F, IntegerField, Sum, Value, When
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.core import audit
from gongzhi.volunteers import stars
from gongzhi.volunteers.models import (
    EntryKind,
    EntrySource,
    EntryStatus,
    HoursEntry,
    Shift,
    Team,
    Volunteer,
)


def _actor_user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def check_shift_cap(
    *, volunteer_id: int, shift: Shift, minutes: int, exclude_id: int | None = None
) -> None:
    """A shift's entries for one volunteer never exceed its length (pending or approved).

    Callers hold the volunteer's row lock, so two concurrent writers cannot both pass.
    """
    qs = HoursEntry.objects.filter(
        volunteer_id=volunteer_id,
        shift=shift,
        status__in=[EntryStatus.PENDING, EntryStatus.APPROVED],
    )
    if exclude_id:
        qs = qs.exclude(pk=exclude_id)
    used = qs.aggregate(s=Coalesce(Sum("minutes"), 0))["s"]
    if used + minutes > shift.length_minutes:
        raise ValidationError(
            {
                "minutes": _(
                    "该班次已记录 %(used)d 分钟，本条 %(new)d 分钟将超过班次时长 %(len)d 分钟"
                )
                % {"used": used, "new": minutes, "len": shift.length_minutes}
            }
        )


def _validate_minutes(minutes: int, travel_minutes: int) -> None:
    if minutes <= 0:
        raise ValidationError({"minutes": _("服务时长须大于 0")})
    if minutes > 24 * 60:
        raise ValidationError({"minutes": _("一条记录的服务时长不能超过 24 小时")})
    if travel_minutes < 0:
        raise ValidationError({"travel_minutes": _("往返路程时间不能为负数")})


def _lock(volunteer_ids: Iterable[int]) -> None:
    ids = sorted(set(volunteer_ids))
    list(Volunteer.objects.select_for_update().filter(pk__in=ids).order_by("pk").values_list("pk"))


@transaction.atomic
def hours_record(
    *,
    actor: Any,
    volunteer: Volunteer,
    team: Team,
    minutes: int,
    service_date: dt.date,
    content: str,
    shift: Shift | None = None,
    travel_minutes: int = 0,
    source: str = EntrySource.ORGANISER,
) -> HoursEntry:
    """An organiser records service time (pending until approved)."""
    _validate_minutes(minutes, travel_minutes)
    if not content.strip():
        raise ValidationError({"content": _("请填写服务内容")})
    if service_date > timezone.localdate():
        raise ValidationError({"service_date": _("服务日期不能晚于今天")})
    _lock([volunteer.pk])
    activity = None
    area_code = team.area_code
    owner_org_id = team.owner_org_id
    category = ""
    if shift is not None:
        activity = shift.activity
        if activity.team_id != team.pk:
            raise ValidationError({"shift": _("班次不属于该队伍的活动")})
        check_shift_cap(volunteer_id=volunteer.pk, shift=shift, minutes=minutes)
        area_code, owner_org_id, category = shift.area_code, shift.owner_org_id, activity.category
    entry = HoursEntry.objects.create(
        volunteer=volunteer,
        team=team,
        activity=activity,
        shift=shift,
        source=source,
        minutes=minutes,
        travel_minutes=travel_minutes,
        service_date=service_date,
        category=category,
        content=content.strip()[:200],
        area_code=area_code,
        owner_org_id=owner_org_id,
        recorded_at=timezone.now(),
        recorded_by=_actor_user(actor),
    )
    audit.record(
        actor=actor,
        action="volunteers.hours_record",
        obj=entry,
        after={"minutes": minutes, "source": source, "volunteer": volunteer.number},
    )
    return entry


def hours_self_report(
    *,
    actor: Any,
    volunteer: Volunteer,
    team: Team,
    minutes: int,
    service_date: dt.date,
    content: str,
    travel_minutes: int = 0,
    shift: Shift | None = None,
) -> HoursEntry:
    """A volunteer reports their own service; the team that recorded it decides."""
    return hours_record(
        actor=actor,
        volunteer=volunteer,
        team=team,
        minutes=minutes,
        service_date=service_date,
        content=content,
        shift=shift,
        travel_minutes=travel_minutes,
        source=EntrySource.SELF_REPORT,
    )


@dataclass
class ApprovalResult:
    approved: list[int] = field(default_factory=list)
    skipped: list[tuple[int, str]] = field(default_factory=list)


def add_to_totals(deltas: dict[int, int], last_dates: dict[int, dt.date]) -> None:
    """Add minutes to volunteers' running totals in one UPDATE (caller holds their locks),
    and bring their star steps in line with the ledger just changed (stars.refresh)."""
    if not deltas:
        return
    ids = list(deltas)
    minutes_case = Case(
        *[When(pk=pk, then=Value(d)) for pk, d in deltas.items()],
        default=Value(0),
        output_field=IntegerField(),
    )
    updates: dict[str, Any] = {"approved_minutes": F("approved_minutes") + minutes_case}
    if last_dates:
        date_case = Case(*[When(pk=pk, then=Value(d)) for pk, d in last_dates.items()])
        updates["last_service_on"] = Greatest(
            Coalesce(F("last_service_on"), date_case), Coalesce(date_case, F("last_service_on"))
        )
    Volunteer.objects.filter(pk__in=ids).update(**updates)
    stars.refresh(ids)


@transaction.atomic
def hours_approve(*, actor: Any, entry_ids: Iterable[int], note: str = "") -> ApprovalResult:
    """Approve pending entries in bulk. An entry that would take a volunteer's approved time
    for a shift beyond the shift's length is skipped with the reason; the rest are approved."""
    ids = sorted(set(int(i) for i in entry_ids))
    result = ApprovalResult()
    if not ids:
        return result
    volunteer_ids = HoursEntry.objects.filter(pk__in=ids).values_list("volunteer_id", flat=True)
    _lock(volunteer_ids)
    rows = list(
        HoursEntry.objects.select_for_update()
        .filter(pk__in=ids, status=EntryStatus.PENDING)
        .order_by("volunteer_id", "id")
    )
    shift_ids = {r.shift_id for r in rows if r.shift_id}
    lengths = {s.pk: s.length_minutes for s in Shift.objects.filter(pk__in=shift_ids)}
    used: dict[tuple[int, int], int] = defaultdict(int)
    for row in (
        HoursEntry.objects.filter(
            status=EntryStatus.APPROVED,
            shift_id__in=shift_ids,
            volunteer_id__in={r.volunteer_id for r in rows},
        )
        .values("volunteer_id", "shift_id")
        .annotate(s=Sum("minutes"))
    ):
        used[(row["volunteer_id"], row["shift_id"])] = row["s"]
    deltas: dict[int, int] = defaultdict(int)
    last: dict[int, dt.date] = {}
    for r in rows:
        if r.shift_id:
            key = (r.volunteer_id, r.shift_id)
            if used[key] + r.minutes > lengths[r.shift_id]:
                result.skipped.append((r.pk, _("超过班次时长，未认定")))
                continue
            used[key] += r.minutes
        result.approved.append(r.pk)
        deltas[r.volunteer_id] += r.minutes
        if r.volunteer_id not in last or last[r.volunteer_id] < r.service_date:
            last[r.volunteer_id] = r.service_date
    for pk in set(ids) - {r.pk for r in rows}:
        result.skipped.append((pk, _("不是待审核记录")))
    if result.approved:
        HoursEntry.objects.filter(pk__in=result.approved).update(
            status=EntryStatus.APPROVED,
            decided_at=timezone.now(),
            decided_by=_actor_user(actor),
            decision_note=note[:200],
        )
        add_to_totals(dict(deltas), last)
    audit.record(
        actor=actor,
        action="volunteers.hours_approve",
        object_type="volunteers.hoursentry",
        object_id=str(ids[0]),
        after={"approved": result.approved, "skipped": [pk for pk, _r in result.skipped]},
    )
    return result


@transaction.atomic
def hours_decline(*, actor: Any, entry_ids: Iterable[int], note: str) -> int:
    if not note.strip():
        raise ValidationError({"note": _("请填写不予认定的理由")})
    ids = sorted(set(int(i) for i in entry_ids))
    changed = HoursEntry.objects.filter(pk__in=ids, status=EntryStatus.PENDING).update(
        status=EntryStatus.DECLINED,
        decided_at=timezone.now(),
        decided_by=_actor_user(actor),
        decision_note=note[:200],
    )
    audit.record(
        actor=actor,
        action="volunteers.hours_decline",
        object_type="volunteers.hoursentry",
        object_id=str(ids[0]) if ids else "",
        after={"ids": ids, "note": note},
    )
    return changed


@transaction.atomic
def hours_reverse(*, actor: Any, entry: HoursEntry, reason: str) -> HoursEntry:
    """Correct an approved entry by a reversing entry: the original stays, with its history."""
    if not reason.strip():
        raise ValidationError({"reason": _("冲正须填写原因")})
    _lock([entry.volunteer_id])
    original = HoursEntry.objects.select_for_update().get(pk=entry.pk)
    if original.kind != EntryKind.ENTRY or original.status != EntryStatus.APPROVED:
        raise ValidationError({"entry": _("只能冲正已认定的记录")})
    if HoursEntry.objects.filter(reverses=original).exists():
        raise ValidationError({"entry": _("该记录已被冲正")})
    now = timezone.now()
    reversal = HoursEntry.objects.create(
        volunteer_id=original.volunteer_id,
        team_id=original.team_id,
        activity_id=original.activity_id,
        shift_id=original.shift_id,
        kind=EntryKind.REVERSAL,
        source=original.source,
        status=EntryStatus.APPROVED,
        minutes=-original.minutes,
        service_date=original.service_date,
        category=original.category,
        content=original.content,
        area_code=original.area_code,
        owner_org_id=original.owner_org_id,
        reverses=original,
        reason=reason.strip()[:200],
        recorded_at=now,
        recorded_by=_actor_user(actor),
        decided_at=now,
        decided_by=_actor_user(actor),
    )
    add_to_totals({original.volunteer_id: -original.minutes}, {})
    audit.record(
        actor=actor,
        action="volunteers.hours_reverse",
        obj=reversal,
        after={"reverses": original.pk, "minutes": reversal.minutes, "reason": reason},
    )
    return reversal


__all__ = [
    "ApprovalResult",
    "add_to_totals",
    "check_shift_cap",
    "hours_approve",
    "hours_decline",
    "hours_record",
    "hours_reverse",
    "hours_self_report",
]
