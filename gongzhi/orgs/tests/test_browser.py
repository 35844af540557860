"""In Chromium: find an organisation, open it, file its annual report through the page."""

from __future__ import annotations

import datetime as dt

import pytest

from conftest import axe_violations, browser_login, screenshot
from gongzhi.orgs.models import AnnualReport
from gongzhi.orgs.tests.factories import make_org

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_org_admin_files_an_annual_report_through_the_page(page, make_user, street_areas):
    org = make_org(
        street_areas["a"].code, name="珠晖区社会工作者协会", registered_on=dt.date(2016, 3, 1)
    )
    make_user("org_admin", area=None, org=org, username="org_admin_zh")
    browser_login(page, "org_admin_zh")
    page.goto("/orgs/")
    page.get_by_label("搜索（名称、繁体、拼音、首字母或信用代码）", exact=True).fill("shgzz")
    page.get_by_role("link", name="珠晖区社会工作者协会").click()
    page.get_by_role("link", name="报送年度工作报告").click()
    last_year = dt.date.today().year - 1
    page.get_by_label("年度", exact=True).fill(str(last_year))
    page.get_by_label("报送日期", exact=True).fill(
        f"{last_year + 1}-01-15"
        if dt.date.today() > dt.date(last_year + 1, 1, 15)
        else dt.date.today().isoformat()
    )
    page.get_by_label("从业人员数", exact=True).fill("23")
    page.get_by_label("其中持证社工", exact=True).fill("4")
    page.get_by_label("其中其他专业人才", exact=True).fill("2")
    page.get_by_label("志愿者人数", exact=True).fill("120")
    page.get_by_label("已建立党组织", exact=True).check()
    page.get_by_label("党员人数", exact=True).fill("5")
    page.get_by_label("已建工会", exact=True).check()
    page.get_by_label("工会建立日期", exact=True).fill(f"{last_year}-05-01")
    violations = axe_violations(page)
    assert violations == [], [(v["id"], [n["html"] for n in v["nodes"]]) for v in violations]
    page.get_by_role("button", name="提交").click()
    page.wait_for_load_state()
    assert page.get_by_role("status").filter(has_text="年度工作报告已报送").is_visible()
    row = page.locator("#reports tbody tr").first
    assert str(last_year) in row.inner_text() and "23" in row.inner_text()
    screenshot(page, "orgs-report-filed")
    report = AnnualReport.objects.get(org=org, year=last_year)
    assert (report.employees, report.social_workers, report.has_union) == (23, 4, True)
    assert report.filed_by == "org_admin_zh" and report.result == ""


def test_a_bad_report_shows_the_error_on_the_field(page, make_user, street_areas):
    org = make_org(street_areas["a"].code, registered_on=dt.date(2016, 3, 1))
    make_user("district_admin", "430405000000", username="zh_district")
    browser_login(page, "zh_district")
    page.goto(f"/orgs/{org.pk}/report/")
    page.get_by_label("年度", exact=True).fill("2020")
    page.get_by_label("报送日期", exact=True).fill("2021-03-01")
    page.get_by_label("从业人员数", exact=True).fill("2")
    page.get_by_label("其中持证社工", exact=True).fill("5")
    page.get_by_role("button", name="提交").click()
    page.wait_for_load_state()
    assert page.get_by_text("持证社工与其他专业人才之和不能超过从业人员数").is_visible()
    assert not AnnualReport.objects.exists()


def test_the_registry_list_meets_wcag_aa(page, make_user, street_areas):
    make_org(street_areas["a"].code)
    make_user("district_admin", "430405000000", username="zh_a11y")
    browser_login(page, "zh_a11y")
    page.goto("/orgs/")
    violations = axe_violations(page)
    assert violations == [], [(v["id"], [n["html"] for n in v["nodes"]]) for v in violations]
