"""Search, filters and the registry as of a date across a change history."""

from __future__ import annotations

import datetime as dt

import pytest

from gongzhi.orgs import selectors, services
from gongzhi.orgs.tests.factories import file_report, make_org

pytestmark = pytest.mark.django_db
END_2020 = dt.date(2020, 12, 31)


@pytest.fixture
def history(street_areas):
    """A: 2015 文化 social group moved street→community and became 体育 in 2021;
    B: 2019 service org deregistered 2020-06-30; C: registered 2021; D: in district B."""
    a = make_org(
        street_areas["a"].code, name="甲协会", industry="文化", registered_on=dt.date(2015, 1, 1)
    )
    b = make_org(
        street_areas["a"].code,
        kind="service_org",
        name="乙中心",
        industry="养老",
        registered_on=dt.date(2019, 1, 1),
    )
    c = make_org(street_areas["a"].code, name="丙协会", registered_on=dt.date(2021, 3, 1))
    d = make_org(
        street_areas["b"].code, name="丁协会", industry="文化", registered_on=dt.date(2010, 1, 1)
    )
    services.org_change(
        actor="test",
        org=a,
        changes={"industry": "体育", "name": "甲体育协会"},
        effective_on=dt.date(2021, 2, 1),
    )
    services.org_deregister(actor="test", org=b, on=dt.date(2020, 6, 30), reason="解散")
    return {"a": a, "b": b, "c": c, "d": d}


def test_counts_as_of_a_date_follow_registrations_deregistrations_and_changes(history, city_user):
    assert selectors.org_count_as_of(user=city_user, as_of=END_2020) == 2  # A and D
    assert selectors.org_count_as_of(user=city_user, as_of=dt.date(2020, 6, 29)) == 3
    assert selectors.org_count_as_of(user=city_user, as_of=dt.date(2022, 1, 1)) == 3  # A, C, D
    assert selectors.counts_by_industry(user=city_user, as_of=END_2020) == {"文化": 2}
    assert selectors.counts_by_industry(user=city_user, as_of=dt.date(2022, 1, 1)) == {
        "体育": 1,
        "文化": 1,
        "": 1,
    }
    assert selectors.counts_by_kind(user=city_user, as_of=dt.date(2020, 1, 1)) == {
        "social_group": 2,
        "service_org": 1,
    }
    assert selectors.counts_by_district(user=city_user, as_of=END_2020) == {
        "430405000000": 1,
        "430406000000": 1,
    }
    names = set(
        selectors.orgs_registered_as_of(user=city_user, as_of=END_2020).values_list(
            "name_at", flat=True
        )
    )
    assert names == {"甲协会", "丁协会"}


def test_a_move_of_domicile_counts_in_the_old_area_before_it(street_areas, city_user):
    org = make_org(street_areas["a"].code, registered_on=dt.date(2015, 1, 1))
    services.org_change(
        actor="test",
        org=org,
        changes={"area_code": street_areas["street_a"].code},
        effective_on=dt.date(2021, 1, 1),
    )
    community, street = street_areas["a"].code, street_areas["street_a"].code
    assert selectors.org_count_as_of(user=city_user, as_of=END_2020, within=community) == 1
    assert (
        selectors.org_count_as_of(user=city_user, as_of=dt.date(2021, 1, 1), within=community) == 0
    )
    assert selectors.org_count_as_of(user=city_user, as_of=dt.date(2021, 1, 1), within=street) == 1


def test_as_of_figures_are_scoped(history, user_a, user_b):
    assert selectors.org_count_as_of(user=user_a, as_of=END_2020) == 1
    assert selectors.org_count_as_of(user=user_b, as_of=END_2020) == 1
    assert selectors.org_count_as_of(user=user_a, as_of=END_2020, within="430406000000") == 0


def test_employees_come_from_the_latest_report_on_or_before_the_date(history, city_user):
    a, d = history["a"], history["d"]
    file_report(a, 2019, employees=10, social_workers=2, volunteers=30)
    file_report(a, 2020, employees=14, social_workers=3, volunteers=40)
    file_report(a, 2021, employees=20)
    file_report(d, 2018, employees=5)
    file_report(d, 2020, result="not_submitted", submitted_on=None)
    totals = selectors.report_totals_as_of(user=city_user, as_of=END_2020)
    assert totals["employees"] == 14 + 5
    assert totals["social_workers"] == 3
    assert totals["volunteers"] == 40
    # Until the year is over its report does not speak: mid-2020 uses 2019's.
    assert selectors.employees_as_of(user=city_user, as_of=dt.date(2020, 6, 30)) == 10 + 5
    assert selectors.employees_as_of(user=city_user, as_of=dt.date(2022, 1, 1)) == 20 + 5


def test_four_builds_count_the_latest_report_and_the_build_dates(history, city_user):
    a, d = history["a"], history["d"]
    file_report(
        a,
        2020,
        has_party_org=True,
        party_members=5,
        has_union=True,
        union_on=dt.date(2018, 1, 1),
        has_youth_league=True,
        youth_league_on=dt.date(2020, 5, 1),
        has_women_federation=True,
        women_federation_on=dt.date(2020, 7, 1),
    )
    file_report(d, 2019, has_union=True, union_on=dt.date(2019, 1, 1))
    file_report(d, 2020)  # the union is no longer reported
    end = selectors.four_builds_as_of(user=city_user, as_of=END_2020)
    assert end == {"party": 1, "union": 1, "youth_league": 1, "women_federation": 1, "all_four": 1}
    mid = selectors.four_builds_as_of(user=city_user, as_of=dt.date(2020, 6, 30))
    assert mid["union"] == 1  # D's 2019 report is the latest then
    assert mid["all_four"] == 0
    by_district = selectors.four_builds_by_district(user=city_user, as_of=END_2020)
    assert by_district["430405000000"] == end
    assert by_district["430406000000"] == dict.fromkeys(end, 0)
    mid_by_district = selectors.four_builds_by_district(user=city_user, as_of=dt.date(2020, 6, 30))
    assert mid_by_district["430406000000"]["union"] == 1


@pytest.mark.parametrize("query", ["甲体育", "甲體育", "jiatiyu", "jtyxh", "JTY"])
def test_search_finds_by_simplified_traditional_pinyin_and_initials(history, city_user, query):
    found = selectors.org_list(user=city_user, q=query)
    assert [o.name for o in found] == ["甲体育协会"]


def test_search_finds_by_credit_code_prefix(history, city_user):
    code = history["c"].credit_code
    assert [o.pk for o in selectors.org_list(user=city_user, q=code[:17].lower())] == [
        history["c"].pk
    ]


def test_filters_by_grade_listing_party_and_builds(history, city_user):
    a, c, d = history["a"], history["c"], history["d"]
    file_report(a, 2020, has_party_org=True, party_members=4)
    file_report(
        a, 2021, has_party_org=True, party_members=4, has_union=True, union_on=dt.date(2021, 1, 1)
    )
    services.evaluation_record(actor="test", org=a, evaluated_on=dt.date(2022, 7, 1), score=720)
    services.listing_add(
        actor="test", org=d, list_kind="anomaly", cause="unreachable", listed_on=dt.date(2022, 1, 1)
    )

    def names(**kw):
        return sorted(o.name for o in selectors.org_list(user=city_user, status="normal", **kw))

    assert names(grade=3) == ["甲体育协会"]
    assert names(grade="none") == sorted([c.name, d.name])
    assert names(listing="anomaly") == ["丁协会"]
    assert names(listing="none") == sorted(["甲体育协会", c.name])
    assert names(has_party_org=True) == ["甲体育协会"]
    assert names(build="has_union") == ["甲体育协会"]
    assert names(district="430406") == ["丁协会"]
    assert names(kind="service_org") == []


def test_the_rows_a_page_shows_carry_the_same_derived_columns_as_the_annotated_list(
    history, city_user
):
    a, b, c, d = history["a"], history["b"], history["c"], history["d"]
    file_report(a, 2020, has_party_org=True, party_members=4)
    file_report(a, 2021, has_union=True, union_on=dt.date(2021, 1, 1))  # the latest speaks
    file_report(d, 2020, has_party_org=True, party_members=5)
    services.evaluation_record(actor="test", org=a, evaluated_on=dt.date(2022, 7, 1), score=720)
    services.evaluation_record(actor="test", org=a, evaluated_on=dt.date(2022, 8, 1), score=950)
    services.listing_add(
        actor="test", org=d, list_kind="serious", cause="other", listed_on=dt.date(2022, 1, 1)
    )
    services.listing_add(
        actor="test", org=c, list_kind="anomaly", cause="unreachable", listed_on=dt.date(2022, 1, 1)
    )
    annotated = {o.pk: o for o in selectors.org_list(user=city_user)}
    ids = [d.pk, c.pk, b.pk, a.pk]
    rows = selectors.annotate_rows(ids)
    assert [o.pk for o in rows] == ids
    for org in rows:
        for column in selectors.FIGURES:
            assert getattr(org, column) == getattr(annotated[org.pk], column), (org, column)
    by_id = {o.pk: o for o in rows}
    assert by_id[a.pk].current_grade == 5 and by_id[a.pk].has_party_org is False
    assert by_id[d.pk].on_serious and by_id[c.pk].on_anomaly and by_id[b.pk].has_union is None
    page = selectors.annotate_rows(ids, columns=selectors.LIST_COLUMNS)
    assert [(o.name, o.area.name) for o in page] == [(o.name, o.area.name) for o in rows]


def test_sorts_by_pinyin_and_date(history, city_user):
    by_name = [o.name for o in selectors.org_list(user=city_user)]
    assert by_name == ["丙协会", "丁协会", "甲体育协会", "乙中心"]  # bing, ding, jia, yi
    by_date = [o.name for o in selectors.org_list(user=city_user, sort="-registered_on")]
    assert by_date[0] == "丙协会"
