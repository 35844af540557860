"""Check-in by the shift's code from the mobile client (POST /api/v1/volunteers/checkin).

The lean path (one look-up, one conditional UPDATE, the audit event) must keep every rule of
the old one: only one's own enrollment, a repeat changes nothing, the window, no two
overlapping shifts at once, consent, and translated JSON errors.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from gongzhi.accounts.models import ApiToken
from gongzhi.accounts.services import token_create, token_revoke
from gongzhi.core.models import AuditEvent
from gongzhi.volunteers.models import Enrollment, Volunteer
from gongzhi.volunteers.tests import factories as f

pytestmark = pytest.mark.django_db

URL = "/api/v1/volunteers/checkin"


@pytest.fixture
def phone(make_user, street_areas):
    """A volunteer's phone: their token, their profile, and a shift running now."""
    user = make_user("volunteer", area=None)
    v = f.volunteer(street_areas["a"].code, user=user)
    _t, key = token_create(actor="t", user=user, name="phone")
    team = f.team(street_areas["a"].code)
    shift = f.shift(f.activity(team), start=timezone.now() - dt.timedelta(minutes=10))
    return Client(HTTP_AUTHORIZATION=f"Bearer {key}"), v, shift


def _enrol(v, shift, status="enrolled"):
    e = Enrollment(shift=shift, volunteer=v, status=status, queued_at=timezone.now())
    e.save()
    return e


def _scan(client, shift, **extra):
    return client.post(
        URL, {"token": shift.checkin_token}, content_type="application/json", **extra
    )


def test_a_scan_checks_in_once_with_one_audit_event_and_a_repeat_changes_nothing(phone):
    c, v, shift = phone
    e = _enrol(v, shift)
    first = _scan(c, shift)
    assert first.status_code == 200, first.content
    body = first.json()["enrollment"]
    assert body["id"] == e.pk and body["status"] == "enrolled" and body["checked_in_at"]
    again = _scan(c, shift)
    assert again.status_code == 200
    assert again.json()["enrollment"]["checked_in_at"] == body["checked_in_at"]
    e.refresh_from_db()
    assert e.checkin_method == Enrollment.Method.API
    events = AuditEvent.objects.filter(action="volunteers.checkin", object_id=str(e.pk))
    assert events.count() == 1
    assert events.get().actor_id == v.user_id and events.get().after == {"method": "api"}


def test_a_check_in_by_code_takes_a_handful_of_queries(phone):
    c, v, shift = phone
    _enrol(v, shift)
    with CaptureQueriesContext(connection) as queries:
        assert _scan(c, shift).status_code == 200
    sql = [q["sql"] for q in queries if "SAVEPOINT" not in q["sql"]]  # the test's transaction
    # PostgreSQL: one statement, the check-in function (volunteers/0007) with the token's
    # look-up and "last used", the lock, the claim and its audit event. It was 15 (21 with
    # the audit sealed per commit), then 8 (a lock statement and the touch's own), then 4,
    # then 3 (a pipeline, BEGIN and COMMIT besides). SQLite: the enrollment with its shift,
    # volunteer, token and user (it was 5: the token and its user a statement of their
    # own); the token's "last used" riding the write transaction; the conditional UPDATE;
    # the audit event.
    if connection.vendor == "postgresql":
        assert len(sql) == 1 and "gongzhi_checkin_scan" in sql[0], sql
    else:
        assert len(sql) == 4, sql
        assert "key_hash" in sql[0] and "checkin_token" in sql[0], sql[0]


def test_a_scans_audit_event_is_sealed_after_commit_when_sealing_per_commit(
    phone, settings, django_capture_on_commit_callbacks
):
    # On PostgreSQL the event is written by the check-in's own statement, not audit.record:
    # sealing per commit must still follow it.
    settings.GONGZHI_AUDIT_SEAL = "commit"
    c, v, shift = phone
    e = _enrol(v, shift)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert _scan(c, shift).status_code == 200
    assert callbacks
    event = AuditEvent.objects.get(action="volunteers.checkin", object_id=str(e.pk))
    assert event.seq is not None and event.hash


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL prepares statements")
def test_the_check_in_statements_are_planned_once_per_connection(phone):
    c, v, shift = phone
    _enrol(v, shift)
    assert _scan(c, shift).status_code == 200
    with connection.cursor() as cur:
        cur.execute("SELECT statement FROM pg_prepared_statements")
        prepared = " ".join(r[0] for r in cur.fetchall())
    assert "gongzhi_checkin_scan" in prepared  # the scan, its token's look-up included


@pytest.mark.parametrize("case", ["revoked", "inactive user", "unknown key"])
def test_a_scan_with_an_invalid_token_is_401_and_checks_nothing_in(phone, case):
    # On PostgreSQL the scan's own statement checks the token (ScanTokenAuth): it must refuse
    # what TokenAuth refuses, before anything is written.
    c, v, shift = phone
    e = _enrol(v, shift)
    token = ApiToken.objects.get(user=v.user)
    if case == "revoked":
        token_revoke(actor="t", token=token)
    elif case == "inactive user":
        type(v.user).objects.filter(pk=v.user_id).update(is_active=False)
    else:
        c = Client(HTTP_AUTHORIZATION="Bearer gz_not-a-key")
    r = _scan(c, shift)
    assert r.status_code == 401, r.content
    assert r.json()["code"] == "unauthenticated"
    e.refresh_from_db()
    assert e.checked_in_at is None
    assert not AuditEvent.objects.filter(action="volunteers.checkin").exists()


def test_a_scan_marks_its_token_used_once_a_minute(phone):
    c, v, shift = phone
    _enrol(v, shift)
    token = ApiToken.objects.get(user=v.user)
    assert token.last_used_at is None
    assert _scan(c, shift).status_code == 200
    token.refresh_from_db()
    first = token.last_used_at
    assert first is not None and timezone.now() - first < dt.timedelta(seconds=30)
    assert _scan(c, shift).status_code == 200  # a repeat within the minute: not touched
    token.refresh_from_db()
    assert token.last_used_at == first


def test_a_browser_session_checks_in_by_code_too(phone):
    _c, v, shift = phone
    e = _enrol(v, shift)
    browser = Client()
    browser.force_login(v.user)
    r = _scan(browser, shift)
    assert r.status_code == 200, r.content
    e.refresh_from_db()
    assert e.checked_in_at is not None and e.checkin_method == Enrollment.Method.API
    assert AuditEvent.objects.filter(action="volunteers.checkin", object_id=str(e.pk)).count() == 1


def test_a_volunteer_cannot_check_in_someone_elses_enrollment(phone, make_user, street_areas):
    c, v, shift = phone
    other = f.volunteer(street_areas["a"].code, user=make_user("volunteer", area=None))
    theirs = _enrol(other, shift)
    r = _scan(c, shift)
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "token"
    theirs.refresh_from_db()
    assert theirs.checked_in_at is None


@pytest.mark.parametrize(
    ("case", "status", "field"),
    [
        ("no profile", 404, None),
        ("unknown code", 404, None),
        ("not enrolled", 422, "token"),
        ("waitlisted", 422, "enrollment"),
        ("consent outdated", 422, "consent"),
        ("too early", 422, "enrollment"),
        ("checked in elsewhere", 422, "enrollment"),
    ],
)
def test_a_refused_check_in_says_why_and_changes_nothing(
    phone, make_user, street_areas, case, status, field
):
    c, v, shift = phone
    e = None
    token = shift.checkin_token
    if case == "no profile":
        _t, key = token_create(actor="t", user=make_user("volunteer", area=None), name="p")
        c = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
    elif case == "unknown code":
        token = "no-such-code"
    elif case == "waitlisted":
        e = _enrol(v, shift, status="waitlisted")
    elif case == "consent outdated":
        e = _enrol(v, shift)
        Volunteer.objects.filter(pk=v.pk).update(consent_version="2019-1")
    elif case == "too early":
        later = f.shift(shift.activity, start=timezone.now() + dt.timedelta(hours=3))
        e, token = _enrol(v, later), later.checkin_token
    elif case == "checked in elsewhere":
        e = _enrol(v, shift)
        other = f.shift(f.activity(shift.activity.team), start=shift.starts_at)
        Enrollment.objects.filter(pk=_enrol(v, other).pk).update(checked_in_at=timezone.now())
    r = c.post(URL, {"token": token}, content_type="application/json")
    assert r.status_code == status, r.content
    if field:
        assert r.json()["errors"][0]["field"] == field
    if e is not None:
        e.refresh_from_db()
        assert e.checked_in_at is None
    assert not AuditEvent.objects.filter(action="volunteers.checkin").exists()


def test_check_in_errors_are_in_the_callers_language(phone):
    c, _v, shift = phone
    r = _scan(c, shift, HTTP_ACCEPT_LANGUAGE="en")
    assert r.status_code == 422
    assert r.json()["message"] == "You have not signed up for this shift"
    assert _scan(c, shift).json()["message"] == "您没有报名此班次"


def test_check_out_after_a_lean_check_in_records_the_attendance(phone):
    c, v, shift = phone
    e = _enrol(v, shift)
    assert _scan(c, shift).status_code == 200
    Enrollment.objects.filter(pk=e.pk).update(checked_in_at=shift.starts_at)
    out = c.post(
        URL, {"token": shift.checkin_token, "action": "out"}, content_type="application/json"
    )
    assert out.status_code == 200 and out.json()["minutes"] >= 9
    assert out.json()["enrollment"]["checked_out_at"]
    assert v.hours.count() == 1


def _lean(client):
    """The client's requests through the chain gunicorn uses for bearer-token calls."""
    from django.conf import settings
    from django.test.client import ClientHandler
    from django.test.utils import override_settings

    from gongzhi.core.handlers import lean_middleware

    class LeanClientHandler(ClientHandler):
        def load_middleware(self, is_async=False):
            with override_settings(MIDDLEWARE=lean_middleware(settings.MIDDLEWARE)):
                super().load_middleware(is_async)

    client.handler = LeanClientHandler(enforce_csrf_checks=True)
    return client


def test_bearer_calls_without_a_cookie_take_the_lean_chain():
    from gongzhi.core.handlers import BROWSER_ONLY, is_bearer_api_call
    from gongzhi.wsgi import application

    api = {"PATH_INFO": URL, "HTTP_AUTHORIZATION": "Bearer gz_x"}
    assert is_bearer_api_call(api)
    assert not is_bearer_api_call({**api, "HTTP_COOKIE": "sessionid=abc"})
    assert not is_bearer_api_call({**api, "PATH_INFO": "/volunteers/me/"})
    assert not is_bearer_api_call({"PATH_INFO": URL})
    application.lean.load_middleware()
    lean = {
        f"{type(m).__module__}.{type(m).__name__}"
        for m in _chain(application.lean._middleware_chain)
    }
    full = {
        f"{type(m).__module__}.{type(m).__name__}" for m in _chain(application._middleware_chain)
    }
    assert BROWSER_ONLY <= full and not BROWSER_ONLY & lean
    assert "gongzhi.core.handlers.AnonymousUntilTokenMiddleware" in lean
    assert "gongzhi.accounts.middleware.SessionLimitsMiddleware" in lean  # the audit's client IP


def _chain(handler):
    seen = []
    while handler is not None:
        seen.append(getattr(handler, "__wrapped__", handler))  # the middleware instance
        handler = getattr(handler, "get_response", None)
    return seen


def test_the_lean_chain_keeps_check_in_rules_audit_and_language(phone):
    c, v, shift = phone
    c = _lean(c)
    refused = _scan(c, shift, HTTP_ACCEPT_LANGUAGE="en")
    assert refused.status_code == 422
    assert refused.json()["message"] == "You have not signed up for this shift"
    e = _enrol(v, shift)
    first = _scan(c, shift, REMOTE_ADDR="10.9.8.7")
    assert first.status_code == 200, first.content
    assert "Set-Cookie" not in first.headers
    again = _scan(c, shift)
    assert (
        again.json()["enrollment"]["checked_in_at"] == first.json()["enrollment"]["checked_in_at"]
    )
    event = AuditEvent.objects.get(action="volunteers.checkin", object_id=str(e.pk))
    assert event.actor_id == v.user_id and event.client_ip == "10.9.8.7"
    nobody = _lean(Client(HTTP_AUTHORIZATION="Bearer gz_not_a_token"))
    assert _scan(nobody, shift).status_code == 401


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's join order")
def test_the_check_in_look_up_starts_from_the_volunteer_not_the_shifts_enrollments():
    # From the shift, SQLite read every enrollment of it: 2,000 look-ups a scan at a
    # 2,000-person event.
    from gongzhi.volunteers.selectors.attendance import checkin_statement

    with connection.cursor() as cur:
        cur.execute("EXPLAIN QUERY PLAN " + checkin_statement(), [1, "code"])
        plan = [row[-1] for row in cur.fetchall()]
    assert "(user_id=?)" in plan[0], plan
    assert any("(shift_id=? AND volunteer_id=?)" in step for step in plan), plan


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's join order")
def test_a_scan_by_key_looks_up_by_unique_keys_only_from_the_token_on():
    # Each step an index probe: the token by its key, its user, their volunteer profile, the
    # shift by its code, the enrollment by the pair (never a shift's 2,000 enrollments).
    from gongzhi.volunteers.selectors.attendance import scan_statement

    with connection.cursor() as cur:
        cur.execute("EXPLAIN QUERY PLAN " + scan_statement(), ["2026-01-01", "h", True, "code"])
        plan = [row[-1] for row in cur.fetchall()]
    assert len(plan) == 5 and all(step.startswith("SEARCH") for step in plan), plan
    assert "(key_hash=?)" in plan[0] and "(user_id=?)" in plan[2], plan
    assert "(shift_id=? AND volunteer_id=?)" in plan[4], plan


def test_a_scan_by_key_checks_in_on_the_key_alone_and_leaves_anything_else_to_the_usual_path(
    phone,
):
    from gongzhi.volunteers import services

    _c, v, shift = phone
    e = _enrol(v, shift)
    key = token_create(actor="t", user=v.user, name="second phone")[1]
    # Not enrolled in that shift (an unknown code), a key that is no token: nothing done.
    assert services.enrollment_checkin_by_scan(key=key, token="no-such-code", method="api") is None
    assert (
        services.enrollment_checkin_by_scan(key="gz_nope", token=shift.checkin_token, method="api")
        is None
    )
    e.refresh_from_db()
    assert e.checked_in_at is None
    done = services.enrollment_checkin_by_scan(key=key, token=shift.checkin_token, method="api")
    assert done is not None and done.pk == e.pk and done.checked_in_at is not None
    e.refresh_from_db()
    assert e.checked_in_at == done.checked_in_at and e.checkin_method == "api"
    event = AuditEvent.objects.get(action="volunteers.checkin", object_id=str(e.pk))
    assert event.actor_id == v.user_id and event.actor_label == v.user.username
    # A repeat is the usual path's to answer (it gives the enrollment as it is).
    assert (
        services.enrollment_checkin_by_scan(key=key, token=shift.checkin_token, method="api")
        is None
    )
