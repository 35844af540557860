"""The summary tables agree with the base tables after any sequence of changes."""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gongzhi.metrics import selectors, summaries

DAY0 = dt.date(2019, 1, 1)
UNITS = ["430405000000", "430406000000", "430481000000"]

changes = st.lists(
    st.tuples(
        st.sampled_from(["register", "deregister", "reregister_date", "move"]),
        st.integers(0, 730),  # day offset
        st.integers(0, 2),  # which unit
        st.integers(0, 50),  # which existing organisation
    ),
    min_size=1,
    max_size=25,
)


def _apply(ops: list[tuple[str, int, int, int]], communities: list[Any]) -> None:
    from gongzhi.orgs.models import SocialOrg

    for n, (op, offset, unit, pick) in enumerate(ops):
        day = DAY0 + dt.timedelta(days=offset)
        orgs = list(SocialOrg.objects.order_by("id"))
        target = orgs[pick % len(orgs)] if orgs else None
        if op == "register" or target is None:
            area = communities[unit]
            SocialOrg(
                name=f"测试组织{n}-{offset}",
                kind="social_group",
                registration_level="county",
                authority=area,
                area=area,
                registered_on=day,
                synthetic=True,
            ).save()
        elif op == "deregister":
            target.deregistered_on = max(day, target.registered_on)
            target.status = "deregistered"
            target.save()
        elif op == "reregister_date":
            target.registered_on = (
                day if not target.deregistered_on else min(day, target.deregistered_on)
            )
            target.save()
        else:
            target.area = communities[unit]
            target.save()


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(ops=changes, probes=st.lists(st.integers(-30, 800), min_size=3, max_size=6))
def test_summaries_match_the_base_tables_after_random_changes(
    ops: list[tuple[str, int, int, int]], probes: list[int], city_user: Any, street_areas: Any
) -> None:
    from gongzhi.areas.models import Area
    from gongzhi.orgs.models import SocialOrg

    SocialOrg.objects.all().delete()
    c = Area.objects.filter(code="430481001001").first() or Area.objects.create(
        code="430481001001",
        name="村（测试）",
        kind="community",
        parent=Area.objects.get(code="430481000000"),
    )
    communities = [street_areas["a"], street_areas["b"], c]
    _apply(ops, communities)
    summaries.refresh(["social_orgs"])
    for offset in probes:
        day = DAY0 + dt.timedelta(days=offset)
        for unit in [None, *UNITS, street_areas["a"].code, street_areas["street_b"].code]:
            got = selectors.figures_as_of(city_user, day, unit, keys=["social_orgs"])
            want = selectors.figures_from_base(city_user, day, unit, keys=["social_orgs"])
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
