"""`gongzhi import orgs` / `annual-reports`: all or nothing, every row accounted for."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest

from gongzhi.core import registry
from gongzhi.core.exports import export_to_file
from gongzhi.core.imports import run_import
from gongzhi.orgs.codes import make_credit_code
from gongzhi.orgs.models import AnnualReport, OrgChange, SocialOrg
from gongzhi.orgs.tests.factories import make_org

pytestmark = pytest.mark.django_db
HEADER = [
    "统一社会信用代码",
    "名称",
    "类型",
    "社区社会组织类别",
    "登记管理机关代码",
    "住所地区划代码",
    "登记日期",
    "行业领域",
    "法定代表人电话",
]


def _row(
    serial: int,
    *,
    name: str | None = None,
    kind: str = "社会团体",
    community: str = "430405001001",
    authority: str = "430405000000",
    registered: str = "2018-03-01",
    industry: str = "文化",
    code: str | None = None,
) -> list[str]:
    kind_key = {
        "社会团体": "social_group",
        "社会服务机构": "service_org",
        "基金会": "foundation",
    }.get(kind, "social_group")
    return [
        code or make_credit_code(kind_key, authority, serial),
        name or f"导入测试{serial}协会",
        kind,
        "",
        authority,
        community,
        registered,
        industry,
        "13800001111",
    ]


def _csv(rows: list[list[str]], encoding: str = "utf-8-sig") -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(HEADER)
    writer.writerows(rows)
    return buf.getvalue().encode(encoding)


def _import(raw: bytes, actor: object = "cli", kind: str = "orgs", name: str = "orgs.csv"):
    return run_import(registry.importer(kind)(), name=name, raw=raw, actor=actor)


def test_a_clean_file_imports_with_search_keys_and_a_reimport_changes_nothing(street_areas):
    raw = _csv([_row(i) for i in range(1, 6)])
    first = _import(raw)
    assert first.summary() == "rows=5 inserted=5 updated=0 unchanged=0 rejected=0"
    org = SocialOrg.objects.get(name="导入测试1协会")
    assert org.name_initials == "drcsxh" and org.area_code == "430405001001"
    assert org.registration_level == "county" and org.legal_rep_phone == "13800001111"
    again = _import(raw)
    assert again.summary() == "rows=5 inserted=0 updated=0 unchanged=5 rejected=0"
    assert again.same_file_as == first.run_id


def test_imported_and_renamed_organisations_are_found_from_the_middle_of_their_name(
    street_areas, city_user
):
    from gongzhi.orgs import selectors

    _import(_csv([_row(1, name="衡阳市社会工作协会"), _row(2, name="衡阳市书法家协会")]))
    found = selectors.org_list(user=city_user, q="shehuigongzuo")
    assert [o.name for o in found] == ["衡阳市社会工作协会"]
    _import(_csv([_row(1, name="衡阳市社会工作者协会"), _row(2, name="衡阳市书法家协会")]))
    assert [o.name for o in selectors.org_list(user=city_user, q="gzzxh")] == [
        "衡阳市社会工作者协会"
    ]
    assert [o.name for o in selectors.org_list(user=city_user, q="书法")] == ["衡阳市书法家协会"]


def test_a_row_that_deregisters_an_organisation_keeps_the_change_on_its_date(street_areas):
    header = [*HEADER, "状态", "注销日期", "注销原因"]
    active = _row(1) + ["正常", "", ""]
    gone = _row(1) + ["撤销", "2022-04-01", "撤销登记"]

    def as_csv(row: list[str]) -> bytes:
        buf = io.StringIO()
        csv.writer(buf).writerows([header, row])
        return buf.getvalue().encode("utf-8-sig")

    _import(as_csv(active))
    assert _import(as_csv(gone)).summary() == "rows=1 inserted=0 updated=1 unchanged=0 rejected=0"
    change = OrgChange.objects.get()
    assert change.effective_on == dt.date(2022, 4, 1)
    assert change.before["status"] == "normal" and change.after == {
        "status": "revoked",
        "deregistered_on": "2022-04-01",
        "deregistration_reason": "撤销登记",
    }


def test_a_gbk_csv_as_chinese_excel_writes_it_imports(street_areas):
    result = _import(_csv([_row(1, name="珠晖区書法協會")], encoding="gbk"))
    assert result.committed
    assert SocialOrg.objects.get().name_simplified == "珠晖区书法协会"


def test_bad_rows_are_reported_with_row_column_and_reason_and_nothing_is_written(street_areas):
    good = _row(1)
    bad_code = _row(2)
    bad_code[0] = bad_code[0][:17] + ("0" if bad_code[0][17] != "0" else "1")
    wrong_kind = _row(3, kind="基金会", code=make_credit_code("social_group", "430405", 3))
    outside = _row(4, community="430406001001")
    no_area = _row(5, community="430405999999")
    bad_date = _row(6, registered="2018-02-30")
    result = _import(_csv([good, bad_code, wrong_kind, outside, no_area, bad_date]))
    assert not result.committed and SocialOrg.objects.count() == 0
    assert result.rows == 6 and result.rejected == 5 and result.unchanged == 1
    errors = {(e.row, e.column): e.reason for e in result.errors}
    assert "第18位" in errors[(3, "统一社会信用代码")]
    assert "第2位" in errors[(4, "统一社会信用代码")]
    assert "辖区内" in errors[(5, "住所地区划代码")]
    assert "不存在" in errors[(6, "住所地区划代码")]
    assert (7, "登记日期") in errors


def test_duplicate_codes_and_names_within_one_file_are_rejected(street_areas):
    first = _row(1)
    same_code = _row(2, code=first[0])
    same_name = _row(3, name=first[1])
    result = _import(_csv([first, same_code, same_name]))
    assert not result.committed and result.rejected == 2
    reasons = {e.row: e.reason for e in result.errors}
    assert "与第 2 行重复" in reasons[3]
    assert "同名" in reasons[4]


def test_a_changed_row_updates_the_organisation_and_keeps_the_change(street_areas):
    _import(_csv([_row(1), _row(2)]))
    result = _import(_csv([_row(1, industry="体育"), _row(2)]))
    assert result.summary() == "rows=2 inserted=0 updated=1 unchanged=1 rejected=0"
    change = OrgChange.objects.get()
    assert change.before == {"industry": "文化"} and change.after == {"industry": "体育"}


def test_a_district_user_cannot_import_into_another_district(street_areas, user_a):
    result = _import(
        _csv([_row(1), _row(2, community="430406001001", authority="430406000000")]), actor=user_a
    )
    assert not result.committed
    assert [e.row for e in result.errors] == [3]
    assert "无权" in result.errors[0].reason


def test_an_export_imports_back_unchanged(street_areas, tmp_path):
    make_org(
        street_areas["a"].code, industry="文化", legal_rep_phone="13900001111", founding_funds=10
    )
    make_org(street_areas["b"].code, kind="service_org")
    path = tmp_path / "orgs.xlsx"
    from gongzhi.core.scope import SystemUser

    export_to_file(registry.exporter("orgs")(), SystemUser(), path, reveal=True, system=True)
    result = _import(path.read_bytes(), name="orgs.xlsx")
    assert result.summary() == "rows=2 inserted=0 updated=0 unchanged=2 rejected=0", result.errors


def test_annual_reports_import_upserts_by_code_and_year(street_areas):
    org = make_org(street_areas["a"].code, registered_on=dt.date(2015, 1, 1))
    header = [
        "统一社会信用代码",
        "年度",
        "报送日期",
        "检查结论",
        "从业人员数",
        "持证社工数",
        "已建立党组织",
        "未建立党组织原因",
        "工会建立日期",
    ]
    rows = [
        [org.credit_code, "2020", "2021-03-01", "合格", "12", "2", "是", "", "2019-05-01"],
        [org.credit_code, "2021", "2022-03-01", "基本合格", "15", "3", "否", "党员不足3人", ""],
    ]

    def raw(rows):
        buf = io.StringIO()
        w = csv.writer(buf)
        w.writerow(header)
        w.writerows(rows)
        return buf.getvalue().encode()

    result = _import(raw(rows), kind="annual-reports", name="r.csv")
    assert result.summary() == "rows=2 inserted=2 updated=0 unchanged=0 rejected=0", result.errors
    r2020 = AnnualReport.objects.get(year=2020)
    assert r2020.has_union and r2020.union_on == dt.date(2019, 5, 1) and r2020.result == "qualified"
    assert _import(raw(rows), kind="annual-reports", name="r.csv").unchanged == 2
    bad = [
        [org.credit_code, "2014", "2015-03-01", "合格", "1", "0", "是", "", ""],
        ["514304055999999999", "2020", "2021-03-01", "合格", "1", "0", "是", "", ""],
        [org.credit_code, "2022", "2023-03-01", "合格", "1", "3", "是", "", ""],
        [org.credit_code, "2020", "2021-03-01", "合格", "1", "0", "是", "", ""],
        [org.credit_code, "2020", "2021-03-01", "合格", "1", "0", "是", "", ""],
    ]
    result = _import(raw(bad), kind="annual-reports", name="r.csv")
    assert not result.committed and result.rejected == 4
    columns = {e.row: e.column for e in result.errors}
    assert columns[2] == "年度" and columns[3] == "统一社会信用代码" and columns[4] == "持证社工数"
    assert AnnualReport.objects.get(year=2020).employees == 12


def test_the_cli_imports_and_prints_the_summary(street_areas, tmp_path, capsys):
    from gongzhi.cli import main

    path = tmp_path / "orgs.csv"
    path.write_bytes(_csv([_row(1)]))
    assert main(["import", "orgs", str(path)]) == 0
    assert (
        capsys.readouterr().out.strip().splitlines()[-1]
        == "rows=1 inserted=1 updated=0 unchanged=0 rejected=0"
    )


# --- community social organisations without a credit code (社区社会组织, 备案) -------------------

STREET_A = "430405001000"


def _filing(name: str, *, street: str = STREET_A, community: str = "430405001001", **kw):
    row = _row(0, name=name, kind="社区社会组织", community=community, authority=street, code="-")
    row[0] = kw.get("code", "")
    row[3] = kw.get("category", "公益慈善类")
    if "industry" in kw:
        row[7] = kw["industry"]
    return row


def test_community_filings_without_a_code_import_keyed_by_street_and_name(street_areas):
    rows = [
        _filing("阳光助老队"),
        _filing("夕阳红舞蹈队"),
        # The same name filed with another street is another organisation.
        _filing("阳光助老队", street="430406001000", community="430406001001"),
    ]
    first = _import(_csv(rows))
    assert first.summary() == "rows=3 inserted=3 updated=0 unchanged=0 rejected=0", first.errors
    assert SocialOrg.objects.filter(credit_code__isnull=True, kind="community").count() == 3
    again = _import(_csv(rows))
    assert again.summary() == "rows=3 inserted=0 updated=0 unchanged=3 rejected=0"
    # Traditional characters name the same filing; a changed cell updates it and is kept.
    rows[1] = _filing("夕陽紅舞蹈隊", industry="体育")
    changed = _import(_csv(rows))
    assert changed.summary() == "rows=3 inserted=0 updated=1 unchanged=2 rejected=0"
    org = SocialOrg.objects.get(name="夕陽紅舞蹈隊")
    assert org.industry == "体育" and org.credit_code is None
    assert OrgChange.objects.filter(org=org).count() == 1


def test_codeless_duplicates_within_one_file_are_rejected_and_nothing_is_written(street_areas):
    result = _import(_csv([_filing("阳光助老队"), _filing("陽光助老隊"), _filing("读书会")]))
    assert not result.committed and SocialOrg.objects.count() == 0
    assert result.summary() == "rows=3 inserted=0 updated=0 unchanged=2 rejected=1"
    (error,) = result.errors
    assert error.row == 3 and "与第 2 行重复" in error.reason
    assert error.column == "登记管理机关代码、名称"
    assert error.value == f"{STREET_A} / 阳光助老队"


def test_only_community_filings_may_leave_the_code_empty(street_areas):
    no_code = _row(1)
    no_code[0] = ""
    result = _import(_csv([_filing("阳光助老队"), no_code]))
    assert not result.committed and SocialOrg.objects.count() == 0
    (error,) = result.errors
    assert (error.row, error.column) == (3, "统一社会信用代码")
    assert "必须填写统一社会信用代码" in error.reason


def test_a_coded_row_gives_an_existing_codeless_filing_its_code(street_areas):
    filing = make_org(street_areas["a"].code, kind="community", name="阳光助老队")
    assert filing.credit_code is None
    code = make_credit_code("community", STREET_A, 77)
    result = _import(_csv([_filing("阳光助老队", code=code)]))
    assert result.summary() == "rows=1 inserted=0 updated=1 unchanged=0 rejected=0", result.errors
    filing.refresh_from_db()
    assert filing.credit_code == code and SocialOrg.objects.count() == 1


def test_a_codeless_row_cannot_shadow_a_coded_organisation_of_the_same_name(street_areas):
    code = make_credit_code("community", STREET_A, 78)
    make_org(street_areas["a"].code, kind="community", name="阳光助老队", credit_code=code)
    result = _import(_csv([_filing("阳光助老队")]))
    assert not result.committed and SocialOrg.objects.count() == 1
    (error,) = result.errors
    assert error.column == "统一社会信用代码" and code in error.reason


def test_a_deregistered_filing_and_its_active_namesake_stay_apart(street_areas):
    old = _filing("阳光助老队")
    old[6] = "2012-05-01"
    header = [*HEADER, "状态", "注销日期"]
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(header)
    writer.writerow([*old, "注销", "2016-01-01"])
    writer.writerow([*_filing("阳光助老队"), "", ""])
    raw = buf.getvalue().encode()
    # One file cannot carry both: (street, name) is the key.
    assert _import(raw).rejected == 1
    # Loaded apart, they are two records, and each re-import finds its own by its date.
    lines = buf.getvalue().splitlines()
    first = _import("\n".join(lines[:2]).encode())
    second = _import("\n".join([lines[0], lines[2]]).encode())
    assert (first.inserted, second.inserted) == (1, 1)
    assert _import("\n".join(lines[:2]).encode()).unchanged == 1
    assert _import("\n".join([lines[0], lines[2]]).encode()).unchanged == 1
    assert set(SocialOrg.objects.values_list("status", flat=True)) == {"normal", "deregistered"}
    # A deregistered row whose date fits neither namesake while an active one exists speaks
    # for the active filing (it is now deregistered): the import says so, in one update.
    later = old[:]
    later[6] = "2018-03-01"
    buf = io.StringIO()
    csv.writer(buf).writerows([header, [*later, "注销", "2024-01-01"]])
    assert _import(buf.getvalue().encode()).updated == 1
    # Two deregistered namesakes and a date that fits neither: which one is not guessed.
    other = old[:]
    other[6] = "2014-01-01"
    buf = io.StringIO()
    csv.writer(buf).writerows([header, [*other, "注销", "2024-02-01"]])
    ambiguous = _import(buf.getvalue().encode())
    assert not ambiguous.committed and "多个同名" in ambiguous.errors[0].reason


def test_an_export_with_codeless_filings_imports_back_unchanged(street_areas, tmp_path):
    make_org(street_areas["a"].code, kind="community", name="阳光助老队")
    make_org(street_areas["a"].code)
    path = tmp_path / "orgs.xlsx"
    from gongzhi.core.scope import SystemUser

    export_to_file(registry.exporter("orgs")(), SystemUser(), path, reveal=True, system=True)
    result = _import(path.read_bytes(), name="orgs.xlsx")
    assert result.summary() == "rows=2 inserted=0 updated=0 unchanged=2 rejected=0", result.errors
