"""Personal data: encrypted at rest, blind-indexed, masked on the server, reveals audited."""

from __future__ import annotations

import base64
import hashlib
import hmac

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection

from gongzhi.core import pii
from gongzhi.core.models import AuditEvent


def test_masks_keep_only_the_division_code_and_last_four():
    assert pii.mask_id_number("430405199001011234") == "430405********1234"
    assert pii.mask_phone("13812345678") == "138****5678"
    assert pii.mask_phone("") == ""


def test_encryption_round_trips_and_differs_each_time():
    a, b = pii.encrypt("13812345678"), pii.encrypt("13812345678")
    assert a != b and "13812345678" not in a
    assert pii.decrypt(a) == pii.decrypt(b) == "13812345678"


def test_the_blind_index_matches_equal_numbers_however_typed():
    assert pii.bidx_for("138 1234 5678", "phone") == pii.bidx_for("+8613812345678", "phone")
    assert pii.bidx_for("43040519900101123x", "id_number") == pii.bidx_for(
        "43040519900101123X", "id_number"
    )
    assert pii.bidx_for("13812345678", "phone") != pii.bidx_for("13812345679", "phone")


@pytest.mark.django_db
def test_batch_encryption_gives_decryptable_values_each_with_its_own_nonce():
    plains = ["13812345678", "13812345678", "430405199001011234"]
    tokens = pii.encrypt_many(plains)
    assert [pii.decrypt(t) for t in tokens] == plains
    nonces = {base64.b64decode(t[3:])[:12] for t in tokens}
    assert len(nonces) == 3 and tokens[0] != tokens[1]


def test_the_blind_index_is_hmac_sha256_of_kind_and_value_under_the_derived_key(settings):
    _, key = pii._keys(settings.FIELD_KEY)
    want = hmac.new(key, b"phone:13812345678", hashlib.sha256).hexdigest()[:40]
    assert pii.blind_index("13812345678", kind="phone") == want


def test_phone_numbers_are_stored_encrypted(street_areas):
    from gongzhi.orgs.models import SocialOrg

    org = SocialOrg.objects.create(
        name="测试协会",
        kind="social_group",
        registration_level="county",
        authority=street_areas["street_a"].parent,
        area=street_areas["a"],
        registered_on="2019-01-01",
        legal_rep_phone="13812345678",
    )
    with connection.cursor() as cur:
        cur.execute("SELECT legal_rep_phone FROM orgs_socialorg WHERE id = %s", [org.pk])
        stored = cur.fetchone()[0]
    assert "13812345678" not in stored and stored.startswith("v1:")
    assert SocialOrg.objects.get(pk=org.pk).legal_rep_phone == "13812345678"
    assert SocialOrg.objects.filter(
        legal_rep_phone_bidx=pii.bidx_for("13812345678", "phone")
    ).exists()


@pytest.mark.django_db
def test_reveal_is_allowed_in_scope_for_allowed_roles_and_audited_either_way(
    street_areas, user_a, user_b, make_user
):
    from gongzhi.orgs.models import SocialOrg

    org = SocialOrg.objects.create(
        name="揭示测试",
        kind="social_group",
        registration_level="county",
        authority=street_areas["street_a"].parent,
        area=street_areas["a"],
        registered_on="2019-01-01",
        legal_rep_phone="13812345678",
    )
    assert pii.reveal(actor=user_a, obj=org, field="legal_rep_phone") == "13812345678"
    with pytest.raises(PermissionDenied):
        pii.reveal(actor=user_b, obj=org, field="legal_rep_phone")  # out of scope
    volunteer = make_user("volunteer", "430405000000")
    with pytest.raises(PermissionDenied):
        pii.reveal(actor=volunteer, obj=org, field="legal_rep_phone")  # role may not reveal
    results = list(AuditEvent.objects.filter(action="pii.reveal").values_list("result", flat=True))
    assert results == ["success", "denied", "denied"]
