"""The registry pages: list (fast, filtered), organisation page, a form per service, export."""

from __future__ import annotations

import datetime as dt

import pytest

from gongzhi.core.exports import read_back
from gongzhi.orgs import services
from gongzhi.orgs.codes import make_credit_code
from gongzhi.orgs.models import AnnualReport, CreditListing, Evaluation, SocialOrg
from gongzhi.orgs.tests.factories import file_report, make_org

pytestmark = pytest.mark.django_db


def test_the_list_page_query_count_does_not_grow_with_rows(
    street_areas, user_a, client_of, django_assert_max_num_queries
):
    for i in range(60):
        org = make_org(street_areas["a"].code, name=f"列表测试{i:02d}协会")
        if i % 3 == 0:
            file_report(org, 2020)
    c = client_of(user_a)
    with django_assert_max_num_queries(12):
        response = c.get("/orgs/?sort=-registered_on")
    assert response.status_code == 200
    body = response.content.decode()
    assert "共 60 个组织" in body and "第 1 / 2 页" in body


def test_the_list_page_searches_and_filters(street_areas, user_a, client_of):
    make_org(street_areas["a"].code, name="珠晖区书法家协会")
    make_org(street_areas["a"].code, name="珠晖区摄影家协会")
    c = client_of(user_a)
    body = c.get("/orgs/", {"q": "sfj"}).content.decode()
    assert "书法家" in body and "摄影家" not in body
    htmx = c.get("/orgs/", {"q": "攝影"}, HTTP_HX_REQUEST="true").content.decode()
    assert "摄影家" in htmx and "<html" not in htmx


def test_the_org_page_shows_the_timeline_and_masks_the_phone(street_areas, user_a, client_of):
    org = make_org(street_areas["a"].code, legal_rep_phone="13812345678", industry="文化")
    services.org_change(
        actor="test",
        org=org,
        changes={"industry": "体育"},
        effective_on=dt.date(2020, 5, 1),
        reason="章程修改",
    )
    file_report(org, 2020)
    body = client_of(user_a).get(f"/orgs/{org.pk}/").content.decode()
    assert "138****5678" in body and "13812345678" not in body
    assert "变更登记（章程修改）" in body and "报送2020年度工作报告" in body and "登记成立" in body


def test_registering_through_the_page(street_areas, user_a, client_of):
    c = client_of(user_a)
    assert c.get("/orgs/register/").status_code == 200
    area = street_areas["a"]
    data = {
        "name": "珠晖区围棋协会",
        "kind": "social_group",
        "credit_code": make_credit_code("foundation", "430405", 1),
        "authority": "",
        "area": area.pk,
        "registered_on": "2020-01-02",
    }
    from gongzhi.areas.models import Area

    data["authority"] = Area.objects.get(code="430405000000").pk
    bad = c.post("/orgs/register/", data)
    assert bad.status_code == 400 and "第2位" in bad.content.decode()
    data["credit_code"] = make_credit_code("social_group", "430405", 1)
    ok = c.post("/orgs/register/", data)
    org = SocialOrg.objects.get(name="珠晖区围棋协会")
    assert ok.status_code == 302 and ok["Location"] == f"/orgs/{org.pk}/"


def test_change_deregister_grade_list_and_delist_through_the_pages(street_areas, user_a, client_of):
    org = make_org(street_areas["a"].code, registered_on=dt.date(2015, 1, 1))
    file_report(org, 2023)
    file_report(org, 2024)
    c = client_of(user_a)
    page = c.get(f"/orgs/{org.pk}/change/")
    assert page.status_code == 200
    r = c.post(
        f"/orgs/{org.pk}/change/",
        {
            "effective_on": "2021-03-01",
            "name": org.name,
            "area": street_areas["a"].pk,
            "industry": "教育",
        },
    )
    assert r.status_code == 302
    org.refresh_from_db()
    assert org.industry == "教育" and org.changes.count() == 1
    r = c.post(f"/orgs/{org.pk}/grade/", {"evaluated_on": "2025-07-01", "score": "905"})
    assert r.status_code == 302 and Evaluation.objects.get().grade == 5
    r = c.post(
        f"/orgs/{org.pk}/listings/add/",
        {"list_kind": "anomaly", "cause": "unreachable", "listed_on": "2025-08-01"},
    )
    entry = CreditListing.objects.get()
    assert r.status_code == 302
    r = c.post(
        f"/orgs/{org.pk}/listings/{entry.pk}/remove/",
        {"removed_on": "2025-08-10", "removal_reason": "已整改", "rectified_on": "2025-08-08"},
    )
    entry.refresh_from_db()
    assert r.status_code == 302 and entry.removed_on == dt.date(2025, 8, 10)
    r = c.post(
        f"/orgs/{org.pk}/deregister/",
        {"deregistered_on": "2014-01-01", "deregistration_reason": "解散"},
    )
    assert r.status_code == 400 and "不能早于" in r.content.decode()
    r = c.post(
        f"/orgs/{org.pk}/deregister/",
        {"deregistered_on": "2025-09-01", "deregistration_reason": "解散"},
    )
    org.refresh_from_db()
    assert r.status_code == 302 and org.status == "deregistered"


def test_an_org_admin_files_a_report_but_cannot_change_the_registry(
    street_areas, make_user, client_of
):
    org = make_org(street_areas["a"].code, registered_on=dt.date(2015, 1, 1))
    c = client_of(make_user("org_admin", area=None, org=org))
    assert c.get(f"/orgs/{org.pk}/change/").status_code == 403
    page = c.get(f"/orgs/{org.pk}/report/").content.decode()
    assert 'name="result"' not in page
    r = c.post(
        f"/orgs/{org.pk}/report/",
        {
            "year": "2024",
            "submitted_on": "2025-03-01",
            "employees": "9",
            "social_workers": "2",
            "other_professionals": "1",
            "volunteers": "20",
            "party_members": "3",
            "party_activists": "0",
            "has_party_org": "on",
        },
    )
    assert r.status_code == 302
    assert AnnualReport.objects.get(org=org, year=2024).employees == 9


def test_the_export_button_downloads_the_users_organisations(street_areas, user_a, client_of):
    own = make_org(street_areas["a"].code)
    other = make_org(street_areas["b"].code)
    response = client_of(user_a).get("/orgs/export/")
    rows = read_back(
        b"".join(response.streaming_content) if response.streaming else response.content
    )
    codes = {r[0] for r in rows[1:]}
    assert own.credit_code in codes and other.credit_code not in codes
    assert rows[0][0] == "统一社会信用代码"


def test_a_user_from_another_district_cannot_open_the_forms(street_areas, user_b, client_of):
    org = make_org(street_areas["a"].code)
    c = client_of(user_b)
    for url in (f"/orgs/{org.pk}/change/", f"/orgs/{org.pk}/report/", f"/orgs/{org.pk}/grade/"):
        assert c.get(url).status_code == 404


def test_the_list_page_shows_each_rows_kind_and_status_in_words(street_areas, user_a, client_of):
    make_org(street_areas["a"].code, name="珠晖区围棋协会")
    make_org(street_areas["a"].code, name="珠晖区康复中心", kind="service_org")
    body = client_of(user_a).get("/orgs/").content.decode()
    assert "<td>社会团体</td>" in body and "<td>社会服务机构</td>" in body
    assert body.count("<td>正常</td>") == 2
