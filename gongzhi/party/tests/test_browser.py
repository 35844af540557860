"""In Chromium: a Party secretary records a 支委会 meeting and sees the worklist item clear."""

from __future__ import annotations

import datetime as dt

import pytest

from conftest import axe_violations, browser_login, screenshot
from gongzhi.party import services
from gongzhi.party.tests import helpers

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_secretary_records_a_committee_meeting_and_the_worklist_item_clears(page, make_user):
    org = helpers.party_org(name="浏览器测试党支部")
    members = helpers.members(org, 7)
    for kind, m in zip(["secretary", "organisation", "propaganda"], members, strict=False):
        services.post_assign(
            actor="test", party_org=org, kind=kind, member=m, started_on=dt.date(2020, 1, 1)
        )
    make_user("party_secretary", area=None, org=org, username="shuji", display_name="书记")
    browser_login(page, "shuji")

    page.goto("/party/worklist/")
    item = page.locator('[data-check="meeting:committee_meeting:current"]')
    assert item.count() == 1
    assert "支委会" in item.inner_text()
    screenshot(page, "party-worklist-before")
    assert axe_violations(page) == []

    page.goto(f"/party/orgs/{org.pk}/")
    page.get_by_role("link", name="记录组织生活").click()
    page.get_by_label("类型").select_option(label="支委会")
    page.get_by_label("主题").fill("研究本月党员发展工作")
    page.get_by_label(members[0].name, exact=True).check()
    page.get_by_label(members[1].name, exact=True).check()
    page.get_by_role("button", name="保存记录").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="支委会 · 研究本月党员发展工作").is_visible()

    page.goto("/party/worklist/")
    assert page.locator('[data-check="meeting:committee_meeting:current"]').count() == 0
    # Other kinds still owed remain: the page is not simply empty.
    assert page.locator('[data-check="meeting:theme_day:current"]').count() == 1
    screenshot(page, "party-worklist-after")


def test_the_dues_calculator_shows_the_bracket(page, make_user):
    make_user("district_admin", "430405000000", username="dues_admin")
    browser_login(page, "dues_admin")
    page.goto("/party/dues/calculator/")
    page.get_by_label("月税后收入（元）").fill("5000")
    page.get_by_label("缴纳类别").select_option(label="在职")
    page.get_by_role("button", name="计算").click()
    page.locator("[data-bracket]").wait_for()
    assert page.locator("[data-bracket]").inner_text().startswith("3000-5000元")
    assert page.locator("[data-amount]").inner_text() == "50.00"
    assert axe_violations(page) == []
