"""Pages: volunteer self-service and organiser pages (status, flows, query counts)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from gongzhi.volunteers import services
from gongzhi.volunteers.models import Enrollment, HoursEntry, Volunteer
from gongzhi.volunteers.tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def running_shift(street_areas):
    t = f.team(street_areas["a"].code)
    return f.shift(
        f.activity(t), start=timezone.now() - dt.timedelta(minutes=10), hours=2, capacity=2
    )


def test_a_volunteer_registers_signs_up_and_checks_in_by_the_shift_code(
    make_user, client_of, running_shift, street_areas
):
    user = make_user("volunteer", area=None, username="vol1")
    c = client_of(user)
    assert c.get("/volunteers/me/").url == "/volunteers/me/register/"
    r = c.post(
        "/volunteers/me/register/",
        {
            "name": "赵六",
            "id_number": f.id_number(901),
            "phone": "13912345678",
            "area": street_areas["a"].pk,
            "consent": "on",
        },
    )
    assert r.status_code == 302, r.content.decode()[:2000]
    v = Volunteer.objects.get(user=user)
    assert v.consent_version
    assert running_shift.activity.title in c.get("/volunteers/find/").content.decode()
    c.post(f"/volunteers/shifts/{running_shift.pk}/signup/")
    e = Enrollment.objects.get(volunteer=v)
    assert e.status == "enrolled"
    page = c.get(f"/volunteers/checkin/{running_shift.checkin_token}/")
    assert "签到" in page.content.decode()
    c.post(f"/volunteers/checkin/{running_shift.checkin_token}/", {"action": "in"})
    e.refresh_from_db()
    assert e.checked_in_at and e.checkin_method == "shift_qr"
    me = c.get("/volunteers/me/").content.decode()
    assert v.number in me and "<svg" in me


def test_registration_without_consent_names_the_field(make_user, client_of, street_areas):
    c = client_of(make_user("volunteer", area=None))
    r = c.post(
        "/volunteers/me/register/",
        {
            "name": "赵六",
            "id_number": f.id_number(902),
            "phone": "13912345678",
            "area": street_areas["a"].pk,
        },
    )
    body = r.content.decode()
    assert r.status_code == 200 and "invalid-feedback" in body and 'name="consent"' in body
    assert not Volunteer.objects.exists()


def test_a_volunteer_without_the_qualification_sees_why(make_user, client_of, street_areas):
    t = f.team(street_areas["a"].code)
    s = f.shift(f.activity(t, required_qualifications=["first_aid"]))
    user = make_user("volunteer", area=None)
    f.volunteer(street_areas["a"].code, user=user)
    body = client_of(user).get(f"/volunteers/shifts/{s.pk}/").content.decode()
    assert "急救员证" in body and 'data-testid="blocker"' in body


def test_the_organiser_takes_attendance_approves_in_bulk_and_starts_a_certificate(
    user_a, client_of, running_shift
):
    c = client_of(user_a)
    vols = [f.volunteer(running_shift.area_code) for _ in range(2)]
    es = [services.enrollment_signup(actor="t", volunteer=v, shift=running_shift) for v in vols]
    page = c.get(f"/volunteers/shifts/{running_shift.pk}/manage/")
    assert page.status_code == 200 and "<svg" in page.content.decode()
    for e in es:
        c.post(f"/volunteers/enrollments/{e.pk}/attendance/", {"action": "in"})
    Enrollment.objects.filter(pk__in=[e.pk for e in es]).update(
        checked_in_at=running_shift.starts_at
    )
    for e in es:
        c.post(f"/volunteers/enrollments/{e.pk}/attendance/", {"action": "out"})
    ids = list(HoursEntry.objects.filter(shift=running_shift).values_list("pk", flat=True))
    assert len(ids) == 2
    c.post("/volunteers/hours/?status=pending", {"entry": ids, "action": "approve"})
    assert HoursEntry.objects.filter(pk__in=ids, status="approved").count() == 2
    # The service date is the shift's local start date, which is yesterday for ten minutes
    # after midnight in Asia/Shanghai (CI once ran then).
    day = timezone.localdate(running_shift.starts_at)
    r = c.post(
        "/volunteers/certificates/",
        {
            "number": vols[0].number,
            "team": running_shift.activity.team_id,
            "period_from": day,
            "period_to": day,
            "clerk": "",
        },
    )
    assert r.status_code == 302
    assert vols[0].certificates.get().status == "publicising"


def test_an_organiser_of_another_district_cannot_take_attendance(user_b, client_of, running_shift):
    v = f.volunteer(running_shift.area_code)
    e = services.enrollment_signup(actor="t", volunteer=v, shift=running_shift)
    r = client_of(user_b).post(f"/volunteers/enrollments/{e.pk}/attendance/", {"action": "in"})
    assert r.status_code == 404
    e.refresh_from_db()
    assert e.checked_in_at is None


def test_the_organiser_checks_in_by_scanning_the_volunteers_code(user_a, client_of, running_shift):
    from gongzhi.volunteers.views.common import volunteer_code

    v = f.volunteer(running_shift.area_code)
    e = services.enrollment_signup(actor="t", volunteer=v, shift=running_shift)
    c = client_of(user_a)
    url = f"/volunteers/scan/{volunteer_code(v)}/"
    assert running_shift.activity.title in c.get(url).content.decode()
    c.post(url, {"enrollment": e.pk})
    e.refresh_from_db()
    assert e.checkin_method == "volunteer_qr"
    assert c.get("/volunteers/scan/forged-code/").status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        "/volunteers/",
        "/volunteers/people/",
        "/volunteers/people/?q=zh",
        "/volunteers/teams/",
        "/volunteers/activities/",
        "/volunteers/hours/",
        "/volunteers/certificates/",
    ],
)
def test_organiser_list_pages_use_a_bounded_number_of_queries(
    user_a, client_of, url, django_assert_max_num_queries, street_areas
):
    code = street_areas["a"].code
    t = f.team(code)
    for i in range(8):
        v = f.volunteer(code, name=f"张{i}")
        services.hours_record(
            actor="t",
            volunteer=v,
            team=t,
            minutes=30,
            service_date=timezone.localdate(),
            content="x",
        )
        f.activity(t, title=f"活动{i}")
    c = client_of(user_a)
    with django_assert_max_num_queries(25):
        assert c.get(url).status_code == 200


def test_the_home_page_shows_volunteer_cards(user_a, client_of, make_user, street_areas):
    f.volunteer(street_areas["a"].code)
    body = client_of(user_a).get("/").content.decode()
    assert "注册志愿者" in body and "待审核服务时长" in body
    vol_user = make_user("volunteer", area=None)
    f.volunteer(street_areas["a"].code, user=vol_user)
    assert "我的星级" in client_of(vol_user).get("/").content.decode()


def test_exports_stream_masked_rows(user_a, client_of, street_areas):
    v = f.volunteer(street_areas["a"].code, phone="13977778888")
    r = client_of(user_a).get("/volunteers/export/volunteers.csv")
    body = b"".join(r.streaming_content).decode("utf-8-sig")
    assert v.number in body and "139****8888" in body and "13977778888" not in body


def _entries(v, team, n, day):
    for i in range(n):
        services.hours_record(
            actor="t",
            volunteer=v,
            team=team,
            minutes=30,
            service_date=day - dt.timedelta(days=i),
            content=f"服务{i}",
        )


def test_a_busy_volunteers_page_costs_what_a_quiet_ones_does_and_pages_the_ledger(
    user_a, client_of, street_areas
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    code = street_areas["a"].code
    today = timezone.localdate()
    teams = [f.team(code, name=f"队伍{i}") for i in range(3)]
    quiet, busy = f.volunteer(code, name="李娜"), f.volunteer(code, name="王芳")
    _entries(quiet, teams[0], 2, today)
    for i, t in enumerate(teams):  # 36 lines over three teams: more than one page
        _entries(busy, t, 12, today - dt.timedelta(days=40 * i))
    services.hours_approve(actor="t", entry_ids=busy.hours.values_list("pk", flat=True))
    cert = services.certificate_request(
        actor="t",
        volunteer=busy,
        team=teams[0],
        period_from=today - dt.timedelta(days=30),
        period_to=today,
    )
    c = client_of(user_a)
    counts = []
    for v in (quiet, busy):
        with CaptureQueriesContext(connection) as q:
            r = c.get(f"/volunteers/people/{v.pk}/")
        assert r.status_code == 200
        counts.append(len(q))
    # No query per ledger line, team or certificate; the reveal button's scope check reuses
    # the page's own scoped read; the user's memberships are read once for roles and scope.
    assert counts[0] == counts[1] and counts[1] <= 12
    memberships = [s for s in q.captured_queries if 'FROM "accounts_membership"' in s["sql"]]
    assert len(memberships) == 1
    page = r.content.decode()
    assert page.count('name="reason"') == 30 and "服务0" in page and cert.number in page
    assert "?page=2#ledger" in page and "显示完整号码" in page
    older = c.get(f"/volunteers/people/{busy.pk}/?page=2").content.decode()
    assert older.count('name="reason"') == 6 and "?page=1#ledger" in older
    assert "?page=3" not in older
    assert c.get(f"/volunteers/people/{busy.pk}/?page=x").status_code == 200
