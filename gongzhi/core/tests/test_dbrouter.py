"""The read-replica router: inert by default; with a replica, reads go there until a write.

The replica tests run the real router and middleware in a child process configured with
DATABASE_REPLICA_URL against two real databases: the replica is a copy of the primary
taken before a change, so reading the old name proves a read went to the replica.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.http import HttpResponse
from django.test import RequestFactory

from gongzhi.areas.models import Area
from gongzhi.core.dbrouter import PIN_COOKIE, PinPrimaryMiddleware, PrimaryReplicaRouter

ROOT = Path(settings.BASE_DIR)
ZHUHUI = "430405000000"
YANFENG = "430406000000"


def test_the_router_is_inert_without_a_replica_url() -> None:
    assert "replica" not in settings.DATABASES
    router = PrimaryReplicaRouter()
    assert router.db_for_read(Area) is None
    assert router.db_for_write(Area) is None
    assert router.allow_migrate("default", "areas") is None
    response = PinPrimaryMiddleware(lambda r: HttpResponse("ok"))(RequestFactory().post("/"))
    assert PIN_COOKIE not in response.cookies


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DATABASE_")}
    env.update(PYTHONPATH=str(ROOT), GONGZHI_TESTING="1", DJANGO_SETTINGS_MODULE="gongzhi.settings")
    return {**env, **extra}


SCRIPT = r"""
import json, django
django.setup()
from django.db import transaction
from django.http import JsonResponse
from django.test import RequestFactory
from gongzhi.areas.models import Area
from gongzhi.core.dbrouter import PIN_COOKIE, PinPrimaryMiddleware, PrimaryReplicaRouter, primary_only

def view(request):
    seen = [Area.objects.get(code="%(z)s").name]
    if request.GET.get("write"):
        Area.objects.filter(code="%(y)s").update(synthetic=False)
    seen.append(Area.objects.get(code="%(z)s").name)
    return JsonResponse({"seen": seen})

mw, rf, out = PinPrimaryMiddleware(view), RequestFactory(), {}
def call(name, request):
    response = mw(request)
    out[name] = {"seen": json.loads(response.content)["seen"], "cookie": PIN_COOKIE in response.cookies}
call("get", rf.get("/"))
call("get_then_write", rf.get("/?write=1"))
pinned = rf.get("/"); pinned.COOKIES[PIN_COOKIE] = "1"
call("get_with_pin_cookie", pinned)
call("post", rf.post("/"))
call("get_after", rf.get("/"))
with transaction.atomic():
    out["in_transaction"] = Area.objects.get(code="%(z)s").name
with primary_only():
    out["primary_only"] = Area.objects.get(code="%(z)s").name
router = PrimaryReplicaRouter()
out["migrate"] = [router.allow_migrate("default", "areas"), router.allow_migrate("replica", "areas")]
print(json.dumps(out, ensure_ascii=False))
""" % {"z": ZHUHUI, "y": YANFENG}


@pytest.fixture
def lagging_replica(tmp_path: Path) -> dict[str, str]:
    primary, replica = tmp_path / "primary.sqlite3", tmp_path / "replica.sqlite3"
    subprocess.run(
        [sys.executable, "-m", "gongzhi.cli", "migrate", "--quiet"],
        cwd=ROOT,
        env=_env(DATABASE_URL=f"sqlite:///{primary}"),
        check=True,
        capture_output=True,
    )
    shutil.copy(primary, replica)  # the replica as of now; the primary then moves on
    con = sqlite3.connect(primary)
    con.execute("UPDATE areas_area SET name = '主库新名' WHERE code = ?", (ZHUHUI,))
    con.commit()
    con.close()
    return {"DATABASE_URL": f"sqlite:///{primary}", "DATABASE_REPLICA_URL": f"sqlite:///{replica}"}


def _run(env: dict[str, str]) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT], cwd=ROOT, env=_env(**env), capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_reads_go_to_the_replica_until_the_request_writes_then_to_the_primary(
    lagging_replica: dict[str, str],
) -> None:
    out = _run(lagging_replica)
    old, new = "珠晖区", "主库新名"
    assert out["get"] == {"seen": [old, old], "cookie": False}
    # The write pins the rest of the request, and the cookie the next few requests.
    assert out["get_then_write"] == {"seen": [old, new], "cookie": True}
    assert out["get_with_pin_cookie"]["seen"] == [new, new]
    # A POST reads to decide what to write: the primary from its first line.
    assert out["post"]["seen"] == [new, new]
    # The pin does not leak into the next request of the same thread.
    assert out["get_after"] == {"seen": [old, old], "cookie": False}
    assert out["in_transaction"] == new and out["primary_only"] == new
    assert out["migrate"] == [True, False]


def test_a_bad_replica_url_stops_start_up_naming_the_variable(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env=_env(
            DATABASE_URL=f"sqlite:///{tmp_path / 'p.sqlite3'}",
            DATABASE_REPLICA_URL="mysql://u@127.0.0.1/x",
        ),
        capture_output=True,
        text=True,
    )
    assert done.returncode != 0
    assert "DATABASE_REPLICA_URL" in done.stderr
