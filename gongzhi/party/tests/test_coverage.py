"""Coverage arithmetic as of a date, with a joint branch covering several organisations."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

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


def _builds(org, year, *, union=None, youth=None, women=None, party=False):
    """An annual report for `year` with the given build dates (None = not built)."""
    from gongzhi.orgs.tests.factories import file_report

    return file_report(
        org,
        year,
        has_party_org=party,
        no_party_org_reason="" if party else "党员不足3人",
        party_members=3 if party else 0,
        has_union=union is not None,
        union_on=union,
        has_youth_league=youth is not None,
        youth_league_on=youth,
        has_women_federation=women is not None,
        women_federation_on=women,
    )


@pytest.fixture
def four_builds(make_user):
    a = [helpers.social_org() for _ in range(4)]  # 珠晖区
    b = [helpers.social_org("430406001001") for _ in range(2)]  # 雁峰区
    built = D(2020, 5, 1)
    _builds(a[0], 2023, union=built, youth=built, women=built, party=True)  # all four
    _builds(a[1], 2023, union=built, youth=built, women=built)  # no Party org reported
    _builds(a[2], 2022, union=built)
    _builds(a[2], 2023, union=built, women=D(2023, 10, 1))  # 妇联 only in the 2023 report
    _builds(b[0], 2023, union=built, youth=built, women=built, party=True)
    # b[1] reported a union in 2022 but not in its 2023 report: the latest report counts.
    _builds(b[1], 2022, union=built)
    _builds(b[1], 2023)
    return _city(make_user)


def test_coverage_adds_the_four_builds_from_the_annual_reports(four_builds):
    fig = selectors.coverage_figures(user=four_builds, as_of=D(2024, 6, 30))
    assert fig.social_orgs == 6
    assert (
        fig.orgs_with_union,
        fig.orgs_with_youth_league,
        fig.orgs_with_women_federation,
        fig.orgs_with_all_four,
    ) == (4, 3, 4, 2)
    assert fig.four_builds_coverage == Decimal("33.3")
    assert fig.as_dict()["orgs_with_all_four"] == 2

    rows = {
        r.unit_code: r
        for r in selectors.coverage_by_district(user=four_builds, as_of=D(2024, 6, 30))
    }
    assert (rows["430405"].orgs_with_union, rows["430405"].orgs_with_all_four) == (3, 1)
    assert rows["430405"].orgs_with_women_federation == 3
    assert rows["430405"].four_builds_coverage == Decimal("25.0")
    assert (rows["430406"].orgs_with_union, rows["430406"].orgs_with_all_four) == (1, 1)
    assert rows["430406"].four_builds_coverage == Decimal("50.0")


def test_four_builds_as_of_an_earlier_date_use_the_report_speaking_then(four_builds):
    # On 2023-06-30 the 2022 reports speak: a[2]'s and b[1]'s unions, nothing else.
    early = selectors.coverage_figures(user=four_builds, as_of=D(2023, 6, 30))
    assert (early.orgs_with_union, early.orgs_with_women_federation) == (2, 0)
    assert early.orgs_with_all_four == 0 and early.four_builds_coverage == Decimal("0.0")


def test_a_district_user_counts_only_their_districts_four_builds(four_builds, user_b):
    fig = selectors.coverage_figures(user=user_b, as_of=D(2024, 6, 30))
    assert (fig.social_orgs, fig.orgs_with_union, fig.orgs_with_all_four) == (2, 1, 1)
    assert [
        r.unit_code for r in selectors.coverage_by_district(user=user_b, as_of=D(2024, 6, 30))
    ] == ["430406"]


def test_the_coverage_page_and_api_show_the_four_builds(four_builds, client_of):
    c = client_of(four_builds)
    page = c.get("/party/coverage/?as_of=2024-06-30").content.decode()
    assert "四建覆盖率" in page and "33.3%" in page
    data = c.get("/api/v1/party/coverage?as_of=2024-06-30").json()
    assert data["orgs_with_all_four"] == 2 and data["four_builds_coverage"] == "33.3"
    rows = c.get("/api/v1/party/coverage/districts?as_of=2024-06-30").json()
    assert {r["unit_code"]: r["orgs_with_union"] for r in rows} == {"430405": 3, "430406": 1}


def test_the_coverage_page_query_count_does_not_grow_with_districts(
    four_builds, client_of, django_assert_max_num_queries
):
    c = client_of(four_builds)
    with django_assert_max_num_queries(13):
        assert c.get("/party/coverage/?as_of=2024-06-30").status_code == 200
