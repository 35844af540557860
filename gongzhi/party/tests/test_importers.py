"""Imports of Party organisations and members (members keyed by the ID number's blind index)."""

from __future__ import annotations

import datetime as dt

from gongzhi.core import registry
from gongzhi.core.imports import run_import
from gongzhi.party.models import PartyMember, PartyOrg
from gongzhi.party.tests import helpers

D = dt.date


def _csv(rows: list[list[str]]) -> bytes:
    return "\n".join(",".join(r) for r in rows).encode("utf-8")


ORG_HEADER = [
    "名称",
    "类型",
    "组建方式",
    "所在区划代码",
    "覆盖社会组织信用代码",
    "成立日期",
    "上级党组织",
]


def _import(kind: str, rows: list[list[str]], actor="test"):
    return run_import(registry.importer(kind)(), name="x.csv", raw=_csv(rows), actor=actor)


def test_party_orgs_import_with_coverage_and_parents_and_reimport_changes_nothing():
    a, b, c = (
        helpers.social_org(credit_code=code)
        for code in ("51430405MJA000001A", "51430405MJA000002B", "51430405MJA000003C")
    )
    rows = [
        ORG_HEADER,
        [
            "联合党支部甲",
            "联合党支部",
            "联合组建",
            "430405001001",
            f"{a.credit_code};{b.credit_code}",
            "2020-01-01",
            "党委乙",
        ],
        ["党委乙", "基层党委", "行业组建", "430405001000", "", "2019-01-01", ""],
    ]
    result = _import("party-orgs", rows)
    assert result.committed, result.errors
    assert (result.inserted, result.updated, result.unchanged) == (2, 0, 0)
    joint = PartyOrg.objects.get(name="联合党支部甲")
    assert joint.parent.name == "党委乙"
    assert joint.area_code == "430405001001"
    assert joint.election_due_on == D(2023, 1, 1)
    assert set(joint.coverages.values_list("org_id", flat=True)) == {a.pk, b.pk}
    again = _import("party-orgs", rows)
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 2)
    rows[1][4] = f"{a.credit_code};{c.credit_code}"
    changed = _import("party-orgs", rows)
    assert (changed.inserted, changed.updated, changed.unchanged) == (0, 1, 1)
    assert set(joint.coverages.filter(ended_on__isnull=True).values_list("org_id", flat=True)) == {
        a.pk,
        c.pk,
    }


def test_a_joint_branch_of_six_units_and_an_unknown_area_are_rejected_whole():
    codes = [f"51430405MJA0000{i:02d}X" for i in range(6)]
    for code in codes:
        helpers.social_org(credit_code=code)
    result = _import(
        "party-orgs",
        [
            ORG_HEADER,
            [
                "六家联合",
                "联合党支部",
                "联合组建",
                "430405001001",
                ";".join(codes),
                "2020-01-01",
                "",
            ],
            ["无区划", "党支部", "单独组建", "999999999999", "", "2020-01-01", ""],
            ["好的一行", "党支部", "单独组建", "430405001001", "", "2020-01-01", ""],
        ],
    )
    assert not result.committed
    assert {(e.row, e.column) for e in result.errors} == {
        (2, "覆盖社会组织信用代码"),
        (3, "所在区划代码"),
    }
    assert not PartyOrg.objects.exists()


def test_a_district_user_cannot_import_into_another_district(user_a):
    result = _import(
        "party-orgs",
        [ORG_HEADER, ["越界党支部", "党支部", "单独组建", "430406001001", "", "2020-01-01", ""]],
        actor=user_a,
    )
    assert not result.committed
    assert result.errors[0].reason == "不在您的管辖范围内"


MEMBER_HEADER = [
    "姓名",
    "公民身份号码",
    "党员状态",
    "入党日期",
    "转正日期",
    "所在党组织",
    "联系电话",
]


def test_members_import_keyed_by_the_id_number_blind_index():
    org = helpers.party_org(name="导入党支部")
    n1, n2 = helpers.id_number(), helpers.id_number(D(1990, 2, 3))
    rows = [
        MEMBER_HEADER,
        ["张三", n1, "正式党员", "2015-07-01", "2016-07-01", "导入党支部", "13812345678"],
        ["李四", n2.lower(), "预备党员", "2025-01-01", "", "导入党支部", ""],
    ]
    result = _import("party-members", rows)
    assert result.committed, result.errors
    assert result.inserted == 2
    li = PartyMember.objects.get(name="李四")
    assert li.id_number == n2.upper() and li.birth_date == D(1990, 2, 3)
    assert li.area_code == org.area_code and li.probation_ends_on == D(2026, 1, 1)
    again = _import("party-members", rows)
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 2)
    rows[2][0] = "李四（改）"
    assert _import("party-members", rows).updated == 1
    assert PartyMember.objects.get(pk=li.pk).name == "李四（改）"


def test_member_rows_with_bad_values_are_reported_with_masked_numbers():
    helpers.party_org(name="导入党支部")
    good = helpers.id_number()
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    result = _import(
        "party-members",
        [
            MEMBER_HEADER,
            ["甲", bad, "正式党员", "2015-07-01", "2016-07-01", "导入党支部", ""],
            ["乙", good, "正式党员", "2015-07-01", "", "导入党支部", ""],
            ["丙", helpers.id_number(), "预备党员", "2025-01-01", "", "没有这个党支部", ""],
        ],
    )
    assert not result.committed
    errors = {(e.row, e.column): e for e in result.errors}
    assert set(errors) == {(2, "公民身份号码"), (3, "转正日期"), (4, "所在党组织")}
    assert "*" in errors[(2, "公民身份号码")].value and bad not in errors[(2, "公民身份号码")].value
    assert not PartyMember.objects.exists()
