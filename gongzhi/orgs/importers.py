"""Spreadsheet import of the registry (`orgs`; annual reports: importers_reports.py).

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
    CommunityCategory,
    OrgChange,
    OrgKind,
    OrgStatus,
    SocialOrg,
)
from gongzhi.orgs.rules import RegistrationTarget
from gongzhi.orgs.search_keys import index_orgs
from gongzhi.orgs.services.registration import LEAVING_FIELDS


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
    """Upsert by credit code. Community social organisations (社区社会组织) are filed (备案)
    with their street and often have no code: a row without one is keyed by (filing street
    code, name) instead — see `natural_key` and `_match`."""

    kind = "orgs"
    label = gettext_lazy("社会组织")
    permission = "orgs.import_orgs"
    key = ("credit_code", "authority_code", "name")
    columns = [
        Column(
            "credit_code",
            "统一社会信用代码",
            p_code,
            aliases=("credit code",),
            help=gettext_lazy(
                "登记的社会组织必填；无代码的社区社会组织留空，按备案街道代码和名称对应"
            ),
        ),
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
                credit_code__in=[r["credit_code"] for r in rows if r["credit_code"]]
            ).select_related("authority", "area")
        }
        # Codeless community filings, by (filing street code, Simplified name).
        self.codeless: dict[tuple[str, str], list[SocialOrg]] = {}
        for o in SocialOrg.objects.filter(
            credit_code__isnull=True,
            kind=OrgKind.COMMUNITY,
            authority__code__in=[r["authority_code"] for r in rows],
            name_simplified__in=[to_simplified(r["name"]) for r in rows],
        ).select_related("authority", "area"):
            self.codeless.setdefault((o.authority.code, o.name_simplified), []).append(o)
        # Active names per authority, for the uniqueness rule, across the file and the database:
        # (authority id, name) -> (identity of the holder, its credit code).
        self.names: dict[tuple[int, str], tuple[tuple[Any, ...], str | None]] = {
            (a, n): (("pk", pk), c)
            for a, n, pk, c in SocialOrg.objects.filter(
                status=OrgStatus.NORMAL, authority__code__in=[r["authority_code"] for r in rows]
            ).values_list("authority_id", "name_simplified", "pk", "credit_code")
        }
        self.matched: dict[int, str] = {}  # existing org pk -> name of the row that took it
        self.today = timezone.localdate()

    def natural_key(self, data: dict[str, Any]) -> tuple[Any, ...]:
        if data.get("credit_code"):
            return (data["credit_code"], None, None)
        return (None, data.get("authority_code"), to_simplified(data.get("name") or ""))

    def _match(self, data: dict[str, Any]) -> SocialOrg | None:
        """The organisation a row stands for: by code; else (community filings) by filing street
        and name — the one filed on the row's date, else the active one (a corrected date, or a
        filing now deregistered), else for a deregistered row the only one. A row for an active
        filing whose namesakes are all deregistered is a new filing. A coded row may so find
        the codeless filing it now gives a code to."""
        code = data["credit_code"]
        if code and code in self.existing:
            return self.existing[code]
        if data["kind"] != OrgKind.COMMUNITY:
            return None
        found = self.codeless.get((data["authority_code"], to_simplified(data["name"])), [])
        candidates = [o for o in found if o.registered_on == data["registered_on"]] or [
            o for o in found if o.status == OrgStatus.NORMAL
        ]
        if candidates:
            return candidates[0]
        if data["status"] == OrgStatus.NORMAL or not found:
            return None
        if len(found) > 1:
            raise RowInvalid(
                "name", _("该备案街道下有多个同名的已注销社区社会组织，请核对登记（备案）日期")
            )
        return found[0]

    def clean_row(self, data: dict[str, Any]) -> dict[str, Any]:
        kind = data["kind"]
        if data["credit_code"]:
            try:
                data["credit_code"] = codes.check_credit_code(data["credit_code"], kind)
            except ValidationError as exc:
                raise RowInvalid("credit_code", _first_error(exc)[1]) from None
        elif kind != OrgKind.COMMUNITY:
            raise RowInvalid(
                "credit_code", _("登记的社会组织必须填写统一社会信用代码（仅社区社会组织可空）")
            )
        else:
            data["credit_code"] = None
        authority = self.areas.get(data["authority_code"])
        if authority is None:
            raise RowInvalid("authority_code", _("区划代码不存在"))
        area = self.areas.get(data["area_code"])
        if area is None:
            raise RowInvalid("area_code", _("区划代码不存在"))
        try:
            data["registration_level"] = services.check_authority(kind, authority, area)
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
        existing = self._match(data)
        if existing is not None:
            if existing.pk in self.matched:
                raise RowInvalid(
                    "name",
                    _("文件中另有一行（%(n)s）对应同一组织") % {"n": self.matched[existing.pk]},
                )
            self.matched[existing.pk] = data["name"]
        self._check_rights(data, kind, authority, existing)
        identity = ("pk", existing.pk) if existing is not None else ("new", *self.natural_key(data))
        if status == OrgStatus.NORMAL:
            key = (authority.pk, to_simplified(data["name"]))
            holder = self.names.get(key)
            if holder is not None and holder[0] != identity:
                if not data["credit_code"] and holder[1]:
                    raise RowInvalid(
                        "credit_code",
                        _(
                            "已有同名的正常状态组织（统一社会信用代码 %(c)s），如为同一组织请填写该代码"
                        )
                        % {"c": holder[1]},
                    )
                raise RowInvalid("name", _("同一登记管理机关下已有同名的正常状态社会组织"))
            self.names[key] = (identity, data["credit_code"])
        for f in ORG_TEXT:
            data[f] = data[f] or ""
        data["authority"], data["area"], data["existing"] = authority, area, existing
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
        renamed: list[SocialOrg] = []
        history: list[OrgChange] = []
        label = services.actor_label(actor)
        for data in rows:
            values = self.to_fields(data)
            org = data["existing"]
            if data["credit_code"]:  # a codeless filing may be given its code
                values["credit_code"] = data["credit_code"]
            if org is None:
                values.pop("credit_code", None)
                to_create.append(SocialOrg(credit_code=data["credit_code"], **values))
                continue
            diff = {f: v for f, v in values.items() if getattr(org, f) != v}
            if not diff:
                counts.unchanged += 1
                continue
            if "status" in diff:  # leaving (or back on) the registry, dated as the row says
                history.append(
                    OrgChange(
                        org=org,
                        effective_on=values["deregistered_on"] or self.today,
                        before={f: services.jsonable(getattr(org, f)) for f in LEAVING_FIELDS},
                        after={f: services.jsonable(values[f]) for f in LEAVING_FIELDS},
                        reason=_("批量导入"),
                        recorded_by=label,
                    )
                )
            tracked = {f: v for f, v in diff.items() if f in CHANGEABLE_FIELDS}
            if tracked:
                history.append(
                    OrgChange(
                        org=org,
                        effective_on=self.today,
                        before={f: services.jsonable(getattr(org, f)) for f in tracked},
                        after={f: services.jsonable(v) for f, v in tracked.items()},
                        reason=_("批量导入"),
                        recorded_by=label,
                    )
                )
            for f, v in diff.items():
                setattr(org, f, v)
            changed.update(diff)
            to_update.append(org)
            if "name_simplified" in diff:
                renamed.append(org)
        SocialOrg.objects.bulk_create(to_create, batch_size=500)
        if to_update:
            SocialOrg.objects.bulk_update(to_update, sorted(changed), batch_size=500)
        OrgChange.objects.bulk_create(history, batch_size=500)
        # Bulk writes skip save(): the name search keys are written here.
        index_orgs(((o.pk, o.name_simplified) for o in to_create), fresh=True)
        index_orgs((o.pk, o.name_simplified) for o in renamed)
        counts.inserted, counts.updated = len(to_create), len(to_update)
        return counts
