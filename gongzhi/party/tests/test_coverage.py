"""Coverage arithmetic as of a date, with a joint branch covering several organisations."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from gongzhi.party import selectors, services
from gongzhi.party.tests import helpers

D = dt.date


def _city(make_user):
    return make_user("city_admin", "430400000000")


def test_coverage_counts_a_joint_branch_once_per_org_and_instructors_for_work_coverage(make_user):
    city = _city(make_user)
    a = [helpers.social_org() for _ in range(6)]  # 6 orgs in 珠晖区
    b = [helpers.social_org("430406001001") for _ in range(2)]  # 2 in 雁峰区
    own = helpers.party_org(covered=[a[0]], name="单建")
    joint = helpers.party_org(kind="joint_branch", built_by="joint", covered=a[1:4], name="联建")
    helpers.members(own, 3)
    helpers.members(joint, 2)
    helpers.member(joint, formal=False, admitted_on=D(2024, 6, 1))
    instructor = services.instructor_create(actor="test", name="指导员", area=a[0].area)
    services.instructor_assign(
        actor="test", instructor=instructor, org=a[4], started_on=D(2020, 1, 1)
    )
    del b

    fig = selectors.coverage_figures(user=city, as_of=D(2025, 1, 1))
    assert fig.social_orgs == 8
    assert fig.orgs_with_party_org == 4  # 1 own + 3 in the joint branch
    assert fig.party_orgs == 2
    assert (fig.formal_members, fig.probationary_members, fig.party_members) == (5, 1, 6)
    assert fig.organisational_coverage == Decimal("50.0")
    assert fig.work_coverage == Decimal("62.5")  # + the instructor's org

    rows = {r.unit_code: r for r in selectors.coverage_by_district(user=city, as_of=D(2025, 1, 1))}
    assert rows["430405"].social_orgs == 6
    assert rows["430405"].unit_name == "珠晖区"
    assert rows["430405"].orgs_with_party_org == 4
    assert rows["430405"].organisational_coverage == Decimal("66.7")
    assert rows["430406"].orgs_with_party_org == 0
    assert rows["430406"].work_coverage == Decimal("0.0")


def test_figures_as_of_an_earlier_date_leave_out_later_facts(make_user):
    city = _city(make_user)
    org = helpers.social_org(registered_on=D(2019, 1, 1))
    party = helpers.party_org(covered=[org], established_on=D(2021, 1, 1))
    helpers.member(party, admitted_on=D(2020, 7, 1), joined_on=D(2021, 1, 1))
    helpers.member(party, formal=False, admitted_on=D(2024, 6, 1))
    early = selectors.coverage_figures(user=city, as_of=D(2020, 12, 31))
    assert (
        early.social_orgs,
        early.orgs_with_party_org,
        early.party_orgs,
        early.party_members,
    ) == (1, 0, 0, 0)
    mid = selectors.coverage_figures(user=city, as_of=D(2021, 6, 30))
    # Admitted 2020-07-01: still probationary on 2021-06-30, formal from 2021-07-01.
    assert (mid.orgs_with_party_org, mid.formal_members, mid.probationary_members) == (1, 0, 1)
    late = selectors.coverage_figures(user=city, as_of=D(2025, 1, 1))
    assert (late.formal_members, late.probationary_members) == (1, 1)


def test_a_dissolved_party_org_and_ended_coverage_no_longer_count(make_user):
    city = _city(make_user)
    org = helpers.social_org()
    party = helpers.party_org(covered=[org])
    services.party_org_update(actor="test", party_org=party, dissolved_on=D(2023, 1, 1))
    assert selectors.coverage_figures(user=city, as_of=D(2022, 12, 31)).orgs_with_party_org == 1
    assert selectors.coverage_figures(user=city, as_of=D(2023, 1, 1)).orgs_with_party_org == 0
    assert selectors.coverage_figures(user=city, as_of=D(2023, 1, 1)).party_orgs == 0


def test_a_district_user_counts_only_their_district(user_a):
    helpers.social_org()
    helpers.social_org("430406001001")
    assert selectors.coverage_figures(user=user_a, as_of=D(2025, 1, 1)).social_orgs == 1
    assert [
        r.unit_code for r in selectors.coverage_by_district(user=user_a, as_of=D(2025, 1, 1))
    ] == ["430405"]
