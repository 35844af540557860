from __future__ import annotations

import pytest
from django.test import Client

from gongzhi.accounts.models import ApiToken

pytestmark = pytest.mark.django_db


def test_a_token_authenticates_api_calls_until_it_is_revoked(user_a, client_of):
    created = client_of(user_a).post(
        "/api/v1/accounts/tokens", {"name": "mobile"}, content_type="application/json"
    )
    assert created.status_code == 201
    key = created.json()["key"]
    assert not ApiToken.objects.filter(key_hash=key).exists()  # only the hash is stored
    anonymous = Client()
    me = anonymous.get("/api/v1/accounts/me", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert me.status_code == 200 and me.json()["username"] == "district_a"
    used = ApiToken.objects.get(pk=created.json()["id"]).last_used_at
    assert used is not None  # touched on first use, then at most once a minute
    anonymous.get("/api/v1/accounts/me", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert ApiToken.objects.get(pk=created.json()["id"]).last_used_at == used
    assert (
        client_of(user_a).delete(f"/api/v1/accounts/tokens/{created.json()['id']}").status_code
        == 204
    )
    refused = anonymous.get("/api/v1/accounts/me", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert refused.status_code == 401
    assert refused.json()["code"] == "unauthenticated"


def test_api_validation_errors_name_the_field(user_a, client_of):
    response = client_of(user_a).post(
        "/api/v1/accounts/tokens", {}, content_type="application/json"
    )
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "validation_error"
    assert any(e["field"].endswith("name") for e in body["errors"])


@pytest.mark.django_db(transaction=True)
def test_the_token_touch_commits_alone_and_leaves_later_commits_durable(user_a):
    from django.db import connection

    from gongzhi.accounts.services import token_create

    token, key = token_create(actor="t", user=user_a, name="phone")
    phone = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
    assert phone.get("/api/v1/accounts/me").status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None
    if connection.vendor == "postgresql":  # SET LOCAL ended with the touch's transaction
        with connection.cursor() as cur:
            cur.execute("SHOW synchronous_commit")
            assert cur.fetchone()[0] == "on"
