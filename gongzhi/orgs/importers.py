"""Spreadsheet imports of the registry (`orgs`) and of annual reports (`annual-reports`).

Built on `core/imports.py`: every row validated by the same rules as the services before
anything is written, all or nothing, upsert by credit code (and year), bulk writes so a
city's 3,000+ organisations import in seconds. A row that changes an existing
organisation's particulars is kept in its change history, effective on the import day.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gongzhi.areas.models import Area
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
    p_str,
)
from gongzhi.core.pii import bidx_for
from gongzhi.core.textkeys import pinyin_keys, to_simplified
from gongzhi.orgs import codes, services
from gongzhi.orgs.models import (
    CHANGEABLE_FIELDS,
    AnnualReport,
    CommunityCategory,
    OrgChange,
    OrgKind,
    OrgStatus,
    ReportResult,
    SocialOrg,
)
from gongzhi.orgs.rules import RegistrationTarget


def p_code(value: Any) -> str:
    text = p_str(value).replace(" ", "").upper()
    return text


def _first_error(exc: ValidationError) -> tuple[str, str]:
    if hasattr(exc, "error_dict"):
        field, messages = next(iter(exc.message_dict.items()))
        return field, "；".join(messages)
    return "", "；".join(exc.messages)


ORG_TEXT = (
    "domicile",
    "industry",
    "supervising_unit",
    "activity_region",
    "purpose",
    "business_scope",
    "legal_rep_name",
    "deregistration_reason",
)


@registry.register_importer
class OrgImporter(Importer):
    kind = "orgs"
    label = gettext_lazy("社会组织")
    permission = "orgs.import_orgs"
    key = ("credit_code",)
    columns = [
        Column("credit_code", "统一社会信用代码", p_code, required=True, aliases=("credit code",)),
        Column("name", "名称", required=True),
        Column("kind", "类型", p_choice(OrgKind), required=True),
        Column("community_category", "社区社会组织类别", p_choice(CommunityCategory)),
        Column(
            "authority_code",
            "登记管理机关代码",
            p_code,
            required=True,
            help=gettext_lazy(
                "市、县（区）民政部门所在单位的12位区划代码；社区社会组织为备案街道代码"
            ),
        ),
        Column("area_code", "住所地区划代码", p_code, required=True),
        Column("domicile", "住所"),
        Column("registered_on", "登记日期", p_date, required=True, aliases=("登记（备案）日期",)),
        Column("industry", "行业领域"),
        Column("supervising_unit", "业务主管单位"),
        Column("activity_region", "活动地域"),
        Column("purpose", "宗旨"),
        Column("business_scope", "业务范围"),
        Column("founding_funds", "开办资金（万元）", p_decimal),
        Column("unit_members", "单位会员数", p_int),
        Column("individual_members", "个人会员数", p_int),
        Column("council_size", "理事会人数", p_int),
        Column("legal_rep_name", "法定代表人"),
        Column("legal_rep_phone", "法定代表人电话", pii="phone"),
        Column("status", "状态", p_choice(OrgStatus)),
        Column("deregistered_on", "注销日期", p_date),
        Column("deregistration_reason", "注销原因"),
    ]

    def prepare(self, rows: list[dict[str, Any]]) -> None:
        wanted = {r["authority_code"] for r in rows} | {r["area_code"] for r in rows}
        self.areas = {a.code: a for a in Area.objects.filter(code__in=wanted)}
        self.existing = {
            o.credit_code: o
            for o in SocialOrg.objects.filter(
                credit_code__in=[r["credit_code"] for r in rows]
            ).select_related("authority", "area")
        }
        # Active names per authority, for the uniqueness rule, across the file and the database.
        self.names: dict[tuple[int, str], str | None] = {
            (a, n): c
            for a, n, c in SocialOrg.objects.filter(
                status=OrgStatus.NORMAL, authority__code__in=[r["authority_code"] for r in rows]
            ).values_list("authority_id", "name_simplified", "credit_code")
        }
        self.today = timezone.localdate()

    def clean_row(self, data: dict[str, Any]) -> dict[str, Any]:
        kind = data["kind"]
        try:
            data["credit_code"] = codes.check_credit_code(data["credit_code"], kind)
        except ValidationError as exc:
            raise RowInvalid("credit_code", _first_error(exc)[1]) from None
        authority = self.areas.get(data["authority_code"])
        if authority is None:
            raise RowInvalid("authority_code", _("区划代码不存在"))
        area = self.areas.get(data["area_code"])
        if area is None:
            raise RowInvalid("area_code", _("区划代码不存在"))
        try:
            data["registration_level"] = services._check_authority(kind, authority, area)
        except ValidationError as exc:
            field, message = _first_error(exc)
            raise RowInvalid(
                "area_code" if field == "area" else "authority_code", message
            ) from None
        if kind == OrgKind.COMMUNITY and not data["community_category"]:
            raise RowInvalid("community_category", _("社区社会组织请选择类别"))
        if kind != OrgKind.COMMUNITY:
            data["community_category"] = ""
        if data["registered_on"] > self.today:
            raise RowInvalid("registered_on", _("登记日期不能晚于今天"))
        status = data["status"] or OrgStatus.NORMAL
        data["status"] = status
        off = data["deregistered_on"]
        if status == OrgStatus.NORMAL and off is not None:
            raise RowInvalid("status", _("填写了注销日期的，状态应为注销或撤销"))
        if status != OrgStatus.NORMAL and off is None:
            raise RowInvalid("deregistered_on", _("注销或撤销的组织请填写注销日期"))
        if off is not None and off < data["registered_on"]:
            raise RowInvalid("deregistered_on", _("注销日期不能早于登记日期"))
        existing = self.existing.get(data["credit_code"])
        self._check_rights(data, kind, authority, existing)
        if status == OrgStatus.NORMAL:
            key = (authority.pk, to_simplified(data["name"]))
            holder = self.names.get(key, False)
            if holder is not False and holder != data["credit_code"]:
                raise RowInvalid("name", _("同一登记管理机关下已有同名的正常状态社会组织"))
            self.names[key] = data["credit_code"]
        for f in ORG_TEXT:
            data[f] = data[f] or ""
        data["authority"], data["area"] = authority, area
        return data

    def _check_rights(
        self, data: dict[str, Any], kind: str, authority: Area, existing: SocialOrg | None
    ) -> None:
        actor = self.actor
        if not services.is_user(actor):
            return
        if existing is not None and not actor.has_perm("orgs.change_org", existing):
            raise RowInvalid("credit_code", _("该组织不在您的管辖范围内"))
        if not actor.has_perm("orgs.register", RegistrationTarget(kind, authority.code)):
            raise RowInvalid("authority_code", _("您无权在该登记管理机关登记此类组织"))

    def to_fields(self, data: dict[str, Any]) -> dict[str, Any]:
        full, initials = pinyin_keys(data["name"])
        phone = data["legal_rep_phone"] or ""
        values = {
            f: data[f]
            for f in (
                "name",
                "kind",
                "community_category",
                "registration_level",
                "registered_on",
                "status",
                "deregistered_on",
                "founding_funds",
                "unit_members",
                "individual_members",
                "council_size",
                *ORG_TEXT,
            )
        }
        values.update(
            name_simplified=to_simplified(data["name"]),
            name_pinyin=full,
            name_initials=initials,
            authority_id=data["authority"].pk,
            area_id=data["area"].pk,
            area_code=data["area"].code,
            legal_rep_phone=phone,
            legal_rep_phone_bidx=bidx_for(phone, "phone") if phone else "",
        )
        return values

    def apply(self, rows: list[dict[str, Any]], actor: Any) -> Counts:
        counts = Counts()
        to_create: list[SocialOrg] = []
        to_update: list[SocialOrg] = []
        changed: set[str] = set()
        history: list[OrgChange] = []
        label = services.actor_label(actor)
        for data in rows:
            values = self.to_fields(data)
            org = self.existing.get(data["credit_code"])
            if org is None:
                to_create.append(SocialOrg(credit_code=data["credit_code"], **values))
                continue
            diff = {f: v for f, v in values.items() if getattr(org, f) != v}
            if not diff:
                counts.unchanged += 1
                continue
            tracked = {f: v for f, v in diff.items() if f in CHANGEABLE_FIELDS}
            if tracked:
                history.append(
                    OrgChange(
                        org=org,
                        effective_on=self.today,
                        before={f: services._jsonable(getattr(org, f)) for f in tracked},
                        after={f: services._jsonable(v) for f, v in tracked.items()},
                        reason=_("批量导入"),
                        recorded_by=label,
                    )
                )
            for f, v in diff.items():
                setattr(org, f, v)
            changed.update(diff)
            to_update.append(org)
        SocialOrg.objects.bulk_create(to_create, batch_size=500)
        if to_update:
            SocialOrg.objects.bulk_update(to_update, sorted(changed), batch_size=500)
        OrgChange.objects.bulk_create(history, batch_size=500)
        counts.inserted, counts.updated = len(to_create), len(to_update)
        return counts


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
        for f in (
            "employees",
            "social_workers",
            "other_professionals",
            "volunteers",
            "party_members",
            "party_activists",
        ):
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
