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
