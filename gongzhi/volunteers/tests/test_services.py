"""Registry, sign-up, waiting list, qualification gating, check-in and check-out."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from gongzhi.core import pii
from gongzhi.volunteers import services
from gongzhi.volunteers.keys import is_valid_number
from gongzhi.volunteers.models import EnrollmentStatus, EntrySource, EntryStatus, Volunteer
from gongzhi.volunteers.tests import factories as f

pytestmark = pytest.mark.django_db


def test_it_registers_a_volunteer_with_a_number_masked_and_blind_indexed_identity():
    v = f.volunteer(name="張偉", id_number=f.id_number(7), phone="13912345678")
    assert is_valid_number(v.number) and v.number.startswith("V430405")
    assert v.name_simplified == "张伟" and v.name_pinyin == "zhangwei" and v.name_initials == "zw"
    assert v.phone_last4 == "5678" and v.phone_masked == "139****5678"
    assert v.id_number_bidx == pii.bidx_for(f.id_number(7), "id_number")
    assert v.consent_version and v.consent_on == timezone.localdate()
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SELECT id_number, phone FROM volunteers_volunteer WHERE id = %s", [v.pk])
        raw = cur.fetchone()
    assert raw[0].startswith("v1:") and f.id_number(7) not in raw[0] and "5678" not in raw[1]
    assert Volunteer.objects.get(pk=v.pk).id_number == f.id_number(7)


def test_it_gives_consecutive_distinct_numbers():
    a, b = f.volunteer(), f.volunteer()
    assert a.number != b.number and int(b.number[9:16]) == int(a.number[9:16]) + 1


def test_it_rejects_a_second_registration_of_the_same_id_number():
    f.volunteer(id_number=f.id_number(11))
    with pytest.raises(ValidationError) as exc:
        f.volunteer(id_number=f.id_number(11))
    assert "id_number" in exc.value.message_dict


def test_it_rejects_a_bad_id_number_and_registration_without_consent():
    with pytest.raises(ValidationError) as exc:
        f.volunteer(id_number="110101199001011234")
    assert "id_number" in exc.value.message_dict
    from gongzhi.areas.models import Area

    with pytest.raises(ValidationError) as exc:
        services.volunteer_register(
            actor="t",
            name="李四",
            id_number=f.id_number(),
            phone=f.phone(),
            area=Area.objects.get(code="430405000000"),
            consent=False,
        )
    assert "consent" in exc.value.message_dict


def test_it_waitlists_when_full_and_promotes_the_first_waiting_on_cancellation():
    t = f.team()
    s = f.shift(f.activity(t), capacity=1)
    first, second, third = f.volunteer(), f.volunteer(), f.volunteer()
    e1 = services.enrollment_signup(actor="t", volunteer=first, shift=s)
    e2 = services.enrollment_signup(actor="t", volunteer=second, shift=s)
    e3 = services.enrollment_signup(actor="t", volunteer=third, shift=s)
    assert [e1.status, e2.status, e3.status] == ["enrolled", "waitlisted", "waitlisted"]
    promoted = services.enrollment_cancel(actor="t", enrollment=e1)
    assert promoted.pk == e2.pk
    e2.refresh_from_db(), e3.refresh_from_db()
    assert e2.status == EnrollmentStatus.ENROLLED and e3.status == EnrollmentStatus.WAITLISTED
    # Cancelling from the waiting list frees no place: nobody is promoted.
    assert services.enrollment_cancel(actor="t", enrollment=e3) is None


def test_it_gates_sign_up_on_required_qualifications_and_says_why():
    t = f.team()
    s = f.shift(f.activity(t, title="义诊", category="zhuyi", required_qualifications=["medical"]))
    v = f.volunteer()
    with pytest.raises(ValidationError) as exc:
        services.enrollment_signup(actor="t", volunteer=v, shift=s)
    assert "医护执业资格" in exc.value.message_dict["shift"][0]
    services.qualification_add(
        actor="t", volunteer=v, kind="medical", expires_on=dt.date(2000, 1, 1)
    )
    v.refresh_from_db()
    assert "过期" in services.signup_blocker(v, s)
    services.qualification_add(actor="t", volunteer=v, kind="medical", expires_on=None)
    v = Volunteer.objects.get(pk=v.pk)
    assert services.signup_blocker(v, s) is None
    assert services.enrollment_signup(actor="t", volunteer=v, shift=s).status == "enrolled"


def test_it_rejects_signing_up_twice_and_for_overlapping_shifts():
    t = f.team()
    a = f.activity(t)
    s1 = f.shift(a)
    s2 = f.shift(a, start=s1.starts_at + dt.timedelta(hours=1))
    v = f.volunteer()
    services.enrollment_signup(actor="t", volunteer=v, shift=s1)
    with pytest.raises(ValidationError):
        services.enrollment_signup(actor="t", volunteer=v, shift=s1)
    with pytest.raises(ValidationError) as exc:
        services.enrollment_signup(actor="t", volunteer=v, shift=s2)
    assert "冲突" in exc.value.message_dict["shift"][0]


def test_check_in_twice_and_out_twice_records_one_attendance_entry_clamped_to_the_shift():
    t = f.team()
    start = timezone.now() - dt.timedelta(hours=3)
    s = f.shift(f.activity(t), start=start, hours=2)
    v = f.volunteer()
    # Sign-up closes when a shift is over; enrol before it started.
    from gongzhi.volunteers.models import Enrollment

    e = Enrollment(shift=s, volunteer=v, status="enrolled", queued_at=start - dt.timedelta(days=1))
    e.save()
    services.enrollment_checkin(
        actor="t", enrollment=e, method="list", at=start - dt.timedelta(minutes=30)
    )
    services.enrollment_checkin(actor="t", enrollment=e, method="list", at=start)
    entry = services.enrollment_checkout(
        actor="t", enrollment=e, at=start + dt.timedelta(hours=2, minutes=40)
    )
    again = services.enrollment_checkout(actor="t", enrollment=e)
    assert entry.pk == again.pk
    # 30 minutes early and 40 late are travel/waiting, not service.
    assert entry.minutes == 120 and entry.source == EntrySource.ATTENDANCE
    assert entry.status == EntryStatus.PENDING
    assert v.hours.count() == 1


def test_it_refuses_check_in_for_a_waitlisted_volunteer_and_before_the_window():
    t = f.team()
    s = f.shift(f.activity(t), start=timezone.now() + dt.timedelta(hours=5), capacity=1)
    a, b = f.volunteer(), f.volunteer()
    ea = services.enrollment_signup(actor="t", volunteer=a, shift=s)
    eb = services.enrollment_signup(actor="t", volunteer=b, shift=s)
    with pytest.raises(ValidationError):
        services.enrollment_checkin(actor="t", enrollment=eb, method="list")
    with pytest.raises(ValidationError) as exc:
        services.enrollment_checkin(actor="t", enrollment=ea, method="list")
    assert "尚未开始" in exc.value.messages[0]


def test_it_keeps_team_members_with_roles_and_dates():
    t = f.team()
    v = f.volunteer()
    m = services.team_member_add(actor="t", team=t, volunteer=v, role="leader")
    with pytest.raises(ValidationError):
        services.team_member_add(actor="t", team=t, volunteer=v)
    services.team_member_leave(actor="t", member=m)
    assert services.team_member_add(actor="t", team=t, volunteer=v).role == "member"


def test_it_requires_an_owner_for_an_organisation_or_party_team():
    with pytest.raises(ValidationError):
        f.team(owner_kind="org")
    with pytest.raises(ValidationError):
        f.team(owner_kind="party")
    assert f.team(owner_kind="party", owner_party_org_id=42).owner_party_org_id == 42


def test_an_update_from_a_stale_instance_keeps_the_running_total():
    """Found by the star_distribution property test: a full save() wrote back 0 minutes."""
    v, t = f.volunteer(), f.team()
    e = services.hours_record(
        actor="t", volunteer=v, team=t, minutes=90, service_date=dt.date(2024, 1, 1), content="x"
    )
    services.hours_approve(actor="t", entry_ids=[e.pk])
    services.volunteer_update(actor="t", volunteer=v, phone="13711112222")  # v is stale
    v.refresh_from_db()
    assert v.approved_minutes == 90 and v.phone_last4 == "2222"
