"""Every write to the registry: register, change, deregister, annual reports.

Keyword-only `entity_verb(*, actor, ...)`, one transaction each, an audit event inside.
Bad input raises `ValidationError({field: message})`; a user acting outside their
rights gets `PermissionDenied`. `actor` may be a user (permissions checked) or a
string naming a system actor ("cli", "demo", "import") acting for everyone.
Credit-list, evaluation and penalty writes live in `services_credit` and are
re-exported here, so other apps call `gongzhi.orgs.services.<verb>` only.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.areas.models import Area, Kind
from gongzhi.core import audit
from gongzhi.core.pii import mask
from gongzhi.core.textkeys import to_simplified
from gongzhi.orgs.codes import check_credit_code
from gongzhi.orgs.models import (
    CHANGEABLE_FIELDS,
    AnnualReport,
    OrgChange,
    OrgKind,
    OrgStatus,
    RegistrationLevel,
    ReportResult,
    SocialOrg,
)
from gongzhi.orgs.rules import RegistrationTarget

# Fields a registration accepts besides the ones with their own checks.
PLAIN_FIELDS = (
    "domicile",
    "purpose",
    "business_scope",
    "industry",
    "supervising_unit",
    "activity_region",
    "founding_funds",
    "unit_members",
    "individual_members",
    "council_size",
    "legal_rep_name",
    "legal_rep_phone",
    "community_category",
)

LEVEL_OF_AUTHORITY = {
    Kind.PROVINCE: RegistrationLevel.PROVINCE,
    Kind.CITY: RegistrationLevel.CITY,
    Kind.COUNTY: RegistrationLevel.COUNTY,
    Kind.ZONE: RegistrationLevel.COUNTY,
}


def is_user(actor: Any) -> bool:
    return bool(getattr(actor, "is_authenticated", False))


def require(actor: Any, perm: str, obj: Any = None) -> None:
    """System actors act for everyone; users need the named permission on the object."""
    if is_user(actor) and not actor.has_perm(perm, obj):
        raise PermissionDenied(_("无权执行此操作"))


def actor_label(actor: Any) -> str:
    return actor.get_username() if is_user(actor) else str(actor)


def today() -> dt.date:
    return timezone.localdate()


def _jsonable(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _check_authority(kind: str, authority: Area, area: Area) -> str:
    """The registration level implied by the authority; domicile must lie inside it."""
    if kind == OrgKind.COMMUNITY:
        # 社区社会组织 are filed (备案) with the street/township of their community.
        if authority.kind != Kind.TOWNSHIP:
            raise ValidationError({"authority": _("社区社会组织应向街道/乡镇备案")})
        level = RegistrationLevel.STREET
    else:
        level = LEVEL_OF_AUTHORITY.get(authority.kind)  # type: ignore[call-overload]
        if level is None:
            raise ValidationError(
                {"authority": _("登记管理机关应为市级或县（区）级民政部门所在单位")}
            )
    if not area.code.startswith(authority.prefix):
        raise ValidationError(
            {"area": _("住所地应在登记管理机关（备案街道）%(a)s 辖区内") % {"a": authority.name}}
        )
    return level


def _check_name(name: str, authority: Area, exclude_pk: int | None = None) -> str:
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("请填写名称")})
    clash = SocialOrg.objects.filter(
        authority=authority, name_simplified=to_simplified(name), status=OrgStatus.NORMAL
    )
    if exclude_pk:
        clash = clash.exclude(pk=exclude_pk)
    if clash.exists():
        raise ValidationError(
            {"name": _("同一登记管理机关下已有同名的正常状态社会组织：%(n)s") % {"n": name}}
        )
    return name


def _check_code(code: str | None, kind: str, exclude_pk: int | None = None) -> str | None:
    if not code:
        if kind != OrgKind.COMMUNITY:
            raise ValidationError({"credit_code": _("登记的社会组织必须填写统一社会信用代码")})
        return None
    code = check_credit_code(code, kind)
    holder = SocialOrg.objects.filter(credit_code=code)
    if exclude_pk:
        holder = holder.exclude(pk=exclude_pk)
    other = holder.first()
    if other is not None:
        raise ValidationError(
            {"credit_code": _("统一社会信用代码已被“%(n)s”使用") % {"n": other.name}}
        )
    return code


def _check_past(day: dt.date | None, field: str, label: str) -> dt.date:
    if day is None:
        raise ValidationError({field: _("请填写%(l)s") % {"l": label}})
    if day > today():
        raise ValidationError({field: _("%(l)s不能晚于今天") % {"l": label}})
    return day


@transaction.atomic
def org_register(
    *,
    actor: Any,
    name: str,
    kind: str,
    authority: Area,
    area: Area,
    registered_on: dt.date,
    credit_code: str | None = None,
    synthetic: bool = False,
    **fields: Any,
) -> SocialOrg:
    """Register (登记) or, for a community social organisation, file (备案) an organisation."""
    unknown = set(fields) - set(PLAIN_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    if kind not in OrgKind.values:
        raise ValidationError({"kind": _("请选择组织类型")})
    require(actor, "orgs.register", RegistrationTarget(kind, authority.code))
    level = _check_authority(kind, authority, area)
    if kind == OrgKind.COMMUNITY and not fields.get("community_category"):
        raise ValidationError({"community_category": _("社区社会组织请选择类别")})
    if kind != OrgKind.COMMUNITY:
        fields["community_category"] = ""
    org = SocialOrg(
        name=_check_name(name, authority),
        kind=kind,
        credit_code=_check_code(credit_code, kind),
        authority=authority,
        area=area,
        registration_level=level,
        registered_on=_check_past(registered_on, "registered_on", _("登记（备案）日期")),
        synthetic=synthetic,
        **{k: v for k, v in fields.items() if v is not None},
    )
    org.full_clean(validate_unique=False, validate_constraints=False)
    org.save()
    audit.record(
        actor=actor,
        action="orgs.register",
        obj=org,
        after={"name": org.name, "credit_code": org.credit_code, "kind": kind, "area": area.code},
    )
    return org


def _current(org: SocialOrg, field: str) -> Any:
    return org.area_code if field == "area_code" else getattr(org, field)


@transaction.atomic
def org_change(
    *,
    actor: Any,
    org: SocialOrg,
    changes: dict[str, Any],
    effective_on: dt.date,
    reason: str = "",
    approval_no: str = "",
) -> OrgChange:
    """变更登记: apply `changes` (field -> new value; `area_code` moves the domicile) from
    `effective_on`, keeping before/after so the registry on any past date can be rebuilt."""
    require(actor, "orgs.change_org", org)
    org = SocialOrg.objects.select_for_update().select_related("authority", "area").get(pk=org.pk)
    if org.status != OrgStatus.NORMAL:
        raise ValidationError({"org": _("已注销或撤销的组织不能变更")})
    phone = changes.pop("legal_rep_phone", None)
    unknown = set(changes) - set(CHANGEABLE_FIELDS)
    if unknown:
        raise ValidationError({sorted(unknown)[0]: _("该项不能通过变更登记修改")})
    _check_past(effective_on, "effective_on", _("生效日期"))
    if effective_on < org.registered_on:
        raise ValidationError({"effective_on": _("生效日期不能早于登记（备案）日期")})
    latest = org.changes.order_by("-effective_on").values_list("effective_on", flat=True).first()
    if latest and effective_on < latest:
        # The history is a chain: a change dated before a later one would rewrite it.
        raise ValidationError(
            {"effective_on": _("生效日期不能早于上一次变更（%(d)s）") % {"d": latest.isoformat()}}
        )
    diff = {f: v for f, v in changes.items() if _jsonable(_current(org, f)) != _jsonable(v)}
    if not diff and not (phone and phone != org.legal_rep_phone):
        raise ValidationError({"changes": _("没有需要变更的内容")})
    before = {f: _jsonable(_current(org, f)) for f in diff}
    after = {f: _jsonable(v) for f, v in diff.items()}
    if "name" in diff:
        diff["name"] = _check_name(diff["name"], org.authority, exclude_pk=org.pk)
    new_kind = diff.get("kind", org.kind)
    if "kind" in diff:
        if new_kind not in OrgKind.values or (new_kind == OrgKind.COMMUNITY) != (
            org.kind == OrgKind.COMMUNITY
        ):
            raise ValidationError({"kind": _("登记与备案之间不能通过变更转换")})
        if org.credit_code:
            check_credit_code(org.credit_code, new_kind, field="kind")
    if "area_code" in diff:
        area = Area.objects.filter(code=diff.pop("area_code")).first()
        if area is None:
            raise ValidationError({"area_code": _("住所地区划代码不存在")})
        _check_authority(new_kind, org.authority, area)
        org.area = area
    for field, value in diff.items():
        setattr(org, field, value)
    if phone:
        before["legal_rep_phone"] = mask(org.legal_rep_phone, "phone")
        after["legal_rep_phone"] = mask(phone, "phone")
        org.legal_rep_phone = phone
    org.full_clean(validate_unique=False, validate_constraints=False)
    org.save()
    change = OrgChange.objects.create(
        org=org,
        effective_on=effective_on,
        before=before,
        after=after,
        reason=reason,
        approval_no=approval_no,
        recorded_by=actor_label(actor),
    )
    audit.record(actor=actor, action="orgs.change", obj=org, before=before, after=after)
    return change


@transaction.atomic
def org_deregister(
    *, actor: Any, org: SocialOrg, on: dt.date, reason: str, revoked: bool = False
) -> SocialOrg:
    """注销 (or 撤销 when `revoked`, a penalty decision): the organisation leaves the registry
    from `on`; its history stays."""
    require(actor, "orgs.deregister_org", org)
    org = SocialOrg.objects.select_for_update().select_related("authority", "area").get(pk=org.pk)
    if org.status != OrgStatus.NORMAL:
        raise ValidationError({"org": _("该组织已注销或撤销")})
    _check_past(on, "deregistered_on", _("注销日期"))
    if on < org.registered_on:
        raise ValidationError({"deregistered_on": _("注销日期不能早于登记（备案）日期")})
    if not (reason or "").strip():
        raise ValidationError({"deregistration_reason": _("请填写注销原因")})
    org.status = OrgStatus.REVOKED if revoked else OrgStatus.DEREGISTERED
    org.deregistered_on = on
    org.deregistration_reason = reason.strip()
    org.save()
    audit.record(
        actor=actor,
        action="orgs.revoke" if revoked else "orgs.deregister",
        obj=org,
        after={"on": on, "reason": reason, "status": org.status},
    )
    return org


REPORT_FIELDS = (
    "employees",
    "social_workers",
    "other_professionals",
    "volunteers",
    "income",
    "spending",
    "has_party_org",
    "no_party_org_reason",
    "party_instructor",
    "party_members",
    "party_activists",
    "has_union",
    "union_on",
    "has_youth_league",
    "youth_league_on",
    "has_women_federation",
    "women_federation_on",
)
BUILDS = (
    ("has_union", "union_on", _("工会")),
    ("has_youth_league", "youth_league_on", _("共青团组织")),
    ("has_women_federation", "women_federation_on", _("妇联组织")),
)


def check_report(
    org: SocialOrg, year: int, submitted_on: dt.date | None, result: str, data: dict[str, Any]
) -> None:
    """The annual report's own rules; raises ValidationError naming the field."""
    if year < org.registered_on.year:
        raise ValidationError(
            {"year": _("报告年度不能早于登记（备案）年度%(y)d") % {"y": org.registered_on.year}}
        )
    if year >= today().year:
        raise ValidationError({"year": _("%(y)d年度尚未结束，不能报送年度工作报告") % {"y": year}})
    if result and result not in ReportResult.values:
        raise ValidationError({"result": _("检查结论不是可选值")})
    if result == ReportResult.NOT_SUBMITTED:
        if submitted_on:
            raise ValidationError({"submitted_on": _("结论为“未报”时不应填写报送日期")})
        return
    if submitted_on is None:
        raise ValidationError({"submitted_on": _("请填写报送日期")})
    _check_past(submitted_on, "submitted_on", _("报送日期"))
    if submitted_on <= dt.date(year, 12, 31):
        raise ValidationError({"submitted_on": _("报送日期应在报告年度结束之后")})
    for f in (
        "employees",
        "social_workers",
        "other_professionals",
        "volunteers",
        "party_members",
        "party_activists",
    ):
        if (data.get(f) or 0) < 0:
            raise ValidationError({f: _("不能为负数")})
    if (data.get("social_workers") or 0) + (data.get("other_professionals") or 0) > (
        data.get("employees") or 0
    ):
        raise ValidationError({"social_workers": _("持证社工与其他专业人才之和不能超过从业人员数")})
    if not data.get("has_party_org") and not (data.get("no_party_org_reason") or "").strip():
        raise ValidationError({"no_party_org_reason": _("未建立党组织的，请填写原因")})
    if data.get("has_party_org") and data.get("no_party_org_reason"):
        data["no_party_org_reason"] = ""
    for flag, date_field, label in BUILDS:
        built_on = data.get(date_field)
        if data.get(flag) and built_on is None:
            raise ValidationError({date_field: _("已建%(b)s的，请填写建立日期") % {"b": label}})
        if not data.get(flag) and built_on is not None:
            raise ValidationError({flag: _("填写了%(b)s建立日期，请勾选已建") % {"b": label}})
        if built_on is not None and built_on > dt.date(year, 12, 31):
            raise ValidationError({date_field: _("建立日期不能晚于报告年度末")})


@transaction.atomic
def report_file(
    *,
    actor: Any,
    org: SocialOrg,
    year: int,
    submitted_on: dt.date | None,
    result: str = "",
    **data: Any,
) -> AnnualReport:
    """File (or correct) the 年度工作报告 of `org` for `year`. The conclusion (`result`) is the
    registration authority's: an organisation's own administrator files without one."""
    unknown = set(data) - set(REPORT_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    require(actor, "orgs.file_report", org)
    if result and is_user(actor) and not actor.has_perm("orgs.change_org", org):
        raise PermissionDenied(_("检查结论由登记管理机关填写"))
    check_report(org, year, submitted_on, result, data)
    report = AnnualReport.objects.select_for_update().filter(org=org, year=year).first()
    before = None
    if report is None:
        report = AnnualReport(org=org, year=year)
    else:
        before = {
            f: _jsonable(getattr(report, f)) for f in ("submitted_on", "result", *REPORT_FIELDS)
        }
        if (
            not result
            and report.result
            and is_user(actor)
            and not actor.has_perm("orgs.change_org", org)
        ):
            raise ValidationError({"year": _("该年度报告已有检查结论，不能再修改")})
    report.submitted_on = submitted_on
    report.result = result or report.result
    for field in REPORT_FIELDS:
        value = data.get(field)
        default = AnnualReport._meta.get_field(field).get_default()  # type: ignore[union-attr]
        setattr(report, field, default if value is None else value)
    report.filed_by = actor_label(actor)
    report.full_clean(exclude=["org"], validate_unique=False, validate_constraints=False)
    report.save()
    audit.record(
        actor=actor,
        action="orgs.report_file",
        obj=report,
        before=before,
        after={
            f: _jsonable(getattr(report, f))
            for f in ("year", "submitted_on", "result", *REPORT_FIELDS)
        },
    )
    return report


from gongzhi.orgs.services_credit import (  # noqa: E402  (re-exported: one services module)
    evaluation_record,
    listing_add,
    listing_confirm,
    listing_propose,
    listing_reject,
    listing_remove,
    penalty_record,
)
from gongzhi.orgs.services_credit_runs import (  # noqa: E402
    listings_end_expired,
    listings_flag_missing_reports,
    listings_promote_overdue,
)

__all__ = [
    "evaluation_record",
    "listing_add",
    "listing_confirm",
    "listing_propose",
    "listing_reject",
    "listing_remove",
    "listings_end_expired",
    "listings_flag_missing_reports",
    "listings_promote_overdue",
    "org_change",
    "org_deregister",
    "org_register",
    "penalty_record",
    "report_file",
]
