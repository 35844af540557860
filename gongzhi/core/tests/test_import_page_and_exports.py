"""The upload page with progress, and exports (command line and pages): scoped and audited."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook, load_workbook

from gongzhi.areas.models import Area
from gongzhi.cli import main as cli
from gongzhi.core.models import AuditEvent, Job

pytestmark = pytest.mark.django_db


def _xlsx(rows):
    wb = Workbook()
    ws = wb.active
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    buf.name = "units.xlsx"
    return buf


def test_the_upload_page_runs_the_import_as_a_job_and_shows_its_result(make_user, client_of):
    admin = make_user("city_admin", "430400000000", is_superuser=True)
    c = client_of(admin)
    assert c.get("/imports/areas/").status_code == 200
    template = c.get("/imports/areas/template.xlsx")
    assert template.status_code == 200
    upload = _xlsx(
        [
            ["区划代码", "名称", "层级", "上级代码"],
            ["430405103000", "上传街道", "街道/乡镇", "430405000000"],
        ]
    )
    response = c.post("/imports/areas/", {"file": upload})
    assert response.status_code == 302
    job = Job.objects.get()
    assert job.status == Job.Status.DONE and job.result["summary"].endswith("rejected=0")
    status_page = c.get(response["Location"])
    assert "rows=1 inserted=1" in status_page.content.decode()
    polled = c.get(f"/jobs/{job.pk}/", HTTP_ACCEPT="application/json").json()
    assert polled["percent"] == 100
    assert Area.objects.filter(code="430405103000").exists()


def test_a_rejected_upload_lists_the_rows_and_offers_the_error_report(make_user, client_of):
    admin = make_user("city_admin", "430400000000", is_superuser=True)
    c = client_of(admin)
    upload = _xlsx(
        [["区划代码", "名称", "层级", "上级代码"], ["4304051", "坏", "街道/乡镇", "430405000000"]]
    )
    location = c.post("/imports/areas/", {"file": upload})["Location"]
    page = c.get(location).content.decode()
    assert "位数字" in page
    job = Job.objects.get()
    report = c.get(f"/imports/areas/{job.pk}/errors.xlsx")
    assert report.status_code == 200


def test_a_user_without_the_import_permission_cannot_upload(user_a, client_of):
    assert client_of(user_a).get("/imports/areas/").status_code == 403


def test_the_command_line_export_writes_everything_and_is_audited(tmp_path, capsys):
    path = tmp_path / "areas.xlsx"
    assert cli(["export", "areas", str(path)]) == 0
    rows = list(load_workbook(path, read_only=True).worksheets[0].iter_rows(values_only=True))
    assert rows[0][0] == "区划代码"
    assert len(rows) - 1 == Area.objects.count()
    event = AuditEvent.objects.get(action="export.areas")
    assert event.after["rows"] == Area.objects.count() and event.actor_label == "system"


def test_csv_export_from_the_command_line_is_utf8_with_bom(tmp_path):
    path = tmp_path / "areas.csv"
    assert cli(["export", "areas", str(path)]) == 0
    assert path.read_bytes().startswith("\ufeff区划代码".encode())
