"""The hours ledger: append-only, reversals, shift caps, running totals, stars."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from gongzhi.volunteers import services
from gongzhi.volunteers.keys import recompute_totals
from gongzhi.volunteers.models import EntryStatus, HoursEntry, Volunteer
from gongzhi.volunteers.rules_config import stars_for_minutes
from gongzhi.volunteers.tests import factories as f

pytestmark = pytest.mark.django_db
YESTERDAY = timezone.localdate() - dt.timedelta(days=1)


def _record(v, t, minutes=60, **kw):
    return services.hours_record(
        actor="t",
        volunteer=v,
        team=t,
        minutes=minutes,
        service_date=YESTERDAY,
        content="助老",
        **kw,
    )


def test_the_ledger_refuses_deletes_and_edits_through_the_orm():
    v, t = f.volunteer(), f.team()
    e = _record(v, t)
    with pytest.raises(PermissionError):
        e.delete()
    with pytest.raises(PermissionError):
        HoursEntry.objects.filter(pk=e.pk).delete()
    with pytest.raises(PermissionError):
        HoursEntry.objects.filter(pk=e.pk).update(minutes=600)
    e.minutes = 600
    with pytest.raises(PermissionError):
        e.save()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="database trigger is PostgreSQL's")
def test_postgresql_refuses_raw_deletes_and_edits_of_the_ledger():
    v, t = f.volunteer(), f.team()
    e = _record(v, t)
    for sql in (
        "DELETE FROM volunteers_hoursentry WHERE id = %s",
        "UPDATE volunteers_hoursentry SET minutes = 999 WHERE id = %s",
    ):
        with pytest.raises(Exception, match="append-only|immutable"):
            with transaction.atomic(), connection.cursor() as cur:
                cur.execute(sql, [e.pk])
    assert HoursEntry.objects.get(pk=e.pk).minutes == 60


def test_bulk_approval_updates_the_running_total_and_stars_in_the_same_transaction():
    v, t = f.volunteer(), f.team()
    ids = [_record(v, t, minutes=600).pk for _ in range(11)]  # 110 hours
    result = services.hours_approve(actor="t", entry_ids=ids)
    assert sorted(result.approved) == sorted(ids) and not result.skipped
    v.refresh_from_db()
    assert v.approved_minutes == 6600 and v.stars == 1 and v.last_service_on == YESTERDAY
    # Approving again changes nothing: they are no longer pending.
    again = services.hours_approve(actor="t", entry_ids=ids[:2])
    assert again.approved == [] and len(again.skipped) == 2
    v.refresh_from_db()
    assert v.approved_minutes == 6600


def test_declined_entries_never_count():
    v, t = f.volunteer(), f.team()
    e = _record(v, t)
    with pytest.raises(ValidationError):
        services.hours_decline(actor="t", entry_ids=[e.pk], note="")
    assert services.hours_decline(actor="t", entry_ids=[e.pk], note="无活动记录") == 1
    assert services.hours_approve(actor="t", entry_ids=[e.pk]).approved == []
    v.refresh_from_db()
    assert v.approved_minutes == 0


def test_a_correction_is_a_reversing_entry_with_a_reason_and_the_original_stays():
    v, t = f.volunteer(), f.team()
    e = _record(v, t, minutes=90)
    services.hours_approve(actor="t", entry_ids=[e.pk])
    with pytest.raises(ValidationError):
        services.hours_reverse(actor="t", entry=e, reason=" ")
    r = services.hours_reverse(actor="t", entry=e, reason="重复录入")
    assert r.minutes == -90 and r.reverses_id == e.pk and r.status == EntryStatus.APPROVED
    assert HoursEntry.objects.filter(pk=e.pk, status=EntryStatus.APPROVED).exists()
    v.refresh_from_db()
    assert v.approved_minutes == 0
    with pytest.raises(ValidationError):
        services.hours_reverse(actor="t", entry=e, reason="再次冲正")
    assert recompute_totals([v.pk]) == 1
    v.refresh_from_db()
    assert v.approved_minutes == 0


def test_a_reversal_without_reason_is_refused_by_the_database():
    v, t = f.volunteer(), f.team()
    e = _record(v, t)
    with pytest.raises(IntegrityError), transaction.atomic():
        HoursEntry.objects.create(
            volunteer=v,
            team=t,
            kind="reversal",
            source="organiser",
            minutes=-60,
            service_date=YESTERDAY,
            content="x",
            area_code=t.area_code,
            reverses=e,
            reason="",
            recorded_at=timezone.now(),
        )


def test_a_shifts_entries_for_a_volunteer_never_exceed_its_length():
    t = f.team()
    start = timezone.now() - dt.timedelta(days=1)
    s = f.shift(f.activity(t), start=start, hours=2)
    v = f.volunteer()
    a = _record(v, t, minutes=90, shift=s)
    with pytest.raises(ValidationError) as exc:
        _record(v, t, minutes=31, shift=s)
    assert "超过班次时长" in exc.value.message_dict["minutes"][0]
    b = _record(v, t, minutes=30, shift=s)
    services.hours_approve(actor="t", entry_ids=[a.pk, b.pk])
    v.refresh_from_db()
    assert v.approved_minutes == 120


def test_bulk_approval_skips_an_entry_that_would_exceed_the_shift_and_approves_the_rest():
    t = f.team()
    s = f.shift(f.activity(t), start=timezone.now() - dt.timedelta(days=1), hours=2)
    v, w = f.volunteer(), f.volunteer()
    a = _record(v, t, minutes=120, shift=s)
    services.hours_decline(actor="t", entry_ids=[a.pk], note="误录")
    b = _record(v, t, minutes=120, shift=s)
    services.hours_approve(actor="t", entry_ids=[b.pk])
    c = _record(w, t, minutes=60, shift=s)
    result = services.hours_approve(actor="t", entry_ids=[c.pk, a.pk])
    assert result.approved == [c.pk] and [pk for pk, _r in result.skipped] == [a.pk]


def test_travel_time_is_kept_but_never_counted():
    v, t = f.volunteer(), f.team()
    e = _record(v, t, minutes=60, travel_minutes=45)
    services.hours_approve(actor="t", entry_ids=[e.pk])
    v.refresh_from_db()
    assert v.approved_minutes == 60


def test_self_reports_wait_for_the_organisers_decision():
    v, t = f.volunteer(), f.team()
    e = services.hours_self_report(
        actor="t", volunteer=v, team=t, minutes=120, service_date=YESTERDAY, content="清扫"
    )
    assert e.source == "self_report" and e.status == "pending"
    with pytest.raises(ValidationError) as exc:
        services.hours_self_report(
            actor="t", volunteer=v, team=t, minutes=0, service_date=YESTERDAY, content="清扫"
        )
    assert "minutes" in exc.value.message_dict


@pytest.mark.parametrize(
    ("threshold_hours", "stars"), [(100, 1), (300, 2), (600, 3), (1000, 4), (1500, 5)]
)
def test_stars_at_each_threshold_boundary(threshold_hours, stars):
    assert stars_for_minutes(threshold_hours * 60 - 1) == stars - 1
    assert stars_for_minutes(threshold_hours * 60) == stars
    assert stars_for_minutes(0) == 0 and stars_for_minutes(10**7) == 5


def test_history_by_month_nets_reversals():
    from gongzhi.volunteers.selectors import volunteer_history

    v, t = f.volunteer(), f.team()
    a, b = _record(v, t, minutes=60), _record(v, t, minutes=30)
    services.hours_approve(actor="t", entry_ids=[a.pk, b.pk])
    services.hours_reverse(actor="t", entry=b, reason="误录")
    rows = volunteer_history(volunteer=v)
    assert rows[0]["minutes"] == 60 and rows[0]["period"].month == YESTERDAY.month
    assert Volunteer.objects.get(pk=v.pk).approved_minutes == 60
