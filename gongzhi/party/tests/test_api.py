"""The /api/v1/party/ router: reads, writes through services, 422 with the field, 403/404."""

from __future__ import annotations

import datetime as dt
import json

from gongzhi.party.models import OrgLifeRecord
from gongzhi.party.tests import helpers

D = dt.date


def _post(client, url, data):
    return client.post(url, json.dumps(data), content_type="application/json")


def test_a_secretary_records_a_meeting_through_the_api_and_gets_quorum(make_user, client_of):
    org = helpers.party_org()
    members = helpers.members(org, 4)
    c = client_of(make_user("party_secretary", area=None, org=org))
    r = _post(
        c,
        f"/api/v1/party/orgs/{org.pk}/life",
        {
            "kind": "general_meeting",
            "held_on": "2025-03-01",
            "topic": "大会",
            "attendee_ids": [m.pk for m in members[:3]],
        },
    )
    assert r.status_code == 201, r.content
    assert r.json()["quorate"] is True and r.json()["voting_members"] == 4
    assert OrgLifeRecord.objects.get().recorded_by is not None


def test_it_answers_422_naming_the_field_for_a_rule_broken(make_user, client_of):
    org = helpers.party_org()
    members = helpers.members(org, 3)
    c = client_of(make_user("party_secretary", area=None, org=org))
    grades = {str(m.pk): "excellent" for m in members[:2]} | {str(members[2].pk): "qualified"}
    r = _post(
        c,
        f"/api/v1/party/orgs/{org.pk}/life",
        {
            "kind": "appraisal",
            "held_on": "2025-01-10",
            "topic": "评议",
            "attendee_ids": [m.pk for m in members],
            "grades": grades,
        },
    )
    assert r.status_code == 422
    assert r.json()["errors"][0]["field"] == "grades"


def test_a_secretary_cannot_write_to_another_org_and_gets_404(make_user, client_of):
    mine, other = helpers.party_org(), helpers.party_org()
    c = client_of(make_user("party_secretary", area=None, org=mine))
    r = _post(
        c,
        f"/api/v1/party/orgs/{other.pk}/life",
        {"kind": "theme_day", "held_on": "2025-01-10", "topic": "x"},
    )
    assert r.status_code == 404


def test_a_community_worker_may_read_but_not_record(make_user, client_of):
    org = helpers.party_org()
    c = client_of(make_user("community_worker", "430405001001"))
    assert c.get(f"/api/v1/party/orgs/{org.pk}").status_code == 200
    r = _post(
        c,
        f"/api/v1/party/orgs/{org.pk}/life",
        {"kind": "theme_day", "held_on": "2025-01-10", "topic": "x"},
    )
    assert r.status_code == 403


def test_the_transfer_flow_through_the_api_moves_the_member(make_user, client_of, city_user):
    sender, receiver = helpers.party_org(), helpers.party_org("430406001001")
    member = helpers.member(sender)
    c = client_of(city_user)
    t = _post(
        c,
        f"/api/v1/party/members/{member.pk}/transfers",
        {"applied_on": "2025-03-01", "to_org_id": receiver.pk},
    ).json()
    for step, day in [
        ("issue", "2025-03-02"),
        ("receive", "2025-03-05"),
        ("receipt", "2025-03-09"),
    ]:
        r = _post(c, f"/api/v1/party/transfers/{t['id']}/{step}", {"on": day})
        assert r.status_code == 200, r.content
    assert r.json()["state"] == "receipted" and r.json()["responsible"] == receiver.name
    assert c.get(f"/api/v1/party/members/{member.pk}").json()["party_org_id"] == receiver.pk


def test_the_receiving_district_receives_but_may_not_issue(make_user, client_of, user_a, user_b):
    sender, receiver = helpers.party_org(), helpers.party_org("430406001001")
    member = helpers.member(sender)
    t = _post(
        client_of(user_a),
        f"/api/v1/party/members/{member.pk}/transfers",
        {"applied_on": "2025-03-01", "to_org_id": receiver.pk},
    ).json()
    b = client_of(user_b)
    assert (
        _post(b, f"/api/v1/party/transfers/{t['id']}/issue", {"on": "2025-03-02"}).status_code
        == 403
    )
    assert (
        _post(
            client_of(user_a), f"/api/v1/party/transfers/{t['id']}/issue", {"on": "2025-03-02"}
        ).status_code
        == 200
    )
    assert (
        _post(b, f"/api/v1/party/transfers/{t['id']}/receive", {"on": "2025-03-03"}).status_code
        == 200
    )


def test_dues_quote_and_masked_members(user_a, client_of):
    c = client_of(user_a)
    r = c.get("/api/v1/party/dues/quote?base=10000&category=employed").json()
    assert (r["rate"], r["amount"]) == ("0.015", "150.00")
    org = helpers.party_org()
    m = helpers.member(org, with_id=True, phone="13812345678")
    body = c.get(f"/api/v1/party/members/{m.pk}").json()
    assert body["id_number_masked"].startswith("430400") and "*" in body["id_number_masked"]
    assert body["phone_masked"] == "138****5678"
    assert m.id_number not in json.dumps(body)


def test_coverage_and_orgs_requiring_a_party_org(user_a, client_of):
    org = helpers.social_org(name="应建组织")
    joint = helpers.party_org(kind="joint_branch", built_by="joint", covered=[org])
    helpers.members(joint, 3, employer=org)
    c = client_of(user_a)
    fig = c.get("/api/v1/party/coverage?as_of=2025-01-01").json()
    assert fig["orgs_with_party_org"] == 1 and fig["organisational_coverage"] == "100.0"
    rows = c.get("/api/v1/party/coverage/districts?as_of=2025-01-01").json()
    assert [r["unit_code"] for r in rows] == ["430405"]
    due = c.get("/api/v1/party/orgs-requiring-party-org?as_of=2025-01-01").json()
    assert [(d["id"], d["formal_members"]) for d in due] == [(org.pk, 3)]


def test_creating_an_org_in_another_district_is_rejected(user_a, client_of):
    r = _post(
        client_of(user_a),
        "/api/v1/party/orgs",
        {
            "name": "越界",
            "kind": "branch",
            "built_by": "single",
            "area_code": "430406001001",
            "established_on": "2024-01-01",
        },
    )
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "area_code"
    r = _post(
        client_of(user_a),
        "/api/v1/party/orgs",
        {
            "name": "本区",
            "kind": "branch",
            "built_by": "single",
            "area_code": "430405001001",
            "established_on": "2024-01-01",
        },
    )
    assert r.status_code == 201 and r.json()["election_due_on"] == "2027-01-01"
