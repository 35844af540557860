"""Imports of volunteers (keyed by the ID number's blind index) and hours."""

from __future__ import annotations

import csv
import datetime as dt
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


# --- large files: chunked validation and writing (issue 5) -----------------------------------


@pytest.fixture
def small_chunks(monkeypatch):
    """Chunks of two rows, so a handful of rows crosses several chunk boundaries."""
    from gongzhi.volunteers.importers import VolunteerImporter

    monkeypatch.setattr(VolunteerImporter, "chunk_size", 2)


def _rows(n, start=900, **over):
    return [
        [
            over.get("name", f"志愿者{i}"),
            f.id_number(start + i),
            f"139{start + i:08d}",
            "430405000000",
            over.get("registered_on", "2021-05-01"),
            over.get("skills", "摄影"),
        ]
        for i in range(n)
    ]


def test_a_duplicate_in_a_later_chunk_rolls_back_the_chunks_already_written(small_chunks):
    rows = _rows(5)
    rows.append(["重复", rows[0][1], "13900009999", "430405000000", "", ""])
    result = _import("volunteers", _csv(rows))
    assert result.summary() == "rows=6 inserted=0 updated=0 unchanged=5 rejected=1"
    assert (
        not result.committed and result.errors[0].row == 7 and "第 2 行" in result.errors[0].reason
    )
    assert Volunteer.objects.count() == 0
    from gongzhi.core.models import ImportRun

    run = ImportRun.objects.get(pk=result.run_id)
    assert not run.committed and run.rejected == 1


def test_every_bad_row_is_reported_even_after_the_first_stops_the_writing(small_chunks):
    rows = _rows(6)
    rows[1][2] = "123"  # bad phone in the first chunk
    rows[5][3] = "999999999999"  # unknown area in the last chunk
    result = _import("volunteers", _csv(rows))
    assert {(e.row, e.column) for e in result.errors} == {(3, "手机号码"), (7, "居住地区划代码")}
    assert result.rejected == 2 and Volunteer.objects.count() == 0


def test_numbers_are_unique_valid_and_consecutive_per_county_and_year_across_chunks(small_chunks):
    from gongzhi.volunteers.keys import is_valid_number

    f.volunteer(registered_on=dt.date(2021, 1, 1))  # one number of V43040521 already out
    rows = _rows(5) + _rows(2, start=950, registered_on="2022-03-01")
    assert _import("volunteers", _csv(rows)).inserted == 7
    numbers = sorted(Volunteer.objects.values_list("number", flat=True))
    assert all(is_valid_number(n) for n in numbers)
    assert [n[:-1] for n in numbers] == [
        *(f"V43040521{seq:07d}" for seq in range(1, 7)),
        *(f"V43040522{seq:07d}" for seq in range(1, 3)),
    ]


def test_imported_personal_data_is_encrypted_at_rest_and_found_by_its_blind_index(small_chunks):
    from django.db import connection

    from gongzhi.core import pii

    rows = _rows(3)
    _import("volunteers", _csv(rows))
    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number, phone, skills FROM volunteers_volunteer")
        stored = cursor.fetchall()
    assert all(idn.startswith("v1:") and phone.startswith("v1:") for idn, phone, _s in stored)
    assert not any(rows[0][1] in str(row) for row in stored)
    v = Volunteer.objects.get(id_number_bidx=pii.blind_index(rows[0][1], kind="id_number"))
    assert (v.id_number, v.phone, v.skills, v.gender) == (rows[0][1], rows[0][2], ["摄影"], "M")
    from gongzhi.volunteers import rules_config

    assert (v.name_pinyin, v.name_initials) == ("zhiyuanzhe", "zyz")
    assert v.consent_version == rules_config.current().consent_version and v.consent_on
    assert v.birth_date == dt.date(1990, 1, 1) and v.registered_on == dt.date(2021, 5, 1)


def test_a_re_import_writes_only_what_changed_row_by_row(small_chunks):
    rows = _rows(4)
    _import("volunteers", _csv(rows))
    before = {v.id_number: v for v in Volunteer.objects.all()}
    rows[0][2] = "13800000000"  # a new phone
    rows[2][5] = "驾驶，急救"  # new skills
    rows[3][5] = ""  # a blank cell keeps the recorded skills
    result = _import("volunteers", _csv(rows))
    assert result.summary() == "rows=4 inserted=0 updated=2 unchanged=2 rejected=0"
    after = {v.id_number: v for v in Volunteer.objects.all()}
    first, third, fourth = (after[rows[i][1]] for i in (0, 2, 3))
    assert (first.phone, first.phone_last4, first.skills) == ("13800000000", "0000", ["摄影"])
    assert third.skills == ["驾驶", "急救"] and third.phone == rows[2][2]
    assert fourth.skills == ["摄影"]
    for idn, v in after.items():
        assert (v.number, v.name_pinyin) == (before[idn].number, before[idn].name_pinyin)


def test_a_gbk_csv_from_chinese_excel_imports():
    raw = _csv(_rows(2)).decode("utf-8").encode("gbk")
    assert (
        _import("volunteers", raw).summary() == "rows=2 inserted=2 updated=0 unchanged=0 rejected=0"
    )


def test_an_xlsx_file_imports_like_the_same_csv():
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(HEAD)
    for row in _rows(3):
        ws.append([*row[:4], dt.date(2021, 5, 1), row[5]])
    buf = io.BytesIO()
    wb.save(buf)
    result = run_import(
        registry.importer("volunteers")(), name="v.xlsx", raw=buf.getvalue(), actor="cli"
    )
    assert result.summary() == "rows=3 inserted=3 updated=0 unchanged=0 rejected=0"
    assert set(Volunteer.objects.values_list("registered_on", flat=True)) == {dt.date(2021, 5, 1)}


def test_imported_approved_hours_and_home_moves_keep_the_star_summary_equal_to_the_ledger():
    from gongzhi.volunteers import figures, stars

    v = f.volunteer(id_number=f.id_number(811), registered_on=dt.date(2020, 1, 1))
    t = f.team()
    head = ["志愿者编号", "队伍编号", "服务日期", "服务时长（小时）", "服务内容", "审核状态"]
    rows = [[v.number, t.code, f"2024-0{m}-01", "24", "助老", "已认定"] for m in range(1, 6)]
    assert _import("hours", _csv(rows, head)).inserted == 5
    # 96 hours by April, 120 with the May entry: the first star (100 hours) came on May 1.
    assert figures.star_distribution(as_of=dt.date(2024, 4, 30))[1] == 0
    assert figures.star_distribution(as_of=dt.date(2024, 5, 1), area_prefix="430405")[1] == 1
    moved = [[v.name, v.id_number, v.phone, "430406000000", "2020-01-01", ""]]
    assert _import("volunteers", _csv(moved)).updated == 1
    assert figures.star_distribution(as_of=dt.date(2024, 6, 1), area_prefix="430405")[1] == 0
    assert figures.star_distribution(as_of=dt.date(2024, 6, 1), area_prefix="430406")[1] == 1
    maintained = stars.snapshot()
    stars.rebuild()
    assert stars.snapshot() == maintained


def test_look_ups_by_id_number_use_the_unique_index_not_a_table_scan():
    """The unique index is partial (blank ID numbers allowed): SQLite uses it only when the
    query repeats its condition, PostgreSQL not for IN lists over 100 values."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    rows = _rows(3)
    _import("volunteers", _csv(rows))
    with CaptureQueriesContext(connection) as ctx:
        _import("volunteers", _csv(rows))
        f.volunteer(id_number=f.id_number(990))
    lookups = [
        q["sql"]
        for q in ctx.captured_queries
        if q["sql"].startswith("SELECT")
        and ('"id_number_bidx" IN' in q["sql"] or '"id_number_bidx" = ' in q["sql"])
    ]
    assert len(lookups) >= 2
    for sql in lookups:
        assert 'NOT ("volunteers_volunteer"."id_number_bidx" = ' in sql
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                cursor.execute(f"EXPLAIN QUERY PLAN {sql}")
                plan = " ".join(str(row[-1]) for row in cursor.fetchall())
            assert "volunteer_unique_id_number" in plan and "SCAN volunteers_volunteer" not in plan
