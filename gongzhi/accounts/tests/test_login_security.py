"""MLPS 2.0 login security: lockout, session limits, two-factor login, password rules."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from conftest import PASSWORD
from gongzhi.accounts.models import User
from gongzhi.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def _login(client: Client, username: str, password: str):
    return client.post("/accounts/login/", {"username": username, "password": password})


def test_four_failures_still_allow_a_correct_login(make_user):
    make_user(username="ann")
    c = Client()
    for _ in range(4):
        assert _login(c, "ann", "wrong").status_code == 200
    response = _login(c, "ann", PASSWORD)
    assert response.status_code == 302
    assert User.objects.get(username="ann").failed_logins == 0


def test_the_fifth_failure_locks_the_account_even_against_the_right_password(make_user):
    make_user(username="bob")
    c = Client()
    for _ in range(5):
        response = _login(c, "bob", "wrong")
    assert "账户已锁定" in response.content.decode()
    user = User.objects.get(username="bob")
    assert user.locked_until > timezone.now() + dt.timedelta(minutes=29)
    response = _login(c, "bob", PASSWORD)
    assert response.status_code == 200
    assert "账户已锁定" in response.content.decode()
    assert AuditEvent.objects.filter(action="login.locked", object_id=str(user.pk)).exists()


def test_a_locked_account_unlocks_once_the_period_has_passed(make_user):
    make_user(username="cat")
    c = Client()
    for _ in range(5):
        _login(c, "cat", "wrong")
    # The lock period has run out.
    User.objects.filter(username="cat").update(
        locked_until=timezone.now() - dt.timedelta(seconds=1)
    )
    assert _login(c, "cat", PASSWORD).status_code == 302


def test_failed_and_successful_logins_are_audited(make_user):
    user = make_user(username="dan")
    c = Client()
    _login(c, "dan", "wrong")
    _login(c, "dan", PASSWORD)
    actions = list(
        AuditEvent.objects.filter(object_id=str(user.pk)).values_list("action", flat=True)
    )
    assert "login.failure" in actions and "login.success" in actions


def test_an_idle_session_expires_after_thirty_minutes(make_user):
    make_user(username="eve")
    c = Client()
    _login(c, "eve", PASSWORD)
    assert c.get("/").status_code == 200
    session = c.session
    session["gz_seen_at"] = time.time() - 31 * 60
    session.save()
    response = c.get("/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert c.get("/").status_code == 302  # logged out for good


def test_a_session_ends_after_the_absolute_limit_even_when_active(make_user):
    make_user(username="fay")
    c = Client()
    _login(c, "fay", PASSWORD)
    session = c.session
    session["gz_login_at"] = time.time() - 13 * 3600
    session["gz_seen_at"] = time.time()
    session.save()
    assert c.get("/").status_code == 302


@pytest.mark.parametrize("role", ["system_admin", "security_admin", "audit_admin"])
def test_the_separated_administrators_must_pass_two_factor_login(make_user, role):
    make_user(role, "430400000000", username="admin1")
    c = Client()
    _login(c, "admin1", PASSWORD)
    response = c.get("/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/two-factor/")
    # Enrolment shows a QR code; a wrong code is refused; the right one lets the admin in.
    page = c.get("/accounts/two-factor/")
    assert b"<svg" in page.content
    device = TOTPDevice.objects.get(user__username="admin1")
    assert not device.confirmed
    bad = c.post(
        "/accounts/two-factor/", {"token": "000000" if totp(device.bin_key) != 0 else "111111"}
    )
    assert "验证码不正确" in bad.content.decode()
    device.refresh_from_db()
    device.throttle_reset()  # django-otp throttles retries after a failure; the user waits it out
    ok = c.post("/accounts/two-factor/?next=/", {"token": f"{totp(device.bin_key):06d}"})
    assert ok.status_code == 302
    assert c.get("/").status_code == 200
    device.refresh_from_db()
    assert device.confirmed


def test_other_roles_log_in_without_two_factor_unless_configured(make_user, settings):
    make_user("district_admin", username="dist")
    c = Client()
    _login(c, "dist", PASSWORD)
    assert c.get("/").status_code == 200
    settings.GONGZHI_2FA_ROLES = ["district_admin"]
    assert c.get("/").status_code == 302


@pytest.mark.parametrize(
    "password, ok",
    [
        ("abcdefgh1", False),
        ("ABCDEFGH1", False),
        ("Gz7kQm2p", True),
        ("abcdef1!", True),
        ("Ab1!", False),
    ],
)
def test_passwords_need_eight_characters_of_three_classes(password, ok):
    if ok:
        validate_password(password, User(username="x"))
    else:
        with pytest.raises(ValidationError):
            validate_password(password, User(username="x"))


def test_an_expired_password_must_be_changed_before_anything_else(make_user):
    user = make_user(username="gus")
    User.objects.filter(pk=user.pk).update(
        password_changed_at=timezone.now() - dt.timedelta(days=91)
    )
    c = Client()
    _login(c, "gus", PASSWORD)
    response = c.get("/")
    assert response.status_code == 302 and response["Location"] == "/accounts/password/"
    c.post(
        "/accounts/password/",
        {
            "old_password": PASSWORD,
            "new_password1": "New#Pass2027",
            "new_password2": "New#Pass2027",
        },
    )
    assert c.get("/").status_code == 200


def test_every_demo_account_signs_in_with_the_published_demo_password(client):
    # The demo hashes the shared password once for all accounts (gongzhi/demo.py).
    from django.contrib.auth import authenticate

    from gongzhi.demo import DEMO_PASSWORD, DEMO_USERS, load_demo

    load_demo("small")
    for username, *_rest in DEMO_USERS:
        assert authenticate(username=username, password=DEMO_PASSWORD) is not None, username
        assert authenticate(username=username, password=DEMO_PASSWORD + "x") is None
