"""Certificates: content, 7-day publicity, PDF, public verification without personal data."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from gongzhi.volunteers import services
from gongzhi.volunteers.tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def cert():
    v = f.volunteer(name="王小明", id_number=f.id_number(321), phone="13955556666")
    t = f.team()
    day = timezone.localdate() - dt.timedelta(days=3)
    e = services.hours_record(
        actor="t", volunteer=v, team=t, minutes=150, service_date=day, content="陪伴老人"
    )
    services.hours_approve(actor="t", entry_ids=[e.pk])
    return services.certificate_request(
        actor="t", volunteer=v, team=t, period_from=day, period_to=day
    )


def test_the_certificate_carries_the_record_fields_with_the_identity_masked(cert):
    assert cert.holder_name == "王小明" and cert.holder_number.startswith("V")
    assert cert.holder_id_masked == "110101********" + f.id_number(321)[-4:]
    assert cert.minutes == 150 and "陪伴老人" in cert.content
    assert (cert.issuer_name, cert.person_in_charge, cert.clerk, cert.contact) == (
        "湘江志愿服务队",
        "李队长",
        "王经办",
        "0734-8888888",
    )
    assert cert.number.startswith(f"ZM{timezone.localdate().year}")


def test_it_is_not_issued_before_seven_days_of_publicity(cert):
    today = timezone.localdate()
    with pytest.raises(ValidationError) as exc:
        services.certificate_issue(actor="t", certificate=cert, today=today + dt.timedelta(days=6))
    assert "公示期" in exc.value.messages[0]
    issued = services.certificate_issue(
        actor="t", certificate=cert, today=today + dt.timedelta(days=7)
    )
    assert issued.status == "issued" and issued.issued_on == today + dt.timedelta(days=7)


def test_the_pdf_has_the_fields_and_a_verification_qr(cert):
    from gongzhi.volunteers.pdf import certificate_pdf

    services.certificate_issue(
        actor="t", certificate=cert, today=timezone.localdate() + dt.timedelta(days=7)
    )
    cert.refresh_from_db()
    url = f"https://example.test/volunteers/verify/{cert.number}/"
    body = certificate_pdf(cert, url, compress=False)
    assert body.startswith(b"%PDF") and b"STSong-Light" in body
    text = pdf_text(body)
    for expected in (
        "志愿服务记录证明",
        cert.number,
        "王小明",
        cert.holder_id_masked,
        cert.holder_number,
        "2.5 小时",
        "陪伴老人",
        "湘江志愿服务队",
        "李队长",
        "王经办",
        "0734-8888888",
        url,
    ):
        assert expected in text, expected
    assert f.id_number(321) not in text and "13955556666" not in text


def pdf_text(body: bytes) -> str:
    """The strings drawn with the CID font (UCS-2 big-endian in `( ... ) Tj`)."""
    import re

    out = []
    for raw in re.findall(rb"\(((?:[^\\)]|\\.)*)\) Tj", body, re.S):
        data = re.sub(
            rb"\\([0-7]{1,3}|.)",
            lambda m: bytes([int(m[1], 8)]) if m[1][:1].isdigit() else m[1],
            raw,
        )
        out.append(data.decode("utf-16-be", errors="replace"))
    return "\n".join(out)


def test_the_verification_page_confirms_number_hours_issuer_without_personal_data(cert, client):
    services.certificate_issue(
        actor="t", certificate=cert, today=timezone.localdate() + dt.timedelta(days=7)
    )
    page = client.get(f"/volunteers/verify/{cert.number}/")
    body = page.content.decode()
    assert page.status_code == 200
    assert cert.number in body and "2.5" in body and "湘江志愿服务队" in body
    for secret in (
        "王小明",
        cert.holder_number,
        cert.holder_id_masked,
        f.id_number(321)[-4:],
        "5556666",
    ):
        assert secret not in body
    api = client.get(f"/api/v1/volunteers/verify/{cert.number}").json()
    assert api["number"] == cert.number and api["hours"] == 2.5 and "holder_name" not in api


def test_a_certificate_still_in_publicity_or_unknown_does_not_verify(cert, client):
    assert client.get(f"/volunteers/verify/{cert.number}/").status_code == 404
    assert client.get("/volunteers/verify/ZM2026000000000/").status_code == 404


def test_a_withdrawn_certificate_is_shown_as_withdrawn(cert, client):
    services.certificate_issue(
        actor="t", certificate=cert, today=timezone.localdate() + dt.timedelta(days=7)
    )
    services.certificate_withdraw(actor="t", certificate=cert, reason="记录有误")
    assert "已撤回" in client.get(f"/volunteers/verify/{cert.number}/").content.decode()


def test_a_certificate_needs_approved_hours_in_the_period():
    v, t = f.volunteer(), f.team()
    with pytest.raises(ValidationError) as exc:
        services.certificate_request(
            actor="t",
            volunteer=v,
            team=t,
            period_from=dt.date(2024, 1, 1),
            period_to=dt.date(2024, 12, 31),
        )
    assert "period_from" in exc.value.message_dict
