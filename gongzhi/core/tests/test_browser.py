"""Log in through the real page in Chromium, switch language, see the home page."""

from __future__ import annotations

import pytest

from conftest import axe_violations, browser_login, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_district_admin_logs_in_switches_language_and_sees_the_home_page(page, make_user):
    make_user("district_admin", "430405000000", username="zh_admin", display_name="珠晖管理员")
    browser_login(page, "zh_admin")
    assert page.get_by_role("heading", name="您好，珠晖管理员").is_visible()
    screenshot(page, "home-zh-hans")
    with page.expect_navigation():
        page.select_option("#lang-select", "en")
    assert page.locator("html").get_attribute("lang") == "en"
    assert "Home" in page.title()
    with page.expect_navigation():
        page.select_option("#lang-select", "zh-hant")
    assert page.locator("html").get_attribute("lang") == "zh-Hant"
    assert "首頁" in page.title()
    screenshot(page, "home-zh-hant")


def test_the_login_and_home_pages_meet_wcag_aa(page, make_user):
    page.goto("/accounts/login/")
    assert axe_violations(page) == []
    make_user("district_admin", "430405000000", username="a11y")
    browser_login(page, "a11y")
    assert axe_violations(page) == []
