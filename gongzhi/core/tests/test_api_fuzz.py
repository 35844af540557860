"""Property-based API testing from the OpenAPI schema (schemathesis): no input makes a 500."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from gongzhi.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


@pytest.fixture
def keep_connection():
    """Call the WSGI application as Django's test client does: without closing the database
    connection at the end of each request. Closing it inside the test's transaction (the
    autocommit state differs) broke every later request on PostgreSQL ("the connection is
    closed"); SQLite's in-memory test database ignores close()."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def token(db, make_user):
    from gongzhi.accounts.services import token_create

    user = make_user("district_admin", "430405000000", username="fuzzer")
    return token_create(actor="test", user=user, name="fuzz")[1]


@pytest.mark.django_db
@schema.parametrize()
@settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_generated_request_makes_the_server_fail(case, token, keep_connection):
    case.call_and_validate(
        headers={"Authorization": f"Bearer {token}"}, checks=[not_a_server_error]
    )
