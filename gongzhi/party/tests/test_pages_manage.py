"""Pages that write coverage, instructors, alliances and 双报到 — all through the services."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from gongzhi.areas.models import Area
from gongzhi.core.exports import read_back
from gongzhi.core.models import AuditEvent
from gongzhi.party import services
from gongzhi.party.models import (
    Alliance,
    AllianceItem,
    AllianceMeeting,
    CommunityReport,
    Instructor,
    InstructorAssignment,
    PartyOrgCoverage,
    ServiceRecord,
)
from gongzhi.party.tests import helpers

D = dt.date
COMMUNITY = "430405001001"


def _audited(action: str) -> bool:
    return AuditEvent.objects.filter(action=action).exists()


# --- coverage --------------------------------------------------------------------------------


def test_a_district_admin_adds_and_ends_coverage_through_the_pages(user_a, client_of):
    so = helpers.social_org(name="新覆盖协会")
    joint = helpers.party_org(kind="joint_branch", built_by="joint", name="页面联合党支部")
    c = client_of(user_a)
    r = c.post(f"/party/orgs/{joint.pk}/coverage/new/", {"org": so.pk, "started_on": "2024-01-01"})
    assert r.status_code == 302
    coverage = PartyOrgCoverage.objects.get(party_org=joint, org=so)
    assert coverage.started_on == D(2024, 1, 1) and _audited("party.coverage.add")
    body = c.get(f"/party/orgs/{joint.pk}/").content.decode()
    assert f"/party/orgs/{joint.pk}/coverage/{coverage.pk}/end/" in body

    r = c.post(f"/party/orgs/{joint.pk}/coverage/{coverage.pk}/end/", {"ended_on": "2023-12-31"})
    assert r.status_code == 200
    assert "结束日期不能早于开始日期" in r.content.decode()
    r = c.post(f"/party/orgs/{joint.pk}/coverage/{coverage.pk}/end/", {"ended_on": "2025-01-01"})
    assert r.status_code == 302
    coverage.refresh_from_db()
    assert coverage.ended_on == D(2025, 1, 1) and _audited("party.coverage.end")


def test_the_coverage_page_refuses_a_sixth_unit_for_a_joint_branch(user_a, client_of):
    orgs = [helpers.social_org() for _ in range(6)]
    joint = helpers.party_org(
        kind="joint_branch", built_by="joint", covered=orgs[:5], name="满员联合党支部"
    )
    r = client_of(user_a).post(
        f"/party/orgs/{joint.pk}/coverage/new/", {"org": orgs[5].pk, "started_on": "2024-01-01"}
    )
    assert r.status_code == 200
    form = r.context["form"]
    assert form.errors["org"] == ["联合党支部覆盖的单位不得超过 5 个"]
    assert joint.coverages.count() == 5


def test_a_secretary_may_not_change_coverage_and_another_district_gets_404(
    make_user, user_b, client_of
):
    so = helpers.social_org()
    org = helpers.party_org(covered=[so])
    coverage = org.coverages.get()
    secretary = client_of(make_user("party_secretary", area=None, org=org))
    assert secretary.get(f"/party/orgs/{org.pk}/coverage/new/").status_code == 403
    other = client_of(user_b)
    assert other.get(f"/party/orgs/{org.pk}/coverage/new/").status_code == 404
    assert (
        other.post(
            f"/party/orgs/{org.pk}/coverage/{coverage.pk}/end/", {"ended_on": "2025-01-01"}
        ).status_code
        == 404
    )
    coverage.refresh_from_db()
    assert coverage.ended_on is None


# --- instructors -----------------------------------------------------------------------------


def test_an_instructor_is_created_assigned_to_several_orgs_and_an_assignment_ended(
    user_a, client_of
):
    bare = [helpers.social_org(name=f"无党组织协会{i}") for i in range(2)]
    covered = helpers.social_org(name="已建党组织协会")
    helpers.party_org(covered=[covered])
    c = client_of(user_a)
    r = c.post(
        "/party/instructors/new/",
        {
            "name": "李指导员",
            "area": Area.objects.get(code="430405001000").pk,
            "work_unit": "街道党工委",
            "phone": "13900002222",
        },
    )
    assert r.status_code == 302
    instructor = Instructor.objects.get(name="李指导员")
    assert _audited("party.instructor.create")

    page = c.get(f"/party/instructors/{instructor.pk}/")
    choices = {o.pk for o in page.context["form"].fields["orgs"].queryset}
    assert {o.pk for o in bare} <= choices and covered.pk not in choices

    r = c.post(
        f"/party/instructors/{instructor.pk}/",
        {"orgs": [o.pk for o in bare], "started_on": "2024-03-01"},
    )
    assert r.status_code == 302
    assert set(instructor.assignments.values_list("org_id", flat=True)) == {o.pk for o in bare}

    assignment = instructor.assignments.get(org=bare[0])
    r = c.post(f"/party/instructors/assignments/{assignment.pk}/end/", {"ended_on": "2025-03-01"})
    assert r.status_code == 302
    assignment.refresh_from_db()
    assert assignment.ended_on == D(2025, 3, 1) and _audited("party.instructor.end")


def test_an_empty_assignment_form_names_the_field(user_a, client_of):
    instructor = services.instructor_create(
        actor="t", name="指导员", area=Area.objects.get(code=COMMUNITY)
    )
    r = client_of(user_a).post(
        f"/party/instructors/{instructor.pk}/", {"orgs": [], "started_on": "2024-03-01"}
    )
    assert r.status_code == 200 and "orgs" in r.context["form"].errors


def test_it_rejects_an_instructor_for_an_org_with_a_party_org_and_writes_none():
    bare, covered = helpers.social_org(), helpers.social_org(name="有党组织")
    helpers.party_org(covered=[covered])
    instructor = services.instructor_create(actor="t", name="指导员", area=bare.area)
    with pytest.raises(ValidationError) as exc:
        services.instructor_assign_many(
            actor="t", instructor=instructor, orgs=[bare, covered], started_on=D(2024, 1, 1)
        )
    assert "有党组织" in exc.value.message_dict["orgs"][0]
    assert not InstructorAssignment.objects.exists()  # all or none


def test_a_secretary_cannot_manage_instructors(make_user, client_of):
    org = helpers.party_org()
    c = client_of(make_user("party_secretary", area=None, org=org))
    assert c.get("/party/instructors/new/").status_code == 403


# --- alliances -------------------------------------------------------------------------------


@pytest.fixture
def units():
    a = helpers.party_org(name="甲党支部")
    b = helpers.party_org(name="乙党支部")
    so = helpers.social_org(name="丙协会")
    return a, b, so


def _create_alliance(c, a, b, so) -> Alliance:
    r = c.post(
        "/party/alliances/new/",
        {
            "name": "页面党建联盟",
            "area": Area.objects.get(code="430405001000").pk,
            "established_on": "2024-01-01",
            "rotation_months": "6",
            "party_orgs": [a.pk, b.pk],
            "social_orgs": [so.pk],
        },
    )
    assert r.status_code == 302, r.content.decode()[:3000]
    return Alliance.objects.get(name="页面党建联盟")


def test_an_alliance_is_created_with_its_members_and_a_computed_schedule(units, user_a, client_of):
    a, b, so = units
    c = client_of(user_a)
    alliance = _create_alliance(c, a, b, so)
    members = list(alliance.members.order_by("rotation_position"))
    # Founding units take positions 1..n (Party organisations first); the rotation page reorders.
    assert [m.rotation_position for m in members] == [1, 2, 3]
    assert {m.name for m in members[:2]} == {"甲党支部", "乙党支部"} and members[2].name == "丙协会"
    assert _audited("party.alliance.create") and _audited("party.alliance.member_add")

    page = c.get(f"/party/alliances/{alliance.pk}/")
    schedule = page.context["schedule"]
    today = timezone.localdate()
    assert schedule[0].starts_on <= today <= schedule[0].ends_on
    # Two years of six-month periods from the current one, chairs in turn.
    assert len(schedule) in (4, 5)
    names = [p.chair.name for p in schedule]
    assert all(x != y for x, y in zip(names, names[1:], strict=False))


def test_the_rotation_order_is_set_through_the_page_and_duplicates_are_refused(
    units, user_a, client_of
):
    a, b, so = units
    c = client_of(user_a)
    alliance = _create_alliance(c, a, b, so)
    ma, mb = alliance.members.get(party_org=a), alliance.members.get(party_org=b)
    ms = alliance.members.get(social_org=so)
    r = c.post(
        f"/party/alliances/{alliance.pk}/rotation/",
        {f"position_{ma.pk}": 1, f"position_{mb.pk}": 1, f"position_{ms.pk}": 2},
    )
    assert r.status_code == 200
    errors = r.context["form"].errors
    assert set(errors) == {f"position_{ma.pk}", f"position_{mb.pk}"}
    assert "轮值顺序 1 重复" in errors[f"position_{ma.pk}"][0]
    r = c.post(
        f"/party/alliances/{alliance.pk}/rotation/",
        {f"position_{ma.pk}": 3, f"position_{mb.pk}": 1, f"position_{ms.pk}": 2},
    )
    assert r.status_code == 302
    order = [m.name for m in alliance.members.order_by("rotation_position")]
    assert order == ["乙党支部", "丙协会", "甲党支部"]
    assert _audited("party.alliance.rotation")


def test_a_joint_meeting_is_hosted_by_the_chair_of_its_period(units, user_a, client_of):
    a, b, so = units
    c = client_of(user_a)
    alliance = _create_alliance(c, a, b, so)
    r = c.post(
        f"/party/alliances/{alliance.pk}/meetings/new/",
        {"held_on": "2024-08-01", "topic": "第二次联席会议", "decisions": "共建阵地"},
    )
    assert r.status_code == 302
    meeting = AllianceMeeting.objects.get(alliance=alliance)
    second = alliance.members.get(rotation_position=2)
    assert meeting.host == second  # 2024-08-01 falls in the second six-month period
    assert meeting.decisions == "共建阵地"
    r = c.post(f"/party/alliances/{alliance.pk}/meetings/new/", {"held_on": "2024-08-01"})
    assert "topic" in r.context["form"].errors


def test_an_item_is_added_claimed_and_completed_through_the_pages(units, user_a, client_of):
    a, b, so = units
    c = client_of(user_a)
    alliance = _create_alliance(c, a, b, so)
    mb = alliance.members.get(party_org=b)
    r = c.post(
        f"/party/alliances/{alliance.pk}/items/new/",
        {"kind": "need", "title": "助老服务", "created_on": "2024-05-01"},
    )
    assert r.status_code == 302
    item = AllianceItem.objects.get(title="助老服务")
    url = f"/party/alliances/{alliance.pk}/items/{item.pk}/"
    assert c.post(url, {"member": mb.pk}).status_code == 302
    item.refresh_from_db()
    assert (item.status, item.claimed_by_member, item.claimed_by_party_org) == ("claimed", mb, b)
    c.post(url, {"status": "in_progress"})
    c.post(url, {"status": "done"})
    item.refresh_from_db()
    assert item.status == "done" and item.completed_on == timezone.localdate()
    assert _audited("party.item.claim") and _audited("party.item.status")


def test_a_secretary_cannot_create_an_alliance(make_user, client_of):
    org = helpers.party_org()
    c = client_of(make_user("party_secretary", area=None, org=org))
    assert c.get("/party/alliances/new/").status_code == 403


# --- 双报到 ---------------------------------------------------------------------------------


def test_a_unit_reports_claims_a_need_records_service_and_the_rollup_exports(
    make_user, user_a, client_of
):
    employer = helpers.social_org(name="报到协会")
    org = helpers.party_org(covered=[employer], name="报到党支部")
    worker = client_of(make_user("community_worker", COMMUNITY))
    r = worker.post(
        "/party/reports/needs/new/",
        {
            "community": Area.objects.get(code=COMMUNITY).pk,
            "title": "楼道清理",
            "created_on": "2024-01-05",
        },
    )
    assert r.status_code == 302
    need = AllianceItem.objects.get(title="楼道清理")

    secretary = client_of(make_user("party_secretary", area=None, org=org))
    r = secretary.post(
        "/party/reports/new/",
        {
            "community": Area.objects.get(code=COMMUNITY).pk,
            "party_org": org.pk,
            "reported_on": "2024-01-10",
        },
    )
    assert r.status_code == 302
    report = CommunityReport.objects.get(party_org=org)
    assert report.employer == employer and report.kind == "unit"

    assert "楼道清理" in secretary.get(f"/party/reports/{report.pk}/").content.decode()
    assert secretary.post(f"/party/reports/{report.pk}/needs/{need.pk}/").status_code == 302
    need.refresh_from_db()
    assert need.status == "claimed" and need.claimed_by_party_org == org

    year = timezone.localdate().year
    served = D(year, 1, 20)
    r = secretary.post(
        f"/party/reports/{report.pk}/",
        {"served_on": served.isoformat(), "hours": "0", "content": "清理楼道", "item": need.pk},
    )
    assert r.status_code == 200 and "hours" in r.context["form"].errors
    r = secretary.post(
        f"/party/reports/{report.pk}/",
        {"served_on": served.isoformat(), "hours": "3.5", "content": "清理楼道", "item": need.pk},
    )
    assert r.status_code == 302
    assert ServiceRecord.objects.get(report=report).item == need
    assert _audited("party.service.record") and _audited("party.report.create")

    page = secretary.get(f"/party/reports/rollup/?year={year}")
    assert "报到协会" in page.content.decode() and "3.5" in page.content.decode()
    raw = b"".join(secretary.get(f"/party/reports/rollup.xlsx?year={year}").streaming_content)
    rows = read_back(raw)
    assert rows[0][:3] == ["年度", "所在单位", "第一季度服务次数"]
    assert rows[1][:5] == [year, "报到协会", 1, 3.5, 0]
    assert _audited("export.party-service-rollup")


def test_a_report_form_names_the_missing_reporter(make_user, client_of):
    org = helpers.party_org()
    c = client_of(make_user("party_secretary", area=None, org=org))
    r = c.post(
        "/party/reports/new/",
        {"community": Area.objects.get(code=COMMUNITY).pk, "reported_on": "2024-01-10"},
    )
    assert r.status_code == 200
    assert r.context["form"].errors["party_org"] == ["请选择报到的党组织或党员之一"]
    assert not CommunityReport.objects.exists()


def test_a_secretary_cannot_report_another_organisation(make_user, client_of):
    own, other = helpers.party_org(), helpers.party_org(name="别人的党支部")
    c = client_of(make_user("party_secretary", area=None, org=own))
    r = c.post(
        "/party/reports/new/",
        {
            "community": Area.objects.get(code=COMMUNITY).pk,
            "party_org": other.pk,
            "reported_on": "2024-01-10",
        },
    )
    # Not among the choices the secretary sees: a field error, nothing written.
    assert r.status_code == 200 and "party_org" in r.context["form"].errors
    assert not CommunityReport.objects.exists()


@pytest.mark.parametrize(
    "url", ["/party/reports/", "/party/reports/rollup/", "/party/instructors/"]
)
def test_the_new_list_pages_use_a_fixed_number_of_queries(
    url, user_a, client_of, django_assert_max_num_queries
):
    community = Area.objects.get(code=COMMUNITY)
    today = timezone.localdate()
    for i in range(5):
        employer = helpers.social_org(name=f"单位{i}")
        org = helpers.party_org(covered=[employer], name=f"报到{i}")
        report = services.community_report_create(
            actor="t", community=community, reported_on=D(today.year, 1, 1), party_org=org
        )
        services.service_record_create(
            actor="t", report=report, served_on=D(today.year, 1, 2), hours=2, content="服务"
        )
        services.item_create(
            actor="t", kind="need", title=f"需求{i}", community=community, created_on=today
        )
        instructor = services.instructor_create(actor="t", name=f"指导员{i}", area=community)
        services.instructor_assign(
            actor="t",
            instructor=instructor,
            org=helpers.social_org(),
            started_on=D(2024, 1, 1),
        )
    c = client_of(user_a)
    with django_assert_max_num_queries(14):
        assert c.get(url).status_code == 200


def test_a_working_member_reports_and_their_employer_gets_the_service(user_a, client_of):
    employer = helpers.social_org(name="党员所在协会")
    org = helpers.party_org(covered=[employer])
    member = helpers.member(org, employer=employer, name="在职党员")
    c = client_of(user_a)
    r = c.post(
        "/party/reports/new/",
        {
            "community": Area.objects.get(code=COMMUNITY).pk,
            "member": member.pk,
            "reported_on": "2024-02-01",
        },
    )
    assert r.status_code == 302
    report = CommunityReport.objects.get(member=member)
    assert (report.kind, report.party_org, report.employer) == ("member", org, employer)
    assert "在职党员" in c.get(f"/party/reports/{report.pk}/").content.decode()
