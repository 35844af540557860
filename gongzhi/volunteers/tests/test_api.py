"""/api/v1/volunteers/: token-authenticated sign-up and check-in for the mobile client."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from gongzhi.accounts.services import token_create
from gongzhi.volunteers import services
from gongzhi.volunteers.models import Enrollment
from gongzhi.volunteers.tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def mobile(make_user, street_areas):
    user = make_user("volunteer", area=None)
    v = f.volunteer(street_areas["a"].code, user=user)
    _t, key = token_create(actor="t", user=user, name="phone")
    return Client(HTTP_AUTHORIZATION=f"Bearer {key}"), v


def test_a_mobile_client_signs_up_and_checks_in_and_out_with_a_token(mobile, street_areas):
    c, v = mobile
    t = f.team(street_areas["a"].code)
    s = f.shift(f.activity(t), start=timezone.now() - dt.timedelta(minutes=5))
    assert c.get("/api/v1/volunteers/me").json()["number"] == v.number
    assert any(row["id"] == s.pk for row in c.get("/api/v1/volunteers/shifts").json())
    r = c.post(f"/api/v1/volunteers/shifts/{s.pk}/signup", content_type="application/json")
    assert r.status_code == 201 and r.json()["status"] == "enrolled"
    r = c.post(
        "/api/v1/volunteers/checkin", {"token": s.checkin_token}, content_type="application/json"
    )
    assert r.status_code == 200 and r.json()["enrollment"]["checked_in_at"]
    Enrollment.objects.filter(pk=r.json()["enrollment"]["id"]).update(checked_in_at=s.starts_at)
    r = c.post(
        "/api/v1/volunteers/checkin",
        {"token": s.checkin_token, "action": "out"},
        content_type="application/json",
    )
    assert r.status_code == 200 and r.json()["minutes"] >= 4
    again = c.post(
        "/api/v1/volunteers/checkin",
        {"token": s.checkin_token, "action": "out"},
        content_type="application/json",
    )
    assert again.json()["minutes"] == r.json()["minutes"]
    assert v.hours.count() == 1


def test_sign_up_without_the_qualification_is_a_422_naming_the_field(mobile, street_areas):
    c, _v = mobile
    t = f.team(street_areas["a"].code)
    s = f.shift(f.activity(t, required_qualifications=["medical"]))
    r = c.post(f"/api/v1/volunteers/shifts/{s.pk}/signup", content_type="application/json")
    assert r.status_code == 422
    assert r.json()["errors"][0]["field"] == "shift" and "医护执业资格" in r.json()["message"]


def test_an_unknown_shift_code_is_a_404_and_no_token_is_a_401(mobile):
    c, _v = mobile
    r = c.post("/api/v1/volunteers/checkin", {"token": "nope"}, content_type="application/json")
    assert r.status_code == 404
    assert Client().get("/api/v1/volunteers/me").status_code == 401


def test_the_organiser_checks_in_by_number_and_approves_in_bulk(user_a, client_of, street_areas):
    t = f.team(street_areas["a"].code)
    s = f.shift(f.activity(t), start=timezone.now() - dt.timedelta(hours=1))
    v = f.volunteer(street_areas["a"].code)
    Enrollment(shift=s, volunteer=v, status="enrolled", queued_at=timezone.now()).save()
    c = client_of(user_a)
    r = c.post(
        f"/api/v1/volunteers/shifts/{s.pk}/attendance",
        {"volunteer_number": v.number},
        content_type="application/json",
    )
    assert r.status_code == 200
    Enrollment.objects.filter(shift=s).update(checked_in_at=s.starts_at)
    c.post(
        f"/api/v1/volunteers/shifts/{s.pk}/attendance",
        {"volunteer_number": v.number, "action": "out"},
        content_type="application/json",
    )
    ids = [row["id"] for row in c.get("/api/v1/volunteers/hours?status=pending").json()]
    r = c.post("/api/v1/volunteers/hours/approve", {"ids": ids}, content_type="application/json")
    assert r.json()["approved"] == ids
    v.refresh_from_db()
    assert v.approved_minutes >= 59


def test_an_organiser_cannot_approve_another_districts_hours(user_b, client_of, street_areas):
    t = f.team(street_areas["a"].code)
    v = f.volunteer(street_areas["a"].code)
    e = services.hours_record(
        actor="t", volunteer=v, team=t, minutes=60, service_date=timezone.localdate(), content="x"
    )
    r = client_of(user_b).post(
        "/api/v1/volunteers/hours/approve", {"ids": [e.pk]}, content_type="application/json"
    )
    assert r.json() == {"approved": [], "skipped": [e.pk]}
    e.refresh_from_db()
    assert e.status == "pending"


def test_an_id_beyond_64_bits_is_refused_naming_the_field(make_user, client_of):
    organiser = make_user("district_admin", "430405000000")
    r = client_of(organiser).post(
        "/api/v1/volunteers/hours/approve",
        {"ids": [19712862528403025920]},
        content_type="application/json",
    )
    assert r.status_code == 422
    assert r.json()["errors"][0]["field"].startswith("ids")
