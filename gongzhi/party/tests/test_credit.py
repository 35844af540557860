"""应建未建 → 活动异常名录: the party app proposes through the orgs app's listing service."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command

from gongzhi.core.models import AuditEvent
from gongzhi.orgs import services as orgs_services
from gongzhi.orgs.models import CreditListing, ListingState
from gongzhi.party import services
from gongzhi.party.tasks import TASK_ACTOR, propose_no_party_org_listings
from gongzhi.party.tests import helpers

D = dt.date
TODAY = D(2025, 5, 15)


def _requiring(formal: int = 3, area_code: str = "430405001001", **kw):
    """A social organisation whose `formal` formal members sit in a joint branch."""
    org = helpers.social_org(area_code, **kw)
    joint = helpers.party_org(area_code, kind="joint_branch", built_by="joint", covered=[org])
    helpers.members(joint, formal, employer=org)
    return org


def _listings(org):
    return CreditListing.objects.filter(org=org, list_kind="anomaly", cause="no_party_org")


@pytest.mark.parametrize(("formal", "proposed"), [(2, False), (3, True)])
def test_it_proposes_the_anomaly_list_from_three_formal_members_without_own_branch(
    user_a, formal, proposed
):
    org = _requiring(formal)
    result = services.listings_propose_no_party_org(actor=user_a, as_of=TODAY)
    assert _listings(org).exists() is proposed
    assert result.found == (1 if proposed else 0)
    if proposed:
        entry = _listings(org).get()
        assert entry.state == ListingState.PROPOSED
        assert entry.listed_on == TODAY
        assert "3" in entry.detail and entry.recorded_by == user_a.get_username()


def test_an_org_with_its_own_branch_is_not_proposed(user_a):
    org = helpers.social_org()
    own = helpers.party_org(covered=[org])
    helpers.members(own, 5, employer=org)
    assert services.listings_propose_no_party_org(actor=user_a, as_of=TODAY).found == 0
    assert not _listings(org).exists()


def test_running_it_again_creates_no_duplicate(user_a, city_user):
    org = _requiring()
    first = services.listings_propose_no_party_org(actor=user_a, as_of=TODAY)
    second = services.listings_propose_no_party_org(actor=city_user, as_of=TODAY)
    propose_no_party_org_listings.enqueue(TODAY.isoformat())
    assert len(first.proposed) == 1
    assert second.proposed == [] and second.already_open == 1
    assert _listings(org).count() == 1


def test_a_confirmed_entry_in_force_is_not_proposed_again(user_a):
    org = _requiring()
    entry = services.listings_propose_no_party_org(actor=user_a, as_of=TODAY).proposed[0]
    orgs_services.listing_confirm(actor="test", listing=entry, listed_on=TODAY)
    again = services.listings_propose_no_party_org(actor=user_a, as_of=TODAY)
    assert again.already_open == 1 and _listings(org).count() == 1


def test_a_removed_entry_does_not_stop_a_new_proposal_when_the_cause_returns(user_a):
    org = _requiring()
    entry = services.listings_propose_no_party_org(actor=user_a, as_of=D(2023, 1, 10)).proposed[0]
    orgs_services.listing_confirm(actor="test", listing=entry, listed_on=D(2023, 1, 10))
    orgs_services.listing_remove(
        actor="test", listing=entry, removed_on=D(2023, 6, 1), reason="整改完毕"
    )
    assert len(services.listings_propose_no_party_org(actor=user_a, as_of=TODAY).proposed) == 1
    assert _listings(org).count() == 2


@pytest.mark.parametrize(
    ("declined_on", "proposed"), [(D(2024, 9, 1), False), (D(2024, 5, 1), True)]
)
def test_a_declined_proposal_is_not_repeated_within_the_configured_window(
    user_a, declined_on, proposed
):
    org = _requiring()
    entry = services.listings_propose_no_party_org(actor=user_a, as_of=declined_on).proposed[0]
    orgs_services.listing_reject(actor="test", listing=entry, reason="已在筹建")
    again = services.listings_propose_no_party_org(actor=user_a, as_of=TODAY)
    assert bool(again.proposed) is proposed
    assert again.recently_declined == (0 if proposed else 1)
    assert _listings(org).count() == (2 if proposed else 1)


def test_filed_community_orgs_and_deregistered_orgs_are_not_listed(user_a):
    community = _requiring(kind="community", registration_level="street")
    gone = _requiring()
    orgs_services.org_deregister(actor="test", org=gone, on=D(2025, 6, 1), reason="自行注销")
    result = services.listings_propose_no_party_org(actor=user_a, as_of=TODAY)
    assert result.found == 2 and result.not_listable == 2 and result.proposed == []
    assert not _listings(community).exists() and not _listings(gone).exists()


def test_a_district_user_proposes_only_inside_the_district(user_a, user_b):
    mine = _requiring()
    theirs = _requiring(area_code="430406001001")
    result = services.listings_propose_no_party_org(actor=user_a, as_of=TODAY)
    assert [e.org_id for e in result.proposed] == [mine.pk]
    assert not _listings(theirs).exists()


def test_a_street_admin_may_not_propose(make_user):
    _requiring()
    street = make_user("street_admin", "430405001000")
    with pytest.raises(PermissionDenied):
        services.listings_propose_no_party_org(actor=street, as_of=TODAY)
    assert not CreditListing.objects.exists()


def test_each_run_is_audited_with_what_it_proposed(user_a):
    _requiring()
    result = services.listings_propose_no_party_org(actor=user_a, as_of=TODAY)
    event = AuditEvent.objects.get(action="party.listings_propose_no_party_org")
    assert event.actor == user_a
    assert event.after["proposed"] == [result.proposed[0].pk]
    assert AuditEvent.objects.filter(action="orgs.listing_propose").count() == 1


def test_the_background_task_covers_the_whole_platform(user_a):
    a = _requiring()
    b = _requiring(area_code="430406001001")
    data = propose_no_party_org_listings.call(TODAY.isoformat())
    assert data["found"] == 2 and len(data["proposed"]) == 2
    assert {e.recorded_by for e in CreditListing.objects.filter(org__in=[a, b])} == {TASK_ACTOR}
    event = AuditEvent.objects.get(action="party.listings_propose_no_party_org")
    assert event.actor is None and event.actor_label == TASK_ACTOR


def test_the_command_runs_the_check_for_a_scheduler():
    _requiring()
    out = StringIO()
    call_command("party_credit_check", "--as-of", TODAY.isoformat(), stdout=out)
    assert "found=1 proposed=1" in out.getvalue()
    out = StringIO()
    call_command("party_credit_check", "--as-of", TODAY.isoformat(), stdout=out)
    assert "found=1 proposed=0 already_open=1" in out.getvalue()


def test_the_worklist_button_proposes_for_the_users_scope(city_user, client_of):
    org = _requiring()
    c = client_of(city_user)
    page = c.get("/party/worklist/")
    assert b'id="propose-listings"' in page.content
    r = c.post("/party/worklist/propose-listings/", follow=True)
    assert r.status_code == 200
    assert "新提出活动异常名录建议 1 条" in r.content.decode()
    assert _listings(org).get().state == ListingState.PROPOSED


def test_the_button_is_not_offered_to_a_street_admin_and_refused(make_user, client_of):
    _requiring()
    c = client_of(make_user("street_admin", "430405001000"))
    assert b'id="propose-listings"' not in c.get("/party/worklist/").content
    assert c.post("/party/worklist/propose-listings/").status_code == 403
    assert not CreditListing.objects.exists()
