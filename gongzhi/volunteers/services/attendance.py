"""Attendance: check-in and check-out (by the shift's code, the volunteer's code or the list).

Check-in is the hot path of a large event (issue 7: 2,000 people scanning one code within
minutes), so it is written as a few statements: the volunteer's row lock, one conditional
UPDATE that only succeeds for an enrolled, not yet checked-in volunteer who is not checked in
elsewhere at the same time, and the audit event. Anything else (a repeat scan, a refusal) is
decided on the slow path, which reads the row again under the same lock and says why.

A phone's scan (`enrollment_checkin_by_token`) reads the enrollment and takes the lock in one
statement, in the transaction that checks in: BEGIN, read-and-lock, UPDATE, audit INSERT,
COMMIT, each statement prepared on PostgreSQL (`core.hotsql`); there the UPDATE writes its
own audit event and is sent with the read-and-lock in one pipeline (`_CLAIM_BY_CODE_SQL`). The lock must be a statement
of its own before the UPDATE: in READ COMMITTED the UPDATE's snapshot, taken after the lock
was granted, is what lets it see a concurrent check-in on an overlapping shift.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.core import audit, hotsql
from gongzhi.volunteers import rules_config
from gongzhi.volunteers.models import (
    Enrollment,
    EnrollmentStatus,
    EntryKind,
    EntrySource,
    HoursEntry,
    Shift,
    Volunteer,
)
from gongzhi.volunteers.selectors.attendance import (
    checkin_enrollment,
    checkin_enrollment_of,
    checkin_statement,
)
from gongzhi.volunteers.selectors.privacy import require_consent
from gongzhi.volunteers.sqlrows import db_datetime, table


def lock_volunteer(volunteer_id: int) -> None:
    """Every write that changes a volunteer's hours or attendance takes this row lock first,
    in the same order (volunteer, then their rows), so concurrent requests for one volunteer
    run one after the other (README § Ledger rules).

    SQLite has no row locks: there every transaction starts with BEGIN IMMEDIATE
    (settings.py), which already makes writers take turns, so the statement is skipped.
    """
    if connection.features.has_select_for_update:
        Volunteer.objects.select_for_update().filter(pk=volunteer_id).values_list("pk").first()


def _locked_enrollment(enrollment: Enrollment) -> Enrollment:
    lock_volunteer(enrollment.volunteer_id)
    return (
        Enrollment.objects.select_for_update()
        .select_related("shift__activity__team", "volunteer")
        .get(pk=enrollment.pk)
    )


def _window_refusal(shift: Shift, now: dt.datetime) -> str | None:
    """Why a check-in at `now` is outside the shift's window, or None."""
    early = dt.timedelta(minutes=rules_config.current().checkin_early_minutes)
    if now < shift.starts_at - early:
        return _("签到尚未开始")
    if now > shift.ends_at:
        return _("班次已结束，不能签到")
    return None


def _busy_elsewhere(volunteer_id: Any, shift: Shift, exclude: Any) -> Any:
    """Enrollments of the volunteer checked in (and not out) on a shift overlapping `shift`:
    one person cannot serve two overlapping shifts at once."""
    return (
        Enrollment.objects.filter(
            volunteer_id=volunteer_id, checked_in_at__isnull=False, checked_out_at__isnull=True
        )
        .filter(shift__starts_at__lt=shift.ends_at, shift__ends_at__gt=shift.starts_at)
        .exclude(pk=exclude)
    )


# Whether an enrollment may be claimed (`{enrollment}` the UPDATE's row): enrolled, not yet
# checked in, and not checked in (and not out) on a shift overlapping ({starts}, {ends}).
# Both claims below use it.
_CLAIMABLE = """{enrollment}.status = %s AND {enrollment}.checked_in_at IS NULL
AND NOT EXISTS (
    SELECT 1 FROM {enrollment} e2 JOIN {shift} s2 ON s2.id = e2.shift_id
    WHERE e2.volunteer_id = {enrollment}.volunteer_id AND e2.id <> {enrollment}.id
    AND e2.checked_in_at IS NOT NULL AND e2.checked_out_at IS NULL
    AND s2.starts_at < {ends} AND s2.ends_at > {starts}
)"""


def _claimable(starts: str, ends: str) -> str:
    return _CLAIMABLE.format(
        enrollment=table(Enrollment), shift=table(Shift), starts=starts, ends=ends
    )


# The whole decision in one statement, under the volunteer's lock. A concurrent or repeated
# scan finds checked_in_at set and changes nothing. Hand-written: the ORM's UPDATE with this
# EXISTS cost ~4 ms of Python per request (the statement ~0.1 ms).
_CLAIM_SQL = """
UPDATE {enrollment} SET checked_in_at = %s, checkin_method = %s
WHERE id = %s AND {claimable}
"""


def _claim_checkin(enrollment: Enrollment, shift: Shift, now: dt.datetime, method: str) -> bool:
    sql = _CLAIM_SQL.format(enrollment=table(Enrollment), claimable=_claimable("%s", "%s"))
    params = [
        db_datetime(now),
        method,
        enrollment.pk,
        EnrollmentStatus.ENROLLED.value,
        db_datetime(shift.ends_at),
        db_datetime(shift.starts_at),
    ]
    with hotsql.cursor() as cur:
        cur.execute(sql, params)
        return cur.rowcount == 1


@transaction.atomic
def enrollment_checkin(
    *, actor: Any, enrollment: Enrollment, method: str, at: dt.datetime | None = None
) -> Enrollment:
    """Check in; repeating it changes nothing (a double scan must not count twice).

    Returns the enrollment as it now is. `enrollment.shift` is used for the window when it is
    already loaded (its times do not change once people are enrolled); it is read otherwise.
    """
    lock_volunteer(enrollment.volunteer_id)
    return _checkin_locked(actor=actor, enrollment=enrollment, method=method, now=at)


@transaction.atomic
def enrollment_checkin_by_token(
    *, actor: Any, token: str, method: str, at: dt.datetime | None = None
) -> Enrollment | None:
    """The caller's own check-in by the code of the shift they scanned: their enrollment is
    read and their row locked by one statement, in this transaction. None (nothing done)
    when they have no enrollment in that shift; the caller says why. Refuses an outdated
    consent (422 `consent`)."""
    now = at or timezone.now()
    if connection.vendor == "postgresql" and getattr(actor, "is_authenticated", False):
        row, claimed = _scan_in_one_round_trip(actor, token, method, now)
        e = checkin_enrollment_of(row, actor)
        if e is None:
            return None
        if claimed:
            e.status = EnrollmentStatus.ENROLLED
            e.checked_in_at, e.checkin_method = now, method
            audit.written_in_transaction()
            return e
        require_consent(e.volunteer)
        return _checkin_slow(actor=actor, enrollment=e, method=method, now=now)
    e = checkin_enrollment(user=actor, token=token, lock=True)
    if e is None:
        return None
    require_consent(e.volunteer)
    return _checkin_locked(actor=actor, enrollment=e, method=method, now=now)


# PostgreSQL: the claim of a scan by its code, with every condition of the fast path in SQL
# (the consent, the window, `_CLAIMABLE`) and its audit event written by the same statement,
# so that it can be sent with the read-and-lock in one pipeline: BEGIN, lock, claim in one
# round trip, then COMMIT (six round trips before). The enrollment is found first, by the
# same unique keys as the read, in a materialised step: planned together with the UPDATE's
# conditions, the planner walked every enrolled row of the 2,000-person shift instead. The
# server still runs the two statements one after the other, each with its own snapshot in
# READ COMMITTED, so the claim sees what was committed while the lock was awaited (module
# docstring). When it claims nothing, the slow path says why, under the same lock.
_CLAIM_BY_CODE_SQL = """
WITH target AS MATERIALIZED (
    SELECT e.id, s.starts_at, s.ends_at
    FROM {enrollment} e
    JOIN {shift} s ON s.id = e.shift_id
    JOIN {volunteer} v ON v.id = e.volunteer_id
    WHERE s.checkin_token = %s AND v.user_id = %s
    AND v.consent_version = %s AND s.starts_at <= %s AND s.ends_at >= %s
), claimed AS (
    UPDATE {enrollment} SET checked_in_at = %s, checkin_method = %s
    FROM target
    WHERE {enrollment}.id = target.id AND {claimable}
    RETURNING {enrollment}.id
)
{audit} RETURNING 1
"""


def _scan_in_one_round_trip(
    actor: Any, token: str, method: str, now: dt.datetime
) -> tuple[Any, bool]:
    """(the enrollment's row as `checkin_enrollment` reads it, whether it was claimed)."""
    rules = rules_config.current()
    template = audit.event(
        actor=actor,
        action="volunteers.checkin",
        object_type=Enrollment._meta.label_lower,
        after={"method": method},
    )
    audit_sql, audit_params = audit.insert_select(template, "claimed", "claimed.id::text")
    sql = _CLAIM_BY_CODE_SQL.format(
        enrollment=table(Enrollment),
        shift=table(Shift),
        volunteer=table(Volunteer),
        claimable=_claimable("target.starts_at", "target.ends_at"),
        audit=audit_sql,
    )
    early = dt.timedelta(minutes=rules.checkin_early_minutes)
    params = [token, actor.pk, rules.consent_version, now + early, now, now, method]
    params += [EnrollmentStatus.ENROLLED.value, *audit_params]
    with hotsql.cursor() as read, hotsql.cursor() as claim:
        with connection.connection.pipeline():
            read.execute(checkin_statement(lock=True), [token, actor.pk])
            claim.execute(sql, params)
        return read.fetchone(), claim.fetchone() is not None


def _checkin_locked(
    *, actor: Any, enrollment: Enrollment, method: str, now: dt.datetime | None
) -> Enrollment:
    """Check in, holding the volunteer's lock (README § Ledger rules)."""
    now = now or timezone.now()
    shift = enrollment.shift
    if _window_refusal(shift, now) is None and _claim_checkin(enrollment, shift, now, method):
        enrollment.status = EnrollmentStatus.ENROLLED
        enrollment.checked_in_at, enrollment.checkin_method = now, method
        audit.record(
            actor=actor, action="volunteers.checkin", obj=enrollment, after={"method": method}
        )
        return enrollment
    return _checkin_slow(actor=actor, enrollment=enrollment, method=method, now=now)


def _checkin_slow(*, actor: Any, enrollment: Enrollment, method: str, now: dt.datetime) -> Any:
    """The row as it is now (we hold the volunteer's lock): a repeat, or the reason why not."""
    e = Enrollment.objects.select_for_update().select_related("shift").get(pk=enrollment.pk)
    if e.status != EnrollmentStatus.ENROLLED:
        raise ValidationError({"enrollment": _("未报名成功（候补或已取消），不能签到")})
    if e.checked_in_at:
        return e
    refusal = _window_refusal(e.shift, now)
    if refusal:
        raise ValidationError({"enrollment": refusal})
    if _busy_elsewhere(e.volunteer_id, e.shift, exclude=e.pk).exists():
        raise ValidationError({"enrollment": _("您在同一时段的其他班次已签到，请先签退")})
    # Only reached if the shift's times changed between the caller's read and ours.
    e.checked_in_at, e.checkin_method = now, method
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
        # The partial unique index's own condition, so the look-up is an index probe.
        return HoursEntry.objects.filter(
            enrollment=e, source=EntrySource.ATTENDANCE, kind=EntryKind.ENTRY
        ).first()
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
