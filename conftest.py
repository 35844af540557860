"""Shared test fixtures: two districts with a user each, a city user, logged-in clients."""

from __future__ import annotations

from typing import Any

import pytest


def pytest_configure(config: Any) -> None:
    from django.conf import settings
    from hypothesis import settings as hypothesis_settings

    # Speed is measured in benchmarks, never in timed tests: no per-example deadline, which
    # on a loaded two-core machine only makes property tests flaky.
    hypothesis_settings.register_profile("gongzhi", deadline=None)
    hypothesis_settings.load_profile("gongzhi")

    # Fast hashing and in-process tasks in tests; the real backends are used in `make run`.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def _real_divisions(request: Any) -> None:
    """Transactional tests flush the data migration's units: put the real ones back."""
    marker = request.node.get_closest_marker("django_db")
    if "transactional_db" in request.fixturenames or (marker and marker.kwargs.get("transaction")):
        request.getfixturevalue("transactional_db")
        from gongzhi.areas.divisions import ensure_divisions
        from gongzhi.areas.models import Area

        ensure_divisions(Area)


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


# --- browser tests: Playwright driving Debian's chromium -------------------------------------

import os  # noqa: E402
from pathlib import Path  # noqa: E402

# Playwright's sync API keeps an event loop on the test thread; the ORM calls made by the
# test itself are still synchronous, so Django's async-safety guard is relaxed for tests only.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
ARTIFACTS = Path(__file__).resolve().parent / "var" / "test-artifacts"
CHROMIUM = os.environ.get("GONGZHI_CHROMIUM", "/usr/bin/chromium")


@pytest.fixture(scope="session")
def browser() -> Any:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-dev-shm-usage",
            ],
        )
        yield b
        b.close()


@pytest.fixture
def page(browser: Any, live_server: Any) -> Any:
    """A desktop-sized page on the live server; `page.base` is the server URL."""
    context = browser.new_context(
        locale="zh-CN", viewport={"width": 1280, "height": 900}, base_url=live_server.url
    )
    pg = context.new_page()
    pg.set_default_timeout(15000)
    pg.base = live_server.url
    yield pg
    context.close()


@pytest.fixture
def phone_page(browser: Any, live_server: Any) -> Any:
    """A phone-sized page (375 x 812, touch) on the live server."""
    context = browser.new_context(
        locale="zh-CN",
        viewport={"width": 375, "height": 812},
        is_mobile=True,
        has_touch=True,
        base_url=live_server.url,
    )
    pg = context.new_page()
    pg.set_default_timeout(15000)
    pg.base = live_server.url
    yield pg
    context.close()


def browser_login(page: Any, username: str, password: str = PASSWORD) -> None:
    """Log in through the real login page."""
    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state()


def screenshot(page: Any, name: str) -> Path:
    """Save a full-page screenshot as a test artefact under var/test-artifacts/."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def axe_violations(page: Any) -> list[Any]:
    """WCAG 2.1 AA violations on the current page (axe-core via axe-playwright-python)."""
    from axe_playwright_python.sync_playwright import Axe

    result = Axe().run(
        page,
        options={
            "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}
        },
    )
    return [v for v in result.response["violations"]]
