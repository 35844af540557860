"""Rules the services enforce: coverage limits, terms, posts, milestones, probation, meetings."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from gongzhi.core.models import AuditEvent
from gongzhi.core.pii import bidx_for
from gongzhi.party import services
from gongzhi.party.models import PartyMember
from gongzhi.party.tests import helpers

D = dt.date


def _fields(exc: pytest.ExceptionInfo[ValidationError]) -> set[str]:
    return set(exc.value.message_dict)


# --- Party organisations ------------------------------------------------------------------


def test_a_joint_branch_covers_up_to_five_units_and_rejects_a_sixth():
    orgs = [helpers.social_org() for _ in range(6)]
    joint = helpers.party_org(kind="joint_branch", built_by="joint", covered=orgs[:5])
    assert joint.coverages.count() == 5
    with pytest.raises(ValidationError) as exc:
        services.coverage_add(actor="test", party_org=joint, org=orgs[5], started_on=D(2020, 1, 1))
    assert _fields(exc) == {"org"}


def test_a_unit_whose_coverage_ended_frees_a_place_in_the_joint_branch():
    orgs = [helpers.social_org() for _ in range(6)]
    joint = helpers.party_org(kind="joint_branch", built_by="joint", covered=orgs[:5])
    services.coverage_end(actor="test", coverage=joint.coverages.first(), ended_on=D(2019, 12, 31))
    services.coverage_add(actor="test", party_org=joint, org=orgs[5], started_on=D(2020, 1, 1))
    assert joint.coverages.filter(ended_on__isnull=True).count() == 5


def test_a_regional_org_needs_the_area_it_serves(street_areas):
    with pytest.raises(ValidationError) as exc:
        helpers.party_org(built_by="regional", regional_kind="compound")
    assert _fields(exc) == {"served_area"}
    org = helpers.party_org(
        built_by="regional", regional_kind="compound", served_area=street_areas["a"]
    )
    assert org.served_area == street_areas["a"]


def test_the_election_is_due_three_years_after_the_term_started_or_five_for_a_community():
    org = helpers.party_org(established_on=D(2021, 3, 15))
    assert org.election_due_on == D(2024, 3, 15)
    community = helpers.party_org(established_on=D(2021, 3, 15), village_or_community=True)
    assert community.election_due_on == D(2026, 3, 15)


def test_a_term_may_be_extended_by_at_most_a_year():
    org = helpers.party_org(established_on=D(2021, 3, 15))
    services.party_org_update(actor="test", party_org=org, term_extension_months=12)
    assert org.election_due_on == D(2025, 3, 15)
    with pytest.raises(ValidationError) as exc:
        services.party_org_update(actor="test", party_org=org, term_extension_months=13)
    assert _fields(exc) == {"term_extension_months"}


def test_an_edit_naming_a_field_with_its_own_service_is_refused_and_changes_nothing():
    org = helpers.party_org(established_on=D(2021, 3, 15))
    before = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as exc:
        # The area is where the organisation is: it is not an edit of the record.
        services.party_org_update(
            actor="test", party_org=org, name="改名", area_code="430406000000"
        )
    assert _fields(exc) == {"area_code"}
    org.refresh_from_db()
    assert org.area_code != "430406000000" and org.name != "改名"
    assert AuditEvent.objects.count() == before
    services.party_org_update(actor="test", party_org=org, name="改名")
    event = AuditEvent.objects.order_by("-id").first()
    assert event.action == "party.org.update" and event.after["name"] == "改名"


def test_a_committee_has_at_most_seven_posts_and_one_secretary():
    org = helpers.party_org()
    services.post_assign(
        actor="test", party_org=org, kind="secretary", person_name="甲", started_on=D(2020, 1, 1)
    )
    with pytest.raises(ValidationError):
        services.post_assign(
            actor="test",
            party_org=org,
            kind="secretary",
            person_name="乙",
            started_on=D(2020, 1, 1),
        )
    for i in range(6):
        services.post_assign(
            actor="test",
            party_org=org,
            kind="member",
            person_name=f"委{i}",
            started_on=D(2020, 1, 1),
        )
    with pytest.raises(ValidationError) as exc:
        services.post_assign(
            actor="test", party_org=org, kind="member", person_name="第八", started_on=D(2020, 1, 1)
        )
    assert _fields(exc) == {"kind"}


def test_creating_an_org_is_audited():
    org = helpers.party_org(name="审计测试党支部")
    assert AuditEvent.objects.filter(action="party.org.create", object_id=str(org.pk)).exists()


# --- members -------------------------------------------------------------------------------


def test_a_member_id_number_is_encrypted_indexed_and_unique():
    org = helpers.party_org()
    number = helpers.id_number()
    m = helpers.member(org, id_number=number, phone="13812345678")
    with connection.cursor() as cur:
        cur.execute("SELECT id_number, phone FROM party_partymember WHERE id = %s", [m.pk])
        raw_id, raw_phone = cur.fetchone()
    assert number not in raw_id and "13812345678" not in raw_phone
    assert PartyMember.objects.get(id_number_bidx=bidx_for(number, "id_number")) == m
    assert m.birth_date == D(1985, 6, 1)  # filled from the ID number
    with pytest.raises(ValidationError) as exc:
        helpers.member(org, id_number=number.lower())
    assert _fields(exc) == {"id_number"}


def test_it_rejects_a_bad_id_number_and_a_birth_date_that_disagrees():
    org = helpers.party_org()
    with pytest.raises(ValidationError) as exc:
        good = helpers.id_number()
        bad_check = "0" if good[-1] != "0" else "1"
        helpers.member(org, id_number=good[:-1] + bad_check)
    assert "id_number" in _fields(exc)
    with pytest.raises(ValidationError) as exc:
        helpers.member(org, id_number=helpers.id_number(), birth_date=D(1990, 1, 1))
    assert _fields(exc) == {"birth_date"}


def test_probation_ends_a_year_after_admission_and_an_extension_moves_it():
    org = helpers.party_org()
    m = helpers.member(org, formal=False, admitted_on=D(2024, 2, 29))
    assert m.probation_ends_on == D(2025, 2, 28)
    services.member_extend_probation(actor="test", member=m, months=6)
    assert m.probation_ends_on == D(2025, 8, 29)
    with pytest.raises(ValidationError):
        services.member_extend_probation(actor="test", member=m, months=6)  # only once


@pytest.mark.parametrize(("months", "ok"), [(5, False), (6, True), (12, True), (13, False)])
def test_a_probation_extension_is_six_to_twelve_months(months, ok):
    m = helpers.member(helpers.party_org(), formal=False, admitted_on=D(2024, 1, 1))
    if ok:
        services.member_extend_probation(actor="test", member=m, months=months)
    else:
        with pytest.raises(ValidationError):
            services.member_extend_probation(actor="test", member=m, months=months)


def test_conversion_dates_from_the_end_of_probation_and_not_before():
    m = helpers.member(helpers.party_org(), formal=False, admitted_on=D(2024, 1, 10))
    with pytest.raises(ValidationError):
        services.member_convert(actor="test", member=m, decided_on=D(2025, 1, 9))
    services.member_convert(actor="test", member=m, decided_on=D(2025, 1, 20))
    assert m.status == "formal"
    assert m.became_formal_on == D(2025, 1, 10)


@pytest.mark.parametrize(("days", "ok"), [(364, False), (365, True)])
def test_an_activist_becomes_a_candidate_only_after_a_year(days, ok):
    org = helpers.party_org()
    activist = D(2020, 1, 1)
    kwargs = {
        "applied_on": D(2019, 6, 1),
        "activist_on": activist,
        "candidate_on": activist + dt.timedelta(days=days),
    }
    if ok:
        helpers.member(org, formal=False, admitted_on=D(2021, 6, 1), **kwargs)
    else:
        with pytest.raises(ValidationError) as exc:
            helpers.member(org, formal=False, admitted_on=D(2021, 6, 1), **kwargs)
        assert _fields(exc) == {"candidate_on"}


def test_milestones_must_be_in_order_and_the_applicant_eighteen():
    org = helpers.party_org()
    with pytest.raises(ValidationError) as exc:
        helpers.member(org, formal=False, admitted_on=D(2021, 6, 1), applied_on=D(2021, 7, 1))
    assert "admitted_on" in _fields(exc)
    with pytest.raises(ValidationError) as exc:
        helpers.member(
            org,
            formal=False,
            admitted_on=D(2021, 6, 1),
            birth_date=D(2002, 6, 2),
            applied_on=D(2020, 6, 1),
        )
    assert _fields(exc) == {"applied_on"}
    helpers.member(
        org,
        formal=False,
        admitted_on=D(2021, 6, 1),
        birth_date=D(2002, 6, 1),
        applied_on=D(2020, 6, 1),
    )


def test_a_formal_member_needs_a_conversion_date():
    with pytest.raises(ValidationError) as exc:
        helpers.member(helpers.party_org(), formal=True, became_formal_on=None)
    assert _fields(exc) == {"became_formal_on"}


# --- organisational life -------------------------------------------------------------------


def _branch_with(formal: int, probationary: int = 0):
    org = helpers.party_org()
    f = helpers.members(org, formal, formal=True)
    p = helpers.members(org, probationary, formal=False, admitted_on=D(2024, 1, 1))
    return org, f, p


@pytest.mark.parametrize(("present", "quorate"), [(5, False), (6, True)])
def test_a_members_meeting_needs_more_than_half_of_the_voting_members(present, quorate):
    org, formal, probationary = _branch_with(10, 3)
    # Probationary members attend but do not vote, so they do not make a quorum.
    record = services.life_record_create(
        actor="test",
        party_org=org,
        kind="general_meeting",
        held_on=D(2025, 3, 1),
        topic="支部党员大会",
        attendees=formal[:present] + probationary,
    )
    assert (record.voting_members, record.voting_present) == (10, present)
    assert record.quorate is quorate


def test_a_committee_meeting_has_no_members_quorum():
    org, formal, _p = _branch_with(3)
    record = services.life_record_create(
        actor="test",
        party_org=org,
        kind="committee_meeting",
        held_on=D(2025, 3, 1),
        topic="支委会",
        attendees=formal[:1],
    )
    assert record.quorate is None


def test_attendees_must_be_members_of_the_organisation():
    org, _f, _p = _branch_with(3)
    stranger = helpers.member(helpers.party_org())
    with pytest.raises(ValidationError) as exc:
        services.life_record_create(
            actor="test",
            party_org=org,
            kind="theme_day",
            held_on=D(2025, 3, 1),
            topic="x",
            attendees=[stranger],
        )
    assert _fields(exc) == {"attendees"}


@pytest.mark.parametrize(("excellent", "ok"), [(3, True), (4, False)])
def test_at_most_a_third_are_graded_excellent(excellent, ok):
    org, formal, _p = _branch_with(10)
    grades = {m.pk: ("excellent" if i < excellent else "qualified") for i, m in enumerate(formal)}
    call = lambda: services.life_record_create(  # noqa: E731
        actor="test",
        party_org=org,
        kind="appraisal",
        held_on=D(2025, 1, 15),
        topic="民主评议党员",
        attendees=formal,
        grades=grades,
    )
    if ok:
        assert call().grades.filter(grade="excellent").count() == excellent
    else:
        with pytest.raises(ValidationError) as exc:
            call()
        assert _fields(exc) == {"grades"}


def test_a_meeting_in_the_future_is_rejected():
    org, formal, _p = _branch_with(3)
    with pytest.raises(ValidationError) as exc:
        services.life_record_create(
            actor="test", party_org=org, kind="theme_day", held_on=D(2999, 1, 1), topic="x"
        )
    assert "held_on" in _fields(exc)
