"""Calendar helpers and the alliance's rotating chair over several periods."""

import datetime as dt

import pytest
from django.utils import translation

from gongzhi.areas.models import Area
from gongzhi.party import services
from gongzhi.party.dates import add_months, period_bounds, period_label, previous_period
from gongzhi.party.rotation import chair_on, schedule
from gongzhi.party.tests import helpers

D = dt.date


def test_add_months_clamps_to_the_end_of_the_month():
    assert add_months(D(2024, 1, 31), 1) == D(2024, 2, 29)
    assert add_months(D(2023, 11, 30), 3) == D(2024, 2, 29)
    assert add_months(D(2024, 5, 15), -6) == D(2023, 11, 15)


def test_period_labels_follow_the_interface_language():
    day = dt.date(2026, 4, 1)
    with translation.override("zh-hans"):
        assert period_label(day, "quarter") == "2026年第2季度"
        assert period_label(day, "month") == "2026年4月"
        assert period_label(day, "year") == "2026年"
    with translation.override("en"):
        assert period_label(day, "quarter") == "Q2 2026"
        assert period_label(day, "month") == "04/2026"
        assert period_label(day, "year") == "2026"


def test_periods_and_previous_periods():
    assert period_bounds(D(2024, 5, 15), "quarter") == (D(2024, 4, 1), D(2024, 6, 30))
    assert previous_period(D(2024, 1, 5), "quarter") == (D(2023, 10, 1), D(2023, 12, 31))
    assert previous_period(D(2024, 3, 1), "month") == (D(2024, 2, 1), D(2024, 2, 29))
    assert period_bounds(D(2024, 3, 1), "year") == (D(2024, 1, 1), D(2024, 12, 31))


@pytest.fixture
def alliance(street_areas):
    street = street_areas["street_a"]
    a = services.alliance_create(
        actor="test",
        name="测试联盟",
        area=street,
        established_on=D(2024, 1, 1),
        rotation_months=6,
    )
    orgs = [helpers.party_org(name=f"成员{i}") for i in range(3)]
    for i, org in enumerate(orgs):
        services.alliance_member_add(
            actor="test",
            alliance=a,
            party_org=org,
            joined_on=D(2024, 1, 1),
            rotation_position=i + 1,
        )
    return a


def test_the_chair_rotates_in_order_period_by_period(alliance):
    chairs = [
        chair_on(alliance, d).chair.name
        for d in (
            D(2024, 1, 1),
            D(2024, 6, 30),
            D(2024, 7, 1),
            D(2025, 1, 1),
            D(2025, 7, 1),
            D(2026, 1, 1),
        )
    ]
    assert chairs == ["成员0", "成员0", "成员1", "成员2", "成员0", "成员1"]


def test_the_schedule_covers_the_next_two_years(alliance):
    periods = schedule(alliance, D(2024, 8, 15))
    assert periods[0].starts_on == D(2024, 7, 1)
    assert periods[-1].ends_on >= D(2026, 8, 14)
    assert len(periods) == 5
    assert [p.chair.name for p in periods] == ["成员1", "成员2", "成员0", "成员1", "成员2"]
    for a, b in zip(periods, periods[1:], strict=False):
        assert b.starts_on == a.ends_on + dt.timedelta(days=1)


def test_a_member_joining_takes_its_turn_from_the_next_period(alliance):
    newcomer = helpers.party_org(name="新成员")
    services.alliance_member_add(
        actor="test", alliance=alliance, party_org=newcomer, joined_on=D(2024, 8, 1)
    )
    # Period 1 (2024-07) started before it joined: 3 members, chair 1 % 3 = 成员1.
    assert chair_on(alliance, D(2024, 9, 1)).chair.name == "成员1"
    # Period 3 (2025-07): 4 members, 3 % 4 = the newcomer.
    assert chair_on(alliance, D(2025, 7, 1)).chair.name == "新成员"


def test_the_joint_meeting_is_hosted_by_the_chair_of_its_period(alliance):
    meeting = services.alliance_meeting_record(
        actor="test", alliance=alliance, held_on=D(2024, 8, 1), topic="联席会议", decisions="议定"
    )
    assert meeting.host.name == "成员1"


def test_the_configured_period_applies_when_the_alliance_sets_none(street_areas):
    a = services.alliance_create(
        actor="test",
        name="默认周期",
        area=Area.objects.get(code="430405001000"),
        established_on=D(2024, 1, 1),
    )
    for i in range(2):
        services.alliance_member_add(
            actor="test",
            alliance=a,
            party_org=helpers.party_org(name=f"默认{i}"),
            joined_on=D(2024, 1, 1),
        )
    # rules_config: six-month periods.
    assert chair_on(a, D(2024, 6, 30)).chair.name == "默认0"
    assert chair_on(a, D(2024, 7, 1)).chair.name == "默认1"
