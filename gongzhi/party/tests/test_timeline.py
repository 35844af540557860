"""The party entries on the orgs organisation page's timeline, through the scope rule."""

from __future__ import annotations

import datetime as dt

import pytest

from gongzhi.orgs.timeline import timeline
from gongzhi.party import services
from gongzhi.party.tests import helpers
from gongzhi.party.timeline import party_timeline

D = dt.date
YEAR = 2023


def _hold_a_full_year(party_org, members, year=YEAR, skip_theme_days=0):
    """Every kind a branch without a committee or groups owes, for `year`."""

    def meet(kind, day, **kw):
        services.life_record_create(
            actor="t", party_org=party_org, kind=kind, held_on=day, topic=kind, **kw
        )

    for month in range(1, 13 - skip_theme_days):
        meet("theme_day", D(year, month, 10))
    for month in (2, 5, 8, 11):
        meet("general_meeting", D(year, month, 12), attendees=members)
    meet("party_lecture", D(year, 6, 1))
    meet("life_meeting", D(year, 12, 1))
    meet("appraisal", D(year, 12, 2), attendees=members)


@pytest.fixture
def org_with_party_history():
    org = helpers.social_org(name="时间线协会")
    instructor = services.instructor_create(
        actor="t", name="王指导", area=org.area, work_unit="区委组织部"
    )
    assignment = services.instructor_assign(
        actor="t", instructor=instructor, org=org, started_on=D(2020, 1, 1)
    )
    services.instructor_assignment_end(actor="t", assignment=assignment, ended_on=D(2021, 3, 1))
    own = helpers.party_org(name="时间线协会党支部", covered=[org], established_on=D(2021, 3, 1))
    members = helpers.members(own, 3, employer=org)
    _hold_a_full_year(own, members, YEAR)
    _hold_a_full_year(own, members, YEAR + 1, skip_theme_days=1)  # December's 主题党日 missed
    # A joint branch seated in the other district also covers it (out of 珠晖区's scope).
    far = helpers.party_org(
        "430406001001",
        name="外区联合党支部",
        kind="joint_branch",
        built_by="joint",
        established_on=D(2019, 1, 1),
    )
    services.coverage_add(actor="t", party_org=far, org=org, started_on=D(2022, 1, 1))
    services.life_record_create(
        actor="t", party_org=far, kind="theme_day", held_on=D(YEAR, 3, 3), topic="外区主题党日"
    )
    return org, own, far


def _titles(events):
    return [e["title"] for e in events]


def test_the_org_page_shows_the_party_org_instructor_and_yearly_org_life(
    org_with_party_history, user_a, client_of
):
    org, own, _far = org_with_party_history
    body = client_of(user_a).get(f"/orgs/{org.pk}/").content.decode()
    assert "建立党组织：时间线协会党支部（党支部·单独组建）" in body
    assert f'href="/party/orgs/{own.pk}/"' in body
    assert "选派党建指导员：王指导（区委组织部）" in body
    assert "党建指导员选派结束：王指导" in body
    assert f"{YEAR}年度组织生活达标：时间线协会党支部" in body
    assert f"{YEAR + 1}年度组织生活未达标：时间线协会党支部" in body
    assert "主题党日 11/12" in body
    assert 'data-kind="party_life_year"' in body


def test_nothing_out_of_the_users_scope_reaches_the_org_page(
    org_with_party_history, user_a, city_user
):
    org, _own, far = org_with_party_history
    mine = "\n".join(_titles(party_timeline(org, user_a)))
    assert "外区联合党支部" not in mine
    city = "\n".join(_titles(party_timeline(org, city_user)))
    assert "纳入党组织覆盖：外区联合党支部（联合党支部·联合组建）" in city
    assert f"{YEAR}年度组织生活未达标：外区联合党支部" in city


def test_a_user_without_the_party_pages_gets_no_party_entries(org_with_party_history, make_user):
    org, _own, _far = org_with_party_history
    admin = make_user("org_admin", area=None, org=org)
    assert party_timeline(org, admin) == []
    assert all(not e["kind"].startswith(("party", "instructor")) for e in timeline(org, admin))


def test_a_dissolved_party_org_and_an_ended_coverage_show_on_the_timeline(city_user):
    org = helpers.social_org()
    other = helpers.social_org()
    joint = helpers.party_org(
        kind="joint_branch", built_by="joint", covered=[org, other], name="联合支部甲"
    )
    services.coverage_end(
        actor="t", coverage=joint.coverages.get(org=other), ended_on=D(2022, 6, 30)
    )
    services.party_org_update(actor="t", party_org=joint, dissolved_on=D(2024, 1, 1))
    kinds = {e["kind"]: e["date"] for e in party_timeline(org, city_user)}
    assert kinds["party_org_established"] == helpers.ESTABLISHED
    assert kinds["party_org_dissolved"] == D(2024, 1, 1)
    other_kinds = {e["kind"]: e["date"] for e in party_timeline(other, city_user)}
    assert other_kinds["party_coverage_ended"] == D(2022, 6, 30)
    assert "party_org_dissolved" not in other_kinds
    # Org life is reported for complete years while the coverage ran.
    other_years = [
        e["date"].year for e in party_timeline(other, city_user) if e["kind"] == "party_life_year"
    ]
    assert other_years == [2018, 2019, 2020, 2021, 2022]


def test_the_org_page_query_count_does_not_grow_with_years_of_org_life(
    org_with_party_history, city_user, client_of, django_assert_max_num_queries
):
    org, _own, _far = org_with_party_history
    c = client_of(city_user)
    with django_assert_max_num_queries(23):
        assert c.get(f"/orgs/{org.pk}/").status_code == 200
