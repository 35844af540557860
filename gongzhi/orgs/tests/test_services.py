"""Register, change, deregister and annual reports: every rule refuses with the field named."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from gongzhi.areas.models import Area
from gongzhi.core.models import AuditEvent
from gongzhi.orgs import services
from gongzhi.orgs.codes import make_credit_code
from gongzhi.orgs.models import OrgChange, OrgStatus
from gongzhi.orgs.tests.factories import file_report, make_org

pytestmark = pytest.mark.django_db


def _field_error(exc: pytest.ExceptionInfo, field: str) -> str:
    return " ".join(exc.value.message_dict[field])


def test_it_registers_an_organisation_with_search_keys_and_an_audit_event(street_areas, user_a):
    org = services.org_register(
        actor=user_a,
        name="衡陽市珠暉區志願者協會",
        kind="social_group",
        authority=Area.objects.get(code="430405000000"),
        area=street_areas["a"],
        registered_on=dt.date(2018, 5, 2),
        credit_code=make_credit_code("social_group", "430405", 77),
        legal_rep_phone="13812345678",
    )
    assert org.name_simplified == "衡阳市珠晖区志愿者协会"
    assert org.name_initials.startswith("hysz")
    assert org.area_code == street_areas["a"].code
    assert org.registration_level == "county"
    assert org.legal_rep_phone_bidx
    assert AuditEvent.objects.filter(action="orgs.register", object_id=str(org.pk)).exists()


def test_it_refuses_a_duplicate_credit_code(street_areas):
    org = make_org(street_areas["a"].code)
    with pytest.raises(ValidationError) as exc:
        make_org(street_areas["a"].code, credit_code=org.credit_code)
    assert org.name in _field_error(exc, "credit_code")


def test_it_refuses_a_bad_credit_code_naming_the_part(street_areas):
    code = make_credit_code("foundation", "430405", 5)
    with pytest.raises(ValidationError) as exc:
        make_org(street_areas["a"].code, kind="social_group", credit_code=code)
    assert "第2位" in _field_error(exc, "credit_code")


def test_names_are_unique_among_active_organisations_of_one_authority(street_areas):
    first = make_org(street_areas["a"].code, name="珠晖区书法家协会")
    with pytest.raises(ValidationError) as exc:
        make_org(street_areas["a"].code, name="珠暉區書法家協會")  # Traditional spelling
    assert "同名" in _field_error(exc, "name")
    # Another authority may hold the same name; so may the same one once the first is gone.
    make_org(street_areas["b"].code, name="珠晖区书法家协会")
    services.org_deregister(actor="test", org=first, on=dt.date(2020, 1, 1), reason="自行解散")
    make_org(street_areas["a"].code, name="珠晖区书法家协会")


def test_a_district_admin_cannot_register_at_another_district_or_the_city(street_areas, user_a):
    with pytest.raises(PermissionDenied):
        services.org_register(
            actor=user_a,
            name="雁峰区某协会",
            kind="social_group",
            authority=Area.objects.get(code="430406000000"),
            area=street_areas["b"],
            registered_on=dt.date(2019, 1, 1),
            credit_code=make_credit_code("social_group", "430406", 3),
        )
    with pytest.raises(PermissionDenied):
        services.org_register(
            actor=user_a,
            name="市级某协会",
            kind="social_group",
            authority=Area.objects.get(code="430400000000"),
            area=street_areas["a"],
            registered_on=dt.date(2019, 1, 1),
            credit_code=make_credit_code("social_group", "430400", 3),
        )


def test_the_domicile_must_lie_inside_the_registration_authority(street_areas):
    with pytest.raises(ValidationError) as exc:
        make_org(street_areas["b"].code, authority_code="430405000000")
    assert "住所地" in _field_error(exc, "area")


def test_a_street_admin_files_a_community_organisation_without_a_code(street_areas, make_user):
    street_user = make_user("street_admin", street_areas["street_a"].code)
    org = services.org_register(
        actor=street_user,
        name="湘江社区广场舞队",
        kind="community",
        authority=street_areas["street_a"],
        area=street_areas["a"],
        registered_on=dt.date(2020, 6, 1),
        community_category="culture_sports",
    )
    assert org.registration_level == "street" and org.credit_code is None
    with pytest.raises(PermissionDenied):  # a street admin does not register 社会团体
        services.org_register(
            actor=street_user,
            name="某协会",
            kind="social_group",
            authority=Area.objects.get(code="430405000000"),
            area=street_areas["a"],
            registered_on=dt.date(2020, 6, 1),
            credit_code=make_credit_code("social_group", "430405", 9),
        )


def test_a_community_organisation_needs_a_street_and_a_category(street_areas):
    with pytest.raises(ValidationError) as exc:
        make_org(street_areas["a"].code, kind="community", authority_code="430405000000")
    assert "街道" in _field_error(exc, "authority")
    with pytest.raises(ValidationError) as exc:
        make_org(street_areas["a"].code, kind="community", community_category="")
    assert "community_category" in exc.value.message_dict


def test_a_change_keeps_before_and_after_and_refuses_backdating(street_areas):
    org = make_org(street_areas["a"].code, industry="文化", registered_on=dt.date(2015, 1, 1))
    change = services.org_change(
        actor="test",
        org=org,
        changes={"industry": "体育", "area_code": street_areas["a"].code, "council_size": 9},
        effective_on=dt.date(2019, 7, 1),
        reason="章程修改",
    )
    assert change.before == {"industry": "文化", "council_size": None}
    assert change.after == {"industry": "体育", "council_size": 9}
    org.refresh_from_db()
    assert org.industry == "体育"
    with pytest.raises(ValidationError) as exc:
        services.org_change(
            actor="test", org=org, changes={"industry": "教育"}, effective_on=dt.date(2019, 1, 1)
        )
    assert "上一次变更" in _field_error(exc, "effective_on")
    with pytest.raises(ValidationError) as exc:
        services.org_change(
            actor="test", org=org, changes={"industry": "体育"}, effective_on=dt.date(2020, 1, 1)
        )
    assert "changes" in exc.value.message_dict


def test_a_change_of_domicile_stays_inside_the_authority(street_areas):
    org = make_org(street_areas["a"].code)
    with pytest.raises(ValidationError) as exc:
        services.org_change(
            actor="test",
            org=org,
            changes={"area_code": street_areas["b"].code},
            effective_on=dt.date(2020, 1, 1),
        )
    assert "area" in exc.value.message_dict
    assert not OrgChange.objects.exists()


def test_deregistration_is_not_before_registration_and_only_once(street_areas):
    org = make_org(street_areas["a"].code, registered_on=dt.date(2016, 1, 1))
    with pytest.raises(ValidationError) as exc:
        services.org_deregister(actor="test", org=org, on=dt.date(2015, 1, 1), reason="解散")
    assert "deregistered_on" in exc.value.message_dict
    services.org_deregister(
        actor="test", org=org, on=dt.date(2021, 1, 1), reason="违法", revoked=True
    )
    org.refresh_from_db()
    assert org.status == OrgStatus.REVOKED
    with pytest.raises(ValidationError):
        services.org_deregister(actor="test", org=org, on=dt.date(2021, 2, 1), reason="再次")


def test_an_annual_report_year_is_not_before_registration(street_areas):
    org = make_org(street_areas["a"].code, registered_on=dt.date(2018, 4, 1))
    with pytest.raises(ValidationError) as exc:
        file_report(org, 2017)
    assert "2018" in _field_error(exc, "year")
    report = file_report(org, 2018, employees=12, social_workers=3, other_professionals=2)
    assert report.employees == 12


def test_an_annual_report_checks_professionals_party_reason_and_build_dates(street_areas):
    org = make_org(street_areas["a"].code)
    with pytest.raises(ValidationError) as exc:
        file_report(org, 2020, employees=3, social_workers=2, other_professionals=2)
    assert "social_workers" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        file_report(org, 2020, no_party_org_reason="")
    assert "no_party_org_reason" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        file_report(org, 2020, has_union=True)
    assert "union_on" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        file_report(org, 2020, has_union=True, union_on=dt.date(2021, 2, 1))
    assert "union_on" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        file_report(org, 2020, submitted_on=dt.date(2020, 12, 1))
    assert "submitted_on" in exc.value.message_dict


def test_refiling_a_year_corrects_the_same_report(street_areas):
    org = make_org(street_areas["a"].code)
    file_report(org, 2020, employees=5)
    file_report(org, 2020, employees=8)
    assert org.annual_reports.get().employees == 8


def test_an_org_admin_files_their_own_report_but_not_the_conclusion_nor_anothers(
    street_areas, make_user
):
    own = make_org(street_areas["a"].code)
    other = make_org(street_areas["a"].code)
    admin = make_user("org_admin", area=None, org=own)
    report = services.report_file(
        actor=admin,
        org=own,
        year=2020,
        submitted_on=dt.date(2021, 3, 1),
        employees=4,
        has_party_org=True,
        party_members=3,
    )
    assert report.result == "" and report.filed_by == admin.username
    with pytest.raises(PermissionDenied):
        services.report_file(
            actor=admin,
            org=own,
            year=2021,
            submitted_on=dt.date(2022, 3, 1),
            result="qualified",
            has_party_org=True,
        )
    with pytest.raises(PermissionDenied):
        services.report_file(
            actor=admin, org=other, year=2020, submitted_on=dt.date(2021, 3, 1), has_party_org=True
        )
