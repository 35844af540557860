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


def test_an_xlsx_export_goes_on_in_a_new_sheet_with_the_header_when_a_sheet_is_full(tmp_path):
    # Excel's sheet holds 1,048,576 rows; the limit is a parameter so a small one shows it.
    from gongzhi.core import registry
    from gongzhi.core.exports import export_to_file, read_back
    from gongzhi.core.scope import SystemUser

    exporter = registry.exporter("areas")()
    total = Area.objects.count()
    assert total > 6
    path = tmp_path / "areas.xlsx"
    assert export_to_file(exporter, SystemUser(), path, system=True, sheet_rows=4) == total
    wb = load_workbook(path, read_only=True)
    sheets = [list(ws.iter_rows(values_only=True)) for ws in wb.worksheets]
    assert len(sheets) == -(-total // 3)
    assert wb.sheetnames[:3] == ["区划单位", "区划单位 (2)", "区划单位 (3)"]
    assert all(rows[0] == sheets[0][0] for rows in sheets)
    assert all(len(rows) == 4 for rows in sheets[:-1])
    data = [list(row) for rows in sheets for row in rows[1:]]
    assert [r[0] for r in data] == list(
        Area.objects.order_by("code").values_list("code", flat=True)
    )
    assert read_back(path.read_bytes())[1:] == data
    assert AuditEvent.objects.get(action="export.areas").after["rows"] == total


def test_an_export_that_fills_its_sheet_exactly_writes_no_empty_sheet(tmp_path):
    from gongzhi.core.xlsx import write_workbook

    path = tmp_path / "exact.xlsx"
    assert write_workbook(path, title="t", header=["a"], rows=[[1], [2]], sheet_rows=3) == 2
    assert load_workbook(path, read_only=True).sheetnames == ["t"]
    path = tmp_path / "empty.xlsx"
    assert write_workbook(path, title="t", header=["a"], rows=[], sheet_rows=3) == 0
    wb = load_workbook(path, read_only=True)
    assert [list(r) for r in wb.worksheets[0].iter_rows(values_only=True)] == [["a"]]


def test_the_xlsx_writer_keeps_types_and_text_as_openpyxl_reads_them(tmp_path):
    import datetime as dt
    from decimal import Decimal

    from django.db import models

    from gongzhi.core.xlsx import write_workbook

    class Level(models.IntegerChoices):
        HIGH = 3

    class Kind(models.TextChoices):
        TEAM = "team"

    path = tmp_path / "types.xlsx"
    rows = [
        ["a & b <c>", " 前后空格 ", 7, 2.5, Decimal("3.25"), True, dt.date(2020, 12, 31)],
        ["ctrl\x01\x1fchar", "", None, -1, 0.1, False, dt.datetime(2020, 1, 2, 3, 4, 5)],
        [Level.HIGH, Kind.TEAM, float("nan")],
    ]
    assert write_workbook(path, title="类型: [1]", header=list("ABCDEFG"), rows=rows) == 3
    wb = load_workbook(path)  # the full reader validates more than read_only does
    ws = wb.worksheets[0]
    assert wb.sheetnames == ["类型_ _1_"]
    got = [list(r) for r in ws.iter_rows(values_only=True)]
    assert got[1] == ["a & b <c>", " 前后空格 ", 7, 2.5, 3.25, True, dt.datetime(2020, 12, 31)]
    assert got[2] == ["ctrlchar", None, None, -1, 0.1, False, dt.datetime(2020, 1, 2, 3, 4, 5)]
    assert got[3][:3] == [3, "team", "nan"]
    assert ws["G2"].is_date and ws["G2"].number_format == "yyyy-mm-dd"


def test_a_long_title_leaves_room_for_the_sheet_number():
    from gongzhi.core.xlsx import sheet_title

    assert sheet_title("志" * 40, 1) == "志" * 31
    assert sheet_title("志" * 40, 12) == "志" * 26 + " (12)"


class _Events:
    """An exporter of audit events by field columns (core knows no domain model to use)."""

    @staticmethod
    def make(columns, distinct):
        from gongzhi.core.exports import Exporter

        class Events(Exporter):
            kind = "events"
            label = "events"

            def queryset(self, user):
                qs = AuditEvent.objects.filter(action="test.same").order_by("action")
                # DISTINCT as core.scope.restrict makes it for a scope over a relation
                if distinct == "list":  # the instance path (party exporters return lists)
                    return list(qs.order_by("pk"))
                return qs.distinct() if distinct else qs.order_by("pk")

        Events.columns = columns
        return Events()


def test_field_columns_keep_two_records_with_the_same_cells_under_a_distinct_scope():
    from gongzhi.core import audit
    from gongzhi.core.exports import ExportColumn, _data

    for _ in range(2):
        audit.record(actor="system", action="test.same", object_type="t")
    exporter = _Events.make([ExportColumn("动作", field="action")], distinct=True)
    assert list(_data(exporter, None, reveal=False)) == [["test.same"], ["test.same"]]


def test_field_columns_show_times_as_local_wall_time():
    import datetime as dt

    from django.utils import timezone

    from gongzhi.core import audit
    from gongzhi.core.exports import ExportColumn, _data

    audit.record(actor="system", action="test.same", object_type="t")
    exporter = _Events.make([ExportColumn("时间", field="at")], distinct=False)
    [[shown]] = list(_data(exporter, None, reveal=False))
    at = AuditEvent.objects.get(action="test.same").at
    assert shown == timezone.localtime(at).replace(tzinfo=None) and shown.tzinfo is None
    assert timezone.localtime(at).utcoffset() == dt.timedelta(hours=8)


def test_field_columns_give_the_same_cells_from_instances_as_from_tuples(make_user):
    from gongzhi.core import audit
    from gongzhi.core.exports import ExportColumn, _data

    audit.record(actor=make_user("city_admin", "430400000000"), action="test.same")
    audit.record(actor="system", action="test.same", result="denied")
    columns = [
        ExportColumn("动作", field="action"),
        ExportColumn("结果", field="result", choices=AuditEvent.Result),
        ExportColumn("操作人", field="actor__username"),
        ExportColumn("时间", field="at"),
    ]
    tuples = list(_data(_Events.make(columns, distinct=False), None, reveal=False))
    instances = list(_data(_Events.make(columns, distinct="list"), None, reveal=False))
    assert [["" if c is None else c for c in r] for r in tuples] == instances
    assert [r[1] for r in instances] == ["成功", "拒绝"] and instances[1][2] == ""
