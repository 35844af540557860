"""`/api/v1/orgs/`: list with filters, detail by id or code, each service, errors with fields."""

from __future__ import annotations

import datetime as dt

import pytest

from gongzhi.orgs.codes import make_credit_code
from gongzhi.orgs.tests.factories import file_report, make_org

pytestmark = pytest.mark.django_db


def test_list_filters_and_paginates(street_areas, city_user, client_of):
    for i in range(5):
        make_org(street_areas["a"].code, name=f"接口测试{i}协会")
    make_org(street_areas["b"].code, kind="service_org", name="雁峰服务中心")
    c = client_of(city_user)
    page = c.get("/api/v1/orgs/", {"limit": 2, "offset": 0, "district": "430405"}).json()
    assert page["count"] == 5 and len(page["items"]) == 2
    found = c.get("/api/v1/orgs/", {"kind": "service_org"}).json()
    assert [o["name"] for o in found["items"]] == ["雁峰服务中心"]
    assert c.get("/api/v1/orgs/", {"grade": "9"}).status_code == 422


def test_detail_by_id_and_by_credit_code(street_areas, user_a, client_of):
    org = make_org(street_areas["a"].code, legal_rep_phone="13912345678")
    c = client_of(user_a)
    by_id = c.get(f"/api/v1/orgs/{org.pk}").json()
    by_code = c.get(f"/api/v1/orgs/{org.credit_code.lower()}").json()
    assert by_id == by_code
    assert by_id["legal_rep_phone_masked"] == "139****5678" and "legal_rep_phone" not in by_id


def test_create_refuses_a_bad_code_with_the_field_then_creates(street_areas, user_a, client_of):
    c = client_of(user_a)
    payload = {
        "name": "珠晖区棋类协会",
        "kind": "social_group",
        "authority_code": "430405000000",
        "area_code": street_areas["a"].code,
        "registered_on": "2019-06-01",
        "credit_code": make_credit_code("service_org", "430405", 4),
    }
    bad = c.post("/api/v1/orgs/", payload, content_type="application/json")
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "credit_code"
    payload["credit_code"] = make_credit_code("social_group", "430405", 4)
    ok = c.post("/api/v1/orgs/", payload, content_type="application/json")
    assert ok.status_code == 201 and ok.json()["registration_level"] == "county"
    denied = dict(
        payload, authority_code="430406000000", area_code=street_areas["b"].code, name="x"
    )
    assert c.post("/api/v1/orgs/", denied, content_type="application/json").status_code == 403


def test_change_deregister_reports_evaluations_and_listings(street_areas, user_a, client_of):
    org = make_org(street_areas["a"].code, registered_on=dt.date(2015, 1, 1))
    c = client_of(user_a)
    base = f"/api/v1/orgs/{org.credit_code}"
    r = c.post(
        f"{base}/changes",
        {"effective_on": "2021-01-01", "changes": {"industry": "体育"}},
        content_type="application/json",
    )
    assert r.status_code == 201 and r.json()["after"] == {"industry": "体育"}
    for year in (2023, 2024):
        r = c.post(
            f"{base}/annual-reports",
            {
                "year": year,
                "submitted_on": f"{year + 1}-03-01",
                "result": "qualified",
                "employees": 7,
                "has_party_org": True,
                "party_members": 3,
            },
            content_type="application/json",
        )
        assert r.status_code == 201
    assert [x["year"] for x in c.get(f"{base}/annual-reports").json()] == [2024, 2023]
    r = c.post(
        f"{base}/evaluations",
        {"evaluated_on": "2025-07-01", "score": 650},
        content_type="application/json",
    )
    assert r.status_code == 201 and r.json()["grade"] == 2
    r = c.post(
        f"{base}/listings",
        {"list_kind": "anomaly", "cause": "unreachable", "listed_on": "2025-08-01"},
        content_type="application/json",
    )
    listing_id = r.json()["id"]
    r = c.post(
        f"{base}/listings/{listing_id}/remove",
        {"removed_on": "2025-07-01", "reason": "x"},
        content_type="application/json",
    )
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "removed_on"
    r = c.post(
        f"{base}/deregister",
        {"on": "2025-09-01", "reason": "解散"},
        content_type="application/json",
    )
    assert r.status_code == 200 and r.json()["status"] == "deregistered"


def test_a_proposed_listing_is_confirmed_or_rejected_through_the_api(
    street_areas, user_a, user_b, client_of
):
    from gongzhi.orgs import services

    org = make_org(street_areas["a"].code, registered_on=dt.date(2015, 1, 1))
    first, second = (
        services.listing_propose(actor="test", org=org, list_kind="anomaly", cause=cause)
        for cause in ("no_annual_report", "unreachable")
    )
    base = f"/api/v1/orgs/{org.credit_code}/listings"
    assert (
        client_of(user_b)
        .post(f"{base}/{first.pk}/confirm", {}, content_type="application/json")
        .status_code
        == 404
    )
    c = client_of(user_a)
    r = c.post(
        f"{base}/{first.pk}/confirm",
        {"listed_on": "2025-06-02", "decision_no": "珠民〔2025〕2号"},
        content_type="application/json",
    )
    assert r.status_code == 200, r.content
    assert (r.json()["state"], r.json()["listed_on"]) == ("confirmed", "2025-06-02")
    again = c.post(f"{base}/{first.pk}/confirm", {}, content_type="application/json")
    assert again.status_code == 422
    no_reason = c.post(
        f"{base}/{second.pk}/reject", {"reason": " "}, content_type="application/json"
    )
    assert no_reason.status_code == 422
    r = c.post(
        f"{base}/{second.pk}/reject", {"reason": "已核实可联系"}, content_type="application/json"
    )
    assert r.status_code == 200 and r.json()["state"] == "rejected"


def test_an_evaluation_of_an_ineligible_org_is_refused_with_the_reason(
    street_areas, user_a, client_of
):
    org = make_org(street_areas["a"].code, registered_on=dt.date(2024, 6, 1))
    r = client_of(user_a).post(
        f"/api/v1/orgs/{org.pk}/evaluations",
        {"evaluated_on": "2025-07-01", "score": 900},
        content_type="application/json",
    )
    assert r.status_code == 422
    assert r.json()["errors"][0]["field"] == "org" and "未满2个完整年度" in r.json()["message"]


def test_figures_as_of_a_date(street_areas, city_user, client_of):
    org = make_org(street_areas["a"].code, registered_on=dt.date(2015, 1, 1))
    file_report(org, 2020, employees=12)
    body = client_of(city_user).get("/api/v1/orgs/as-of", {"as_of": "2020-12-31"}).json()
    assert body["organisations"] == 1 and body["employees"] == 12
    assert body["by_kind"] == {"social_group": 1}
    assert body["by_district"] == {"430405000000": 1}


def test_the_openapi_schema_lists_the_orgs_endpoints(client):
    schema = client.get("/api/v1/openapi.json").json()
    paths = schema["paths"]
    assert "/api/v1/orgs/" in paths and "/api/v1/orgs/{ref}/annual-reports" in paths
    assert "/api/v1/orgs/{ref}/listings/{listing_id}/confirm" in paths
    assert "OrgOut" in schema["components"]["schemas"]
