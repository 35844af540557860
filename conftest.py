"""Shared test fixtures: two districts with a user each, a city user, logged-in clients."""

from __future__ import annotations

from typing import Any

import pytest


def pytest_configure(config: Any) -> None:
    from django.conf import settings

    # Fast hashing and in-process tasks in tests; the real backends are used in `make run`.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


DISTRICT_A = "430405000000"  # 珠晖区
DISTRICT_B = "430406000000"  # 雁峰区
PASSWORD = "Test@Pass2026"


@pytest.fixture
def make_user(db: Any) -> Any:
    from gongzhi.accounts.services import membership_add, user_create
    from gongzhi.areas.models import Area

    counter = {"n": 0}

    def make(
        role: str = "district_admin", area: str | None = DISTRICT_A, org: Any = None, **kw: Any
    ) -> Any:
        counter["n"] += 1
        user = user_create(
            actor="test",
            username=kw.pop("username", f"{role}{counter['n']}"),
            password=PASSWORD,
            **kw,
        )
        membership_add(
            actor="test",
            user=user,
            role=role,
            area=Area.objects.get(code=area) if area else None,
            org=org,
        )
        return user

    return make


@pytest.fixture
def user_a(make_user: Any) -> Any:
    return make_user("district_admin", DISTRICT_A, username="district_a")


@pytest.fixture
def user_b(make_user: Any) -> Any:
    return make_user("district_admin", DISTRICT_B, username="district_b")


@pytest.fixture
def city_user(make_user: Any) -> Any:
    return make_user("city_admin", "430400000000", username="city")


@pytest.fixture
def street_areas(db: Any) -> dict[str, Any]:
    """One synthetic street and community in each of the two districts."""
    from gongzhi.areas.models import Area, Kind

    out = {}
    for key, county in (("a", DISTRICT_A), ("b", DISTRICT_B)):
        parent = Area.objects.get(code=county)
        street = Area.objects.create(
            code=county[:6] + "001000", name=f"街道{key}", kind=Kind.TOWNSHIP, parent=parent
        )
        community = Area.objects.create(
            code=county[:6] + "001001", name=f"社区{key}", kind=Kind.COMMUNITY, parent=street
        )
        out[key] = community
        out[f"street_{key}"] = street
    return out


@pytest.fixture
def client_of(client: Any) -> Any:
    """A logged-in Django test client for a user (a fresh client each call)."""
    from django.test import Client

    def login(user: Any) -> Any:
        c = Client()
        c.force_login(user)
        session = c.session
        import time

        session["gz_login_at"] = session["gz_seen_at"] = time.time()
        session.save()
        return c

    return login
