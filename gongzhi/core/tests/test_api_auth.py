"""The API's two ways in, with CSRF enforced as a real server does (the test client skips it)."""

from __future__ import annotations

import pytest
from django.test import Client

from gongzhi.accounts.services import token_create

pytestmark = pytest.mark.django_db


def test_a_token_client_without_a_session_cookie_can_write(user_a):
    _token, key = token_create(actor="test", user=user_a, name="phone")
    phone = Client(enforce_csrf_checks=True, HTTP_AUTHORIZATION=f"Bearer {key}")
    response = phone.post(
        "/api/v1/accounts/tokens", {"name": "second"}, content_type="application/json"
    )
    assert response.status_code == 201, response.content


def test_a_session_write_without_the_csrf_token_is_still_refused(user_a):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(user_a)
    response = browser.post(
        "/api/v1/accounts/tokens", {"name": "forged"}, content_type="application/json"
    )
    assert response.status_code == 403


def test_a_session_cookie_with_a_token_still_needs_the_csrf_token(user_a):
    # A page's cookie and a token together: the cookie is there, so CSRF applies.
    _token, key = token_create(actor="test", user=user_a, name="phone")
    browser = Client(enforce_csrf_checks=True, HTTP_AUTHORIZATION=f"Bearer {key}")
    browser.force_login(user_a)
    response = browser.post(
        "/api/v1/accounts/tokens", {"name": "forged"}, content_type="application/json"
    )
    assert response.status_code == 403


def test_a_token_records_its_last_use_at_most_once_a_minute(user_a):
    import datetime as dt

    from django.utils import timezone

    from gongzhi.accounts.models import ApiToken

    token, key = token_create(actor="test", user=user_a, name="phone")
    phone = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
    assert phone.get("/api/v1/accounts/me").status_code == 200
    first = ApiToken.objects.get(pk=token.pk).last_used_at
    assert first is not None
    assert phone.get("/api/v1/accounts/me").status_code == 200
    assert ApiToken.objects.get(pk=token.pk).last_used_at == first  # no write the second time
    earlier = timezone.now() - dt.timedelta(minutes=2)
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=earlier)
    assert phone.get("/api/v1/accounts/me").status_code == 200
    assert ApiToken.objects.get(pk=token.pk).last_used_at > earlier


def test_a_token_of_a_deactivated_account_is_refused_and_not_touched(user_a):
    from gongzhi.accounts.models import ApiToken, User

    token, key = token_create(actor="test", user=user_a, name="phone")
    User.objects.filter(pk=user_a.pk).update(is_active=False)
    phone = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
    response = phone.get("/api/v1/accounts/me")
    assert response.status_code == 401 and response.json()["code"] == "unauthenticated"
    assert ApiToken.objects.get(pk=token.pk).last_used_at is None


def test_a_token_client_is_the_tokens_user_with_its_stored_fields(user_a):
    _token, key = token_create(actor="test", user=user_a, name="phone")
    me = Client(HTTP_AUTHORIZATION=f"Bearer {key}").get("/api/v1/accounts/me").json()
    assert me["username"] == user_a.username


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_the_touch_is_part_of_the_look_up_and_relaxes_only_itself(
    make_user,
):
    """On PostgreSQL the stale token's "last used" is written by the look-up's own statement,
    whose commit alone skips the WAL flush; the connection's later commits stay durable."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from gongzhi.accounts.models import ApiToken

    user = make_user("volunteer", area=None)
    token, key = token_create(actor="test", user=user, name="phone")
    phone = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
    with CaptureQueriesContext(connection) as queries:
        assert phone.get("/api/v1/accounts/me").status_code == 200
    assert ApiToken.objects.get(pk=token.pk).last_used_at is not None
    touches = [q["sql"] for q in queries if 'UPDATE "accounts_apitoken"' in q["sql"]]
    assert len(touches) == 1
    if connection.vendor == "postgresql":
        assert "set_config('synchronous_commit', 'off', true)" in touches[0]
        assert "WITH hit" in touches[0]  # the look-up and the touch: one statement
        with connection.cursor() as cur:
            cur.execute("SHOW synchronous_commit")
            assert cur.fetchone()[0] == "on"


def test_rows_read_by_hand_become_instances_with_the_orms_converters(user_a):
    from django.db import connection

    from gongzhi.accounts.models import User
    from gongzhi.core import hotsql

    names = ["id", "username", "is_active", "date_joined"]
    with hotsql.cursor() as cur:
        cur.execute(
            "SELECT id, username, is_active, date_joined, 42 FROM accounts_user WHERE id = %s",
            [user_a.pk],
        )
        (u,) = hotsql.instances(User, names, cur.fetchall())
    assert u.pk == user_a.pk and u.username == user_a.username
    assert u.is_active is True and u.date_joined == user_a.date_joined  # SQLite: 1 and text
    assert u.get_deferred_fields() >= {"password", "email"}
    assert u._state.adding is False and u._state.db == connection.alias
