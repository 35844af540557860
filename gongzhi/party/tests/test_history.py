"""Membership history: "as of" figures place a member in the organisation of that date."""

from __future__ import annotations

import datetime as dt
import importlib

import pytest
from django.apps import apps as django_apps
from django.core.exceptions import ValidationError
from django.db import connection

from gongzhi.core.audit import AuditEvent
from gongzhi.party import selectors, services
from gongzhi.party.models import MembershipPeriod, PartyMember
from gongzhi.party.tests import helpers

D = dt.date
RECEIPT = D(2024, 6, 10)


def _moved_member():
    """A member of a 珠晖区 branch, transferred to a 雁峰区 branch; receipt on RECEIPT."""
    a = helpers.party_org("430405001001", name="珠晖区转出党支部")
    b = helpers.party_org("430406001001", name="雁峰区转入党支部")
    m = helpers.member(a, name="转接党员", admitted_on=D(2019, 7, 1))
    t = services.transfer_apply(actor="t", member=m, to_org=b, applied_on=D(2024, 6, 1))
    services.transfer_issue(actor="t", transfer=t, issued_on=D(2024, 6, 2))
    services.transfer_receive(actor="t", transfer=t, received_on=D(2024, 6, 5))
    services.transfer_receipt(actor="t", transfer=t, receipt_on=RECEIPT)
    m.refresh_from_db()
    return m, a, b


def _district_members(user, day):
    rows = selectors.coverage_by_district(user=user, as_of=day)
    return {r.unit_code: r.party_members for r in rows if r.party_members}


def test_a_transferred_member_counts_in_the_old_district_before_the_receipt(city_user):
    m, a, b = _moved_member()
    before, on = RECEIPT - dt.timedelta(days=1), RECEIPT
    assert _district_members(city_user, before) == {"430405": 1}
    assert _district_members(city_user, on) == {"430406": 1}
    for day, district, other in ((before, "430405", "430406"), (on, "430406", "430405")):
        assert (
            selectors.member_counts(user=city_user, as_of=day, area_prefix=district)["total"] == 1
        )
        assert selectors.member_counts(user=city_user, as_of=day, area_prefix=other)["total"] == 0
        # The city total is the same on both sides: the member is counted once.
        assert selectors.member_counts(user=city_user, as_of=day)["total"] == 1
    assert list(selectors.members_as_of(user=city_user, as_of=before)) == [m]


def test_each_district_user_counts_the_member_only_for_their_time(user_a, user_b):
    _moved_member()
    before = RECEIPT - dt.timedelta(days=1)
    assert selectors.member_counts(user=user_a, as_of=before)["total"] == 1
    assert selectors.member_counts(user=user_a, as_of=RECEIPT)["total"] == 0
    assert selectors.member_counts(user=user_b, as_of=before)["total"] == 0
    assert selectors.member_counts(user=user_b, as_of=RECEIPT)["total"] == 1
    assert selectors.coverage_figures(user=user_b, as_of=before).party_members == 0
    assert selectors.coverage_figures(user=user_b, as_of=RECEIPT).party_members == 1


def test_a_secretary_counts_their_organisations_members_of_that_date(make_user):
    m, a, b = _moved_member()
    secretary_a = make_user("party_secretary", area=None, org=a)
    assert selectors.member_counts(user=secretary_a, as_of=D(2024, 1, 1))["total"] == 1
    assert selectors.member_counts(user=secretary_a, as_of=D(2025, 1, 1))["total"] == 0


def test_the_services_write_the_history_periods(city_user):
    m, a, b = _moved_member()
    periods = list(
        m.periods.order_by("started_on").values_list(
            "party_org_id", "area_code", "started_on", "ended_on"
        )
    )
    assert periods == [
        (a.pk, "430405001001", m.joined_on, RECEIPT),
        (b.pk, "430406001001", RECEIPT, None),
    ]
    services.member_leave(actor="t", member=m, left_on=D(2025, 3, 1), reason="调离")
    assert m.periods.get(party_org=b).ended_on == D(2025, 3, 1)
    assert selectors.member_counts(user=city_user, as_of=D(2025, 3, 1))["total"] == 0
    assert AuditEvent.objects.filter(action="party.member.leave").exists()


def test_it_rejects_leaving_before_joining_the_current_organisation(city_user):
    m, a, b = _moved_member()
    with pytest.raises(ValidationError) as exc:
        services.member_leave(
            actor="t", member=m, left_on=RECEIPT - dt.timedelta(days=1), reason="x"
        )
    assert "left_on" in exc.value.message_dict
    assert m.periods.filter(ended_on__isnull=True).count() == 1


def test_a_transfer_out_of_the_platform_ends_the_period(city_user):
    org = helpers.party_org()
    m = helpers.member(org)
    t = services.transfer_apply(
        actor="t", member=m, to_org_name="外省某党支部", applied_on=D(2024, 1, 1)
    )
    services.transfer_issue(actor="t", transfer=t, issued_on=D(2024, 1, 2))
    services.transfer_receive(actor="t", transfer=t, received_on=D(2024, 1, 3))
    services.transfer_receipt(actor="t", transfer=t, receipt_on=D(2024, 1, 20))
    assert m.periods.get().ended_on == D(2024, 1, 20)
    assert selectors.member_counts(user=city_user, as_of=D(2024, 1, 19))["total"] == 1
    assert selectors.member_counts(user=city_user, as_of=D(2024, 1, 20))["total"] == 0


def test_bulk_history_for_writes_one_period_per_generated_member_once(city_user):
    org = helpers.party_org("430406001001")
    made = [
        PartyMember(
            name=f"生成党员{i}",
            status="formal",
            admitted_on=D(2015, 1, 1),
            became_formal_on=D(2016, 1, 1),
            party_org=org,
            joined_on=D(2018, 1, 1),
            left_on=D(2023, 1, 1) if i == 0 else None,
            synthetic=True,
        ).fill_derived(party_org_area_code=org.area_code)
        for i in range(3)
    ]
    PartyMember.objects.bulk_create(made)
    assert selectors.member_counts(user=city_user, as_of=D(2020, 1, 1))["total"] == 0
    assert services.bulk_history_for(PartyMember.objects.filter(synthetic=True)) == 3
    assert services.bulk_history_for(made) == 0  # idempotent
    assert selectors.member_counts(user=city_user, as_of=D(2020, 1, 1))["total"] == 3
    assert selectors.member_counts(user=city_user, as_of=D(2024, 1, 1))["total"] == 2
    assert _district_members(city_user, D(2020, 1, 1)) == {"430406": 3}


def test_the_member_import_writes_history_and_a_move(city_user):
    from gongzhi.core import registry
    from gongzhi.core.imports import run_import

    a = helpers.party_org("430405001001", name="导入甲党支部")
    b = helpers.party_org("430406001001", name="导入乙党支部")
    number = helpers.id_number()

    def load(org_name: str):
        rows = [
            ["姓名", "公民身份号码", "党员状态", "入党日期", "转正日期", "所在党组织"],
            ["导入党员", number, "正式党员", "2015-07-01", "2016-07-01", org_name],
        ]
        raw = "\n".join(",".join(r) for r in rows).encode()
        result = run_import(registry.importer("party-members")(), name="x.csv", raw=raw, actor="t")
        assert result.committed, result.errors

    load("导入甲党支部")
    m = PartyMember.objects.get(name="导入党员")
    assert list(m.periods.values_list("party_org_id", "started_on", "ended_on")) == [
        (a.pk, D(2015, 7, 1), None)
    ]
    load("导入乙党支部")
    m.refresh_from_db()
    assert [p.party_org_id for p in m.periods.order_by("started_on")] == [a.pk, b.pk]
    assert m.periods.get(party_org=a).ended_on == m.joined_org_on
    assert (
        selectors.member_counts(user=city_user, as_of=D(2020, 1, 1), area_prefix="430405")["total"]
        == 1
    )


def test_the_backfill_migration_splits_history_at_transfer_receipts():
    m, a, b = _moved_member()
    other = helpers.member(a, name="未转接党员")
    MembershipPeriod.objects.all().delete()
    backfill = importlib.import_module(
        "gongzhi.party.migrations.0003_backfill_membership_periods"
    ).backfill

    class Editor:
        pass

    editor = Editor()
    editor.connection = connection  # type: ignore[attr-defined]
    backfill(django_apps, editor)
    assert list(
        m.periods.order_by("started_on").values_list("party_org_id", "started_on", "ended_on")
    ) == [(a.pk, m.joined_on, RECEIPT), (b.pk, RECEIPT, None)]
    assert list(other.periods.values_list("party_org_id", "started_on", "ended_on")) == [
        (a.pk, other.joined_on, None)
    ]
    backfill(django_apps, editor)  # a second run adds nothing
    assert MembershipPeriod.objects.count() == 3
