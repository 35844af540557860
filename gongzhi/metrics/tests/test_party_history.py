"""Party member figures follow the membership history: a transfer moves the member's count."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from gongzhi.metrics import selectors, summaries
from gongzhi.metrics.demo_city.floor import six_figures_sql
from gongzhi.party import services
from gongzhi.party.selectors.coverage import members_as_of
from gongzhi.party.tests import helpers

D = dt.date
RECEIPT = D(2021, 7, 1)
DISTRICT_A, DISTRICT_B = "430405000000", "430406000000"


@pytest.fixture
def transferred(street_areas: Any) -> Any:
    """A member of a 珠晖区 branch since 2019, transferred to a 雁峰区 branch: receipt mid-2021."""
    a = helpers.party_org("430405001001", name="珠晖区转出党支部")
    b = helpers.party_org("430406001001", name="雁峰区转入党支部")
    m = helpers.member(a, name="转接党员", admitted_on=D(2019, 7, 1))
    t = services.transfer_apply(actor="t", member=m, to_org=b, applied_on=D(2021, 6, 1))
    services.transfer_issue(actor="t", transfer=t, issued_on=D(2021, 6, 2))
    services.transfer_receive(actor="t", transfer=t, received_on=D(2021, 6, 5))
    services.transfer_receipt(actor="t", transfer=t, receipt_on=RECEIPT)
    m.refresh_from_db()
    return m


def _members(user: Any, day: dt.date, unit: str | None = None) -> int:
    return selectors.figures_as_of(user, day, unit, keys=["party_members"])["party_members"]


@pytest.mark.parametrize(
    ("day", "in_a", "in_b"),
    [
        (D(2019, 6, 30), 0, 0),
        (D(2020, 12, 31), 1, 0),
        (RECEIPT - dt.timedelta(days=1), 1, 0),
        (RECEIPT, 0, 1),
        (D(2025, 1, 1), 0, 1),
    ],
)
def test_a_transferred_member_counts_in_the_district_of_the_date(
    transferred: Any, city_user: Any, day: dt.date, in_a: int, in_b: int
) -> None:
    assert transferred.area_code.startswith("430406")  # the member row names only the new one
    summaries.refresh(["party_members"])
    for unit, want in ((DISTRICT_A, in_a), (DISTRICT_B, in_b)):
        assert _members(city_user, day, unit) == want, unit
        assert members_as_of(user=city_user, as_of=day, area_prefix=unit[:6]).count() == want
        assert selectors.figures_from_base(city_user, day, unit, keys=["party_members"]) == {
            "party_members": want
        }
    # The city counts the member once on both sides of the receipt, as the SQL floor does.
    assert _members(city_user, day) == in_a + in_b == six_figures_sql(day)["party_members"]


def test_the_transfer_receipt_rebuilds_the_member_figure(
    transactional_db: Any, street_areas: Any, make_user: Any
) -> None:
    # The committed receipt (its history period) queues the rebuild; no refresh by hand.
    city_user = make_user("city_admin", "430400000000")
    a = helpers.party_org("430405001001")
    b = helpers.party_org("430406001001")
    m = helpers.member(a, admitted_on=D(2019, 7, 1))
    t = services.transfer_apply(actor="t", member=m, to_org=b, applied_on=D(2021, 6, 1))
    services.transfer_issue(actor="t", transfer=t, issued_on=D(2021, 6, 2))
    services.transfer_receive(actor="t", transfer=t, received_on=D(2021, 6, 5))
    services.transfer_receipt(actor="t", transfer=t, receipt_on=RECEIPT)
    assert _members(city_user, RECEIPT - dt.timedelta(days=1), DISTRICT_A) == 1
    assert _members(city_user, RECEIPT, DISTRICT_A) == 0
    assert _members(city_user, RECEIPT, DISTRICT_B) == 1
