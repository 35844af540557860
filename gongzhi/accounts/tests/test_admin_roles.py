"""The separated administrators in /admin/: the system administrator keeps system configuration,
and nothing of the security or audit administrators' (三员分立)."""

from __future__ import annotations

import pytest
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from conftest import PASSWORD

pytestmark = pytest.mark.django_db


def _admin_client(username: str) -> Client:
    c = Client()
    c.post("/accounts/login/", {"username": username, "password": PASSWORD})
    c.get("/accounts/two-factor/")  # enrolment creates the device
    device = TOTPDevice.objects.get(user__username=username)
    c.post("/accounts/two-factor/?next=/", {"token": f"{totp(device.bin_key):06d}"})
    return c


def test_the_system_administrator_maintains_holidays_and_areas_in_the_admin(make_user):
    make_user("system_admin", "430400000000", username="sysadmin")
    c = _admin_client("sysadmin")
    index = c.get("/admin/")
    assert index.status_code == 200
    assert c.get("/admin/core/holiday/").status_code == 200
    assert c.get("/admin/core/holiday/add/").status_code == 200
    assert c.get("/admin/areas/area/").status_code == 200
    # Accounts belong to the security administrator, the audit trail to the audit administrator.
    assert c.get("/admin/accounts/user/").status_code == 403
    assert c.get("/admin/core/auditevent/").status_code == 403
    assert c.get("/admin/areas/area/1/delete/").status_code == 403


def test_other_roles_hold_no_admin_permissions(make_user):
    user = make_user("security_admin", "430400000000")
    assert not user.has_perm("core.add_holiday")
    assert not user.has_module_perms("areas")
    district = make_user("district_admin")
    assert not district.has_perm("areas.change_area")
