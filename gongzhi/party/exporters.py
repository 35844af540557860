"""Exports of Party records (`gongzhi export party-orgs FILE`, and from the pages)."""

from __future__ import annotations

from typing import Any, ClassVar

from django.utils.translation import gettext_lazy

from gongzhi.core import registry
from gongzhi.core.exports import ExportColumn, Exporter
from gongzhi.party import selectors


@registry.register_exporter
class PartyOrgExporter(Exporter):
    kind = "party-orgs"
    label = gettext_lazy("党组织")
    columns: ClassVar[list[ExportColumn]] = [
        ExportColumn("名称", lambda o: o.name),
        ExportColumn("类型", lambda o: o.get_kind_display()),
        ExportColumn("组建方式", lambda o: o.get_built_by_display()),
        ExportColumn(
            "区域类型", lambda o: o.get_regional_kind_display() if o.regional_kind else ""
        ),
        ExportColumn("所在区划代码", lambda o: o.area_code),
        ExportColumn("所在区划", lambda o: o.area.name),
        ExportColumn("服务区域代码", lambda o: o.served_area.code if o.served_area_id else ""),
        ExportColumn("上级党组织", lambda o: o.parent.name if o.parent_id else ""),
        ExportColumn(
            "覆盖社会组织信用代码",
            lambda o: ";".join(
                c.org.credit_code or "" for c in o.coverages.all() if c.ended_on is None
            ),
        ),
        ExportColumn("成立日期", lambda o: o.established_on),
        ExportColumn("撤销日期", lambda o: o.dissolved_on),
        ExportColumn("本届任期开始", lambda o: o.term_started_on),
        ExportColumn("任期（年）", lambda o: o.term_years),
        ExportColumn("应换届日期", lambda o: o.election_due_on),
        ExportColumn("党员数", lambda o: o.member_count),
    ]

    def queryset(self, user: Any) -> Any:
        # Prefetched lists are dropped by .iterator() without a chunk size; a list keeps them.
        return list(
            selectors.party_org_list(user=user, include_dissolved=True).prefetch_related(
                "coverages__org"
            )
        )


@registry.register_exporter
class PartyMemberExporter(Exporter):
    kind = "party-members"
    label = gettext_lazy("党员")
    columns: ClassVar[list[ExportColumn]] = [
        ExportColumn("姓名", lambda m: m.name),
        ExportColumn("公民身份号码", lambda m: m.id_number, pii="id_number"),
        ExportColumn("性别", lambda m: m.get_gender_display() if m.gender else ""),
        ExportColumn("民族", lambda m: m.ethnicity),
        ExportColumn("出生日期", lambda m: m.birth_date),
        ExportColumn("联系电话", lambda m: m.phone, pii="phone"),
        ExportColumn("党员状态", lambda m: m.get_status_display()),
        ExportColumn("申请入党日期", lambda m: m.applied_on),
        ExportColumn("确定积极分子日期", lambda m: m.activist_on),
        ExportColumn("确定发展对象日期", lambda m: m.candidate_on),
        ExportColumn("入党日期", lambda m: m.admitted_on),
        ExportColumn("转正日期", lambda m: m.became_formal_on),
        ExportColumn("预备期满日期", lambda m: m.probation_ends_on),
        ExportColumn("所在党组织", lambda m: m.party_org.name if m.party_org_id else ""),
        ExportColumn("工作单位信用代码", lambda m: m.employer.credit_code if m.employer_id else ""),
        ExportColumn("工作单位", lambda m: m.employer.name if m.employer_id else ""),
        ExportColumn("加入日期", lambda m: m.joined_on),
        ExportColumn("离开日期", lambda m: m.left_on),
        ExportColumn("党费缴纳类别", lambda m: m.get_dues_category_display()),
    ]

    def queryset(self, user: Any) -> Any:
        return selectors.member_list(user=user, include_left=True)


@registry.register_exporter
class LifeRecordExporter(Exporter):
    kind = "party-life"
    label = gettext_lazy("组织生活")
    columns: ClassVar[list[ExportColumn]] = [
        ExportColumn("党组织", lambda r: r.party_org.name),
        ExportColumn("类型", lambda r: r.get_kind_display()),
        ExportColumn("日期", lambda r: r.held_on),
        ExportColumn("主题", lambda r: r.topic),
        ExportColumn("出席人数", lambda r: r.attendee_count),
        ExportColumn("有表决权党员数", lambda r: r.voting_members),
        ExportColumn("出席正式党员数", lambda r: r.voting_present),
        ExportColumn(
            "达到法定人数", lambda r: "" if r.quorate is None else ("是" if r.quorate else "否")
        ),
    ]

    def queryset(self, user: Any) -> Any:
        return selectors.life_record_list(user=user)


@registry.register_exporter
class DuesExporter(Exporter):
    kind = "party-dues"
    label = gettext_lazy("党费")
    columns: ClassVar[list[ExportColumn]] = [
        ExportColumn("月份", lambda p: p.month.strftime("%Y-%m")),
        ExportColumn("党员", lambda p: p.member.name),
        ExportColumn("党组织", lambda p: p.party_org.name),
        ExportColumn("计缴基数", lambda p: p.base),
        ExportColumn("适用档次", lambda p: p.bracket),
        ExportColumn("金额", lambda p: p.amount),
        ExportColumn("缴纳日期", lambda p: p.paid_on),
    ]

    def queryset(self, user: Any) -> Any:
        return selectors.dues_list(user=user)


def _quarter(q: int, key: str) -> Any:
    return lambda row: row["quarters"][f"{row['year']}Q{q}"][key]


@registry.register_exporter
class ServiceRollupExporter(Exporter):
    """双报到 service per employer and quarter of one year (the report back to the employer)."""

    kind = "party-service-rollup"
    label = gettext_lazy("双报到服务季度汇总")
    columns: ClassVar[list[ExportColumn]] = [
        ExportColumn(gettext_lazy("年度"), lambda r: r["year"]),
        ExportColumn(gettext_lazy("所在单位"), lambda r: r["employer"]),
        ExportColumn(gettext_lazy("第一季度服务次数"), _quarter(1, "services")),
        ExportColumn(gettext_lazy("第一季度服务时长（小时）"), _quarter(1, "hours")),
        ExportColumn(gettext_lazy("第二季度服务次数"), _quarter(2, "services")),
        ExportColumn(gettext_lazy("第二季度服务时长（小时）"), _quarter(2, "hours")),
        ExportColumn(gettext_lazy("第三季度服务次数"), _quarter(3, "services")),
        ExportColumn(gettext_lazy("第三季度服务时长（小时）"), _quarter(3, "hours")),
        ExportColumn(gettext_lazy("第四季度服务次数"), _quarter(4, "services")),
        ExportColumn(gettext_lazy("第四季度服务时长（小时）"), _quarter(4, "hours")),
        ExportColumn(gettext_lazy("全年服务次数"), lambda r: r["services"]),
        ExportColumn(gettext_lazy("全年服务时长（小时）"), lambda r: r["hours"]),
    ]

    def __init__(self, year: int | None = None) -> None:
        from django.utils import timezone

        self.year = year or timezone.localdate().year

    def queryset(self, user: Any) -> Any:
        rows = selectors.service_rollup(user=user, year=self.year)
        for row in rows:
            row["year"] = self.year
            row["services"] = sum(c["services"] for c in row["quarters"].values())
            row["hours"] = sum(c["hours"] for c in row["quarters"].values())
        return rows
