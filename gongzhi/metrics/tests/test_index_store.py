"""The stored evaluation index (models.IndexScore): equal to the live computation, kept fresh
by the metrics refresh path, scoped, and read by the pages in a bounded number of queries."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

import pytest

from gongzhi.metrics import index, rules_config, selectors, services
from gongzhi.metrics.models import IndexScore, IndexState

YEAR = 2020
CITY = "430400000000"


def _table(scores: list[index.OrgScore]) -> dict[int, tuple[Any, ...]]:
    return {
        s.org_id: (
            s.name,
            s.area_code,
            s.score,
            index.stored_parts(s),
            [d.score for d in s.dimensions],
        )
        for s in scores
    }


@pytest.fixture
def stored(city: Any) -> Any:
    services.index_refresh(years=[YEAR])
    return rules_config.current()


def test_the_stored_index_equals_the_live_computation(
    stored: Any, city_user: Any, user_a: Any
) -> None:
    for user in (city_user, user_a):
        rows, total = selectors.index_ranking(user, YEAR, stored, None, limit=10**6)
        live = index.score_orgs(user, YEAR)
        assert total == len(live) and _table(rows) == _table(live)
        # the same order: best first, then by name
        assert [s.org_id for s in rows] == [s.org_id for s in live]


def test_the_unit_ranking_from_the_table_equals_the_definition(stored: Any, city_user: Any) -> None:
    from gongzhi.areas.models import Area

    kids = selectors.children(Area.objects.get(code=CITY))
    from_table = selectors.index_units(city_user, YEAR, stored, kids)
    definition = index.rank_units(index.score_orgs(city_user, YEAR), kids)
    assert sum(u.orgs for u in from_table) == IndexScore.objects.filter(year=YEAR).count()
    by_code = {u.code: u for u in definition}
    for u in from_table:
        d = by_code[u.code]
        assert u.orgs == d.orgs
        assert u.score == pytest.approx(d.score, abs=0.011)
        assert u.dimensions.keys() == d.dimensions.keys()


def test_no_data_is_stored_as_no_data_and_breakdowns_sum_to_the_score(stored: Any) -> None:
    rows = list(IndexScore.objects.filter(year=YEAR))
    assert rows
    for row in rows:
        for key in ("cases_handled", "cases_resolved", "purchased_outputs", "service_packages"):
            assert row.parts[key] == [None, None]
        assert round(sum(c for _raw, c in row.parts.values() if c is not None), 2) == row.score
        assert round(sum(row.dimensions.values()), 2) == row.score


def test_a_change_to_the_source_data_marks_the_index_stale_and_the_refresh_updates_it(
    stored: Any, django_capture_on_commit_callbacks: Any, monkeypatch: Any
) -> None:
    from gongzhi.metrics import tasks
    from gongzhi.orgs.models import Evaluation

    row = next(
        r for r in IndexScore.objects.filter(year=YEAR) if r.parts["evaluation_grade"][0] == 0
    )
    queued: list[list[str]] = []
    task = tasks.refresh_summaries
    monkeypatch.setattr(tasks, "refresh_summaries", SimpleNamespace(enqueue=queued.append))
    with django_capture_on_commit_callbacks(execute=True):
        Evaluation.objects.create(
            org_id=row.org_id,
            evaluated_on=dt.date(YEAR, 6, 1),
            score=900,
            grade=5,
            valid_until=dt.date(YEAR + 5, 6, 1),
        )
    assert IndexState.objects.get(year=YEAR).dirty_since is not None
    assert queued and index.KEY in queued[0]

    before = IndexState.objects.get(year=YEAR).refreshed_at
    task.call(queued[0])
    state = IndexState.objects.get(year=YEAR)
    assert state.dirty_since is None and state.refreshed_at > before
    updated = IndexScore.objects.get(year=YEAR, org_id=row.org_id)
    assert updated.parts["evaluation_grade"] == [5.0, 10.0]


def test_refresh_metrics_recomputes_the_years_computed_before(stored: Any) -> None:
    from django.core.management import call_command

    IndexScore.objects.filter(year=YEAR).delete()
    call_command("refresh_metrics", index.KEY)
    assert IndexScore.objects.filter(year=YEAR).count() == IndexState.objects.get(year=YEAR).orgs
    assert IndexState.objects.get(year=YEAR).orgs > 0


def test_a_year_never_computed_is_computed_on_its_first_view(
    city: Any, city_user: Any, client_of: Any
) -> None:
    IndexState.objects.filter(year=YEAR).delete()
    IndexScore.objects.filter(year=YEAR).delete()
    r = client_of(city_user).get("/metrics/index/", {"year": YEAR})
    assert r.status_code == 200
    best = index.score_orgs(city_user, YEAR)[0]
    body = r.content.decode()
    assert best.name in body and 'id="index-freshness"' in body
    assert IndexState.objects.filter(year=YEAR).exists()


def test_the_page_says_when_changes_wait_for_the_next_computation(
    stored: Any, city_user: Any, client_of: Any
) -> None:
    c = client_of(city_user)
    assert "有变更待重算" not in c.get("/metrics/index/", {"year": YEAR}).content.decode()
    services.index_mark_dirty()
    assert "有变更待重算" in c.get("/metrics/index/", {"year": YEAR}).content.decode()


def test_a_district_user_sees_only_its_organisations_and_units(
    stored: Any, user_a: Any, client_of: Any
) -> None:
    from gongzhi.orgs.models import SocialOrg

    rows, total = selectors.index_ranking(user_a, YEAR, stored, None, limit=10**6)
    assert rows and all(s.area_code.startswith("430405") for s in rows)
    c = client_of(user_a)
    body = c.get("/metrics/index/", {"year": YEAR}).content.decode()
    others = SocialOrg.objects.exclude(area_code__startswith="430405").values_list(
        "name", flat=True
    )
    assert not [n for n in others if n in body]
    # another district, as a unit or as an organisation, does not exist for them
    assert c.get("/metrics/index/", {"year": YEAR, "unit": "430406000000"}).status_code == 404
    other = IndexScore.objects.filter(year=YEAR).exclude(area_code__startswith="430405").first()
    assert other is not None
    url = f"/metrics/index/org/{other.org_id}/"
    assert c.get(url, {"year": YEAR}).status_code == 404
    mine = rows[0].org_id
    assert c.get(f"/metrics/index/org/{mine}/", {"year": YEAR}).status_code == 200
    # Asking for someone else's organisation in a year never computed computes nothing.
    IndexState.objects.filter(year=YEAR - 1).delete()
    assert c.get(url, {"year": YEAR - 1}).status_code == 404
    assert not IndexState.objects.filter(year=YEAR - 1).exists()


@pytest.mark.parametrize("who", ["city_user", "user_a"])
def test_the_index_pages_run_a_bounded_number_of_queries(
    stored: Any, who: str, request: Any, client_of: Any, django_assert_max_num_queries: Any
) -> None:
    c = client_of(request.getfixturevalue(who))
    c.get("/metrics/index/", {"year": YEAR})  # sessions, caches
    with django_assert_max_num_queries(14):
        assert c.get("/metrics/index/", {"year": YEAR}).status_code == 200
    org = IndexScore.objects.filter(year=YEAR).order_by("-score").first()
    with django_assert_max_num_queries(12):
        c.get(f"/metrics/index/org/{org.org_id}/", {"year": YEAR})


def test_queued_recomputations_behind_one_that_took_the_change_in_do_nothing(
    stored: Any,
) -> None:
    from gongzhi.metrics import tasks

    services.index_mark_dirty()
    first = tasks.refresh_summaries.call([index.KEY])
    assert index.KEY in first
    computed = IndexState.objects.get(year=YEAR).refreshed_at
    # The second and later tasks of the same burst find the year clean and leave it.
    assert tasks.refresh_summaries.call([index.KEY]) == {}
    assert IndexState.objects.get(year=YEAR).refreshed_at == computed


def test_a_change_marked_while_the_index_was_computed_stays_pending(stored: Any) -> None:
    from django.utils import timezone

    services.index_mark_dirty()
    # The change committed after the computation below started (its mark is later).
    IndexState.objects.update(changed_at=timezone.now() + dt.timedelta(minutes=1))
    services.index_refresh(years=[YEAR])
    assert IndexState.objects.get(year=YEAR).dirty_since is not None
    assert YEAR in services.index_pending_years()


# --- issue 7: the page reads a stored ranking of units and the best rows in index order -----


def _ranking_of_rows(year: int, config: Any, units: list[Any], **scope: Any) -> list[Any]:
    """index.rank_units over the stored rows themselves (the definition, from the table)."""
    rows = IndexScore.objects.filter(year=year, version=config.version, **scope)
    scores = [
        index.from_stored(r.org_id, "", r.area_code, r.parts, config)
        for r in rows.order_by("?")  # any order: the ranking must not depend on it
    ]
    return index.rank_units(scores, units)


def test_the_stored_unit_ranking_equals_the_ranking_of_the_rows_after_a_refresh(
    stored: Any, city_user: Any
) -> None:
    from gongzhi.areas.models import Area
    from gongzhi.orgs.models import Evaluation

    city = Area.objects.get(code=CITY)
    district = Area.objects.get(code="430405000000")
    for _round in range(2):
        for unit in (city, district):
            kids = selectors.children(unit)
            assert selectors.index_units(city_user, YEAR, stored, kids) == _ranking_of_rows(
                YEAR, stored, kids
            )
            _top, total = selectors.index_ranking(city_user, YEAR, stored, unit.prefix)
            assert (
                total
                == IndexScore.objects.filter(year=YEAR, area_code__startswith=unit.prefix).count()
            )
        # A change to what the index reads, then the refresh: the unit rows follow the rows.
        org_id = IndexScore.objects.filter(year=YEAR, area_code__startswith="430405")[0].org_id
        Evaluation.objects.create(
            org_id=org_id,
            evaluated_on=dt.date(YEAR, 6, 1),
            score=900,
            grade=5,
            valid_until=dt.date(YEAR + 5, 6, 1),
        )
        services.index_refresh(years=[YEAR])


def test_a_district_reads_its_own_units_and_count_and_never_a_unit_it_sees_in_part(
    stored: Any, user_a: Any
) -> None:
    from gongzhi.areas.models import Area
    from gongzhi.core.scope import SystemUser, UserScope
    from gongzhi.orgs.models import SocialOrg

    district = Area.objects.get(code="430405000000")
    streets = selectors.children(district)
    mine = selectors.index_units(user_a, YEAR, stored, streets)
    assert mine == _ranking_of_rows(YEAR, stored, streets, area_code__startswith="430405")
    _top, total = selectors.index_ranking(user_a, YEAR, stored, district.prefix)
    assert total == IndexScore.objects.filter(year=YEAR, area_code__startswith="430405").count()

    # A scope of one street sees its county only in part: the county's stored row (all its
    # streets) must not stand for it — it counts and averages the street's rows alone.
    counties = selectors.children(Area.objects.get(code=CITY))

    def count(prefix: str) -> int:
        return IndexScore.objects.filter(year=YEAR, area_code__startswith=prefix).count()

    # The small city keeps a county's organisations in one street: move one from another
    # county to a second street of it, and recompute.
    county, street, other = next(
        (c, s, o)
        for c in counties
        for s in selectors.children(c)
        for o in selectors.children(c)
        if count(s.prefix) and o != s
    )
    home = Area.objects.create(
        code=f"{other.prefix}901", name="测试社区", kind="community", parent=other
    )
    row = IndexScore.objects.filter(year=YEAR).exclude(area_code__startswith=county.prefix)[0]
    SocialOrg.objects.filter(pk=row.org_id).update(area=home, area_code=home.code)
    services.index_refresh(years=[YEAR])
    assert 0 < count(street.prefix) < count(county.prefix)
    one_street = SystemUser(UserScope(area_prefixes=(street.prefix,)))
    seen = {u.code: u for u in selectors.index_units(one_street, YEAR, stored, counties)}
    expected = _ranking_of_rows(YEAR, stored, counties, area_code__startswith=street.prefix)
    assert seen == {u.code: u for u in expected}
    assert seen[county.code].orgs == count(street.prefix)
    assert sum(u.orgs for u in seen.values()) == count(street.prefix)
    _top, total = selectors.index_ranking(one_street, YEAR, stored, county.prefix)
    assert total == count(street.prefix)


def test_the_best_rows_keep_a_stable_order_through_ties(stored: Any, city_user: Any) -> None:
    from gongzhi.orgs.models import SocialOrg

    # Ten organisations tie at the top, four of them under one name as well.
    tied = list(
        IndexScore.objects.filter(year=YEAR).order_by("org_id").values_list("org_id", flat=True)
    )[:10]
    IndexScore.objects.filter(year=YEAR, org_id__in=tied).update(score=100.0)
    SocialOrg.objects.filter(pk__in=tied[3:7]).update(name="同名社会组织")
    names = dict(SocialOrg.objects.filter(pk__in=tied).values_list("pk", "name"))
    expected = sorted(tied, key=lambda pk: (names[pk], pk))
    for limit in (3, 5, 10):
        first = selectors.index_ranking(city_user, YEAR, stored, None, limit=limit)[0]
        again = selectors.index_ranking(city_user, YEAR, stored, None, limit=limit)[0]
        assert [s.org_id for s in first] == [s.org_id for s in again] == expected[:limit]
    # the rest follow, best first, ties by name then id
    rows = selectors.index_ranking(city_user, YEAR, stored, None, limit=10**6)[0]
    keys = [
        (-IndexScore.objects.get(year=YEAR, org_id=s.org_id).score, s.name, s.org_id) for s in rows
    ]
    assert keys == sorted(keys)


def test_the_migration_fills_the_unit_rows_of_stored_years_as_the_refresh_writes_them(
    stored: Any,
) -> None:
    import importlib

    from django.apps import apps

    from gongzhi.metrics.models import IndexUnit

    def units() -> dict[str, tuple[Any, ...]]:
        return {
            u.prefix: (u.year, u.version, u.orgs, u.score, u.dimensions, u.refreshed_at)
            for u in IndexUnit.objects.all()
        }

    written = units()
    assert written
    IndexUnit.objects.all().delete()
    migration = importlib.import_module("gongzhi.metrics.migrations.0005_index_units_best_first")
    migration.store_units(apps, None)
    assert units() == written


def test_a_refresh_leaves_statistics_of_the_rows_it_wrote(stored: Any) -> None:
    # The planner must know the year's rows to walk indexscore_best for the top 50 rather
    # than sort the whole year (docs/performance.md, growth: 170 ms -> 18 ms at 10x).
    from django.db import connection

    written = IndexScore.objects.count()
    assert written > 0
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute(
                "SELECT reltuples FROM pg_class WHERE oid = %s::regclass",
                [IndexScore._meta.db_table],
            )
            assert cur.fetchone()[0] == written
        else:
            cur.execute("SELECT stat FROM sqlite_stat1 WHERE tbl = %s", [IndexScore._meta.db_table])
            stats = [row[0] for row in cur.fetchall()]
            assert stats and all(int(s.split()[0]) == written for s in stats)
