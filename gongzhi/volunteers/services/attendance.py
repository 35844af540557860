"""Attendance: check-in and check-out (by the shift's code, the volunteer's code or the list).

Check-in is the hot path of a large event (issue 7: 2,000 people scanning one code within
minutes), so it is written as a few statements: the volunteer's row lock, one conditional
UPDATE that only succeeds for an enrolled, not yet checked-in volunteer who is not checked in
elsewhere at the same time, and the audit event. Anything else (a repeat scan, a refusal) is
decided on the slow path, which reads the row again under the same lock and says why.

A phone's scan on PostgreSQL is one statement, the function `gongzhi_checkin_scan`
(migration volunteers/0007): the token's check (`enrollment_checkin_by_scan`) or the
session's user (`enrollment_checkin_by_token`), the volunteer's row lock, the UPDATE and the
audit INSERT — one round trip and one transaction a scan. The lock is a statement of its own
before the UPDATE, in the function too: in READ COMMITTED the UPDATE's snapshot, taken after
the lock was granted, is what lets it see a concurrent check-in on an overlapping shift.
Elsewhere (SQLite) the enrollment is read first, then claimed in a transaction that holds
only the UPDATE and the audit INSERT: there the transaction is the database's one write turn.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.accounts.apiauth import TOKEN_TOUCH_INTERVAL
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
    enrollment_of_row,
    scan_enrollment,
)
from gongzhi.volunteers.selectors.privacy import consent_outdated, require_consent
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


# The whole decision in one statement, under the volunteer's lock: enrolled, not yet checked
# in, and not checked in (and not out) on an overlapping shift. A concurrent or repeated scan
# finds checked_in_at set and changes nothing. Hand-written: the ORM's UPDATE with this
# EXISTS cost ~4 ms of Python per request (the statement ~0.1 ms). The scan's function
# (volunteers/0007) has the same UPDATE: change both (test_checkin's refusals run on both).
_CLAIM_SQL = """
UPDATE {enrollment} SET checked_in_at = %s, checkin_method = %s
WHERE id = %s AND {enrollment}.status = %s AND {enrollment}.checked_in_at IS NULL
AND NOT EXISTS (
    SELECT 1 FROM {enrollment} e2 JOIN {shift} s2 ON s2.id = e2.shift_id
    WHERE e2.volunteer_id = {enrollment}.volunteer_id AND e2.id <> {enrollment}.id
    AND e2.checked_in_at IS NOT NULL AND e2.checked_out_at IS NULL
    AND s2.starts_at < %s AND s2.ends_at > %s
)
"""


def _claim_statement(
    enrollment: Enrollment, now: dt.datetime, method: str
) -> tuple[str, list[Any]]:
    shift = enrollment.shift
    sql = _CLAIM_SQL.format(enrollment=table(Enrollment), shift=table(Shift))
    params = [
        db_datetime(now),
        method,
        enrollment.pk,
        EnrollmentStatus.ENROLLED.value,
        db_datetime(shift.ends_at),
        db_datetime(shift.starts_at),
    ]
    return sql, params


def _claimed(sql: str, params: list[Any]) -> bool:
    with hotsql.cursor() as cur:
        cur.execute(sql, params)
        return cur.rowcount == 1


def enrollment_checkin(
    *, actor: Any, enrollment: Enrollment, method: str, at: dt.datetime | None = None
) -> Enrollment:
    """Check in; repeating it changes nothing (a double scan must not count twice).

    Returns the enrollment as it now is. `enrollment.shift` is used for the window when it is
    already loaded (its times do not change once people are enrolled); it is read otherwise.
    """
    now = at or timezone.now()
    shift = enrollment.shift
    # The claim's statement and its audit event are made before the transaction: on SQLite
    # the transaction is the database's one write turn, which every other writer waits for
    # (issue 7: a 2,000-person event; the turn held 1.0 ms under load with them inside).
    claim = None if _window_refusal(shift, now) else _claim_statement(enrollment, now, method)
    event = audit.prepare(
        audit.event(
            actor=actor, action="volunteers.checkin", obj=enrollment, after={"method": method}
        )
    )
    with transaction.atomic():
        lock_volunteer(enrollment.volunteer_id)
        if claim is not None and _claimed(*claim):
            audit.write(event)
            enrollment.status = EnrollmentStatus.ENROLLED
            enrollment.checked_in_at, enrollment.checkin_method = now, method
            return enrollment
        return _checkin_slow(actor=actor, enrollment=enrollment, method=method, now=now)


def enrollment_checkin_by_token(
    *, actor: Any, token: str, method: str, at: dt.datetime | None = None
) -> Enrollment | None:
    """The caller's own check-in by the code of the shift they scanned: on PostgreSQL one
    statement (the check-in function), elsewhere their enrollment read by one statement,
    then claimed under the volunteer's lock. None (nothing done) when they have no
    enrollment in that shift; the caller says why. Refuses an outdated consent (422
    `consent`)."""
    now = at or timezone.now()
    if connection.vendor == "postgresql" and getattr(actor, "is_authenticated", False):
        row = _scan(key_hash=None, user_id=actor.pk, token=token, method=method, now=now)
        e, claimed = _scanned(row, now, method)
        if e is None or claimed:
            return e
        with transaction.atomic():
            require_consent(e.volunteer)
            lock_volunteer(e.volunteer_id)
            return _checkin_slow(actor=actor, enrollment=e, method=method, now=now)
    # Read before the transaction (on SQLite, before the write turn): the claim's conditions
    # are checked again by its own UPDATE under the lock.
    e = checkin_enrollment(user=actor, token=token)
    if e is None:
        return None
    require_consent(e.volunteer)
    return enrollment_checkin(actor=actor, enrollment=e, method=method, at=now)


def enrollment_checkin_by_scan(
    *, key: str, token: str, method: str, at: dt.datetime | None = None
) -> Enrollment | None:
    """A phone's scan authenticated by its API token in the enrollment's own look-up: the
    enrollment if this scan checked it in (or found it checked in under the volunteer's
    lock). None for anything else (no valid token, no enrollment, a repeat, a refusal seen
    in the look-up): nothing was done but the token's "last used" (PostgreSQL), and the
    caller looks the token up and takes `enrollment_checkin_by_token` to say why.

    PostgreSQL: one statement, the check-in function. Elsewhere (SQLite): one read with the
    token's conditions joined (`selectors.attendance.scan_enrollment`), then the claim in
    the write turn with the token's stale "last used" riding it.
    """
    from gongzhi.accounts.apiauth import touch_later
    from gongzhi.accounts.models import ApiToken

    now = at or timezone.now()
    key_hash = ApiToken.hash_key(key)
    if connection.vendor == "postgresql":
        row = _scan(key_hash=key_hash, user_id=None, token=token, method=method, now=now)
        e, claimed = _scanned(row, now, method)
        return e if claimed else None
    found = scan_enrollment(
        key_hash=key_hash, token=token, stale_before=db_datetime(now - TOKEN_TOUCH_INTERVAL)
    )
    if found is None:
        return None
    e, user, token_id, stale = found
    if e.status != EnrollmentStatus.ENROLLED or e.checked_in_at or consent_outdated(e.volunteer):
        return None
    if stale:
        touch_later(token_id, now)
    return enrollment_checkin(actor=user, enrollment=e, method=method, at=now)


# The function the migration volunteers/0007 creates: the token (or the session's user), the
# enrollment with the volunteer's row lock, the conditional claim (`_CLAIM_SQL`'s conditions)
# and its audit event, as one statement in the caller's transaction or, in autocommit, in
# its own: one round trip (issue 7). Each value is cast: with server-side binding a
# parameter's type comes from its context, and a function's arguments give none.
_SCAN_SQL = (
    "SELECT * FROM gongzhi_checkin_scan(%s::varchar, %s::bigint, %s::varchar, "
    "%s::timestamptz, %s::timestamptz, %s::interval, %s::varchar, %s::varchar, %s::varchar, "
    "%s::varchar, %s::varchar, %s::jsonb, %s::varchar)"
)


def _scan(*, key_hash: str | None, user_id: Any, token: str, method: str, now: dt.datetime) -> Any:
    rules = rules_config.current()
    params = [
        key_hash,
        user_id,
        token,
        now,
        now - TOKEN_TOUCH_INTERVAL,
        dt.timedelta(minutes=rules.checkin_early_minutes),
        rules.consent_version,
        EnrollmentStatus.ENROLLED.value,
        method,
        "volunteers.checkin",
        Enrollment._meta.label_lower,
        json.dumps({"method": method}),
        audit.current_ip.get(),
    ]
    with hotsql.cursor() as cur:
        cur.execute(_SCAN_SQL, params)
        row = cur.fetchone()
    if row is not None and row[-1]:
        audit.written_in_transaction()
    return row


def _scanned(row: Any, now: dt.datetime, method: str) -> tuple[Enrollment | None, bool]:
    """(the enrollment of a row of `gongzhi_checkin_scan`, whether the scan checked it in);
    a claimed enrollment is given as it now is."""
    if row is None or row[1] is None:
        return None, False
    e = enrollment_of_row(row[1:11], user_id=row[0])
    if row[11]:
        e.checked_in_at, e.checkin_method = now, method
    return e, bool(row[11])


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
