"""Registration (登记/备案), change (变更登记) and deregistration (注销/撤销) of organisations."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from gongzhi.areas.models import Area, Kind
from gongzhi.core import audit
from gongzhi.core.pii import mask
from gongzhi.core.textkeys import to_simplified
from gongzhi.orgs.codes import check_credit_code
from gongzhi.orgs.models import (
    CHANGEABLE_FIELDS,
    OrgChange,
    OrgKind,
    OrgStatus,
    PenaltyKind,
    RegistrationLevel,
    SocialOrg,
)
from gongzhi.orgs.rules import RegistrationTarget
from gongzhi.orgs.services.common import actor_label, check_past, jsonable, require

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


def check_authority(kind: str, authority: Area, area: Area) -> str:
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
    level = check_authority(kind, authority, area)
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
        registered_on=check_past(registered_on, "registered_on", _("登记（备案）日期")),
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
    org = locked(org)
    if org.status != OrgStatus.NORMAL:
        raise ValidationError({"org": _("已注销或撤销的组织不能变更")})
    phone = changes.pop("legal_rep_phone", None)
    unknown = set(changes) - set(CHANGEABLE_FIELDS)
    if unknown:
        raise ValidationError({sorted(unknown)[0]: _("该项不能通过变更登记修改")})
    check_past(effective_on, "effective_on", _("生效日期"))
    if effective_on < org.registered_on:
        raise ValidationError({"effective_on": _("生效日期不能早于登记（备案）日期")})
    latest = org.changes.order_by("-effective_on").values_list("effective_on", flat=True).first()
    if latest and effective_on < latest:
        # The history is a chain: a change dated before a later one would rewrite it.
        raise ValidationError(
            {"effective_on": _("生效日期不能早于上一次变更（%(d)s）") % {"d": latest.isoformat()}}
        )
    diff = {f: v for f, v in changes.items() if jsonable(_current(org, f)) != jsonable(v)}
    if not diff and not (phone and phone != org.legal_rep_phone):
        raise ValidationError({"changes": _("没有需要变更的内容")})
    before = {f: jsonable(_current(org, f)) for f in diff}
    after = {f: jsonable(v) for f, v in diff.items()}
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
        check_authority(new_kind, org.authority, area)
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


# What a deregistration changes, kept on its OrgChange (before → after).
LEAVING_FIELDS = ("status", "deregistered_on", "deregistration_reason")


def locked(org: SocialOrg) -> SocialOrg:
    """The organisation as it is now, locked until the transaction ends (status, changes)."""
    return SocialOrg.objects.select_for_update().select_related("authority", "area").get(pk=org.pk)


def check_leaving(
    org: SocialOrg,
    on: dt.date | None,
    *,
    date_field: str = "deregistered_on",
    label: str | None = None,
    status_field: str = "org",
) -> dt.date:
    """May `org` leave the registry on `on`? Raises ValidationError naming the form's field."""
    label = label or _("注销日期")
    if org.status != OrgStatus.NORMAL:
        raise ValidationError({status_field: _("该组织已注销或撤销")})
    on = check_past(on, date_field, label)
    if on < org.registered_on:
        raise ValidationError({date_field: _("%(l)s不能早于登记（备案）日期") % {"l": label}})
    latest = org.changes.order_by("-effective_on").values_list("effective_on", flat=True).first()
    if latest and on < latest:
        # The history is a chain (org_change): leaving before a later change would rewrite it.
        raise ValidationError(
            {
                date_field: _("%(l)s不能早于上一次变更（%(d)s）")
                % {"l": label, "d": latest.isoformat()}
            }
        )
    return on


def leave_registry(
    *, actor: Any, org: SocialOrg, on: dt.date, reason: str, revoked: bool, approval_no: str = ""
) -> SocialOrg:
    """Take `org` off the registry from `on` (checked by `check_leaving`; the caller checks the
    right and holds the transaction). Status, date and reason change, and the change is kept
    as an OrgChange (before → after) effective that day, like any change of the registry, so
    "what did the registry say on date X" counts the organisation up to the day before."""
    org = locked(org)
    before = {f: jsonable(getattr(org, f)) for f in LEAVING_FIELDS}
    org.status = OrgStatus.REVOKED if revoked else OrgStatus.DEREGISTERED
    org.deregistered_on = on
    org.deregistration_reason = reason.strip()[:200]
    org.save()
    after = {f: jsonable(getattr(org, f)) for f in LEAVING_FIELDS}
    OrgChange.objects.create(
        org=org,
        effective_on=on,
        before=before,
        after=after,
        reason=_("撤销登记") if revoked else _("注销登记"),
        approval_no=approval_no,
        recorded_by=actor_label(actor),
    )
    audit.record(
        actor=actor,
        action="orgs.revoke" if revoked else "orgs.deregister",
        obj=org,
        before=before,
        after=after,
    )
    return org


@transaction.atomic
def org_deregister(
    *, actor: Any, org: SocialOrg, on: dt.date, reason: str, revoked: bool = False
) -> SocialOrg:
    """注销: the organisation leaves the registry from `on`; its history stays.

    With `revoked` it is 撤销登记, an administrative penalty: it is recorded as one
    (`penalty_record`, kind revocation), which takes the organisation off the registry the
    same way — so a revocation counts wherever penalties do (evaluation eligibility)."""
    require(actor, "orgs.deregister_org", org)
    org = locked(org)
    check_leaving(org, on)
    if not (reason or "").strip():
        raise ValidationError({"deregistration_reason": _("请填写注销原因")})
    if revoked:
        from gongzhi.orgs.services.credit import penalty_record

        penalty_record(
            actor=actor, org=org, decided_on=on, kind=PenaltyKind.REVOCATION, reason=reason
        )
        org.refresh_from_db()
        return org
    return leave_registry(actor=actor, org=org, on=on, reason=reason, revoked=False)
