"""The worklist checks, each with cases on both sides of its threshold."""

from __future__ import annotations

import datetime as dt

import pytest

from gongzhi.party import selectors, services
from gongzhi.party.models import PartyOrgCoverage
from gongzhi.party.tests import helpers

D = dt.date
TODAY = D(2025, 5, 15)


@pytest.fixture
def city(make_user):
    return make_user("city_admin", "430400000000")


@pytest.fixture(autouse=True)
def _count_matches_the_list(db, request):
    """After every scenario here, the home card's aggregate count equals the list's length."""
    city = request.getfixturevalue("city") if "city" in request.fixturenames else None
    yield
    if city is not None:
        assert selectors.worklist_count(user=city, today=TODAY) == len(
            selectors.worklist(user=city, today=TODAY)
        )


def _checks(user, **kw):
    return {(i.check, i.subject) for i in selectors.worklist(user=user, today=TODAY, **kw)}


@pytest.mark.parametrize(("formal", "flagged"), [(2, False), (3, True)])
def test_an_org_with_three_formal_members_and_no_branch_of_its_own_should_set_one_up(
    city, formal, flagged
):
    org = helpers.social_org(name="应建单位")
    joint = helpers.party_org(kind="joint_branch", built_by="joint", covered=[org])
    helpers.members(joint, formal, employer=org)
    helpers.member(joint, formal=False, employer=org, admitted_on=D(2025, 1, 1))  # not formal
    found = selectors.orgs_requiring_party_org(user=city, as_of=TODAY)
    assert found.filter(pk=org.pk).exists() is flagged
    assert (("should_set_up", "应建单位") in _checks(city)) is flagged


def test_an_org_with_its_own_branch_is_not_flagged(city):
    org = helpers.social_org()
    own = helpers.party_org(covered=[org])
    helpers.members(own, 5, employer=org)
    assert not selectors.orgs_requiring_party_org(user=city, as_of=TODAY).exists()


@pytest.mark.parametrize(("units", "flagged"), [(5, False), (6, True)])
def test_a_joint_branch_over_five_units_is_flagged(city, units, flagged):
    orgs = [helpers.social_org() for _ in range(units)]
    joint = helpers.party_org(
        kind="joint_branch", built_by="joint", covered=orgs[:5], name="联合支部"
    )
    # Imported data can break the rule the service keeps; the check finds it.
    for o in orgs[5:]:
        PartyOrgCoverage.objects.create(party_org=joint, org=o, started_on=D(2020, 1, 1))
    assert (("joint_over_limit", "联合支部") in _checks(city)) is flagged


@pytest.mark.parametrize(("n", "posts", "flagged"), [(6, 0, False), (7, 0, True), (7, 3, False)])
def test_a_branch_of_seven_needs_a_committee(city, n, posts, flagged):
    org = helpers.party_org(name="七人支部")
    helpers.members(org, n)
    for i in range(posts):
        services.post_assign(
            actor="test",
            party_org=org,
            kind="secretary" if i == 0 else "member",
            person_name=f"委{i}",
            started_on=D(2020, 1, 1),
        )
    assert (("no_committee", "七人支部") in _checks(city)) is flagged


@pytest.mark.parametrize(("n", "flagged"), [(50, False), (51, True)])
def test_a_branch_over_fifty_members_is_flagged_with_a_suggestion(city, n, flagged):
    org = helpers.party_org(name="大支部")
    helpers.members(org, n)
    items = [i for i in selectors.worklist(user=city, today=TODAY) if i.check == "branch_too_large"]
    assert bool(items) is flagged
    if flagged:
        assert "党总支" in items[0].message


@pytest.mark.parametrize(("n", "flagged"), [(99, False), (100, True)])
def test_a_general_branch_of_a_hundred_should_be_a_committee(city, n, flagged):
    org = helpers.party_org(name="党总支", kind="general_branch")
    helpers.members(org, n)
    assert (("should_be_committee", "党总支") in _checks(city)) is flagged


@pytest.mark.parametrize(
    ("due", "flagged", "severity"),
    [
        (TODAY + dt.timedelta(days=91), False, None),
        (TODAY + dt.timedelta(days=90), True, "warning"),
        (TODAY - dt.timedelta(days=1), True, "danger"),
    ],
)
def test_an_election_due_within_ninety_days_or_overdue_is_flagged(city, due, flagged, severity):
    org = helpers.party_org(name="换届支部", established_on=D(due.year - 3, due.month, due.day))
    assert org.election_due_on == due
    items = [i for i in selectors.worklist(user=city, today=TODAY) if i.check == "election_due"]
    assert bool(items) is flagged
    if flagged:
        assert items[0].severity == severity


@pytest.mark.parametrize(
    ("admitted", "flagged", "severity"),
    [
        (D(2024, 6, 15), False, None),  # ends 2025-06-15: 31 days away
        (D(2024, 6, 14), True, "warning"),  # ends in 30 days
        (D(2024, 5, 14), True, "danger"),  # ended yesterday
    ],
)
def test_probation_ending_in_thirty_days_or_overdue_is_flagged(city, admitted, flagged, severity):
    org = helpers.party_org()
    helpers.member(org, formal=False, admitted_on=admitted, name="预备党员甲")
    items = [i for i in selectors.worklist(user=city, today=TODAY) if i.check == "probation_due"]
    assert bool(items) is flagged
    if flagged:
        assert items[0].severity == severity


def test_an_org_with_neither_party_org_nor_instructor_is_a_work_coverage_gap(city):
    bare = helpers.social_org(name="空白单位")
    guided = helpers.social_org(name="有指导员")
    instructor = services.instructor_create(actor="test", name="指导员", area=bare.area)
    services.instructor_assign(
        actor="test", instructor=instructor, org=guided, started_on=D(2020, 1, 1)
    )
    checks = _checks(city)
    assert ("work_gap", "空白单位") in checks
    assert ("work_gap", "有指导员") not in checks


def _gaps(city, org):
    return {
        (g.kind, g.current) for g in selectors.meeting_gaps(user=city, today=TODAY, party_org=org)
    }


def test_meeting_frequency_is_checked_for_the_current_and_last_period(city):
    org = helpers.party_org(name="生活支部")
    formal = helpers.members(org, 4)
    gaps = _gaps(city, org)
    assert ("theme_day", True) in gaps and ("theme_day", False) in gaps
    assert ("general_meeting", True) in gaps and ("general_meeting", False) in gaps
    # No committee and no party groups: no 支委会 or 党小组会 is owed.
    assert not {k for k, _c in gaps} & {"committee_meeting", "group_meeting"}
    services.life_record_create(
        actor="test", party_org=org, kind="theme_day", held_on=D(2025, 4, 30), topic="四月"
    )
    services.life_record_create(
        actor="test", party_org=org, kind="theme_day", held_on=D(2025, 5, 1), topic="五月"
    )
    # Quorate members' meeting in the last quarter counts; a non-quorate one this quarter does not.
    services.life_record_create(
        actor="test",
        party_org=org,
        kind="general_meeting",
        held_on=D(2025, 3, 31),
        topic="一季度",
        attendees=formal[:3],
    )
    services.life_record_create(
        actor="test",
        party_org=org,
        kind="general_meeting",
        held_on=D(2025, 4, 2),
        topic="二季度",
        attendees=formal[:2],
    )
    gaps = _gaps(city, org)
    assert ("theme_day", True) not in gaps and ("theme_day", False) not in gaps
    assert ("general_meeting", False) not in gaps
    assert ("general_meeting", True) in gaps


def test_a_committee_owes_a_monthly_committee_meeting(city):
    org = helpers.party_org()
    helpers.members(org, 7)
    for i, kind in enumerate(["secretary", "organisation", "propaganda"]):
        services.post_assign(
            actor="test", party_org=org, kind=kind, person_name=f"委{i}", started_on=D(2020, 1, 1)
        )
    assert ("committee_meeting", True) in _gaps(city, org)
    services.life_record_create(
        actor="test", party_org=org, kind="committee_meeting", held_on=D(2025, 5, 2), topic="支委会"
    )
    assert ("committee_meeting", True) not in _gaps(city, org)


def test_a_new_org_owes_nothing_for_a_period_before_it_existed(city):
    org = helpers.party_org(established_on=D(2025, 5, 1))
    gaps = _gaps(city, org)
    assert ("theme_day", False) not in gaps
    assert ("theme_day", True) in gaps


def test_a_secretary_sees_only_their_own_orgs_checks(make_user):
    mine = helpers.party_org(name="我的支部")
    helpers.party_org(name="别人的支部")
    secretary = make_user("party_secretary", area=None, org=mine)
    subjects = {i.subject for i in selectors.worklist(user=secretary, today=TODAY)}
    assert subjects == {"我的支部"}
