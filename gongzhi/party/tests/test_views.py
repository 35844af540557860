"""Pages: query counts of the lists, forms through services, permissions, the worklist."""

from __future__ import annotations

import datetime as dt

import pytest

from gongzhi.party import services
from gongzhi.party.models import OrgLifeRecord
from gongzhi.party.tests import helpers

D = dt.date


@pytest.fixture
def populated():
    orgs = []
    for i in range(6):
        so = helpers.social_org()
        org = helpers.party_org(covered=[so], name=f"列表党支部{i}")
        ms = helpers.members(org, 3, employer=so)
        services.life_record_create(
            actor="t",
            party_org=org,
            kind="theme_day",
            held_on=D(2025, 1, 5),
            topic=f"主题{i}",
            attendees=ms,
        )
        services.dues_record(actor="t", member=ms[0], month=D(2025, 1, 1), base=4000)
        other = helpers.party_org(name=f"接收{i}")
        services.transfer_apply(actor="t", member=ms[1], to_org=other, applied_on=D(2025, 1, 2))
        orgs.append(org)
    return orgs


@pytest.mark.parametrize(
    "url",
    [
        "/party/",
        "/party/members/",
        "/party/life/",
        "/party/transfers/",
        "/party/dues/",
        "/party/instructors/",
        "/party/alliances/",
    ],
)
def test_list_pages_use_a_fixed_number_of_queries(
    url, populated, user_a, client_of, django_assert_max_num_queries
):
    c = client_of(user_a)
    with django_assert_max_num_queries(14):
        assert c.get(url).status_code == 200


def test_the_worklist_and_coverage_pages_render(populated, user_a, client_of):
    c = client_of(user_a)
    body = c.get("/party/worklist/").content.decode()
    assert "主题党日" in body
    body = c.get("/party/coverage/?as_of=2025-02-01").content.decode()
    assert "珠晖区" in body and "100.0%" in body


def test_recording_a_meeting_through_the_page(populated, make_user, client_of):
    org = populated[0]
    c = client_of(make_user("party_secretary", area=None, org=org))
    member = org.members.first()
    r = c.post(
        f"/party/orgs/{org.pk}/life/new/",
        {
            "kind": "committee_meeting",
            "held_on": "2025-02-03",
            "topic": "支委会议题",
            "attendees": [member.pk],
        },
    )
    assert r.status_code == 302
    assert OrgLifeRecord.objects.filter(topic="支委会议题", party_org=org).exists()


def test_a_form_shows_the_services_field_error(populated, make_user, client_of):
    org = populated[0]
    c = client_of(make_user("party_secretary", area=None, org=org))
    r = c.post(
        f"/party/orgs/{org.pk}/life/new/",
        {"kind": "theme_day", "held_on": "2999-01-01", "topic": "未来"},
    )
    assert r.status_code == 200
    assert "不能记录尚未举行的组织生活" in r.content.decode()


def test_a_secretary_cannot_create_party_orgs_or_see_other_orgs(populated, make_user, client_of):
    c = client_of(make_user("party_secretary", area=None, org=populated[0]))
    assert c.get("/party/orgs/new/").status_code == 403
    assert c.get(f"/party/orgs/{populated[1].pk}/").status_code == 404
    assert c.get(f"/party/orgs/{populated[0].pk}/").status_code == 200


def test_a_resident_cannot_open_the_party_pages(make_user, client_of):
    c = client_of(make_user("resident", "430405001001"))
    assert c.get("/party/").status_code == 403


def test_a_district_admin_creates_a_joint_branch_through_the_form(user_a, client_of):
    orgs = [helpers.social_org() for _ in range(2)]
    c = client_of(user_a)
    r = c.post(
        "/party/orgs/new/",
        {
            "name": "表单联合党支部",
            "kind": "joint_branch",
            "built_by": "joint",
            "area": helpers.Area.objects.get(code="430405001001").pk,
            "covered_orgs": [o.pk for o in orgs],
            "established_on": "2024-01-01",
            "party_groups": 0,
        },
    )
    assert r.status_code == 302, r.content.decode()[:2000]


def test_the_dues_calculator_fragment_shows_the_bracket(user_a, client_of):
    r = client_of(user_a).get(
        "/party/dues/calculator/?base=3000&category=retired", HTTP_HX_REQUEST="true"
    )
    body = r.content.decode()
    assert "离退休 5000元及以下 0.5%" in body and "15.00" in body


def test_exports_mask_personal_numbers(populated, user_a, client_of):
    from gongzhi.core.exports import read_back

    m = helpers.member(populated[0], with_id=True)
    rows = read_back(
        b"".join(client_of(user_a).get("/party/export/party-members.xlsx").streaming_content)
    )
    flat = [str(v) for r in rows for v in r]
    assert m.id_number not in flat
    assert any(v.startswith("430400") and "*" in v for v in flat)
