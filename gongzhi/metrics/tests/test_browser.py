from __future__ import annotations

from typing import Any

import pytest

from conftest import PASSWORD, browser_login, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_overview_changes_date_and_drills_down(page: Any, make_user: Any) -> None:
    from gongzhi.metrics.demo_city import load_city

    load_city(scale=0.01, seed=7)
    make_user("city_admin", "430400000000", username="citybrowser")
    browser_login(page, "citybrowser", PASSWORD)
    page.goto("/metrics/overview/?as_of=2020-12-31")
    assert page.locator('[data-figure="social_orgs"]').inner_text() == "30"
    page.fill("#as_of", "2010-12-31")
    page.dispatch_event("#as_of", "change")
    page.wait_for_url("**as_of=2010-12-31**")
    assert int(page.locator('[data-figure="social_orgs"]').inner_text().replace(",", "")) < 30
    # the map is drawn (canvas) and a click on a unit row drills down one level
    page.wait_for_selector("#chart-units canvas")
    page.get_by_role("link", name="珠晖区").click()
    page.wait_for_url("**unit=430405000000**")
    assert "珠晖区" in page.locator("h1").inner_text()
    page.wait_for_selector("#drill-up")
    screenshot(page, "metrics-overview-drilldown")
