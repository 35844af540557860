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


def test_an_alliance_is_created_its_rotation_shown_and_a_need_claimed(page, make_user):
    a = helpers.party_org(name="浏览器甲党支部")
    b = helpers.party_org(name="浏览器乙党支部")
    make_user("district_admin", "430405000000", username="alliance_admin")
    browser_login(page, "alliance_admin")

    page.goto("/party/alliances/")
    page.get_by_role("link", name="新建联盟").click()
    page.wait_for_load_state()
    assert axe_violations(page) == []
    page.get_by_label("名称").fill("浏览器党建联盟")
    page.get_by_label("所在区域").select_option(label="街道a")
    page.get_by_label("成立日期").fill("2024-01-01")
    page.get_by_label("轮值周期（月）").fill("6")
    page.get_by_label("成员党组织").select_option(label=[a.name, b.name])
    page.get_by_role("button", name="保存").click()
    page.wait_for_load_state()

    assert page.get_by_role("heading", name="浏览器党建联盟").is_visible()
    rotation = page.locator("#rotation tbody tr")
    assert rotation.count() >= 4  # six-month periods over the next two years
    chairs = [rotation.nth(i).locator("td").nth(1).inner_text() for i in range(rotation.count())]
    assert set(chairs) == {a.name, b.name}
    assert all(x != y for x, y in zip(chairs, chairs[1:], strict=False))
    screenshot(page, "party-alliance-rotation")
    assert axe_violations(page) == []

    page.get_by_role("link", name="增加清单事项").click()
    page.wait_for_load_state()
    page.get_by_label("清单").select_option(label="需求清单")
    page.get_by_label("名称").fill("社区助老陪护")
    page.get_by_role("button", name="保存").click()
    page.wait_for_load_state()

    row = page.locator("#items tbody tr", has_text="社区助老陪护")
    assert "待认领" in row.inner_text()
    row.get_by_label("“社区助老陪护”的认领单位").select_option(label=b.name)
    row.get_by_role("button", name="认领").click()
    page.wait_for_load_state()
    row = page.locator("#items tbody tr", has_text="社区助老陪护")
    assert "已认领" in row.inner_text() and b.name in row.inner_text()
    screenshot(page, "party-alliance-claimed")
    assert axe_violations(page) == []
