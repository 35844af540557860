import pytest

from gongzhi.core import audit

pytestmark = pytest.mark.django_db


def test_only_the_audit_administrator_reads_the_audit_page(make_user, client_of):
    auditor = make_user("audit_admin", "430400000000")
    audit.record(actor="test", action="thing.seen")
    audit.seal_pending()
    c = client_of(auditor)
    from django_otp.plugins.otp_totp.models import TOTPDevice

    # The audit administrator passes two-factor login first.
    device = TOTPDevice.objects.create(user=auditor, name="t", confirmed=True)
    from django_otp.oath import totp

    c.post("/accounts/two-factor/", {"token": f"{totp(device.bin_key):06d}"})
    page = c.get("/audit/")
    assert page.status_code == 200 and "thing.seen" in page.content.decode()
    district = make_user("district_admin", "430405000000")
    assert client_of(district).get("/audit/").status_code == 403
