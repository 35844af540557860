"""Concurrent check-ins, check-outs and approvals of one volunteer do not double count.

Two threads, each with its own database connection, race on PostgreSQL; the row locks
(volunteer, then enrollment) and the partial unique constraint on attendance entries keep
exactly one attendance entry and one approval.
"""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection, connections
from django.utils import timezone

from gongzhi.volunteers import services
from gongzhi.volunteers.models import Enrollment, HoursEntry, Volunteer
from gongzhi.volunteers.tests import factories as f

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs two PostgreSQL connections"
    ),
]


def _race(target, n=2):
    barrier = threading.Barrier(n)
    errors: list[BaseException] = []
    results: list[object] = []

    def run() -> None:
        try:
            barrier.wait()
            results.append(target())
        except BaseException as exc:  # collected and inspected by the test
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return results, errors


def _enrolled():
    t = f.team()
    start = timezone.now() - dt.timedelta(hours=1)
    s = f.shift(f.activity(t), start=start, hours=2)
    v = f.volunteer()
    e = Enrollment(shift=s, volunteer=v, status="enrolled", queued_at=start - dt.timedelta(days=1))
    e.save()
    return v, s, e


def test_two_simultaneous_check_ins_and_check_outs_write_one_attendance_entry():
    v, s, e = _enrolled()
    _res, errors = _race(
        lambda: services.enrollment_checkin(actor="t", enrollment=e, method="api", at=s.starts_at)
    )
    assert errors == []
    results, errors = _race(lambda: services.enrollment_checkout(actor="t", enrollment=e))
    assert errors == []
    assert HoursEntry.objects.filter(volunteer=v).count() == 1
    assert len({r.pk for r in results}) == 1


def test_two_simultaneous_scans_of_one_code_check_in_once_with_one_audit_event():
    from gongzhi.core.models import AuditEvent

    v, s, e = _enrolled()
    copies = iter([Enrollment.objects.get(pk=e.pk), Enrollment.objects.get(pk=e.pk)])
    lock = threading.Lock()

    def checkin():
        with lock:
            mine = next(copies)
        return services.enrollment_checkin(actor="t", enrollment=mine, method="api")

    results, errors = _race(checkin)
    assert errors == []
    assert len({r.checked_in_at for r in results}) == 1
    assert AuditEvent.objects.filter(action="volunteers.checkin", object_id=str(e.pk)).count() == 1


def test_two_simultaneous_check_ins_on_overlapping_shifts_let_one_through():
    from django.core.exceptions import ValidationError

    v, s, e = _enrolled()
    other = f.shift(f.activity(s.activity.team), start=s.starts_at, hours=2)
    e2 = Enrollment(shift=other, volunteer=v, status="enrolled", queued_at=s.starts_at)
    e2.save()
    pairs = iter([e, e2])
    lock = threading.Lock()

    def checkin():
        with lock:
            mine = next(pairs)
        return services.enrollment_checkin(actor="t", enrollment=mine, method="api")

    results, errors = _race(checkin)
    assert len(results) == 1 and len(errors) == 1
    assert isinstance(errors[0], ValidationError) and "enrollment" in errors[0].message_dict
    checked_in = Enrollment.objects.filter(volunteer=v, checked_in_at__isnull=False)
    assert checked_in.count() == 1


def _enrolled_with_account(make_user):
    v, s, e = _enrolled()
    user = make_user("volunteer", area=None)
    Volunteer.objects.filter(pk=v.pk).update(user=user)
    return user, v, s, e


def test_two_simultaneous_scans_by_the_phone_check_in_once_with_one_audit_event(make_user):
    """The phone's path reads the enrollment and takes the volunteer's lock in one statement."""
    from gongzhi.core.models import AuditEvent

    user, v, s, e = _enrolled_with_account(make_user)
    results, errors = _race(
        lambda: services.enrollment_checkin_by_token(
            actor=user, token=s.checkin_token, method="api"
        )
    )
    assert errors == []
    assert len({r.checked_in_at for r in results}) == 1 and results[0].pk == e.pk
    assert AuditEvent.objects.filter(action="volunteers.checkin", object_id=str(e.pk)).count() == 1


def _enrolled_in_two_overlapping_shifts(make_user):
    """(user, volunteer, a function giving each racing thread one of the two shifts' codes)."""
    user, v, s, _e = _enrolled_with_account(make_user)
    other = f.shift(f.activity(s.activity.team), start=s.starts_at, hours=2)
    Enrollment(shift=other, volunteer=v, status="enrolled", queued_at=s.starts_at).save()
    codes = iter([s.checkin_token, other.checkin_token])
    lock = threading.Lock()

    def next_code():
        with lock:
            return next(codes)

    return user, v, next_code


def test_two_simultaneous_scans_of_overlapping_shifts_by_the_phone_let_one_through(make_user):
    from django.core.exceptions import ValidationError

    user, v, codes = _enrolled_in_two_overlapping_shifts(make_user)

    def scan():
        return services.enrollment_checkin_by_token(actor=user, token=codes(), method="api")

    results, errors = _race(scan)
    assert len(results) == 1 and len(errors) == 1
    assert isinstance(errors[0], ValidationError) and "enrollment" in errors[0].message_dict
    assert Enrollment.objects.filter(volunteer=v, checked_in_at__isnull=False).count() == 1


def _phone_key(user):
    from gongzhi.accounts.services import token_create

    return token_create(actor="t", user=user, name="phone")[1]


def test_two_simultaneous_scans_by_token_check_in_once_with_one_audit_event(make_user):
    """The scan's one statement (volunteers/0007): the token, the lock and the claim."""
    from gongzhi.core.models import AuditEvent

    user, v, s, e = _enrolled_with_account(make_user)
    key = _phone_key(user)
    results, errors = _race(
        lambda: services.enrollment_checkin_by_scan(key=key, token=s.checkin_token, method="api")
    )
    assert errors == []
    claimed = [r for r in results if r is not None]  # the other finds it done: None
    assert len(claimed) == 1 and claimed[0].pk == e.pk
    assert AuditEvent.objects.filter(action="volunteers.checkin", object_id=str(e.pk)).count() == 1


def test_two_simultaneous_scans_by_token_of_overlapping_shifts_let_one_through(make_user):
    # The claim is a statement after the lock, with its own snapshot: it sees the other
    # shift's check-in committed while it waited.
    user, v, codes = _enrolled_in_two_overlapping_shifts(make_user)
    key = _phone_key(user)

    def scan():
        return services.enrollment_checkin_by_scan(key=key, token=codes(), method="api")

    results, errors = _race(scan)
    assert errors == []
    assert len([r for r in results if r is not None]) == 1
    assert Enrollment.objects.filter(volunteer=v, checked_in_at__isnull=False).count() == 1


def test_two_simultaneous_approvals_of_the_same_entries_add_once():
    v, s, e = _enrolled()
    services.enrollment_checkin(actor="t", enrollment=e, method="list", at=s.starts_at)
    entry = services.enrollment_checkout(actor="t", enrollment=e)
    results, errors = _race(lambda: services.hours_approve(actor="t", entry_ids=[entry.pk]))
    assert errors == []
    assert sorted(len(r.approved) for r in results) == [0, 1]
    assert Volunteer.objects.get(pk=v.pk).approved_minutes == entry.minutes


def test_two_simultaneous_entries_for_one_shift_cannot_exceed_its_length():
    v, s, e = _enrolled()
    t = s.activity.team
    day = timezone.localdate()

    def record():
        return services.hours_record(
            actor="t", volunteer=v, team=t, minutes=80, service_date=day, content="x", shift=s
        )

    results, errors = _race(record)
    assert len(results) == 1 and len(errors) == 1
    assert "minutes" in errors[0].message_dict
    assert (
        sum(HoursEntry.objects.filter(volunteer=v, shift=s).values_list("minutes", flat=True)) == 80
    )


def test_two_simultaneous_sign_ups_for_the_last_place_waitlist_one():
    t = f.team()
    s = f.shift(f.activity(t), capacity=1)
    a, b = f.volunteer(), f.volunteer()
    pairs = iter([a, b])
    lock = threading.Lock()

    def signup():
        with lock:
            v = next(pairs)
        return services.enrollment_signup(actor="t", volunteer=v, shift=s)

    results, errors = _race(signup)
    assert errors == []
    assert sorted(r.status for r in results) == ["enrolled", "waitlisted"]
