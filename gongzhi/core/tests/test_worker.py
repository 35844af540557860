"""The real database task backend: a page enqueues, `gongzhi worker --batch` runs it."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook

from gongzhi.areas.models import Area
from gongzhi.cli import main as cli
from gongzhi.core.models import Job

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def db_tasks(settings):
    # django-tasks resets its backends when TASKS changes (setting_changed).
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def test_an_uploaded_import_waits_in_the_queue_until_the_worker_runs_it(
    db_tasks, make_user, client_of
):
    admin = make_user("city_admin", "430400000000", is_superuser=True)
    wb = Workbook()
    wb.active.append(["区划代码", "名称", "层级", "上级代码"])
    wb.active.append(["430405104000", "队列街道", "街道/乡镇", "430405000000"])
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    buf.name = "q.xlsx"
    client_of(admin).post("/imports/areas/", {"file": buf})
    job = Job.objects.get()
    assert job.status == Job.Status.QUEUED
    assert not Area.objects.filter(code="430405104000").exists()
    assert cli(["worker", "--batch", "--interval", "0"]) == 0
    job.refresh_from_db()
    assert job.status == Job.Status.DONE
    assert Area.objects.filter(code="430405104000").exists()
