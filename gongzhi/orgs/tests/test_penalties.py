"""Recording a penalty (行政处罚) through the page and the API: scoped, validated, audited."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from gongzhi.core.models import AuditEvent
from gongzhi.orgs.models import CreditListing, Penalty
from gongzhi.orgs.tests.factories import make_org

pytestmark = pytest.mark.django_db


def test_a_penalty_is_recorded_through_the_page_and_shown_on_the_org_page(
    street_areas, user_a, client_of
):
    org = make_org(street_areas["a"].code)
    c = client_of(user_a)
    page = c.get(f"/orgs/{org.pk}/")
    assert f"/orgs/{org.pk}/penalties/add/" in page.content.decode()
    assert c.get(f"/orgs/{org.pk}/penalties/add/").status_code == 200
    r = c.post(
        f"/orgs/{org.pk}/penalties/add/",
        {
            "decided_on": "2024-05-06",
            "kind": "warning",
            "authority": "珠晖区民政局",
            "decision_no": "珠民罚〔2024〕1号",
            "reason": "未按规定开展活动",
        },
    )
    assert r.status_code == 302
    penalty = Penalty.objects.get()
    assert (penalty.org, penalty.kind, penalty.fine_yuan) == (org, "warning", None)
    assert penalty.recorded_by == user_a.username
    event = AuditEvent.objects.get(action="orgs.penalty_record")
    assert event.actor_id == user_a.pk and event.object_id == str(penalty.pk)
    body = c.get(f"/orgs/{org.pk}/").content.decode()
    assert "珠民罚〔2024〕1号" in body and "未按规定开展活动" in body


def test_a_large_fine_through_the_page_proposes_the_serious_list(street_areas, user_a, client_of):
    org = make_org(street_areas["a"].code)
    r = client_of(user_a).post(
        f"/orgs/{org.pk}/penalties/add/",
        {"decided_on": "2024-05-06", "kind": "fine", "fine_yuan": "50000"},
        follow=True,
    )
    assert "已提请审核" in r.content.decode()
    listing = CreditListing.objects.get()
    assert (listing.list_kind, listing.cause, listing.state) == (
        "serious",
        "large_fine",
        "proposed",
    )


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"kind": "fine"}, "fine_yuan", "大于0"),
        ({"kind": "fine", "fine_yuan": "0"}, "fine_yuan", "大于0"),
        ({"kind": "warning", "fine_yuan": "100"}, "fine_yuan", "只有罚款"),
        ({"kind": "warning", "decided_on": "2010-01-01"}, "decided_on", "不能早于"),
        ({"kind": "warning", "decided_on": "2999-01-01"}, "decided_on", "不能晚于今天"),
        ({"kind": "caning"}, "kind", ""),
        ({"kind": "warning", "decided_on": ""}, "decided_on", ""),
    ],
)
def test_the_page_refuses_bad_input_naming_the_field_and_writes_nothing(
    street_areas, user_a, client_of, data, field, message
):
    org = make_org(street_areas["a"].code)
    posted = {"decided_on": "2024-05-06", **data}
    r = client_of(user_a).post(f"/orgs/{org.pk}/penalties/add/", posted)
    assert r.status_code == 400
    form = r.context["form"]
    assert field in form.errors and message in " ".join(form.errors[field])
    assert (
        not Penalty.objects.exists()
        and not AuditEvent.objects.filter(action="orgs.penalty_record").exists()
    )


def test_a_penalty_after_deregistration_is_refused(street_areas, user_a, client_of):
    from gongzhi.orgs import services

    org = make_org(street_areas["a"].code)
    services.org_deregister(actor="test", org=org, on=dt.date(2020, 1, 1), reason="解散")
    r = client_of(user_a).post(
        f"/orgs/{org.pk}/penalties/add/", {"decided_on": "2021-01-01", "kind": "warning"}
    )
    assert r.status_code == 400 and "注销" in " ".join(r.context["form"].errors["decided_on"])


def test_another_district_cannot_reach_the_penalty_page_or_endpoint(
    street_areas, user_b, client_of
):
    org = make_org(street_areas["a"].code)
    c = client_of(user_b)
    assert c.get(f"/orgs/{org.pk}/penalties/add/").status_code == 404
    r = c.post(f"/orgs/{org.pk}/penalties/add/", {"decided_on": "2024-05-06", "kind": "warning"})
    assert r.status_code == 404
    api = c.post(
        f"/api/v1/orgs/{org.pk}/penalties",
        {"decided_on": "2024-05-06", "kind": "warning"},
        content_type="application/json",
    )
    assert api.status_code == 404 and not Penalty.objects.exists()


def test_an_org_admin_sees_the_org_but_cannot_record_a_penalty(street_areas, make_user, client_of):
    org = make_org(street_areas["a"].code)
    admin = make_user("org_admin", None, org=org)
    c = client_of(admin)
    assert "penalties/add" not in c.get(f"/orgs/{org.pk}/").content.decode()
    assert c.get(f"/orgs/{org.pk}/penalties/add/").status_code == 403


def test_the_api_records_and_lists_penalties_with_field_errors(street_areas, user_a, client_of):
    org = make_org(street_areas["a"].code)
    c = client_of(user_a)
    url = f"/api/v1/orgs/{org.credit_code}/penalties"
    bad = c.post(
        url,
        {"decided_on": "2024-05-06", "kind": "fine", "fine_yuan": "-5"},
        content_type="application/json",
    )
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "fine_yuan"
    too_long = c.post(
        url,
        {"decided_on": "2024-05-06", "kind": "warning", "reason": "违" * 301},
        content_type="application/json",
    )
    assert too_long.status_code == 422 and too_long.json()["errors"][0]["field"] == "reason"
    ok = c.post(
        url,
        {"decided_on": "2024-05-06", "kind": "fine", "fine_yuan": "1200.50", "decision_no": "1号"},
        content_type="application/json",
    )
    assert ok.status_code == 201, ok.content
    assert ok.json()["org_id"] == org.pk and Decimal(ok.json()["fine_yuan"]) == Decimal("1200.50")
    listed = c.get(url).json()
    assert [p["decision_no"] for p in listed] == ["1号"]
    assert not CreditListing.objects.exists()  # below the serious-list threshold


# --- 撤销登记: a revocation penalty takes the organisation off the registry ---------------------


def test_a_revocation_penalty_deregisters_the_org_as_a_change_and_the_counts_drop_it_that_day(
    street_areas, city_user
):
    from gongzhi.orgs import selectors, services
    from gongzhi.orgs.models import OrgChange, OrgStatus

    org = make_org(street_areas["a"].code, registered_on=dt.date(2015, 3, 1))
    make_org(street_areas["a"].code, registered_on=dt.date(2015, 3, 1))
    services.org_change(
        actor="test", org=org, changes={"industry": "体育"}, effective_on=dt.date(2019, 1, 1)
    )
    penalty = services.penalty_record(
        actor="test",
        org=org,
        decided_on=dt.date(2021, 6, 1),
        kind="revocation",
        authority="珠晖区民政局",
        decision_no="珠民罚〔2021〕9号",
        reason="弄虚作假骗取登记",
    )
    org.refresh_from_db()
    assert (org.status, org.deregistered_on, org.deregistration_reason) == (
        OrgStatus.REVOKED,
        dt.date(2021, 6, 1),
        "弄虚作假骗取登记",
    )
    change = OrgChange.objects.filter(org=org).latest("effective_on")
    assert change.effective_on == dt.date(2021, 6, 1) and change.approval_no == "珠民罚〔2021〕9号"
    assert change.before == {
        "status": "normal",
        "deregistered_on": None,
        "deregistration_reason": "",
    }
    assert change.after == {
        "status": "revoked",
        "deregistered_on": "2021-06-01",
        "deregistration_reason": "弄虚作假骗取登记",
    }
    assert penalty.kind == "revocation"
    assert AuditEvent.objects.filter(action="orgs.revoke", object_id=str(org.pk)).exists()
    # What the registry said: counted the day before the decision, gone from that day on; the
    # earlier change is still read from the history.
    day_before, day_of = dt.date(2021, 5, 31), dt.date(2021, 6, 1)
    assert selectors.org_count_as_of(user=city_user, as_of=day_before) == 2
    assert selectors.org_count_as_of(user=city_user, as_of=day_of) == 1
    assert selectors.counts_by_kind(user=city_user, as_of=day_of) == {"social_group": 1}
    assert selectors.counts_by_industry(user=city_user, as_of=dt.date(2018, 12, 31)) == {"": 2}
    assert list(selectors.org_list(user=city_user, status="revoked")) == [org]


def test_a_revocation_is_refused_for_an_org_already_off_the_registry_or_before_its_last_change(
    street_areas,
):
    from django.core.exceptions import ValidationError

    from gongzhi.orgs import services
    from gongzhi.orgs.models import OrgChange

    org = make_org(street_areas["a"].code, registered_on=dt.date(2015, 3, 1))
    services.org_change(
        actor="test", org=org, changes={"industry": "体育"}, effective_on=dt.date(2020, 1, 1)
    )
    with pytest.raises(ValidationError) as exc:
        services.penalty_record(
            actor="test", org=org, decided_on=dt.date(2019, 6, 1), kind="revocation"
        )
    assert "2020-01-01" in " ".join(exc.value.message_dict["decided_on"])
    services.org_deregister(actor="test", org=org, on=dt.date(2021, 1, 1), reason="自行解散")
    with pytest.raises(ValidationError) as exc:
        services.penalty_record(
            actor="test", org=org, decided_on=dt.date(2021, 1, 1), kind="revocation"
        )
    assert "kind" in exc.value.message_dict
    assert not Penalty.objects.exists()
    assert OrgChange.objects.filter(org=org).count() == 2  # the change and the 注销


def test_revoking_through_the_deregister_form_records_the_penalty_too(street_areas):
    from gongzhi.orgs import services

    org = make_org(street_areas["a"].code, registered_on=dt.date(2016, 1, 1))
    services.org_deregister(
        actor="test", org=org, on=dt.date(2021, 1, 1), reason="违法", revoked=True
    )
    penalty = Penalty.objects.get(org=org)
    assert (penalty.kind, penalty.decided_on, penalty.reason) == (
        "revocation",
        dt.date(2021, 1, 1),
        "违法",
    )
    org.refresh_from_db()
    assert org.status == "revoked" and org.changes.get().after["status"] == "revoked"


def test_a_revocation_through_the_page_and_the_api_shows_the_org_revoked(
    street_areas, user_a, client_of
):
    org, other = make_org(street_areas["a"].code), make_org(street_areas["a"].code)
    c = client_of(user_a)
    r = c.post(
        f"/orgs/{org.pk}/penalties/add/",
        {"decided_on": "2024-05-06", "kind": "revocation", "reason": "弄虚作假"},
        follow=True,
    )
    body = r.content.decode()
    assert "已撤销登记" in body and "撤销" in body
    org.refresh_from_db()
    assert org.status == "revoked"
    # The organisation page offers no further change, deregistration or report for it.
    assert f"/orgs/{org.pk}/change/" not in c.get(f"/orgs/{org.pk}/").content.decode()
    api = c.post(
        f"/api/v1/orgs/{other.credit_code}/penalties",
        {"decided_on": "2024-05-06", "kind": "revocation", "decision_no": "3号"},
        content_type="application/json",
    )
    assert api.status_code == 201, api.content
    shown = c.get(f"/api/v1/orgs/{other.pk}").json()
    assert (shown["status"], shown["deregistered_on"]) == ("revoked", "2024-05-06")
    changes = c.get(f"/api/v1/orgs/{other.pk}/changes").json()
    assert changes[0]["after"]["status"] == "revoked" and changes[0]["before"]["status"] == "normal"
