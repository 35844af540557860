"""Evaluation eligibility (DOMAIN.md), grades by cut-offs, listing flags and promotion."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from gongzhi.core.models import Holiday
from gongzhi.orgs import eligibility, services
from gongzhi.orgs.models import CreditListing, ListingState
from gongzhi.orgs.tests.factories import file_report, make_org

pytestmark = pytest.mark.django_db
ON = dt.date(2022, 9, 1)  # the 2021 report was due 2022-05-31


def _eligible_org(street_areas, **kw):
    org = make_org(street_areas["a"].code, registered_on=dt.date(2016, 1, 1), **kw)
    file_report(org, 2020)
    file_report(org, 2021)
    return org


def _refusals(org):
    return " ".join(eligibility.evaluation_refusals(org, ON))


def test_an_eligible_organisation_gets_the_grade_of_its_score_valid_five_years(street_areas):
    org = _eligible_org(street_areas)
    evaluation = services.evaluation_record(actor="test", org=org, evaluated_on=ON, score=812)
    assert evaluation.grade == 4
    assert evaluation.valid_until == dt.date(2027, 9, 1)


@pytest.mark.parametrize(
    ("score", "grade"), [(1000, 5), (900, 5), (899, 4), (700, 3), (600, 2), (500, 1), (499, None)]
)
def test_grades_follow_the_configured_cut_offs(score, grade):
    assert eligibility.grade_for(score) == grade


def test_it_refuses_a_score_above_1000(street_areas):
    org = _eligible_org(street_areas)
    with pytest.raises(ValidationError) as exc:
        services.evaluation_record(actor="test", org=org, evaluated_on=ON, score=1001)
    assert "score" in exc.value.message_dict


def test_an_organisation_registered_under_two_full_years_is_refused(street_areas):
    org = make_org(street_areas["a"].code, registered_on=dt.date(2020, 9, 2))
    file_report(org, 2021)
    assert "未满2个完整年度" in _refusals(org)
    with pytest.raises(ValidationError) as exc:
        services.evaluation_record(actor="test", org=org, evaluated_on=ON, score=900)
    assert "未满2个完整年度" in " ".join(exc.value.message_dict["org"])


def test_a_missing_or_failed_last_report_is_refused(street_areas):
    org = make_org(street_areas["a"].code, registered_on=dt.date(2016, 1, 1))
    file_report(org, 2020)
    assert "2021年度工作报告未报或不合格" in _refusals(org)
    file_report(org, 2021, result="unqualified")
    assert "2021年度工作报告未报或不合格" in _refusals(org)


def test_before_the_deadline_the_last_due_report_is_the_year_before(street_areas):
    org = make_org(street_areas["a"].code, registered_on=dt.date(2016, 1, 1))
    file_report(org, 2020)
    assert eligibility.evaluation_refusals(org, dt.date(2022, 5, 31)) == []


def test_basically_qualified_two_years_running_is_refused(street_areas):
    org = make_org(street_areas["a"].code, registered_on=dt.date(2016, 1, 1))
    file_report(org, 2020, result="basic")
    file_report(org, 2021, result="basic")
    assert "连续2年" in _refusals(org)
    file_report(org, 2020, result="qualified")
    assert _refusals(org) == ""


def test_a_penalty_since_last_year_is_refused(street_areas):
    org = _eligible_org(street_areas)
    services.penalty_record(actor="test", org=org, decided_on=dt.date(2021, 3, 1), kind="warning")
    assert "行政处罚" in _refusals(org)


def test_an_organisation_on_a_credit_list_is_refused(street_areas):
    org = _eligible_org(street_areas)
    services.listing_add(
        actor="test",
        org=org,
        list_kind="anomaly",
        cause="unreachable",
        listed_on=dt.date(2022, 1, 5),
    )
    assert "活动异常名录" in _refusals(org)


def test_a_missed_report_is_flagged_and_proposed_once_for_the_anomaly_list(street_areas):
    late = make_org(street_areas["a"].code, registered_on=dt.date(2016, 1, 1))
    on_time = make_org(street_areas["a"].code, registered_on=dt.date(2016, 1, 1))
    young = make_org(street_areas["a"].code, registered_on=dt.date(2022, 1, 1))
    file_report(on_time, 2021, submitted_on=dt.date(2022, 5, 31))
    file_report(late, 2021, submitted_on=dt.date(2022, 6, 1))  # one day late is late
    assert not services.listings_flag_missing_reports(
        actor="test", year=2021, today=dt.date(2022, 5, 31)
    )
    proposed = services.listings_flag_missing_reports(actor="test", year=2021, today=ON)
    assert [p.org for p in proposed] == [late]
    assert proposed[0].state == ListingState.PROPOSED and proposed[0].cause == "no_annual_report"
    again = services.listings_flag_missing_reports(actor="test", year=2021, today=ON)
    assert [p.pk for p in again] == [proposed[0].pk]
    assert young not in [p.org for p in again]
    flags = eligibility.flags(late, ON)
    assert [f["cause"] for f in flags] == ["no_annual_report"]


def test_an_anomaly_entry_older_than_two_years_is_proposed_for_the_serious_list(street_areas):
    org = make_org(street_areas["a"].code)
    entry = services.listing_add(
        actor="test",
        org=org,
        list_kind="anomaly",
        cause="unreachable",
        listed_on=dt.date(2020, 9, 2),
    )
    assert services.listings_promote_overdue(actor="test", today=dt.date(2022, 9, 1)) == []
    [promoted] = services.listings_promote_overdue(actor="test", today=dt.date(2022, 9, 2))
    assert promoted.list_kind == "serious" and promoted.promoted_from == entry
    assert promoted.state == ListingState.PROPOSED
    assert services.listings_promote_overdue(actor="test", today=dt.date(2022, 9, 3)) == []
    services.listing_confirm(actor="test", listing=promoted, listed_on=dt.date(2022, 9, 5))
    assert CreditListing.objects.filter(state="confirmed", list_kind="serious").count() == 1


def test_a_removed_anomaly_entry_is_not_promoted(street_areas):
    org = make_org(street_areas["a"].code)
    entry = services.listing_add(
        actor="test",
        org=org,
        list_kind="anomaly",
        cause="unreachable",
        listed_on=dt.date(2020, 1, 2),
    )
    services.listing_remove(
        actor="test",
        listing=entry,
        removed_on=dt.date(2020, 3, 1),
        reason="已整改",
        rectified_on=dt.date(2020, 2, 25),
    )
    assert services.listings_promote_overdue(actor="test", today=dt.date(2023, 1, 1)) == []


def test_removal_is_due_within_five_working_days_of_verified_rectification(street_areas):
    org = make_org(street_areas["a"].code)
    entry = services.listing_add(
        actor="test",
        org=org,
        list_kind="anomaly",
        cause="unreachable",
        listed_on=dt.date(2024, 1, 2),
    )
    entry.rectified_on = dt.date(2024, 3, 1)  # a Friday
    assert eligibility.removal_due_by(entry) == dt.date(2024, 3, 8)
    entry.save()
    assert "removal_overdue" in [f["cause"] for f in eligibility.flags(org, dt.date(2024, 3, 11))]
    assert "removal_overdue" not in [
        f["cause"] for f in eligibility.flags(org, dt.date(2024, 3, 8))
    ]


def test_the_removal_deadline_skips_holidays_and_counts_adjusted_working_saturdays(street_areas):
    # Made-up rows for the test (the platform ships none): Monday 4 March 2024 off,
    # Saturday 9 March 2024 worked (调休).
    Holiday.objects.create(date=dt.date(2024, 3, 4), kind="holiday", name="测试假日")
    org = make_org(street_areas["a"].code)
    entry = services.listing_add(
        actor="test",
        org=org,
        list_kind="anomaly",
        cause="unreachable",
        listed_on=dt.date(2024, 1, 2),
    )
    entry.rectified_on = dt.date(2024, 3, 1)  # a Friday
    entry.save()
    # Tue 5, Wed 6, Thu 7, Fri 8, Mon 11: the holiday pushes the deadline a working day on.
    assert eligibility.removal_due_by(entry) == dt.date(2024, 3, 11)
    Holiday.objects.create(date=dt.date(2024, 3, 9), kind="workday", name="测试调休")
    assert eligibility.removal_due_by(entry) == dt.date(2024, 3, 9)
    causes = [f["cause"] for f in eligibility.flags(org, dt.date(2024, 3, 9))]
    assert "removal_overdue" not in causes
    causes = [f["cause"] for f in eligibility.flags(org, dt.date(2024, 3, 10))]
    assert "removal_overdue" in causes


def test_removal_dates_must_follow_listing(street_areas):
    org = make_org(street_areas["a"].code)
    entry = services.listing_add(
        actor="test",
        org=org,
        list_kind="anomaly",
        cause="unreachable",
        listed_on=dt.date(2024, 1, 2),
    )
    with pytest.raises(ValidationError) as exc:
        services.listing_remove(
            actor="test", listing=entry, removed_on=dt.date(2023, 1, 1), reason="x"
        )
    assert "removed_on" in exc.value.message_dict


def test_listing_twice_for_the_same_cause_is_refused_but_a_proposal_is_confirmed(street_areas):
    org = make_org(street_areas["a"].code)
    proposal = services.listing_propose(
        actor="party", org=org, list_kind="anomaly", cause="no_party_org"
    )
    assert (
        services.listing_propose(actor="party", org=org, list_kind="anomaly", cause="no_party_org")
        == proposal
    )
    confirmed = services.listing_add(
        actor="test",
        org=org,
        list_kind="anomaly",
        cause="no_party_org",
        listed_on=dt.date(2024, 2, 1),
    )
    assert confirmed.pk == proposal.pk and confirmed.state == "confirmed"
    with pytest.raises(ValidationError):
        services.listing_add(
            actor="test",
            org=org,
            list_kind="anomaly",
            cause="no_party_org",
            listed_on=dt.date(2024, 3, 1),
        )


def test_a_fine_of_fifty_thousand_proposes_the_serious_list(street_areas):
    org = make_org(street_areas["a"].code)
    services.penalty_record(
        actor="test",
        org=org,
        decided_on=dt.date(2023, 1, 1),
        kind="fine",
        fine_yuan=Decimal("49999"),
    )
    assert not CreditListing.objects.exists()
    services.penalty_record(
        actor="test",
        org=org,
        decided_on=dt.date(2023, 2, 1),
        kind="fine",
        fine_yuan=Decimal("50000"),
    )
    entry = CreditListing.objects.get()
    assert (entry.list_kind, entry.cause, entry.state) == ("serious", "large_fine", "proposed")
