"""Search at scale (prefix look-ups only), history, and the as-of figures for metrics."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from gongzhi.volunteers import figures, services
from gongzhi.volunteers.selectors import volunteer_search
from gongzhi.volunteers.tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(street_areas):
    a, b = street_areas["a"].code, street_areas["b"].code
    return {
        "zw": f.volunteer(a, name="张伟", phone="13912340001"),
        "zwj": f.volunteer(a, name="張偉傑", phone="13912340002"),
        "lm": f.volunteer(a, name="李明", phone="13912349999"),
        "other": f.volunteer(b, name="张伟", phone="13912340001"),
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("张伟", {"zw", "zwj"}),
        ("張偉", {"zw", "zwj"}),
        ("zhangwei", {"zw", "zwj"}),
        ("zw", {"zw", "zwj"}),
        ("ZWJ", {"zwj"}),
        ("0001", {"zw"}),
        ("9999", {"lm"}),
        ("伟", set()),
    ],
)
def test_search_by_name_variants_and_phone_tail_stays_in_scope(people, user_a, query, expected):
    found = {v.pk for v in volunteer_search(user=user_a, query=query)}
    assert found == {people[k].pk for k in expected}


def test_search_by_volunteer_number_prefix(people, user_a):
    number = people["lm"].number
    assert [v.pk for v in volunteer_search(user=user_a, query=number)] == [people["lm"].pk]
    assert people["lm"].pk in {v.pk for v in volunteer_search(user=user_a, query=number[:9])}


def test_search_never_uses_a_contains_scan(people, user_a):
    with CaptureQueriesContext(connection) as ctx:
        for q in ("张伟", "zhang", "zw", "0001", people["zw"].number):
            volunteer_search(user=user_a, query=q)
    for query in ctx.captured_queries:
        assert "LIKE '%%" not in query["sql"] and "LIKE %" not in query["sql"].replace(
            "LIKE %s", ""
        )


def test_figures_are_as_of_a_date_and_by_area_prefix(people):
    today = timezone.localdate()
    zw, other = people["zw"], people["other"]
    assert figures.registered_volunteers(as_of=today, area_prefix="430405") == 3
    assert figures.registered_volunteers(as_of=today - dt.timedelta(days=1)) == 0
    assert figures.registered_volunteers(as_of=today, area_prefix="4304") == 4
    t = f.team(zw.area_code)
    day = today - dt.timedelta(days=1)
    ids = [
        services.hours_record(
            actor="t", volunteer=zw, team=t, minutes=1200, service_date=day, content="x"
        ).pk
        for _ in range(5)
    ]
    e2 = services.hours_record(
        actor="t", volunteer=other, team=t, minutes=90, service_date=day, content="y"
    )
    services.hours_approve(actor="t", entry_ids=[*ids, e2.pk])
    assert figures.approved_hours(start=day, end=day, area_prefix="430405") == 101.5
    assert figures.active_volunteers(start=day, end=day) == 2
    assert figures.star_distribution(area_prefix="430405") == {0: 2, 1: 1, 2: 0, 3: 0, 4: 0, 5: 0}
    assert figures.star_distribution(as_of=day, area_prefix="430405")[1] == 1
    assert figures.star_distribution(as_of=day - dt.timedelta(days=1))[1] == 0
    assert figures.hours_by_category(start=day, end=day) == {"": 101.5}
    assert figures.volunteers_by_area(as_of=today) == {"430405": 3, "430406": 1}
