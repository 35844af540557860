from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from gongzhi.metrics import figures as F
from gongzhi.metrics import selectors
from gongzhi.metrics.demo_city.targets import Targets
from gongzhi.metrics.tests.conftest import AS_OF, SCALE


def test_the_reduced_city_has_the_seeds_registry_figure_on_2020_12_31(
    city: Any, city_user: Any
) -> None:
    tg = Targets.at(SCALE)
    got = selectors.figures_as_of(city_user, AS_OF, keys=["social_orgs"])
    assert got["social_orgs"] == tg.social_orgs == 30
    assert selectors.figures_from_base(city_user, AS_OF, keys=["social_orgs"]) == got


def test_the_reduced_city_gives_all_six_seed_figures(city: Any, city_user: Any) -> None:
    want = Targets.at(SCALE).as_dict()
    assert want["volunteers"] == 11045
    assert selectors.figures_as_of(city_user, AS_OF) == want
    assert selectors.figures_from_base(city_user, AS_OF) == want


def test_the_sql_floor_gives_the_same_six_figures(city: Any) -> None:
    from gongzhi.metrics.demo_city.floor import six_figures_sql

    assert six_figures_sql(AS_OF) == Targets.at(SCALE).as_dict()
    assert six_figures_sql(dt.date(2023, 3, 1)) != six_figures_sql(AS_OF)


def test_volunteer_totals_equal_their_ledger(city: Any) -> None:
    from django.db.models import Sum

    from gongzhi.volunteers.models import HoursEntry, Volunteer

    ledger = HoursEntry.objects.filter(status="approved").aggregate(s=Sum("minutes"))["s"]
    assert ledger and Volunteer.objects.aggregate(s=Sum("approved_minutes"))["s"] == ledger
    v = Volunteer.objects.filter(approved_minutes__gt=0).first()
    assert (
        v.approved_minutes
        == HoursEntry.objects.filter(volunteer=v).aggregate(s=Sum("minutes"))["s"]
    )


def test_the_volunteers_star_summary_is_built_with_the_city(city: Any) -> None:
    """The hours are COPYed past the services, so the load rebuilds the star summary."""
    from collections import Counter

    from django.db.models import Sum

    from gongzhi.volunteers import stars
    from gongzhi.volunteers.models import HoursEntry
    from gongzhi.volunteers.rules_config import stars_for_minutes

    for day in (dt.date(2019, 6, 15), AS_OF):
        for prefix in ("", "430405"):
            totals = (
                HoursEntry.objects.filter(status="approved", service_date__lte=day)
                .filter(volunteer__area_code__startswith=prefix)
                .values("volunteer_id")
                .annotate(m=Sum("minutes"))
                .values_list("m", flat=True)
            )
            levels = Counter(stars_for_minutes(m) for m in totals)
            assert stars.counts_as_of(day, prefix) == {k: levels[k] for k in range(1, 6)}


def test_generated_people_have_valid_id_numbers(city: Any) -> None:
    from stdnum.cn import ric

    from gongzhi.party.models import PartyMember
    from gongzhi.volunteers.models import Volunteer

    for person in [*PartyMember.objects.all()[:50], *Volunteer.objects.all()[:200]]:
        assert ric.is_valid(person.id_number), person.id_number


def test_the_targets_scale_proportionally_and_stay_in_the_seeds_ranges() -> None:
    full = Targets.at(1.0)
    assert full.social_orgs == 3023 and full.party_orgs == 700 and full.party_members == 6252
    assert 60_000 <= full.employees <= 64_999 and 1_100_000 <= full.volunteers <= 1_109_999
    small = Targets.at(0.01)
    assert (small.social_orgs, small.orgs_with_party_org, small.party_orgs) == (30, 11, 7)


def test_the_city_keeps_living_after_2020(city: Any, city_user: Any) -> None:
    from gongzhi.orgs.models import SocialOrg

    assert SocialOrg.objects.filter(registered_on__gt=AS_OF).exists()
    assert SocialOrg.objects.filter(deregistered_on__gt=AS_OF).exists()
    later = selectors.figures_as_of(city_user, dt.date(2025, 12, 31), keys=["social_orgs"])
    assert later == selectors.figures_from_base(
        city_user, dt.date(2025, 12, 31), keys=["social_orgs"]
    )
    assert later["social_orgs"] != 30


def test_as_of_counts_registrations_on_the_day_and_deregistrations_from_the_day(
    city: Any, city_user: Any
) -> None:
    # The generator puts one registration on 2020-12-31, one deregistration on 2020-12-31
    # (not counted that day) and one on 2021-01-01 (still counted on 2020-12-31).
    from gongzhi.orgs.models import SocialOrg

    assert SocialOrg.objects.filter(registered_on=AS_OF).exists()
    assert SocialOrg.objects.filter(deregistered_on=AS_OF).exists()
    assert SocialOrg.objects.filter(deregistered_on=dt.date(2021, 1, 1)).exists()
    for day in (AS_OF - dt.timedelta(days=1), AS_OF, AS_OF + dt.timedelta(days=1)):
        summary = selectors.figures_as_of(city_user, day, keys=["social_orgs"])
        assert summary == selectors.figures_from_base(city_user, day, keys=["social_orgs"])
    before = selectors.figures_as_of(city_user, AS_OF - dt.timedelta(days=1), keys=["social_orgs"])
    after = selectors.figures_as_of(city_user, AS_OF + dt.timedelta(days=1), keys=["social_orgs"])
    registered_on_day = SocialOrg.objects.filter(registered_on=AS_OF).count()
    gone_on_day = SocialOrg.objects.filter(deregistered_on=AS_OF).count()
    assert before["social_orgs"] == 30 - registered_on_day + gone_on_day
    assert (
        after["social_orgs"]
        == 30
        - SocialOrg.objects.filter(deregistered_on=dt.date(2021, 1, 1)).count()
        + SocialOrg.objects.filter(registered_on=dt.date(2021, 1, 1)).count()
    )


def test_the_generator_is_repeatable_for_a_seed(db: Any) -> None:
    from gongzhi.areas.models import Area
    from gongzhi.metrics.demo_city import load_city
    from gongzhi.orgs.models import SocialOrg

    def snapshot() -> list[tuple[Any, ...]]:
        return list(
            SocialOrg.objects.order_by("id").values_list(
                "name", "kind", "area_code", "registered_on", "deregistered_on", "credit_code"
            )
        )

    def members() -> list[tuple[Any, ...]]:
        from gongzhi.party.models import PartyMember

        return list(
            PartyMember.objects.order_by("id").values_list(
                "name", "birth_date", "id_number_bidx", "joined_on"
            )
        )

    from django.db import transaction

    # Generate, remember, roll the whole load back, and generate again with the same seed.
    sid = transaction.savepoint()
    load_city(scale=SCALE, seed=11)
    first, first_members = snapshot(), members()
    areas = list(Area.objects.filter(synthetic=True).order_by("code").values_list("code", "name"))
    transaction.savepoint_rollback(sid)
    assert not SocialOrg.objects.exists()
    load_city(scale=SCALE, seed=11)
    assert snapshot() == first and members() == first_members
    assert (
        list(Area.objects.filter(synthetic=True).order_by("code").values_list("code", "name"))
        == areas
    )


def test_generated_credit_codes_are_valid(city: Any) -> None:
    from stdnum.cn import uscc

    from gongzhi.orgs.models import SocialOrg

    codes = list(SocialOrg.objects.exclude(credit_code=None).values_list("credit_code", flat=True))
    assert codes and all(uscc.is_valid(c) and c[0] == "5" for c in codes)


def test_the_registry_search_finds_generated_organisations_by_any_part_of_their_name(
    city: Any, city_user: Any
) -> None:
    from gongzhi.orgs import selectors as orgs_selectors
    from gongzhi.orgs.models import SocialOrg
    from gongzhi.orgs.search_keys import name_keys

    # Written without save(), so the generator writes the name keys itself.
    org = SocialOrg.objects.order_by("pk").last()
    assert org is not None
    middle = next(p for _c, p, _i in name_keys(org.name)[3:] if p)
    found = orgs_selectors.org_list(user=city_user, q=middle[:12])
    assert org in found and org in orgs_selectors.org_list(user=city_user, q=org.name[3:7])


def test_every_synthetic_unit_is_marked_and_coded_under_its_parent(city: Any) -> None:
    from gongzhi.areas.models import Area

    units = list(Area.objects.filter(synthetic=True).select_related("parent"))
    assert {u.kind for u in units} >= {"township", "community", "compound"}
    for u in units:
        assert "虚构" in u.name or u.kind == "building"
        assert u.code.startswith(u.parent.prefix) and u.prefix and len(u.code) in (12, 15, 18)


def test_every_headline_key_is_named() -> None:
    assert F.HEADLINE == [
        "social_orgs",
        "employees",
        "volunteers",
        "orgs_with_party_org",
        "party_orgs",
        "party_members",
    ]


def test_generated_rows_pass_their_models_validation(city: Any) -> None:
    """Raw bulk writes skip model validation: choices and lengths are checked here instead."""
    from django.apps import apps

    for label in (
        "orgs.SocialOrg",
        "orgs.AnnualReport",
        "party.PartyOrg",
        "party.PartyOrgCoverage",
        "party.PartyMember",
        "party.Instructor",
        "party.InstructorAssignment",
        "volunteers.Team",
        "volunteers.Activity",
        "volunteers.Shift",
        "volunteers.Volunteer",
        "volunteers.HoursEntry",
    ):
        rows = list(apps.get_model(label).objects.order_by("?")[:20])
        assert rows, label
        for obj in rows:
            obj.full_clean(validate_unique=False, validate_constraints=False)


def test_generated_transfers_count_in_the_district_of_each_date(city: Any, city_user: Any) -> None:
    from django.db.models import F

    from gongzhi.metrics.demo_city.floor import six_figures_sql
    from gongzhi.party.models import MembershipPeriod
    from gongzhi.party.selectors.coverage import members_as_of

    assert city["counts"]["party_transfers"] >= 1
    moved = (
        MembershipPeriod.objects.filter(
            started_on__gt=AS_OF, member__periods__ended_on=F("started_on")
        )
        .select_related("member")
        .first()
    )
    assert moved is not None and moved.member.party_org_id == moved.party_org_id
    before = MembershipPeriod.objects.get(member=moved.member, ended_on=moved.started_on)
    districts = [before.area_code[:6] + "000000", moved.area_code[:6] + "000000"]
    assert districts[0] != districts[1]
    for day in (AS_OF, moved.started_on - dt.timedelta(days=1), moved.started_on):
        for unit in districts:
            got = selectors.figures_as_of(city_user, day, unit, keys=["party_members"])
            want = members_as_of(user=city_user, as_of=day, area_prefix=unit[:6]).count()
            assert got == {"party_members": want}, (day, unit)
        total = selectors.figures_as_of(city_user, day, keys=["party_members"])["party_members"]
        assert total == six_figures_sql(day)["party_members"]


def test_the_load_leaves_planner_statistics_of_the_ledger(city: Any) -> None:
    # Rows went in by COPY / bulk INSERTs: without ANALYZE the planner guesses (issue 6).
    from django.db import connection

    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("SELECT count(*) FROM pg_stats WHERE tablename = 'volunteers_hoursentry'")
        else:
            cur.execute("SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'volunteers_hoursentry'")
        assert cur.fetchone()[0] > 0
    assert {"commit", "analyze", "analyze_summaries"} <= set(city["seconds"])
    assert city["cpu_seconds"]["volunteers.indexes"] >= 0


@pytest.mark.django_db(transaction=True)
def test_statistics_after_a_committed_load_also_set_the_visibility_map_on_postgresql() -> None:
    # Index-only scans need the visibility map, which only VACUUM sets (autovacuum may be off):
    # without it the evaluation index scanned the whole ledger at full scale.
    from django.db import connection

    from gongzhi.metrics.demo_city.writer import analyze
    from gongzhi.metrics.models import Delta

    if connection.vendor != "postgresql":
        pytest.skip("the visibility map is PostgreSQL's")
    Delta.objects.bulk_create(
        Delta(
            figure="bench",
            unit="4304",
            grain="d",
            period=dt.date(2020, 1, 1) + dt.timedelta(i),
            value=1,
        )
        for i in range(500)
    )
    analyze(Delta)
    with connection.cursor() as cur:
        cur.execute("SELECT relallvisible FROM pg_class WHERE relname = %s", [Delta._meta.db_table])
        assert cur.fetchone()[0] > 0


def _sqlite_pragma(name: str) -> int:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(f"PRAGMA {name}")
        return int(cur.fetchone()[0])


@pytest.mark.django_db(transaction=True)
def test_a_committed_load_checks_the_keys_once_and_puts_the_connection_back() -> None:
    # SQLite: foreign keys off for the load and checked once before its commit, the big page
    # cache for the write only (docs/performance.md "SQLite city load").
    from django.db import connection

    from gongzhi.metrics.demo_city import load_city

    sqlite = connection.vendor == "sqlite"
    if sqlite:
        with connection.cursor() as cur:
            cur.execute("PRAGMA cache_size = -3000")
    report = load_city(scale=SCALE, seed=5)
    assert ("key_check" in report["seconds"]) == sqlite
    if sqlite:
        assert _sqlite_pragma("foreign_keys") == 1
        assert _sqlite_pragma("cache_size") == -3000
        with connection.cursor() as cur:
            cur.execute("PRAGMA foreign_key_check")
            assert cur.fetchall() == []


@pytest.mark.django_db(transaction=True)
def test_a_load_that_leaves_a_dangling_key_fails_whole(monkeypatch: Any) -> None:
    from django.db import IntegrityError, connection

    from gongzhi.metrics.demo_city import load_city, stages
    from gongzhi.orgs.models import SocialOrg
    from gongzhi.volunteers.models import Team

    def dangle(ctx: Any) -> None:
        Team.objects.filter(pk=Team.objects.order_by("pk").values("pk")[:1]).update(area_id=10**9)

    monkeypatch.setattr(stages, "LATER_STAGES", [*stages.LATER_STAGES, ("dangle", dangle)])
    with pytest.raises(IntegrityError):
        load_city(scale=SCALE, seed=5)
    assert not SocialOrg.objects.exists() and not Team.objects.exists()
    if connection.vendor == "sqlite":
        assert _sqlite_pragma("foreign_keys") == 1
