"""The volunteer summaries (registered, hours, stars, activities) agree with the base tables
after random registrations, withdrawals, approvals, declines and reversals — whether the
summaries were rebuilt whole or brought up to date by a partial rebuild (hypothesis)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection, transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gongzhi.metrics import selectors, summaries
from gongzhi.volunteers import rules_config, services
from gongzhi.volunteers.tests import factories as f

# Small star thresholds (hours) so a handful of entries reaches, and a reversal leaves, a level.
THRESHOLDS = (1, 2, 4, 6, 9)
KEYS = [
    "volunteers",
    "volunteer_minutes",
    "activities",
    "activities_zhulao",
    *(f"stars_{k}" for k in range(1, 6)),
]
TODAY = timezone.localdate()

entry = st.tuples(
    st.integers(min_value=0, max_value=400),  # service date, days ago
    st.integers(min_value=30, max_value=300),  # minutes
    st.sampled_from(["approve", "approve", "approve", "pending", "decline", "reverse"]),
)
person = st.tuples(
    st.sampled_from(["a", "b"]),  # district
    st.integers(min_value=0, max_value=500),  # registered, days ago
    st.one_of(st.none(), st.integers(min_value=0, max_value=300)),  # withdrawn, days ago
    st.lists(entry, max_size=6),
)


@pytest.fixture
def small_stars(monkeypatch: Any) -> None:
    monkeypatch.setitem(
        rules_config.RULES,
        "test-stars",
        rules_config.VolunteerRules(version="test-stars", star_thresholds_hours=THRESHOLDS),
    )
    monkeypatch.setattr(rules_config, "CURRENT_VERSION", "test-stars")


def _add(people: list[Any], teams: dict[str, Any]) -> None:
    for district, reg_ago, wd_ago, entries in people:
        v = f.volunteer(teams[district].area_code, registered_on=TODAY - dt.timedelta(days=reg_ago))
        for ago, minutes, fate in entries:
            e = services.hours_record(
                actor="t",
                volunteer=v,
                team=teams[district],
                minutes=minutes,
                service_date=TODAY - dt.timedelta(days=ago),
                content="服务",
            )
            if fate in ("approve", "reverse"):
                services.hours_approve(actor="t", entry_ids=[e.pk])
            if fate == "reverse":
                services.hours_reverse(actor="t", entry=e, reason="更正")
            if fate == "decline":
                services.hours_decline(actor="t", entry_ids=[e.pk], note="不符")
        if wd_ago is not None and wd_ago <= reg_ago:
            services.volunteer_update(
                actor="t",
                volunteer=v,
                status="withdrawn",
                withdrawn_on=TODAY - dt.timedelta(days=wd_ago),
            )


def _activity(team: Any, days_ago: int) -> None:
    a = f.activity(team)
    start = timezone.now() - dt.timedelta(days=days_ago)
    f.shift(a, start=start)
    f.shift(a, start=start + dt.timedelta(days=3))  # the first shift dates the activity


class _Rollback(Exception):
    pass


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    first=st.lists(person, min_size=1, max_size=4),
    later=st.lists(person, max_size=3),
    activity_days=st.lists(st.integers(min_value=0, max_value=400), max_size=3),
    probes=st.lists(st.integers(min_value=-1, max_value=500), min_size=2, max_size=4),
)
def test_volunteer_summaries_match_the_base_tables(
    small_stars: Any,
    street_areas: Any,
    city_user: Any,
    first: list[Any],
    later: list[Any],
    activity_days: list[int],
    probes: list[int],
) -> None:
    units = [None, "430405000000", "430406000000", street_areas["a"].code]
    try:
        with transaction.atomic():
            teams = {k: f.team(street_areas[k].code) for k in ("a", "b")}
            _add(first, teams)
            summaries.refresh()  # every figure: the whole table replaced
            _add(later, teams)
            for days in activity_days:
                _activity(teams["a"], days)
            summaries.refresh(KEYS)  # these figures: only the changed rows rewritten
            for ago in probes:
                day = TODAY - dt.timedelta(days=ago)
                for unit in units:
                    got = selectors.figures_as_of(city_user, day, unit, keys=KEYS)
                    assert got == selectors.figures_from_base(city_user, day, unit, keys=KEYS), (
                        day,
                        unit,
                    )
            raise _Rollback
    except _Rollback:
        pass


def test_a_reversal_takes_the_star_back_from_the_entrys_date(
    small_stars: Any, street_areas: Any, city_user: Any
) -> None:
    # The reversal carries its entry's service date (the ledger is immutable), so the star
    # the second entry gave is gone on every date, as if the entry had never counted.
    team = f.team(street_areas["a"].code)
    v = f.volunteer(street_areas["a"].code, registered_on=TODAY - dt.timedelta(days=30))
    days = [TODAY - dt.timedelta(days=n) for n in (20, 10)]
    entries = []
    for day in days:
        e = services.hours_record(
            actor="t", volunteer=v, team=team, minutes=40, service_date=day, content="服务"
        )
        services.hours_approve(actor="t", entry_ids=[e.pk])
        entries.append(e)
    summaries.refresh(["stars_1"])
    assert selectors.figures_as_of(city_user, days[1], keys=["stars_1"]) == {"stars_1": 1}
    services.hours_reverse(actor="t", entry=entries[1], reason="更正")
    summaries.refresh(["stars_1"])
    for day in (days[0], days[1], TODAY):
        got = selectors.figures_as_of(city_user, day, keys=["stars_1"])
        assert got == selectors.figures_from_base(city_user, day, keys=["stars_1"])
        assert got == {"stars_1": 0}, day


def test_stars_are_staged_from_the_ledger_while_the_star_summary_is_for_old_thresholds(
    small_stars: Any, street_areas: Any, city_user: Any
) -> None:
    # A rules change not yet rebuilt (rebuild_stars): the figure reads the ledger, and so
    # does its summary's rebuild.
    from gongzhi.volunteers.models import StarState

    team = f.team(street_areas["a"].code)
    v = f.volunteer(street_areas["a"].code, registered_on=TODAY - dt.timedelta(days=30))
    day = TODAY - dt.timedelta(days=10)
    e = services.hours_record(
        actor="t", volunteer=v, team=team, minutes=130, service_date=day, content="服务"
    )
    services.hours_approve(actor="t", entry_ids=[e.pk])
    StarState.objects.update_or_create(key="stars", defaults={"thresholds_minutes": [1, 2]})
    keys = ["stars_1", "stars_2", "stars_3"]
    summaries.refresh(keys)
    for probe in (day - dt.timedelta(days=1), day):
        got = selectors.figures_as_of(city_user, probe, keys=keys)
        assert got == selectors.figures_from_base(city_user, probe, keys=keys), probe
    assert got == {"stars_1": 1, "stars_2": 1, "stars_3": 0}


@pytest.mark.django_db
def test_a_whole_rebuild_writes_delta_in_the_order_of_its_index(street_areas: Any) -> None:
    """replace_all inserts the rows in (figure, unit, grain, period) order — PostgreSQL's
    heap keeps a unit's rows together and the index build finds them presorted — whatever
    the sort key it uses for that order."""
    from gongzhi.metrics.models import Delta

    for district in ("a", "b"):
        for ago in (3, 40, 400):
            f.volunteer(street_areas[district].code, registered_on=TODAY - dt.timedelta(days=ago))
    summaries.refresh()
    rows = list(Delta.objects.order_by("id").values_list("figure", "unit", "grain", "period"))
    assert rows
    if connection.vendor == "postgresql":
        assert rows == sorted(rows)
