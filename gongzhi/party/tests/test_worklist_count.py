"""The worklist's home card counts with aggregate queries: the same number, bounded queries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gongzhi.party import selectors, services
from gongzhi.party.models import PartyOrgCoverage
from gongzhi.party.tests import helpers

D = dt.date
TODAY = D(2025, 5, 15)


def _unit(n: int) -> None:
    """`n` of each kind of open item: 应建未建, coverage gaps, over-full joint branches,
    branches without committees, elections due, meeting gaps, probations, letters, receipts."""
    for i in range(n):
        requiring = helpers.social_org()
        helpers.social_org()  # neither Party org nor instructor
        joint = helpers.party_org(kind="joint_branch", built_by="joint", covered=[requiring])
        helpers.members(joint, 3, employer=requiring)
        for _ in range(5):
            PartyOrgCoverage.objects.create(
                party_org=joint, org=helpers.social_org(), started_on=D(2020, 1, 1)
            )
        big = helpers.party_org(established_on=D(2022, 3, 1))  # term ends 2025-03-01
        people = helpers.members(big, 7)
        helpers.member(big, formal=False, admitted_on=D(2024, 5, 1))
        other = helpers.party_org(party_groups=1)  # owes 党小组会
        for j, kind in enumerate(["secretary", "organisation", "propaganda"]):  # owes 支委会
            services.post_assign(
                actor="t",
                party_org=other,
                kind=kind,
                person_name=f"委{i}{j}",
                started_on=D(2020, 1, 1),
            )
        issued = services.transfer_apply(
            actor="t", member=people[0], to_org=other, applied_on=D(2025, 1, 2)
        )
        services.transfer_issue(
            actor="t",
            transfer=issued,
            issued_on=D(2025, 1, 3),
            letter_number=f"L{i}",
            valid_days=10,
        )
        received = services.transfer_apply(
            actor="t", member=people[1], to_org=other, applied_on=D(2025, 1, 2)
        )
        services.transfer_issue(
            actor="t", transfer=received, issued_on=D(2025, 1, 3), letter_number=f"M{i}"
        )
        services.transfer_receive(actor="t", transfer=received, received_on=D(2025, 1, 5))


def _queries(user) -> tuple[int, int]:
    selectors.worklist_count(user=user, today=TODAY)  # the user's scope is read once, then kept
    with CaptureQueriesContext(connection) as ctx:
        n = selectors.worklist_count(user=user, today=TODAY)
    return n, len(ctx.captured_queries)


@pytest.mark.parametrize("user_fixture", ["city_user", "user_a"])
def test_the_count_equals_the_lists_length_and_its_queries_do_not_grow(request, user_fixture):
    user = request.getfixturevalue(user_fixture)
    _unit(1)
    small, small_queries = _queries(user)
    assert small == len(selectors.worklist(user=user, today=TODAY)) > 10
    _unit(3)
    large, large_queries = _queries(user)
    assert large == len(selectors.worklist(user=user, today=TODAY)) > small
    assert large_queries == small_queries <= 5


def test_another_districts_items_are_not_counted(user_a, user_b):
    _unit(1)
    assert selectors.worklist_count(user=user_a, today=TODAY) > 0
    assert selectors.worklist_count(user=user_b, today=TODAY) == 0


def test_the_home_card_shows_the_count(city_user, client_of):
    _unit(1)
    body = client_of(city_user).get("/").content.decode()
    expected = selectors.worklist_count(user=city_user)
    assert expected > 0
    assert "党建待办事项" in body and f">{expected}<" in body
