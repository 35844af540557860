"""Transfer flow 申请 → 开具 → 接收 → 回执 → 归档, expired letters, overdue receipts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from gongzhi.party import selectors, services
from gongzhi.party.tests import helpers

D = dt.date


@pytest.fixture
def setup():
    sender = helpers.party_org(name="转出党支部")
    receiver = helpers.party_org("430406001001", name="转入党支部")
    member = helpers.member(sender)
    return sender, receiver, member


def test_the_full_flow_moves_the_membership_on_receipt(setup):
    sender, receiver, member = setup
    t = services.transfer_apply(
        actor="test", member=member, to_org=receiver, applied_on=D(2025, 3, 1)
    )
    services.transfer_issue(actor="test", transfer=t, issued_on=D(2025, 3, 3), valid_days=10)
    assert t.valid_until == D(2025, 3, 13)
    assert t.receipt_due_on == D(2025, 4, 3)
    services.transfer_receive(actor="test", transfer=t, received_on=D(2025, 3, 10))
    member.refresh_from_db()
    # Until the receipt is in, the sending organisation stays responsible.
    assert member.party_org == sender
    assert t.responsible_org_name() == "转出党支部"
    services.transfer_receipt(actor="test", transfer=t, receipt_on=D(2025, 3, 20))
    member.refresh_from_db()
    assert member.party_org == receiver
    assert member.area_code == receiver.area_code
    assert member.joined_org_on == D(2025, 3, 20)
    assert member.joined_on == D(2019, 7, 1)  # still in the sector all along
    assert t.responsible_org_name() == "转入党支部"
    services.transfer_archive(actor="test", transfer=t, archived_on=D(2025, 3, 21))
    assert t.state == "archived"


def test_an_expired_letter_cannot_be_received_and_shows_on_the_worklist(setup, make_user):
    sender, receiver, member = setup
    t = services.transfer_apply(
        actor="test", member=member, to_org=receiver, applied_on=D(2025, 3, 1)
    )
    services.transfer_issue(actor="test", transfer=t, issued_on=D(2025, 3, 1), valid_days=10)
    with pytest.raises(ValidationError) as exc:
        services.transfer_receive(actor="test", transfer=t, received_on=D(2025, 3, 12))
    assert set(exc.value.message_dict) == {"received_on"}
    services.transfer_receive(
        actor="test", transfer=t, received_on=D(2025, 3, 11)
    )  # last valid day


def test_expired_letters_and_overdue_receipts_are_found(setup, city_user):
    sender, receiver, member = setup
    t = services.transfer_apply(
        actor="test", member=member, to_org=receiver, applied_on=D(2025, 3, 1)
    )
    services.transfer_issue(actor="test", transfer=t, issued_on=D(2025, 3, 1), valid_days=10)
    assert not selectors.transfers_expired(user=city_user, today=D(2025, 3, 11)).exists()
    assert selectors.transfers_expired(user=city_user, today=D(2025, 3, 12)).get() == t
    services.transfer_receive(actor="test", transfer=t, received_on=D(2025, 3, 5))
    assert not selectors.receipts_overdue(user=city_user, today=D(2025, 4, 1)).exists()
    assert selectors.receipts_overdue(user=city_user, today=D(2025, 4, 2)).get() == t
    services.transfer_receipt(actor="test", transfer=t, receipt_on=D(2025, 4, 5))
    assert not selectors.receipts_overdue(user=city_user, today=D(2025, 4, 6)).exists()


@pytest.mark.parametrize(("days", "ok"), [(89, True), (92, False)])
def test_a_letter_is_valid_for_at_most_three_months(setup, days, ok):
    _s, receiver, member = setup
    t = services.transfer_apply(
        actor="test", member=member, to_org=receiver, applied_on=D(2025, 1, 1)
    )
    if ok:
        services.transfer_issue(actor="test", transfer=t, issued_on=D(2025, 1, 1), valid_days=days)
    else:
        with pytest.raises(ValidationError) as exc:
            services.transfer_issue(
                actor="test", transfer=t, issued_on=D(2025, 1, 1), valid_days=days
            )
        assert set(exc.value.message_dict) == {"valid_days"}


def test_steps_must_follow_the_flow(setup):
    _s, receiver, member = setup
    t = services.transfer_apply(
        actor="test", member=member, to_org=receiver, applied_on=D(2025, 1, 1)
    )
    with pytest.raises(ValidationError):
        services.transfer_receipt(actor="test", transfer=t, receipt_on=D(2025, 1, 2))
    with pytest.raises(ValidationError):
        services.transfer_apply(
            actor="test", member=member, to_org=receiver, applied_on=D(2025, 1, 1)
        )


def test_a_transfer_out_of_the_platform_ends_membership_on_receipt(setup):
    _s, _r, member = setup
    t = services.transfer_apply(
        actor="test", member=member, to_org_name="外省某党支部", applied_on=D(2025, 1, 1)
    )
    services.transfer_issue(actor="test", transfer=t, issued_on=D(2025, 1, 2))
    services.transfer_receive(actor="test", transfer=t, received_on=D(2025, 1, 10))
    services.transfer_receipt(actor="test", transfer=t, receipt_on=D(2025, 1, 20))
    member.refresh_from_db()
    assert member.left_on == D(2025, 1, 20)


def test_both_sides_see_the_transfer_and_a_third_district_does_not(
    setup, user_a, user_b, make_user
):
    _s, receiver, member = setup
    t = services.transfer_apply(
        actor="test", member=member, to_org=receiver, applied_on=D(2025, 1, 1)
    )
    assert selectors.transfer_list(user=user_a).filter(pk=t.pk).exists()
    assert selectors.transfer_list(user=user_b).filter(pk=t.pk).exists()
    other = make_user("district_admin", "430407000000")
    assert not selectors.transfer_list(user=other).filter(pk=t.pk).exists()
