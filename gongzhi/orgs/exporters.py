"""Spreadsheet exports of the registry and of annual reports (scoped, streamed, audited).

The columns match the importers' headers, so an export can be edited and imported back.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from gongzhi.core import registry
from gongzhi.core.exports import ExportColumn, Exporter
from gongzhi.orgs import selectors


def _yes(value: Any) -> str:
    return "是" if value else "否"


@registry.register_exporter
class OrgExporter(Exporter):
    kind = "orgs"
    label = _("社会组织")
    columns = [
        ExportColumn("统一社会信用代码", lambda o: o.credit_code or ""),
        ExportColumn("名称", lambda o: o.name),
        ExportColumn("类型", lambda o: o.get_kind_display()),
        ExportColumn("社区社会组织类别", lambda o: o.get_community_category_display()),
        ExportColumn("登记管理机关代码", lambda o: o.authority.code),
        ExportColumn("登记管理机关", lambda o: o.authority.name),
        ExportColumn("住所地区划代码", lambda o: o.area_code),
        ExportColumn("住所地", lambda o: o.area.name),
        ExportColumn("住所", lambda o: o.domicile),
        ExportColumn("登记日期", lambda o: o.registered_on),
        ExportColumn("行业领域", lambda o: o.industry),
        ExportColumn("业务主管单位", lambda o: o.supervising_unit),
        ExportColumn("活动地域", lambda o: o.activity_region),
        ExportColumn("宗旨", lambda o: o.purpose),
        ExportColumn("业务范围", lambda o: o.business_scope),
        ExportColumn("开办资金（万元）", lambda o: o.founding_funds),
        ExportColumn("单位会员数", lambda o: o.unit_members),
        ExportColumn("个人会员数", lambda o: o.individual_members),
        ExportColumn("理事会人数", lambda o: o.council_size),
        ExportColumn("法定代表人", lambda o: o.legal_rep_name),
        ExportColumn("法定代表人电话", lambda o: o.legal_rep_phone, pii="phone"),
        ExportColumn("状态", lambda o: o.get_status_display()),
        ExportColumn("注销日期", lambda o: o.deregistered_on),
        ExportColumn("注销原因", lambda o: o.deregistration_reason),
    ]

    def queryset(self, user: Any) -> Any:
        return selectors.org_list(user=user, sort="credit_code")


@registry.register_exporter
class AnnualReportExporter(Exporter):
    kind = "annual-reports"
    label = _("年度工作报告")
    columns = [
        ExportColumn("统一社会信用代码", lambda r: r.org.credit_code or ""),
        ExportColumn("名称", lambda r: r.org.name),
        ExportColumn("年度", lambda r: r.year),
        ExportColumn("报送日期", lambda r: r.submitted_on),
        ExportColumn("检查结论", lambda r: r.get_result_display()),
        ExportColumn("从业人员数", lambda r: r.employees),
        ExportColumn("持证社工数", lambda r: r.social_workers),
        ExportColumn("其他专业人才数", lambda r: r.other_professionals),
        ExportColumn("志愿者人数", lambda r: r.volunteers),
        ExportColumn("年度收入（万元）", lambda r: r.income),
        ExportColumn("年度支出（万元）", lambda r: r.spending),
        ExportColumn("已建立党组织", lambda r: _yes(r.has_party_org)),
        ExportColumn("未建立党组织原因", lambda r: r.no_party_org_reason),
        ExportColumn("党建指导员", lambda r: r.party_instructor),
        ExportColumn("党员人数", lambda r: r.party_members),
        ExportColumn("入党积极分子人数", lambda r: r.party_activists),
        ExportColumn("工会建立日期", lambda r: r.union_on),
        ExportColumn("共青团建立日期", lambda r: r.youth_league_on),
        ExportColumn("妇联建立日期", lambda r: r.women_federation_on),
    ]

    def queryset(self, user: Any) -> Any:
        return selectors.report_list(user=user)
