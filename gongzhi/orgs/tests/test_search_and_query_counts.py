"""The registry's search finds any part of a name (characters, pinyin or initials from any
syllable) through indexed prefix look-ups; list and detail pages do not grow their query
count with the rows they show."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from hypothesis import given, settings
from hypothesis import strategies as st

from gongzhi.orgs import selectors, services
from gongzhi.orgs.models import OrgNameKey, SocialOrg
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
    ("model", "field", "value"),
    [
        (SocialOrg, "name_pinyin", "shufa"),
        (SocialOrg, "name_initials", "zhq"),
        (SocialOrg, "name_simplified", "珠晖区"),
        (SocialOrg, "credit_code", "5143"),
        (SocialOrg, "area_code", "430405"),
        (OrgNameKey, "chars", "书法"),
        (OrgNameKey, "pinyin", "shufa"),
        (OrgNameKey, "initials", "sfj"),
    ],
)
def test_prefix_look_ups_are_answered_from_an_index(street_areas, model, field, value):
    make_org(street_areas["a"].code, name="珠晖区书法家协会")
    plan = _plan(model.objects.filter(**{f"{field}__prefix": value}).order_by())
    table = model._meta.db_table
    assert "Index" in plan or "USING INDEX" in plan, plan
    assert f"SCAN {table}\n" not in plan + "\n" and "Seq Scan" not in plan, plan


@pytest.mark.parametrize("query", ["shehuigongzuo", "社會工作", "shgz"])
def test_a_search_reads_the_name_keys_through_their_indexes(street_areas, user_a, query):
    make_org(street_areas["a"].code, name="衡阳市社会工作协会")
    plan = _plan(selectors.org_list(user=user_a, q=query, annotate=False).values("pk"))
    assert "Seq Scan on orgs_orgnamekey" not in plan, plan
    assert "SCAN orgs_orgnamekey\n" not in plan + "\n", plan


def _found(user, query: str) -> list[str]:  # type: ignore[no-untyped-def]
    return sorted(o.name for o in selectors.org_list(user=user, q=query))


def test_a_search_finds_any_part_of_a_name_in_characters_pinyin_or_initials(street_areas, user_a):
    code = street_areas["a"].code
    social_work = make_org(code, name="衡阳市社会工作协会")
    make_org(code, name="衡阳市书法家协会")
    both = ["衡阳市书法家协会", "衡阳市社会工作协会"]
    for query in (
        "shehuigongzuo",  # full pinyin from the middle of the name
        "SheHui GongZuo",  # spaces and capitals as people type them
        "gongzuoxiehui",
        "shgz",  # initials from the middle
        "gzxh",
        "社会工作",  # characters, Simplified or Traditional, anywhere
        "社會工作",
        "工作协会",
        "衡阳 工作",  # every word must appear
        social_work.credit_code[:17].lower(),  # the start of the credit code
    ):
        assert _found(user_a, query) == ["衡阳市社会工作协会"], query
    for query in ("hengyang", "hys", "xiehui", "xh", "衡阳市", "协会"):
        assert _found(user_a, query) == both, query
    # Pinyin matches whole syllables only: not from inside one, and not across a typo.
    for query in ("ehuigong", "engyang", "huigongz0", "社工", "shgzz"):
        assert _found(user_a, query) == [], query


def test_the_name_keys_follow_a_change_of_name_and_go_with_the_organisation(street_areas, user_a):
    org = make_org(street_areas["a"].code, name="衡阳市书法家协会")
    services.org_change(
        actor="test",
        org=org,
        changes={"name": "衡阳市书画家协会"},
        effective_on=dt.date(2020, 5, 1),
    )
    assert _found(user_a, "shuhua") == ["衡阳市书画家协会"]
    assert _found(user_a, "shufa") == [] and _found(user_a, "书法") == []
    org.delete()
    assert not OrgNameKey.objects.exists()


# Characters whose pinyin is not in doubt, so the expected syllables are known.
SYLLABLES = {
    "社": "she",
    "会": "hui",
    "工": "gong",
    "作": "zuo",
    "书": "shu",
    "法": "fa",
    "龙": "long",
}


@settings(max_examples=25)
@given(
    chars=st.lists(st.sampled_from(sorted(SYLLABLES)), min_size=1, max_size=6),
    data=st.data(),
)
def test_every_run_of_syllables_finds_the_name_and_nothing_else_does(chars, data):
    from gongzhi.orgs.search_keys import name_keys

    name = "".join(chars)
    start = data.draw(st.integers(0, len(chars) - 1))
    end = data.draw(st.integers(start + 1, len(chars)))
    run = chars[start:end]
    keys = name_keys(name)
    pinyin = "".join(SYLLABLES[c] for c in run)
    initials = "".join(SYLLABLES[c][0] for c in run)
    assert any(p.startswith(pinyin) for _c, p, _i in keys)
    assert any(i.startswith(initials) for _c, _p, i in keys)
    assert any(c.startswith("".join(run)) for c, _p, _i in keys)
    # A key begins on a syllable: never inside one.
    syllable_starts = {"".join(SYLLABLES[c] for c in chars[i:]) for i in range(len(chars))}
    assert {p for _c, p, _i in keys} == syllable_starts


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
