"""Training with attendance, awards, evaluations, complaints (MZ/T 061): services, pages, API."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from gongzhi.core.models import AuditEvent
from gongzhi.volunteers import services
from gongzhi.volunteers.models import Complaint, TrainingRecord
from gongzhi.volunteers.tests import factories as f

pytestmark = pytest.mark.django_db

DAY = dt.date(2024, 5, 1)


@pytest.fixture
def squad(street_areas):
    """A team in district A with two members, and an outsider who is not the team's."""
    t = f.team(street_areas["a"].code)
    members = [f.volunteer(street_areas["a"].code, name=n) for n in ("王芳", "李强")]
    for v in members:
        services.team_member_add(actor="t", team=t, volunteer=v)
    outsider = f.volunteer(street_areas["a"].code, name="赵敏")
    return t, members, outsider


# --- services --------------------------------------------------------------------------------


def test_it_records_a_training_with_its_attendance(squad):
    t, (a, b), _o = squad
    training = services.training_record(
        actor="t", team=t, title="急救培训", held_on=DAY, hours="3.5", attended=[a], absent=[b]
    )
    rows = {r.volunteer_id: r for r in TrainingRecord.objects.filter(training=training)}
    assert rows[a.pk].attended and not rows[b.pk].attended
    assert rows[a.pk].title == "急救培训" and str(rows[a.pk].hours) == "3.5"
    assert training.area_code == t.area_code
    services.training_attendance_set(actor="t", training=training, volunteer=b, attended=True)
    assert TrainingRecord.objects.get(training=training, volunteer=b).attended
    assert AuditEvent.objects.filter(action="volunteers.training_attendance").exists()


def test_it_rejects_training_attendance_of_a_volunteer_not_of_the_team(squad):
    t, (a, _b), outsider = squad
    with pytest.raises(ValidationError) as exc:
        services.training_record(
            actor="t", team=t, title="培训", held_on=DAY, attended=[a, outsider]
        )
    assert "attended" in exc.value.message_dict
    assert not TrainingRecord.objects.exists()  # nothing half-written


def test_it_rejects_a_future_training_and_bad_hours(squad):
    t, (a, _b), _o = squad
    with pytest.raises(ValidationError) as exc:
        services.training_record(actor="t", team=t, title="培训", held_on=dt.date(2999, 1, 1))
    assert "held_on" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.training_record(actor="t", team=t, title="培训", held_on=DAY, hours="abc")
    assert "hours" in exc.value.message_dict


def test_a_volunteer_enrolled_in_the_teams_activity_counts_as_the_teams(squad):
    t, _m, outsider = squad
    shift = f.shift(f.activity(t))
    services.enrollment_signup(actor="t", volunteer=outsider, shift=shift)
    e = services.evaluation_add(
        actor="t", volunteer=outsider, team=t, period="2024", grade="good", activity=shift.activity
    )
    assert e.area_code == t.area_code and e.activity_id == shift.activity_id


def test_it_records_awards_only_for_the_teams_volunteers(squad):
    t, (a, _b), outsider = squad
    award = services.award_add(
        actor="t",
        volunteer=a,
        team=t,
        title="优秀志愿者",
        awarded_by="珠晖区文明办",
        awarded_on=DAY,
    )
    assert award.area_code == t.area_code
    with pytest.raises(ValidationError) as exc:
        services.award_add(
            actor="t", volunteer=outsider, team=t, title="x", awarded_by="y", awarded_on=DAY
        )
    assert "volunteer" in exc.value.message_dict


def test_it_rejects_an_evaluation_with_an_unknown_grade_or_another_teams_activity(
    squad, street_areas
):
    t, (a, _b), _o = squad
    with pytest.raises(ValidationError) as exc:
        services.evaluation_add(actor="t", volunteer=a, team=t, period="2024", grade="A+")
    assert "grade" in exc.value.message_dict
    other = f.activity(f.team(street_areas["a"].code, name="别的队"))
    with pytest.raises(ValidationError) as exc:
        services.evaluation_add(
            actor="t", volunteer=a, team=t, period="2024", grade="good", activity=other
        )
    assert "activity" in exc.value.message_dict


def test_a_complaint_goes_from_submitted_to_accepted_to_resolved_with_dates(squad):
    t, _m, _o = squad
    act = f.activity(t)
    c = services.complaint_file(actor="t", activity=act, content="活动未按时开始")
    assert c.team_id == t.pk and c.status == "submitted" and c.number.startswith("TS")
    with pytest.raises(ValidationError) as exc:  # must be accepted first
        services.complaint_resolve(actor="t", complaint=c, resolution="x")
    assert "status" in exc.value.message_dict
    c = services.complaint_accept(actor="t", complaint=c)
    assert c.accepted_on is not None
    c = services.complaint_resolve(actor="t", complaint=c, resolution="已约谈组织者并整改")
    assert c.status == "resolved" and c.resolved_on >= c.accepted_on
    with pytest.raises(ValidationError):
        services.complaint_reject(actor="t", complaint=c, reason="x")


def test_a_complaint_may_be_rejected_with_a_reason_but_not_without(squad):
    t, _m, _o = squad
    c = services.complaint_file(actor="t", team=t, content="不满意")
    with pytest.raises(ValidationError) as exc:
        services.complaint_reject(actor="t", complaint=c, reason=" ")
    assert "resolution" in exc.value.message_dict
    c = services.complaint_reject(actor="t", complaint=c, reason="不属于本单位职责")
    assert c.status == "rejected" and c.resolved_on


def test_the_public_must_leave_a_name_and_phone(squad):
    from django.contrib.auth.models import AnonymousUser

    t, _m, _o = squad
    with pytest.raises(ValidationError) as exc:
        services.complaint_file(actor=AnonymousUser(), team=t, content="噪音")
    assert "complainant_phone" in exc.value.message_dict
    c = services.complaint_file(
        actor=AnonymousUser(),
        team=t,
        content="噪音",
        complainant="路人",
        complainant_phone="13800001111",
    )
    assert Complaint.objects.get(pk=c.pk).complainant_phone == "13800001111"


# --- pages -----------------------------------------------------------------------------------


@pytest.fixture
def organiser(make_user):
    return make_user("community_worker", area="430405000000")


def test_an_organiser_records_a_training_with_attendance_on_the_page(squad, organiser, client_of):
    t, (a, b), _o = squad
    c = client_of(organiser)
    r = c.post(
        "/volunteers/trainings/",
        {
            "team": t.pk,
            "title": "消防培训",
            "held_on": "2024-05-01",
            "hours": "2",
            "attended": f"{a.number}\n{b.number.lower()}",
            "absent": "",
        },
    )
    assert r.status_code == 302, r.content.decode()[:3000]
    rec = TrainingRecord.objects.filter(training__title="消防培训")
    assert rec.count() == 2 and all(x.attended for x in rec)
    detail = c.get(r.url).content.decode()
    assert a.number in detail and "消防培训" in detail


def test_the_training_page_names_an_unknown_volunteer_number(squad, organiser, client_of):
    t, _m, _o = squad
    r = client_of(organiser).post(
        "/volunteers/trainings/",
        {"team": t.pk, "title": "培训", "held_on": "2024-05-01", "attended": "V000"},
    )
    assert r.status_code == 200 and "V000" in r.content.decode()


def test_an_organiser_records_an_award_and_an_evaluation_on_the_page(squad, organiser, client_of):
    t, (a, _b), _o = squad
    c = client_of(organiser)
    r = c.post(
        "/volunteers/awards/",
        {
            "team": t.pk,
            "number": a.number,
            "title": "星级志愿者",
            "awarded_by": "珠晖区",
            "awarded_on": "2024-05-01",
        },
    )
    assert r.status_code == 302, r.content.decode()[:3000]
    assert a.awards.count() == 1
    r = c.post(
        "/volunteers/evaluations/",
        {"team": t.pk, "number": a.number, "period": "2024", "grade": "excellent"},
    )
    assert r.status_code == 302, r.content.decode()[:3000]
    assert "星级志愿者" in c.get("/volunteers/awards/").content.decode()
    assert "2024" in c.get("/volunteers/evaluations/").content.decode()


def test_the_public_lodges_a_complaint_and_follows_it_by_its_code(squad, organiser, client_of):
    from django.test import Client

    t, _m, _o = squad
    act = f.activity(t)
    public = Client()
    assert public.get(f"/volunteers/complain/?activity={act.pk}").status_code == 200
    r = public.post(
        "/volunteers/complain/",
        {
            "activity": act.pk,
            "content": "现场组织混乱",
            "complainant": "张先生",
            "complainant_phone": "13800002222",
        },
    )
    assert r.status_code == 302, r.content.decode()[:3000]
    complaint = Complaint.objects.get()
    track = public.get(r.url).content.decode()
    assert complaint.number in track and "13800002222" not in track
    c = client_of(organiser)
    assert complaint.number in c.get("/volunteers/complaints/").content.decode()
    c.post(f"/volunteers/complaints/{complaint.pk}/", {"action": "accept"})
    c.post(f"/volunteers/complaints/{complaint.pk}/", {"action": "resolve", "resolution": "已整改"})
    complaint.refresh_from_db()
    assert complaint.status == "resolved"
    assert "已整改" in public.get(r.url).content.decode()


def test_a_unit_of_another_district_cannot_handle_the_complaint(squad, make_user, client_of):
    t, _m, _o = squad
    complaint = services.complaint_file(actor="t", team=t, content="x")
    other = client_of(make_user("district_admin", area="430406000000"))
    assert other.get(f"/volunteers/complaints/{complaint.pk}/").status_code == 404
    assert (
        other.post(f"/volunteers/complaints/{complaint.pk}/", {"action": "accept"}).status_code
        == 404
    )
    complaint.refresh_from_db()
    assert complaint.status == "submitted"


def test_a_volunteer_lodges_a_complaint_and_sees_it_under_my_service(squad, make_user, client_of):
    t, (a, _b), _o = squad
    user = make_user("volunteer", area=None)
    services.volunteer_link_user(actor="t", volunteer=a, user=user)
    act = f.activity(t)
    c = client_of(user)
    r = c.post("/volunteers/complain/", {"activity": act.pk, "content": "没有提供饮水"})
    assert r.status_code == 302
    complaint = Complaint.objects.get()
    assert complaint.complainant_user == user
    assert complaint.number in c.get("/volunteers/me/complaints/").content.decode()


def test_list_pages_of_records_use_a_bounded_number_of_queries(
    squad, organiser, client_of, django_assert_max_num_queries
):
    t, (a, b), _o = squad
    for i in range(5):
        services.training_record(
            actor="t", team=t, title=f"培训{i}", held_on=DAY, attended=[a], absent=[b]
        )
        services.award_add(
            actor="t", volunteer=a, team=t, title=f"奖{i}", awarded_by="x", awarded_on=DAY
        )
        services.evaluation_add(actor="t", volunteer=b, team=t, period=f"{i}", grade="good")
        services.complaint_file(actor="t", team=t, content=f"c{i}")
    c = client_of(organiser)
    for url in (
        "/volunteers/trainings/",
        "/volunteers/awards/",
        "/volunteers/evaluations/",
        "/volunteers/complaints/",
    ):
        with django_assert_max_num_queries(25):
            assert c.get(url).status_code == 200


# --- API -------------------------------------------------------------------------------------


def test_the_api_records_training_awards_evaluations_and_handles_complaints(
    squad, organiser, client_of
):
    t, (a, b), _o = squad
    c = client_of(organiser)
    r = c.post(
        "/api/v1/volunteers/trainings",
        {
            "team_id": t.pk,
            "title": "急救",
            "held_on": "2024-05-01",
            "hours": 2,
            "attended": [a.number],
            "absent": [b.number],
        },
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    tid = r.json()["id"]
    detail = c.get(f"/api/v1/volunteers/trainings/{tid}").json()
    assert {(x["volunteer_number"], x["attended"]) for x in detail["records"]} == {
        (a.number, True),
        (b.number, False),
    }
    r = c.post(
        "/api/v1/volunteers/awards",
        {
            "team_id": t.pk,
            "volunteer_number": a.number,
            "title": "奖",
            "awarded_by": "区",
            "awarded_on": "2024-05-01",
        },
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    r = c.post(
        "/api/v1/volunteers/evaluations",
        {"team_id": t.pk, "volunteer_number": _o.number, "period": "2024", "grade": "good"},
        content_type="application/json",
    )
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "volunteer"
    complaint = services.complaint_file(actor="t", team=t, content="x")
    r = c.post(
        f"/api/v1/volunteers/complaints/{complaint.pk}/resolve",
        {"resolution": "ok"},
        content_type="application/json",
    )
    assert r.status_code == 422  # not accepted yet
    assert c.post(f"/api/v1/volunteers/complaints/{complaint.pk}/accept").status_code == 200
    r = c.post(
        f"/api/v1/volunteers/complaints/{complaint.pk}/resolve",
        {"resolution": "ok"},
        content_type="application/json",
    )
    assert r.status_code == 200 and r.json()["status"] == "resolved"
    assert any(
        x["number"] == complaint.number for x in c.get("/api/v1/volunteers/complaints").json()
    )
