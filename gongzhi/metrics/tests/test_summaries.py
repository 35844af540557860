"""The summary tables agree with the base tables after any sequence of changes."""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gongzhi.metrics import selectors, summaries

DAY0 = dt.date(2019, 1, 1)
UNITS = ["430405000000", "430406000000", "430481000000"]

KEYS = ["social_orgs", "employees", "orgs_union", "orgs_four_builds"]
changes = st.lists(
    st.tuples(
        st.sampled_from(["register", "register", "deregister", "move", "report", "report"]),
        st.integers(0, 730),  # day offset
        st.integers(0, 3),  # which community
        st.integers(0, 50),  # which existing organisation
        st.integers(0, 40),  # employees
    ),
    min_size=1,
    max_size=20,
)


def _apply(ops: list[tuple[str, int, int, int, int]], communities: list[Any]) -> None:
    """Random registry changes through the orgs app's services (invalid ones are refused)."""
    from django.core.exceptions import ValidationError

    from gongzhi.metrics.demo_city.orgs_stage import credit_code
    from gongzhi.orgs import services
    from gongzhi.orgs.models import SocialOrg

    for n, (op, offset, unit, pick, employees) in enumerate(ops):
        day = DAY0 + dt.timedelta(days=offset)
        orgs = list(SocialOrg.objects.order_by("id"))
        target = orgs[pick % len(orgs)] if orgs else None
        try:
            if op == "register" or target is None:
                area = communities[unit]
                services.org_register(
                    actor="test",
                    name=f"测试组织{n}",
                    kind="social_group",
                    authority=area.parent.parent,
                    area=area,
                    registered_on=day,
                    credit_code=credit_code("social_group", area.code[:6], 1000 + n),
                )
            elif op == "deregister":
                services.org_deregister(
                    actor="test", org=target, on=max(day, target.registered_on), reason="测试"
                )
            elif op == "move":
                same_county = [c for c in communities if c.code[:6] == target.area_code[:6]]
                services.org_change(
                    actor="test",
                    org=target,
                    changes={"area_code": same_county[offset % len(same_county)].code},
                    effective_on=max(day, target.registered_on),
                )
            else:
                year = max(day.year, target.registered_on.year)
                union_on = day if employees % 2 else None
                services.report_file(
                    actor="test",
                    org=target,
                    year=year,
                    submitted_on=dt.date(year + 1, 3, 1),
                    result="qualified",
                    employees=employees,
                    has_party_org=employees % 3 == 0,
                    no_party_org_reason="" if employees % 3 == 0 else "党员不足三人",
                    has_union=union_on is not None,
                    union_on=union_on,
                    has_youth_league=employees % 3 == 0,
                    youth_league_on=day if employees % 3 == 0 else None,
                    has_women_federation=employees % 3 == 0,
                    women_federation_on=day if employees % 3 == 0 else None,
                )
        except ValidationError:
            continue  # refused by the registry rules (e.g. a change after deregistration)


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(ops=changes, probes=st.lists(st.integers(-30, 1200), min_size=3, max_size=6))
def test_summaries_match_the_base_tables_after_random_changes(
    ops: list[tuple[str, int, int, int, int]], probes: list[int], city_user: Any, street_areas: Any
) -> None:
    from gongzhi.areas.models import Area
    from gongzhi.orgs.models import AnnualReport, OrgChange, SocialOrg

    AnnualReport.objects.all().delete()
    OrgChange.objects.all().delete()
    SocialOrg.objects.all().delete()
    street_c = Area.objects.get_or_create(
        code="430481001000",
        defaults={
            "name": "镇（测试）",
            "kind": "township",
            "parent": Area.objects.get(code="430481000000"),
        },
    )[0]
    c = Area.objects.get_or_create(
        code="430481001001",
        defaults={"name": "村（测试）", "kind": "community", "parent": street_c},
    )[0]
    a2 = Area.objects.get_or_create(
        code="430405001002",
        defaults={"name": "社区a2", "kind": "community", "parent": street_areas["street_a"]},
    )[0]
    communities = [street_areas["a"], a2, street_areas["b"], c]
    _apply(ops, communities)
    assert SocialOrg.objects.exists()  # the first change always registers one
    summaries.refresh(KEYS)
    for offset in probes:
        day = DAY0 + dt.timedelta(days=offset)
        for unit in [None, *UNITS, street_areas["a"].code, a2.code, street_areas["street_b"].code]:
            got = selectors.figures_as_of(city_user, day, unit, keys=KEYS)
            want = selectors.figures_from_base(city_user, day, unit, keys=KEYS)
            assert got == want, (day, unit)


def test_a_committed_change_rebuilds_the_summaries(transactional_db: Any, make_user: Any) -> None:
    from gongzhi.areas.models import Area
    from gongzhi.metrics.models import SummaryState
    from gongzhi.orgs.models import SocialOrg

    city_user = make_user("city_admin", "430400000000")
    area = Area.objects.get(code="430405000000")
    SocialOrg(
        name="新登记的组织",
        kind="social_group",
        registration_level="county",
        authority=area,
        area=area,
        registered_on=dt.date(2020, 5, 1),
    ).save()
    # The on-commit task (immediate backend in tests) rebuilt the figure.
    state = SummaryState.objects.get(figure="social_orgs")
    assert state.refreshed_at is not None and state.dirty_since is None
    assert selectors.figures_as_of(city_user, dt.date(2020, 5, 1), keys=["social_orgs"]) == {
        "social_orgs": 1
    }
    assert selectors.figures_as_of(city_user, dt.date(2020, 4, 30), keys=["social_orgs"]) == {
        "social_orgs": 0
    }


def test_a_whole_rebuild_leaves_the_summary_table_with_its_keys_and_index(
    city_user: Any, street_areas: Any
) -> None:
    """A whole rebuild drops Delta's index (and on PostgreSQL its primary key) for the insert
    and builds them again: the table comes out with the same constraints and answers."""
    from django.db import connection

    from gongzhi.metrics.demo_city.orgs_stage import credit_code
    from gongzhi.metrics.models import Delta
    from gongzhi.orgs import services

    def constraints() -> dict[str, tuple[Any, ...]]:
        with connection.cursor() as cur:
            found = connection.introspection.get_constraints(cur, Delta._meta.db_table)
        return {
            name: (tuple(c["columns"]), c["primary_key"], c["unique"], c["index"])
            for name, c in found.items()
        }

    before = constraints()
    services.org_register(
        actor="test",
        name="重建后仍可查的组织",
        kind="social_group",
        authority=street_areas["a"].parent.parent,
        area=street_areas["a"],
        registered_on=dt.date(2020, 5, 1),
        credit_code=credit_code("social_group", "430405", 77),
    )
    summaries.refresh()
    summaries.refresh()  # a second whole rebuild finds what the first one left
    assert constraints() == before
    assert any(c[1] for c in before.values())  # the primary key is among them
    assert Delta.objects.filter(figure="social_orgs").exists()
    assert selectors.figures_as_of(city_user, dt.date(2020, 5, 1), keys=["social_orgs"]) == {
        "social_orgs": 1
    }


def test_queued_rebuilds_behind_one_that_took_the_changes_in_do_nothing(db: Any) -> None:
    from gongzhi.metrics import tasks
    from gongzhi.metrics.models import SummaryState

    summaries.mark_dirty(["social_orgs", "employees"])
    assert summaries.pending(["social_orgs", "employees", "volunteers"]) == [
        "social_orgs",
        "employees",
        "volunteers",  # never built: pending too
    ]
    assert set(tasks.refresh_summaries.call(["social_orgs", "employees"])) == {
        "social_orgs",
        "employees",
    }
    built = SummaryState.objects.get(figure="social_orgs").refreshed_at
    # A burst of changes queued one task each; those behind the first find nothing to do.
    assert tasks.refresh_summaries.call(["social_orgs", "employees"]) == {}
    assert SummaryState.objects.get(figure="social_orgs").refreshed_at == built
    summaries.mark_dirty(["employees"])
    assert set(tasks.refresh_summaries.call(["social_orgs", "employees"])) == {"employees"}


def test_a_change_marked_while_a_rebuild_ran_stays_pending(db: Any) -> None:
    from django.utils import timezone

    from gongzhi.metrics.models import SummaryState

    summaries.mark_dirty(["social_orgs"])
    # The change committed after the rebuild below started (its mark is later).
    SummaryState.objects.update(changed_at=timezone.now() + dt.timedelta(minutes=1))
    summaries.refresh(["social_orgs"])
    state = SummaryState.objects.get(figure="social_orgs")
    assert state.refreshed_at is not None and state.dirty_since is not None
    assert summaries.pending(["social_orgs"]) == ["social_orgs"]
