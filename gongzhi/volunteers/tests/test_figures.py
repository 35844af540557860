"""star_distribution for a past date, read from the star summary (volunteers.stars), must
equal the plain sum of the ledger up to that date, on random data (hypothesis); the summary
maintained by the services must equal one rebuilt from the ledger."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st

from gongzhi.volunteers import figures, rules_config, services, stars
from gongzhi.volunteers.models import EntryStatus, HoursEntry, Volunteer
from gongzhi.volunteers.tests import factories as f

pytestmark = pytest.mark.django_db

# Small thresholds (hours) so a handful of entries spans every star.
THRESHOLDS = (1, 2, 4, 6, 9)


@pytest.fixture
def small_stars(monkeypatch):
    monkeypatch.setitem(
        rules_config.RULES,
        "test-stars",
        rules_config.VolunteerRules(version="test-stars", star_thresholds_hours=THRESHOLDS),
    )
    monkeypatch.setattr(rules_config, "CURRENT_VERSION", "test-stars")


def ledger_reference(as_of: dt.date, area_prefix: str) -> dict[int, int]:
    """The previous implementation: sum every volunteer's approved ledger up to `as_of`."""
    out = dict.fromkeys(range(len(THRESHOLDS) + 1), 0)
    totals = (
        HoursEntry.objects.filter(status=EntryStatus.APPROVED, service_date__lte=as_of)
        .filter(volunteer__area_code__startswith=area_prefix)
        .values("volunteer_id")
        .annotate(m=Sum("minutes"))
        .values_list("m", flat=True)
    )
    with_hours = 0
    for minutes in totals:
        out[rules_config.stars_for_minutes(minutes or 0)] += 1
        with_hours += 1
    out[0] += figures.registered_volunteers(as_of=as_of, area_prefix=area_prefix) - with_hours
    out[0] = max(out[0], 0)
    return out


TODAY = timezone.localdate()
days_ago = st.integers(min_value=0, max_value=400)
entry = st.tuples(
    days_ago,  # service date
    st.integers(min_value=30, max_value=600),  # minutes
    st.sampled_from(["approve", "approve", "approve", "pending", "decline", "reverse"]),
)
volunteer = st.tuples(
    st.sampled_from(["a", "b"]),  # district
    st.integers(min_value=0, max_value=500),  # registered days ago
    st.one_of(st.none(), st.integers(min_value=0, max_value=300)),  # withdrawn days ago
    st.lists(entry, max_size=8),
    st.booleans(),  # moves to the other district after their service
)


class _Rollback(Exception):
    pass


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    people=st.lists(volunteer, min_size=1, max_size=6),
    as_of_days_ago=st.integers(min_value=-1, max_value=420),
    prefix=st.sampled_from(["", "430405", "430406", "430405001", "4304"]),
)
def test_star_distribution_of_a_past_date_equals_the_ledger_sum(
    small_stars, street_areas, people, as_of_days_ago, prefix
):
    try:
        with transaction.atomic():
            teams = {k: f.team(street_areas[k].code) for k in ("a", "b")}
            for district, reg_ago, wd_ago, entries, moves in people:
                v = f.volunteer(
                    street_areas[district].code,
                    registered_on=TODAY - dt.timedelta(days=reg_ago),
                )
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
                if moves:
                    other = "b" if district == "a" else "a"
                    services.volunteer_update(actor="t", volunteer=v, area=street_areas[other])
                if wd_ago is not None and wd_ago <= reg_ago:
                    services.volunteer_update(
                        actor="t",
                        volunteer=v,
                        status="withdrawn",
                        withdrawn_on=TODAY - dt.timedelta(days=wd_ago),
                    )
            as_of = TODAY - dt.timedelta(days=as_of_days_ago)
            expected = ledger_reference(as_of, prefix)
            note(
                f"as_of={as_of} {list(Volunteer.objects.values_list('area_code', 'approved_minutes', 'registered_on', 'withdrawn_on'))}"
            )
            note(
                str(
                    list(
                        HoursEntry.objects.values_list(
                            "volunteer_id", "service_date", "minutes", "status"
                        )
                    )
                )
            )
            assert figures.star_distribution(as_of=as_of, area_prefix=prefix) == expected
            maintained = stars.snapshot()
            stars.rebuild()
            assert stars.snapshot() == maintained
            assert figures.star_distribution(as_of=as_of, area_prefix=prefix) == expected
            raise _Rollback
    except _Rollback:
        pass


def test_the_running_totals_agree_with_the_ledger(small_stars, street_areas):
    """The premise of the correction: approved_minutes is the approved ledger's sum."""
    t = f.team(street_areas["a"].code)
    v = f.volunteer(street_areas["a"].code)
    for minutes in (100, 200, 300):
        e = services.hours_record(
            actor="t", volunteer=v, team=t, minutes=minutes, service_date=TODAY, content="x"
        )
        services.hours_approve(actor="t", entry_ids=[e.pk])
    services.hours_reverse(actor="t", entry=e, reason="更正")
    v = Volunteer.objects.get(pk=v.pk)
    ledger = HoursEntry.objects.filter(volunteer=v, status="approved").aggregate(s=Sum("minutes"))
    assert v.approved_minutes == ledger["s"] == 300


def test_a_past_date_reads_the_star_summary_not_the_ledger(small_stars, street_areas):
    """However many entries follow `as_of`, the figure reads no ledger row (issue 5)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    t = f.team(street_areas["a"].code)
    v = f.volunteer(street_areas["a"].code, registered_on=TODAY - dt.timedelta(days=100))
    for ago in (90, 50, 40):
        e = services.hours_record(
            actor="t",
            volunteer=v,
            team=t,
            minutes=120,
            service_date=TODAY - dt.timedelta(days=ago),
            content="x",
        )
        services.hours_approve(actor="t", entry_ids=[e.pk])
    with CaptureQueriesContext(connection) as ctx:
        result = figures.star_distribution(as_of=TODAY - dt.timedelta(days=60))
    assert result == {0: 0, 1: 0, 2: 1, 3: 0, 4: 0, 5: 0}  # 2 hours by then
    assert not [q for q in ctx.captured_queries if "volunteers_hoursentry" in q["sql"]]
    assert len(ctx.captured_queries) <= 4
    assert figures.star_distribution(as_of=TODAY)[4] == 1  # 6 hours


def test_with_other_thresholds_than_the_summary_s_the_ledger_answers_until_a_rebuild(
    small_stars, street_areas
):
    t = f.team(street_areas["a"].code)
    v = f.volunteer(street_areas["a"].code, registered_on=TODAY - dt.timedelta(days=100))
    e = services.hours_record(
        actor="t",
        volunteer=v,
        team=t,
        minutes=150,
        service_date=TODAY - dt.timedelta(days=9),
        content="x",
    )
    services.hours_approve(actor="t", entry_ids=[e.pk])
    stars.rebuild()
    # A new rules version: 2 hours is now the first star, not the second.
    rules_config.RULES["test-stars"] = rules_config.VolunteerRules(
        version="test-stars", star_thresholds_hours=(2, 5, 8, 10, 12)
    )
    assert stars.counts_as_of(TODAY, "") is None
    assert figures.star_distribution(as_of=TODAY)[1] == 1
    stars.rebuild()
    assert stars.counts_as_of(TODAY, "") == {1: 1, 2: 0, 3: 0, 4: 0, 5: 0}


def test_a_rebuild_walks_only_volunteers_whose_entries_reach_the_first_star(
    small_stars, street_areas
):
    """The rebuild skips volunteers whose approved entries (reversals aside) stay below the
    first threshold; a reversed entry still makes a candidate, whose walk finds no star."""
    t = f.team(street_areas["a"].code)

    def approved(v, minutes, ago):
        e = services.hours_record(
            actor="t",
            volunteer=v,
            team=t,
            minutes=minutes,
            service_date=TODAY - dt.timedelta(days=ago),
            content="x",
        )
        services.hours_approve(actor="t", entry_ids=[e.pk])
        return e

    below = f.volunteer(street_areas["a"].code, registered_on=TODAY - dt.timedelta(days=100))
    approved(below, 30, 20)
    approved(below, 29, 10)  # 59 minutes: never a star
    reversed_ = f.volunteer(street_areas["a"].code, registered_on=TODAY - dt.timedelta(days=100))
    services.hours_reverse(actor="t", entry=approved(reversed_, 90, 20), reason="更正")
    one = f.volunteer(street_areas["a"].code, registered_on=TODAY - dt.timedelta(days=100))
    approved(one, 90, 20)
    services.hours_reverse(actor="t", entry=approved(one, 90, 10), reason="更正")
    two = f.volunteer(street_areas["a"].code, registered_on=TODAY - dt.timedelta(days=100))
    approved(two, 60, 20)
    approved(two, 60, 10)

    maintained = stars.snapshot()
    stars.rebuild()
    assert stars.snapshot() == maintained
    steps = {(vid, day, previous, new) for vid, _code, day, previous, new in maintained[0]}
    assert steps == {
        (one.pk, TODAY - dt.timedelta(days=20), 0, 1),
        (two.pk, TODAY - dt.timedelta(days=20), 0, 1),
        (two.pk, TODAY - dt.timedelta(days=10), 1, 2),
    }
