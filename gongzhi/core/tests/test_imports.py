"""The import framework, exercised through the areas importer (units below county level)."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import Workbook, load_workbook

from gongzhi.areas.importers import AreaImporter
from gongzhi.areas.models import Area
from gongzhi.cli import main as cli
from gongzhi.core.imports import run_import, write_template
from gongzhi.core.models import ImportRun

pytestmark = pytest.mark.django_db

HEADER = ["区划代码", "名称", "层级", "上级代码", "虚构"]
GOOD = [
    ["430405101000", "测试街道", "街道/乡镇", "430405000000", "是"],
    ["430405101001", "测试社区", "社区/村", "430405101000", "是"],
    ["430405101001001", "测试小区", "小区", "430405101001", "是"],
]


def _xlsx(rows: list[list[str]], header: list[str] = HEADER) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(header)
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _run(raw: bytes, name: str = "units.xlsx"):
    return run_import(AreaImporter(), name=name, raw=raw, actor="test")


def test_a_good_file_commits_every_row_and_accounts_for_it():
    result = _run(_xlsx(GOOD))
    assert result.committed and not result.errors
    assert (result.rows, result.inserted, result.updated, result.unchanged, result.rejected) == (
        3,
        3,
        0,
        0,
        0,
    )
    assert Area.objects.get(code="430405101001001").parent.code == "430405101001"
    run = ImportRun.objects.get(pk=result.run_id)
    assert run.rows == run.inserted + run.updated + run.unchanged + run.rejected


def test_one_bad_row_among_good_ones_writes_nothing_and_names_the_row():
    rows = GOOD[:1] + [["430405101002", "坏社区", "社区/村", "430499000000", "是"]] + GOOD[1:]
    result = _run(_xlsx(rows))
    assert not result.committed
    assert result.rejected == 1 and result.rows == 4
    assert result.rows == result.inserted + result.updated + result.unchanged + result.rejected
    (error,) = result.errors
    assert (error.row, error.column) == (3, "上级代码")
    assert "上级单位不存在" in error.reason
    assert not Area.objects.filter(code__startswith="430405101").exists()


def test_importing_the_same_file_twice_changes_nothing_the_second_time():
    raw = _xlsx(GOOD)
    _run(raw)
    again = _run(raw)
    assert again.committed and (again.inserted, again.updated, again.unchanged) == (0, 0, 3)
    assert again.same_file_as is not None


def test_a_changed_name_updates_only_that_row():
    _run(_xlsx(GOOD))
    changed = [GOOD[0], [GOOD[1][0], "改名社区", *GOOD[1][2:]], GOOD[2]]
    result = _run(_xlsx(changed))
    assert (result.inserted, result.updated, result.unchanged) == (0, 1, 2)
    assert Area.objects.get(code=GOOD[1][0]).name == "改名社区"


def test_a_gbk_csv_with_traditional_headers_imports():
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(["區劃代碼", "名稱", "層級", "上級代碼", "虛構"])
    writer.writerow(["430405102000", "繁體街道", "街道/鄉鎮", "430405000000", "是"])
    result = _run(buf.getvalue().encode("gbk"), "units.csv")
    assert result.committed, result.errors
    assert Area.objects.get(code="430405102000").name == "繁體街道"


def test_a_utf8_csv_with_bom_imports():
    text = "\ufeff" + ",".join(HEADER) + "\n" + ",".join(GOOD[0]) + "\n"
    assert _run(text.encode("utf-8"), "units.csv").inserted == 1


def test_duplicate_keys_in_one_file_are_rejected_with_the_first_row_named():
    result = _run(_xlsx([GOOD[0], GOOD[0]]))
    assert result.rejected == 1 and "第 2 行" in result.errors[0].reason
    assert result.errors[0].row == 3


def test_a_missing_required_column_rejects_every_row():
    result = _run(_xlsx([r[:2] for r in GOOD], header=HEADER[:2]))
    assert not result.committed and result.rejected == 3 and result.rows == 3
    assert "层级" in result.errors[0].column


def test_a_file_that_is_not_a_spreadsheet_is_refused_clearly():
    result = _run(b"not a zip", "units.xlsx")
    assert not result.committed and "无法读取" in result.errors[0].reason


def test_a_file_damaged_after_some_rows_writes_nothing_and_says_where_it_broke():
    import zipfile

    raw = _xlsx(GOOD)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(raw)) as src, zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                # Cut inside the last row's cells: the XML ends unclosed.
                data = data[: data.index(b"430405101001001")]
            dst.writestr(item, data)
    result = _run(out.getvalue())
    assert not result.committed and Area.objects.filter(code__startswith="430405101").count() == 0
    assert result.errors[-1].row == 4 and "无法读取" in result.errors[-1].reason
    assert result.rows == result.inserted + result.updated + result.unchanged + result.rejected


def test_the_command_line_exits_1_writes_nothing_and_reports_beside_the_file(tmp_path, capsys):
    bad = tmp_path / "units.xlsx"
    bad.write_bytes(_xlsx([GOOD[0], ["43040510", "x", "社区/村", "430405101000", ""]]))
    assert cli(["import", "areas", str(bad)]) == 1
    out = capsys.readouterr().out.strip().splitlines()
    assert out[-1] == "rows=2 inserted=0 updated=0 unchanged=1 rejected=1"
    report = load_workbook(tmp_path / "units.errors.xlsx", read_only=True)
    rows = list(report.worksheets[0].iter_rows(values_only=True))
    assert rows[1][0] == 3 and "位数字" in rows[1][3]
    assert not Area.objects.filter(code="430405101000").exists()
    good = tmp_path / "good.xlsx"
    good.write_bytes(_xlsx(GOOD))
    assert cli(["import", "areas", str(good)]) == 0
    assert (
        capsys.readouterr().out.strip().splitlines()[-1]
        == "rows=3 inserted=3 updated=0 unchanged=0 rejected=0"
    )


def test_the_template_has_the_chinese_headers_with_required_marks(tmp_path):
    path = tmp_path / "t.xlsx"
    write_template(AreaImporter(), path)
    header = next(load_workbook(path, read_only=True).worksheets[0].iter_rows(values_only=True))
    assert header[:4] == ("区划代码*", "名称*", "层级*", "上级代码*")


def test_users_import_creates_accounts_with_their_role_in_the_unit(tmp_path):
    from gongzhi.accounts.importers import UserImporter
    from gongzhi.accounts.models import User

    raw = _xlsx(
        [
            ["wang", "王工", "区县管理员", "430405000000", "Wang#2026x"],
            ["li", "李工", "街道管理员", "430406000000", ""],
        ],
        header=["用户名", "姓名", "角色", "单位区划代码", "初始密码"],
    )
    result = run_import(UserImporter(), name="u.xlsx", raw=raw, actor="test")
    assert result.committed, result.errors
    wang = User.objects.get(username="wang")
    assert wang.check_password("Wang#2026x") and wang.get_scope().area_prefixes == ("430405",)
    assert not User.objects.get(username="li").has_usable_password()
