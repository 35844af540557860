"""Spreadsheet import of annual reports (`annual-reports`), on `core/imports.py`: upsert by
credit code and year, every row checked by the same rule as `services.report_file`, all or
nothing."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gongzhi.core import registry
from gongzhi.core.imports import (
    Column,
    Counts,
    Importer,
    RowInvalid,
    p_bool,
    p_choice,
    p_date,
    p_decimal,
    p_int,
)
from gongzhi.orgs import services
from gongzhi.orgs.importers import _first_error, p_code
from gongzhi.orgs.models import AnnualReport, ReportResult, SocialOrg


def p_result(value: Any) -> Any:
    return p_choice(ReportResult)(value) or ""


REPORT_COLUMNS = [
    Column("credit_code", "统一社会信用代码", p_code, required=True),
    Column("name", "名称", help=gettext_lazy("仅供核对，不导入")),
    Column("year", "年度", p_int, required=True),
    Column("submitted_on", "报送日期", p_date),
    Column("result", "检查结论", p_result),
    Column("employees", "从业人员数", p_int),
    Column("social_workers", "持证社工数", p_int),
    Column("other_professionals", "其他专业人才数", p_int),
    Column("volunteers", "志愿者人数", p_int),
    Column("income", "年度收入（万元）", p_decimal),
    Column("spending", "年度支出（万元）", p_decimal),
    Column("has_party_org", "已建立党组织", p_bool),
    Column("no_party_org_reason", "未建立党组织原因"),
    Column("party_instructor", "党建指导员"),
    Column("party_members", "党员人数", p_int),
    Column("party_activists", "入党积极分子人数", p_int),
    Column("union_on", "工会建立日期", p_date),
    Column("youth_league_on", "共青团建立日期", p_date),
    Column("women_federation_on", "妇联建立日期", p_date),
]
REPORT_VALUE_FIELDS = tuple(
    c.key for c in REPORT_COLUMNS if c.key not in ("credit_code", "name", "year")
) + ("has_union", "has_youth_league", "has_women_federation")


@registry.register_importer
class AnnualReportImporter(Importer):
    kind = "annual-reports"
    label = gettext_lazy("年度工作报告")
    permission = "orgs.import_reports"
    key = ("credit_code", "year")
    columns = REPORT_COLUMNS

    def prepare(self, rows: list[dict[str, Any]]) -> None:
        self.orgs = {
            o.credit_code: o
            for o in SocialOrg.objects.filter(
                credit_code__in=[r["credit_code"] for r in rows]
            ).select_related("authority")
        }
        self.existing = {
            (r.org_id, r.year): r
            for r in AnnualReport.objects.filter(org__in=list(self.orgs.values()))
        }

    def clean_row(self, data: dict[str, Any]) -> dict[str, Any]:
        org = self.orgs.get(data["credit_code"])
        if org is None:
            raise RowInvalid("credit_code", _("登记库中没有该统一社会信用代码的组织"))
        actor = self.actor
        if services.is_user(actor) and not actor.has_perm("orgs.file_report", org):
            raise RowInvalid("credit_code", _("该组织不在您的管辖范围内"))
        for f in services.COUNT_FIELDS:
            data[f] = data[f] or 0
        for f in ("no_party_org_reason", "party_instructor"):
            data[f] = data[f] or ""
        data["has_party_org"] = bool(data["has_party_org"])
        data["has_union"] = data["union_on"] is not None
        data["has_youth_league"] = data["youth_league_on"] is not None
        data["has_women_federation"] = data["women_federation_on"] is not None
        data["result"] = data["result"] or ""
        try:
            services.check_report(org, data["year"], data["submitted_on"], data["result"], data)
        except ValidationError as exc:
            field, message = _first_error(exc)
            known = {c.key for c in REPORT_COLUMNS}
            raise RowInvalid(field if field in known else "year", message) from None
        data["org"] = org
        return data

    def apply(self, rows: list[dict[str, Any]], actor: Any) -> Counts:
        counts = Counts()
        to_create: list[AnnualReport] = []
        to_update: list[AnnualReport] = []
        changed: set[str] = set()
        label = services.actor_label(actor)
        for data in rows:
            values = {f: data[f] for f in REPORT_VALUE_FIELDS}
            report = self.existing.get((data["org"].pk, data["year"]))
            if report is None:
                to_create.append(
                    AnnualReport(org=data["org"], year=data["year"], filed_by=label, **values)
                )
                continue
            if not values["result"]:
                values["result"] = report.result  # a conclusion is not erased by a blank cell
            diff = {f: v for f, v in values.items() if getattr(report, f) != v}
            if not diff:
                counts.unchanged += 1
                continue
            for f, v in diff.items():
                setattr(report, f, v)
            changed.update(diff)
            to_update.append(report)
        AnnualReport.objects.bulk_create(to_create, batch_size=500)
        if to_update:
            AnnualReport.objects.bulk_update(to_update, sorted(changed), batch_size=500)
        counts.inserted, counts.updated = len(to_create), len(to_update)
        return counts
