from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.db import OperationalError

from gongzhi.env import SettingError, env_bool, env_int


@pytest.mark.django_db
def test_health_answers_ok_when_the_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


@pytest.mark.django_db
def test_health_answers_503_when_the_database_does_not(client, monkeypatch):
    from django.db import connection

    def broken(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(connection, "cursor", broken)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "error"


def test_a_malformed_boolean_names_the_variable(monkeypatch):
    monkeypatch.setenv("DEBUG", "maybe")
    with pytest.raises(SettingError, match="DEBUG"):
        env_bool("DEBUG")
    monkeypatch.setenv("GONGZHI_LOCKOUT_ATTEMPTS", "five")
    with pytest.raises(SettingError, match="GONGZHI_LOCKOUT_ATTEMPTS"):
        env_int("GONGZHI_LOCKOUT_ATTEMPTS", 5)


@pytest.mark.parametrize(
    "name, value",
    [
        ("DATABASE_URL", "mysqlx://nowhere"),
        ("GONGZHI_FIELD_KEY", "not-base64!"),
        ("GONGZHI_FIELD_KEY", "c2hvcnQ="),
    ],
)
def test_start_up_stops_with_a_message_naming_a_bad_setting(name, value, tmp_path):
    env = {**os.environ, name: value, "GONGZHI_VAR_DIR": str(tmp_path)}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    proc = subprocess.run(
        [sys.executable, "-c", "import gongzhi.settings"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode != 0
    assert name in proc.stderr
