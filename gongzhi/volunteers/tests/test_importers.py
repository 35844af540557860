"""Imports of volunteers (keyed by the ID number's blind index) and hours."""

from __future__ import annotations

import csv
import io

import pytest

from gongzhi.core import registry
from gongzhi.core.imports import run_import
from gongzhi.volunteers.models import HoursEntry, Volunteer
from gongzhi.volunteers.tests import factories as f

pytestmark = pytest.mark.django_db
HEAD = ["姓名", "身份证号码", "手机号码", "居住地区划代码", "注册日期", "特长技能"]


def _csv(rows, head=HEAD) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(head)
    w.writerows(rows)
    return buf.getvalue().encode("utf-8")


def _import(kind, raw, actor="cli"):
    return run_import(registry.importer(kind)(), name="x.csv", raw=raw, actor=actor)


def test_it_rejects_a_file_with_the_same_id_number_twice_and_writes_nothing():
    a = f.id_number(501)
    raw = _csv(
        [
            ["张三", a, "13900000001", "430405000000", "2020-01-01", "摄影"],
            ["李四", f.id_number(502), "13900000002", "430405000000", "", ""],
            ["张三丰", a.lower(), "13900000003", "430405000000", "", ""],
        ]
    )
    result = _import("volunteers", raw)
    assert result.summary() == "rows=3 inserted=0 updated=0 unchanged=2 rejected=1"
    err = result.errors[0]
    assert err.row == 4 and "重复" in err.reason and err.column == "身份证号码"
    assert a not in err.value  # masked in the report
    assert Volunteer.objects.count() == 0


def test_it_imports_then_updates_by_the_blind_index_and_changes_nothing_on_a_repeat():
    rows = [["张三", f.id_number(601), "13900000001", "430405000000", "2020-01-01", "摄影,驾驶"]]
    assert (
        _import("volunteers", _csv(rows)).summary()
        == "rows=1 inserted=1 updated=0 unchanged=0 rejected=0"
    )
    v = Volunteer.objects.get()
    assert v.name_pinyin == "zhangsan" and v.phone_last4 == "0001" and v.skills == ["摄影", "驾驶"]
    assert v.number.startswith("V43040520") and v.gender == "F"  # sequence 602 is even
    assert _import("volunteers", _csv(rows)).summary().endswith("unchanged=1 rejected=0")
    rows[0][0], rows[0][2] = "张叁", "13911112222"
    assert (
        _import("volunteers", _csv(rows)).summary()
        == "rows=1 inserted=0 updated=1 unchanged=0 rejected=0"
    )
    v = Volunteer.objects.get()
    assert (v.name, v.phone, v.phone_last4, v.id_number) == (
        "张叁",
        "13911112222",
        "2222",
        f.id_number(601),
    )


def test_it_names_the_row_and_column_of_bad_cells_and_out_of_scope_areas(user_a):
    raw = _csv(
        [
            ["张三", "110101199001011234", "13900000001", "430405000000", "", ""],
            ["李四", f.id_number(701), "1234", "430405000000", "", ""],
            ["王五", f.id_number(702), "13900000003", "430406000000", "", ""],
        ]
    )
    result = _import("volunteers", raw, actor=user_a)
    got = {(e.row, e.column) for e in result.errors}
    assert got == {(2, "身份证号码"), (3, "手机号码"), (4, "居住地区划代码")}
    assert Volunteer.objects.count() == 0


def test_hours_import_by_number_or_id_number_is_idempotent_and_approved_rows_update_totals():
    v = f.volunteer(id_number=f.id_number(801))
    t = f.team()
    head = [
        "志愿者编号",
        "身份证号码",
        "队伍编号",
        "服务日期",
        "服务时长（小时）",
        "服务内容",
        "审核状态",
    ]
    raw = _csv(
        [
            [v.number, "", t.code, "2024-03-01", "2.5", "助老", "已认定"],
            ["", f.id_number(801), t.code, "2024-03-02", "1", "助残", "待审核"],
        ],
        head,
    )
    result = _import("hours", raw)
    assert result.summary() == "rows=2 inserted=2 updated=0 unchanged=0 rejected=0"
    v.refresh_from_db()
    assert v.approved_minutes == 150
    assert HoursEntry.objects.filter(source="import", status="pending").count() == 1
    assert _import("hours", raw).summary() == "rows=2 inserted=0 updated=0 unchanged=2 rejected=0"


def test_hours_import_rejects_duplicate_rows_and_unknown_volunteers():
    t = f.team()
    v = f.volunteer()
    head = ["志愿者编号", "队伍编号", "服务日期", "服务时长（小时）", "服务内容"]
    raw = _csv(
        [
            [v.number, t.code, "2024-03-01", "2", "助老"],
            [v.number, t.code, "2024-03-01", "2", "助老"],
            ["V0000000000000000", t.code, "2024-03-01", "30", "助老"],
        ],
        head,
    )
    result = _import("hours", raw)
    assert result.rejected == 2 and HoursEntry.objects.count() == 0
    reasons = {e.row: e.reason for e in result.errors}
    assert "重复" in reasons[3] and 4 in reasons
