"""On a phone-sized screen a volunteer finds an activity, signs up and checks in."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from conftest import axe_violations, browser_login, screenshot
from gongzhi.volunteers.models import Enrollment
from gongzhi.volunteers.tests import factories as f

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_volunteer_signs_up_and_checks_in_on_a_phone(phone_page, make_user):
    user = make_user("volunteer", area=None, username="phone_vol", display_name="手机志愿者")
    v = f.volunteer("430405000000", name="手机志愿者", user=user)
    team = f.team("430405000000")
    shift = f.shift(
        f.activity(team, title="湘江边清洁行动"),
        start=timezone.now() - dt.timedelta(minutes=15),
        hours=2,
        capacity=3,
    )
    page = phone_page
    browser_login(page, "phone_vol")
    page.goto("/volunteers/find/")
    page.get_by_role("link", name="湘江边清洁行动").click()
    page.get_by_role("button", name="报名").click()
    assert "已报名" in page.get_by_test_id("my-status").inner_text()
    screenshot(page, "volunteers-phone-signed-up")
    # The volunteer scans the shift's QR code on the organiser's phone: it opens this page.
    page.goto(f"/volunteers/checkin/{shift.checkin_token}/")
    page.get_by_role("button", name="签到").click()
    assert page.get_by_test_id("checked-in").is_visible()
    screenshot(page, "volunteers-phone-checked-in")
    e = Enrollment.objects.get(volunteer=v, shift=shift)
    assert e.checked_in_at is not None and e.checkin_method == "shift_qr"
    page.goto("/volunteers/me/")
    assert page.get_by_test_id("volunteer-number").inner_text() == v.number
    # Nothing on the phone page is wider than the screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert axe_violations(page) == []


def test_a_volunteer_reveals_their_number_and_deletes_their_data_on_a_phone(phone_page, make_user):
    from gongzhi.core import pii
    from gongzhi.volunteers.models import Volunteer

    user = make_user("volunteer", area=None, username="phone_del", display_name="删除者")
    id_number = f.id_number(5151)
    v = f.volunteer("430405000000", name="删除者", user=user, id_number=id_number)
    page = phone_page
    browser_login(page, "phone_del")
    page.goto("/volunteers/me/")
    page.get_by_role("link", name="我的个人信息（查看、复制、更正、删除）").click()
    assert pii.mask(id_number, "id_number") in page.content()
    page.locator("#own-id_number ~ button").click()
    page.wait_for_selector("[data-revealed]")
    assert id_number in page.content()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert axe_violations(page) == []
    page.get_by_role("link", name="删除我的个人信息").click()
    page.get_by_label("请输入您的志愿者编号以确认").fill(v.number)
    page.get_by_role("button", name="确认删除").click()
    page.wait_for_url("**/volunteers/me/deleted/")
    screenshot(page, "volunteers-phone-deleted")
    assert Volunteer.objects.get(pk=v.pk).status == "deleted"
