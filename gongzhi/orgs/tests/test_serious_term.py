"""民政部令60号: an entry on 严重违法失信名单 ends when its term (5 years, rules_config) has run."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io

import pytest
from django.core.management import call_command

from gongzhi.core.models import AuditEvent
from gongzhi.orgs import eligibility, rules_config, services
from gongzhi.orgs.models import CreditListing
from gongzhi.orgs.services import EXPIRY_ACTOR
from gongzhi.orgs.tasks import end_expired_serious_listings
from gongzhi.orgs.tests.factories import make_org

pytestmark = pytest.mark.django_db
LISTED = dt.date(2019, 6, 10)
TERM_ENDS = dt.date(2024, 6, 10)


def _serious(org, cause="large_fine", listed_on=LISTED):
    return services.listing_add(
        actor="test", org=org, list_kind="serious", cause=cause, listed_on=listed_on
    )


def test_an_entry_stays_listed_the_day_before_its_term_ends(street_areas):
    entry = _serious(make_org(street_areas["a"].code))
    assert (
        services.listings_end_expired(actor=EXPIRY_ACTOR, today=TERM_ENDS - dt.timedelta(1)) == []
    )
    entry.refresh_from_db()
    assert entry.in_force
    assert eligibility.in_force_listings(entry.org, TERM_ENDS - dt.timedelta(1)) == [entry]


def test_an_entry_is_removed_on_the_day_its_term_ends_and_audited(street_areas):
    org = make_org(street_areas["a"].code)
    entry = _serious(org)
    # An anomaly entry and a mere proposal are not ended by the serious-list term.
    anomaly = services.listing_add(
        actor="test", org=org, list_kind="anomaly", cause="unreachable", listed_on=LISTED
    )
    proposal = services.listing_propose(
        actor="test", org=org, list_kind="serious", cause="anomaly_two_years", on=LISTED
    )
    ended = services.listings_end_expired(actor=EXPIRY_ACTOR, today=TERM_ENDS)
    assert ended == [entry]
    entry.refresh_from_db()
    assert entry.removed_on == TERM_ENDS and "期满5年" in entry.removal_reason
    assert CreditListing.objects.get(pk=anomaly.pk).in_force
    assert CreditListing.objects.get(pk=proposal.pk).removed_on is None
    event = AuditEvent.objects.get(action="orgs.listing_expire")
    assert event.actor_label == EXPIRY_ACTOR and event.object_id == str(entry.pk)
    assert event.after["removed_on"] == TERM_ENDS.isoformat() and event.after["term_years"] == 5
    assert eligibility.in_force_listings(org, TERM_ENDS) == [anomaly]


def test_a_late_run_removes_the_entry_as_of_its_term_end_and_only_once(street_areas):
    entry = _serious(make_org(street_areas["a"].code))
    later = TERM_ENDS + dt.timedelta(days=40)
    assert services.listings_end_expired(actor=EXPIRY_ACTOR, today=later) == [entry]
    entry.refresh_from_db()
    assert entry.removed_on == TERM_ENDS
    assert services.listings_end_expired(actor=EXPIRY_ACTOR, today=later) == []
    assert AuditEvent.objects.filter(action="orgs.listing_expire").count() == 1


def test_the_page_flags_an_entry_whose_term_has_run(street_areas):
    entry = _serious(make_org(street_areas["a"].code))
    assert "serious_term_ended" not in [
        f["cause"] for f in eligibility.flags(entry.org, TERM_ENDS - dt.timedelta(1))
    ]
    assert "serious_term_ended" in [f["cause"] for f in eligibility.flags(entry.org, TERM_ENDS)]


def test_a_term_the_law_sets_for_a_cause_is_read_from_rules_config(street_areas, monkeypatch):
    longer = dataclasses.replace(
        rules_config.CURRENT, version="test", serious_list_years_by_cause={"large_fine": 7}
    )
    monkeypatch.setattr(rules_config, "CURRENT", longer)
    org = make_org(street_areas["a"].code)
    fine = _serious(org)
    other = _serious(org, cause="other")
    assert services.listings_end_expired(actor=EXPIRY_ACTOR, today=TERM_ENDS) == [other]
    assert services.listings_end_expired(actor=EXPIRY_ACTOR, today=dt.date(2026, 6, 9)) == []
    assert services.listings_end_expired(actor=EXPIRY_ACTOR, today=dt.date(2026, 6, 10)) == [fine]


def test_a_user_ends_only_entries_in_their_own_district(street_areas, user_b):
    a_entry = _serious(make_org(street_areas["a"].code))
    b_entry = _serious(make_org(street_areas["b"].code))
    assert services.listings_end_expired(actor=user_b, today=TERM_ENDS) == [b_entry]
    a_entry.refresh_from_db()
    assert a_entry.in_force


def test_the_background_task_ends_expired_entries(street_areas):
    entry = _serious(make_org(street_areas["a"].code))
    result = end_expired_serious_listings.enqueue(TERM_ENDS.isoformat())
    assert result.return_value == {"as_of": TERM_ENDS.isoformat(), "ended": [entry.pk]}
    entry.refresh_from_db()
    assert entry.removed_on == TERM_ENDS


def test_the_management_command_ends_expired_entries_on_both_sides_of_the_boundary(street_areas):
    entry = _serious(make_org(street_areas["a"].code))
    out = io.StringIO()
    call_command("orgs_end_serious_listings", "--as-of", "2024-06-09", stdout=out)
    assert out.getvalue().strip() == "ended=0"
    call_command("orgs_end_serious_listings", "--as-of", "2024-06-10", stdout=out)
    assert out.getvalue().strip().endswith("ended=1")
    entry.refresh_from_db()
    assert entry.removed_on == TERM_ENDS
    call_command("orgs_end_serious_listings", "--enqueue", "--as-of", "2024-06-10", stdout=out)
    assert "enqueued=" in out.getvalue()
