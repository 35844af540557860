"""The registry's search uses indexed prefix look-ups; list and detail pages do not grow
their query count with the rows they show."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from hypothesis import given, settings
from hypothesis import strategies as st

from gongzhi.orgs import selectors, services
from gongzhi.orgs.models import SocialOrg
from gongzhi.orgs.tests.factories import file_report, make_org

pytestmark = pytest.mark.django_db


def _plan(qs) -> str:  # type: ignore[no-untyped-def]
    sql, params = qs.query.sql_with_params()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # A handful of test rows make a sequential scan cheapest; forbid it to see whether
            # an index *can* answer the look-up.
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("EXPLAIN " + sql, params)
        else:
            cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
        return "\n".join(
            str(row[-1] if connection.vendor == "sqlite" else row[0]) for row in cursor
        )


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("name_pinyin", "shufa"),
        ("name_initials", "zhq"),
        ("name_simplified", "珠晖区"),
        ("credit_code", "5143"),
        ("area_code", "430405"),
    ],
)
def test_prefix_look_ups_are_answered_from_an_index(street_areas, field, value):
    make_org(street_areas["a"].code, name="珠晖区书法家协会")
    plan = _plan(SocialOrg.objects.filter(**{f"{field}__prefix": value}).order_by())
    assert "Index" in plan or "USING INDEX" in plan, plan
    assert "SCAN orgs_socialorg\n" not in plan + "\n" and "Seq Scan" not in plan, plan


def test_an_ascii_search_finds_pinyin_and_initials_prefixes_and_mid_name_initials(
    street_areas, user_a
):
    org = make_org(street_areas["a"].code, name="珠晖区书法家协会")
    make_org(street_areas["a"].code, name="珠晖区摄影家协会")
    for query in ("zhuhuiqushufa", "ZHQSF", "sfj", org.credit_code[:17].lower()):
        assert [o.pk for o in selectors.org_list(user=user_a, q=query)] == [org.pk], query
    # Full pinyin is matched from its start only (a long column; see selectors.search).
    assert list(selectors.org_list(user=user_a, q="shufajia")) == []
    # Chinese, Simplified or Traditional, matches anywhere in the name.
    assert [o.pk for o in selectors.org_list(user=user_a, q="書法")] == [org.pk]


ALPHABET = "abz09书法協会珠\U0001f600-%_"


@settings(max_examples=40)
@given(
    names=st.lists(st.text(alphabet=ALPHABET, max_size=6), max_size=6),
    prefix=st.text(alphabet=ALPHABET, max_size=3),
)
def test_the_prefix_look_up_agrees_with_python_startswith(names, prefix):
    from gongzhi.areas.models import Area

    area = Area.objects.get(code="430405000000")
    SocialOrg.objects.all().delete()
    # name_initials stands in for any indexed CharField; deregistered rows skip name rules.
    rows = [f"{i}{n}" for i, n in enumerate(names)] + names
    SocialOrg.objects.bulk_create(
        SocialOrg(
            name=f"性质测试{i}",
            name_simplified=f"性质测试{i}",
            name_initials=r,
            kind="social_group",
            registration_level="county",
            authority=area,
            area=area,
            area_code=area.code,
            registered_on=dt.date(2020, 1, 1),
            deregistered_on=dt.date(2021, 1, 1),
            status="deregistered",
        )
        for i, r in enumerate(rows)
    )
    got = sorted(
        SocialOrg.objects.filter(name_initials__prefix=prefix).values_list(
            "name_initials", flat=True
        )
    )
    assert got == sorted(r for r in rows if r.startswith(prefix))


def test_the_list_page_query_count_is_the_same_for_a_search_and_many_rows(
    street_areas, user_a, client_of, django_assert_max_num_queries
):
    for i in range(60):
        org = make_org(street_areas["a"].code, name=f"列表测试{i:02d}协会")
        if i % 3 == 0:
            file_report(org, 2020)
    c = client_of(user_a)
    for query in ({"q": "lbcs"}, {"q": "列表"}, {"q": "lbcs", "listing": "none", "page": "2"}):
        with django_assert_max_num_queries(12):
            response = c.get("/orgs/", query)
        assert response.status_code == 200


def _busy_org(street_areas, n: int):  # type: ignore[no-untyped-def]
    org = make_org(street_areas["a"].code, registered_on=dt.date(2010, 1, 1))
    for year in range(2011, 2011 + n):
        file_report(org, year)
    for i in range(n):
        services.org_change(
            actor="test",
            org=org,
            changes={"industry": f"领域{i}"},
            effective_on=dt.date(2012 + i, 1, 1),
        )
        services.penalty_record(
            actor="test", org=org, decided_on=dt.date(2012 + i, 2, 1), kind="warning"
        )
        entry = services.listing_add(
            actor="test",
            org=org,
            list_kind="anomaly",
            cause="unreachable" if i < n - 1 else "no_activity",
            listed_on=dt.date(2012 + i, 3, 1),
        )
        if i < n - 1:
            services.listing_remove(
                actor="test",
                listing=entry,
                removed_on=dt.date(2012 + i, 6, 1),
                reason="已整改",
                rectified_on=dt.date(2012 + i, 5, 1),
            )
    return org


def test_the_org_page_query_count_does_not_grow_with_its_records(
    street_areas, user_a, client_of, django_assert_max_num_queries
):
    from django.test.utils import CaptureQueriesContext

    c = client_of(user_a)
    small, big = _busy_org(street_areas, 1), _busy_org(street_areas, 8)
    counts = []
    for org in (small, big):
        with CaptureQueriesContext(connection) as ctx:
            assert c.get(f"/orgs/{org.pk}/").status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1], "\n".join(q["sql"][:200] for q in ctx.captured_queries)
    with django_assert_max_num_queries(30):
        c.get(f"/orgs/{big.pk}/")
