"""PIPL rights of a volunteer over their own data: see, copy, correct, delete; re-consent."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import timezone

from gongzhi.core import pii
from gongzhi.core.models import AuditEvent
from gongzhi.volunteers import rules_config, selectors, services
from gongzhi.volunteers.models import (
    Certificate,
    CorrectionRequest,
    Enrollment,
    Qualification,
    TeamMember,
    Volunteer,
)
from gongzhi.volunteers.tests import factories as f

pytestmark = pytest.mark.django_db

ID = f.id_number(4242)
PHONE = "13912344321"


@pytest.fixture
def me(make_user, street_areas):
    """A volunteer with an account, in a team, with approved hours and an issued certificate."""
    user = make_user("volunteer", area=None, username="self1")
    v = f.volunteer(street_areas["a"].code, name="欧阳娜娜", user=user, id_number=ID, phone=PHONE)
    t = f.team(street_areas["a"].code)
    services.team_member_add(actor="t", team=t, volunteer=v)
    services.qualification_add(actor="t", volunteer=v, kind="first_aid", number="JJ-001")
    entry = services.hours_record(
        actor="t",
        volunteer=v,
        team=t,
        minutes=120,
        service_date=timezone.localdate() - dt.timedelta(days=20),
        content="敬老院陪护",
    )
    services.hours_approve(actor="t", entry_ids=[entry.pk])
    cert = services.certificate_request(
        actor="t",
        volunteer=v,
        team=t,
        period_from=entry.service_date,
        period_to=entry.service_date,
    )
    Certificate.objects.filter(pk=cert.pk).update(
        publicity_until=timezone.localdate() - dt.timedelta(days=1)
    )
    cert.refresh_from_db()
    services.certificate_issue(actor="t", certificate=cert)
    v.refresh_from_db()
    return {"user": user, "v": v, "team": t, "cert": cert}


# --- see -------------------------------------------------------------------------------------


def test_a_volunteer_sees_all_data_held_about_them_masked(me, client_of):
    body = client_of(me["user"]).get("/volunteers/me/data/").content.decode()
    assert me["v"].number in body and "欧阳娜娜" in body
    assert pii.mask(ID, "id_number") in body and ID not in body
    assert "139****4321" in body and PHONE not in body
    for text in ("敬老院陪护", me["cert"].number, "JJ-001", me["team"].name):
        assert text in body


def test_a_volunteer_reveals_their_own_numbers_and_each_reveal_is_audited(me, client_of):
    c = client_of(me["user"])
    r = c.post("/volunteers/me/data/reveal/id_number/")
    assert r.status_code == 200 and ID in r.content.decode()
    assert PHONE in c.post("/volunteers/me/data/reveal/phone/").content.decode()
    events = AuditEvent.objects.filter(action="pii.reveal", object_id=str(me["v"].pk))
    assert events.count() == 2 and all(e.after["self"] for e in events)
    assert c.post("/volunteers/me/data/reveal/name/").status_code == 404


def test_nobody_else_reveals_through_the_self_service(me, make_user, street_areas):
    other = make_user("volunteer", area=None)
    with pytest.raises(PermissionDenied):
        services.volunteer_reveal_own(actor=other, volunteer=me["v"], field="id_number")


def test_the_access_log_tells_own_actions_from_staff_ones(me, make_user):
    services.volunteer_reveal_own(actor=me["user"], volunteer=me["v"], field="phone")
    staff = make_user("district_admin")
    pii.reveal(actor=staff, obj=me["v"], field="phone")
    log = selectors.access_log(me["v"])
    assert [e["by_self"] for e in log if e["action"] == "pii.reveal"] == [False, True]


# --- copy ------------------------------------------------------------------------------------


def test_a_volunteer_downloads_a_json_copy_with_their_full_numbers_audited(me, client_of):
    r = client_of(me["user"]).post("/volunteers/me/data/copy/", {"fmt": "json"})
    assert r.status_code == 200 and r["Content-Type"] == "application/json"
    data = json.loads(r.content)
    assert data["profile"]["id_number"] == ID and data["profile"]["phone"] == PHONE
    assert data["hours"][0]["content"] == "敬老院陪护"
    assert data["certificates"][0]["number"] == me["cert"].number
    event = AuditEvent.objects.get(action="volunteers.data_copy")
    assert event.after == {"format": "json"} and ID not in json.dumps(event.after)


def test_a_volunteer_downloads_an_xlsx_copy(me, client_of):
    from openpyxl import load_workbook

    r = client_of(me["user"]).post("/volunteers/me/data/copy/", {"fmt": "xlsx"})
    assert r.status_code == 200 and "spreadsheetml" in r["Content-Type"]
    wb = load_workbook(io.BytesIO(r.content), read_only=True)
    profile = {row[0]: row[1] for row in wb["profile"].iter_rows(values_only=True)}
    assert profile["id_number"] == ID and profile["number"] == me["v"].number
    assert "hours" in wb.sheetnames


# --- correct ---------------------------------------------------------------------------------


def test_a_volunteer_edits_phone_and_skills_directly(me, client_of):
    c = client_of(me["user"])
    r = c.post(
        "/volunteers/me/data/edit/",
        {"phone": "13700001234", "skills": "急救，摄影", "area": me["v"].area_id},
    )
    assert r.status_code == 302, r.content.decode()[:2000]
    v = Volunteer.objects.get(pk=me["v"].pk)
    assert v.phone == "13700001234" and v.phone_last4 == "1234" and v.skills == ["急救", "摄影"]
    r = c.post("/volunteers/me/data/edit/", {"phone": "123", "skills": "", "area": v.area_id})
    assert r.status_code == 200 and "invalid-feedback" in r.content.decode()


def test_a_name_correction_is_approved_by_a_registrar_and_rekeys_search(me, make_user, client_of):
    c = client_of(me["user"])
    r = c.post(
        "/volunteers/me/data/correct/",
        {"field": "name", "new_value": "欧阳娜", "reason": "户籍更名"},
    )
    assert r.status_code == 302, r.content.decode()[:2000]
    req = CorrectionRequest.objects.get()
    assert req.status == "pending" and Volunteer.objects.get(pk=me["v"].pk).name == "欧阳娜娜"
    registrar = make_user("district_admin")
    rc = client_of(registrar)
    assert "户籍更名" in rc.get("/volunteers/corrections/").content.decode()
    rc.post(f"/volunteers/corrections/{req.pk}/decide/", {"action": "approve"})
    v = Volunteer.objects.get(pk=me["v"].pk)
    assert v.name == "欧阳娜" and v.name_initials == "oyn"
    req.refresh_from_db()
    assert req.status == "approved" and req.decided_by == registrar


def test_an_id_number_correction_is_validated_and_sets_birth_date(me, make_user):
    with pytest.raises(ValidationError) as exc:
        services.correction_request(
            actor=me["user"], volunteer=me["v"], field="id_number", new_value="123", reason="x"
        )
    assert "new_value" in exc.value.message_dict
    new = f.id_number(77, year=1985)
    req = services.correction_request(
        actor=me["user"], volunteer=me["v"], field="id_number", new_value=new, reason="录入错误"
    )
    with connection.cursor() as cur:  # stored as ciphertext only
        cur.execute("SELECT new_value FROM volunteers_correctionrequest WHERE id = %s", [req.pk])
        assert cur.fetchone()[0].startswith("v1:")
    services.correction_decide(actor=make_user("district_admin"), request=req, approve=True)
    v = Volunteer.objects.get(pk=me["v"].pk)
    assert v.id_number == new and v.birth_date.year == 1985
    assert v.id_number_bidx == pii.bidx_for(new, "id_number")


def test_a_correction_is_decided_only_by_a_registrar_of_the_home_area(me, make_user, client_of):
    req = services.correction_request(
        actor=me["user"], volunteer=me["v"], field="name", new_value="欧阳", reason="x"
    )
    other = client_of(make_user("district_admin", area="430406000000"))
    assert (
        other.post(f"/volunteers/corrections/{req.pk}/decide/", {"action": "approve"}).status_code
        == 404
    )
    with pytest.raises(ValidationError) as exc:
        services.correction_decide(actor=make_user("district_admin"), request=req, approve=False)
    assert "note" in exc.value.message_dict
    req.refresh_from_db()
    assert req.status == "pending"


# --- delete ----------------------------------------------------------------------------------


def test_deletion_needs_the_confirmation(me, client_of):
    c = client_of(me["user"])
    page = c.get("/volunteers/me/data/delete/").content.decode()
    assert "不可恢复" in page
    r = c.post("/volunteers/me/data/delete/", {"confirm": "V000"})
    assert r.status_code == 200 and "invalid-feedback" in r.content.decode()
    assert Volunteer.objects.get(pk=me["v"].pk).status == "active"


def test_deletion_anonymises_the_volunteer_and_keeps_the_records(me, client_of, street_areas):
    v0 = me["v"]
    later = f.shift(f.activity(me["team"]), start=timezone.now() + dt.timedelta(days=3))
    services.enrollment_signup(actor="t", volunteer=v0, shift=later)
    c = client_of(me["user"])
    r = c.post("/volunteers/me/data/delete/", {"confirm": v0.number.lower()})
    assert r.status_code == 302 and r.url == "/volunteers/me/deleted/"
    v = Volunteer.objects.get(pk=v0.pk)
    assert v.status == "deleted" and v.name == "已删除" and v.user_id is None
    assert (v.name_simplified, v.name_pinyin, v.name_initials) == ("", "", "")
    assert (v.id_number, v.id_number_bidx, v.phone, v.phone_bidx, v.phone_last4) == ("",) * 5
    assert v.birth_date is None and v.gender == "" and v.skills == []
    assert v.consent_withdrawn_on == timezone.localdate() and v.anonymised_on
    assert v.withdrawn_on == timezone.localdate()
    # The ledger and the totals stay; memberships end; open sign-ups are cancelled.
    assert v.hours.count() == 1 and v.approved_minutes == 120 and v.number == v0.number
    assert not TeamMember.objects.filter(volunteer=v, left_on__isnull=True).exists()
    assert Enrollment.objects.get(volunteer=v, shift=later).status == "cancelled"
    assert not Qualification.objects.filter(volunteer=v).exists()
    # The certificate keeps verifying without personal data.
    cert = Certificate.objects.get(pk=me["cert"].pk)
    assert cert.holder_name == "已删除" and cert.holder_id_masked == ""
    page = c.get(f"/volunteers/verify/{cert.number}/").content.decode()
    assert cert.number in page and cert.issuer_name in page and "欧阳" not in page
    assert AuditEvent.objects.filter(action="volunteers.anonymise", object_id=str(v.pk)).exists()
    # Irreversible: the account has no profile any more, a second deletion is refused.
    assert c.get("/volunteers/me/data/").status_code == 404
    with pytest.raises(ValidationError):
        services.volunteer_anonymise(actor="t", volunteer=v, confirm=v.number)


def test_an_anonymised_volunteer_no_longer_matches_any_search(me, make_user):
    v = me["v"]
    staff = make_user("district_admin")

    def found(q: str) -> bool:
        return any(x.pk == v.pk for x in selectors.volunteer_search(user=staff, query=q))

    for q in ("欧阳", "歐陽", "ouyang", "oynn", "4321", ID, PHONE):
        assert found(q), q
    services.volunteer_anonymise(actor=me["user"], volunteer=v, confirm=v.number)
    for q in ("欧阳", "歐陽", "ouyang", "oynn", "4321", ID, PHONE, "已删除"):
        assert not found(q), q
    assert not Volunteer.objects.filter(id_number_bidx=pii.bidx_for(ID, "id_number")).exists()
    assert not Volunteer.objects.filter(phone_bidx=pii.bidx_for(PHONE, "phone")).exists()
    # The person may register again: the ID number is free.
    again = f.volunteer(v.area_code, name="欧阳娜娜", id_number=ID, phone=PHONE)
    assert again.pk != v.pk


def test_a_registrar_may_anonymise_on_a_written_request_but_another_volunteer_may_not(
    me, make_user
):
    with pytest.raises(PermissionDenied):
        services.volunteer_anonymise(
            actor=make_user("volunteer", area=None), volunteer=me["v"], confirm=me["v"].number
        )
    v = services.volunteer_anonymise(
        actor=make_user("district_admin"), volunteer=me["v"], confirm=me["v"].number
    )
    assert v.status == "deleted"


def test_the_api_serves_each_right(me, client_of):
    c = client_of(me["user"])
    data = c.get("/api/v1/volunteers/me/data").json()
    assert data["profile"]["id_number"] == pii.mask(ID, "id_number")
    r = c.post(
        "/api/v1/volunteers/me/data/reveal", {"field": "phone"}, content_type="application/json"
    )
    assert r.json()["value"] == PHONE
    assert c.post("/api/v1/volunteers/me/data/copy").json()["profile"]["id_number"] == ID
    r = c.patch("/api/v1/volunteers/me/data", {"skills": ["摄影"]}, content_type="application/json")
    assert r.status_code == 200 and r.json()["skills"] == ["摄影"]
    r = c.post(
        "/api/v1/volunteers/me/corrections",
        {"field": "name", "new_value": "欧阳", "reason": "x"},
        content_type="application/json",
    )
    assert r.status_code == 201
    r = c.post("/api/v1/volunteers/me/delete", {"confirm": "nope"}, content_type="application/json")
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "confirm"
    r = c.post(
        "/api/v1/volunteers/me/delete", {"confirm": me["v"].number}, content_type="application/json"
    )
    assert r.json()["status"] == "deleted"


# --- consent ---------------------------------------------------------------------------------


@pytest.fixture
def new_notice(monkeypatch):
    """Publish a new privacy-notice version in rules_config."""
    monkeypatch.setitem(
        rules_config.RULES,
        "2026-1",
        rules_config.VolunteerRules(version="2026-1", consent_version="2026-1"),
    )
    monkeypatch.setattr(rules_config, "CURRENT_VERSION", "2026-1")
    return "2026-1"


def test_registration_records_the_current_consent_version(me):
    assert me["v"].consent_version == rules_config.current().consent_version
    assert me["v"].consent_on == timezone.localdate()


def test_a_new_notice_version_requires_consent_at_the_next_visit(me, client_of, new_notice):
    c = client_of(me["user"])
    r = c.get("/volunteers/me/")
    assert r.status_code == 302 and r.url.startswith("/volunteers/me/consent/")
    assert c.get("/volunteers/find/").status_code == 302
    # The rights stay open without consent.
    assert c.get("/volunteers/me/data/").status_code == 200
    page = c.get(r.url).content.decode()
    assert new_notice in page
    assert c.post(r.url, {"version": new_notice}).status_code == 200  # box not ticked
    r = c.post(r.url, {"version": new_notice, "agree": "on", "next": "/volunteers/me/"})
    assert r.status_code == 302 and r.url == "/volunteers/me/"
    v = Volunteer.objects.get(pk=me["v"].pk)
    assert v.consent_version == new_notice and v.consent_on == timezone.localdate()
    assert c.get("/volunteers/me/").status_code == 200
    event = AuditEvent.objects.get(action="volunteers.consent")
    assert event.before == {"consent_version": "2021-1"} and event.after == {
        "consent_version": "2026-1"
    }


def test_consent_to_an_old_version_is_refused(me, new_notice):
    with pytest.raises(ValidationError) as exc:
        services.volunteer_consent(actor=me["user"], volunteer=me["v"], version="2021-1")
    assert "version" in exc.value.message_dict


def test_the_api_asks_for_consent_again_after_a_new_version(me, client_of, new_notice):
    c = client_of(me["user"])
    r = c.get("/api/v1/volunteers/me")
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "consent"
    assert c.get("/api/v1/volunteers/me/consent").json()["current_version"] == new_notice
    r = c.post(
        "/api/v1/volunteers/me/consent", {"version": new_notice}, content_type="application/json"
    )
    assert r.status_code == 200 and r.json()["consent_version"] == new_notice
    assert c.get("/api/v1/volunteers/me").status_code == 200


def test_the_consent_page_does_not_redirect_off_site(me, client_of, new_notice):
    r = client_of(me["user"]).post(
        "/volunteers/me/consent/",
        {"version": new_notice, "agree": "on", "next": "https://evil.example/"},
    )
    assert r.status_code == 302 and r.url == "/volunteers/me/"
