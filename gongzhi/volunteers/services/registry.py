"""Writes for volunteers, their personal records, and teams."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from stdnum.cn import ric

from gongzhi.core import audit, pii
from gongzhi.volunteers import rules_config, stars
from gongzhi.volunteers.keys import allocate
from gongzhi.volunteers.models import (
    Gender,
    Qualification,
    Team,
    TeamMember,
    Volunteer,
)


def validate_id_number(value: str) -> tuple[str, dt.date, str]:
    """A GB 11643 number -> (normalised, birth date, gender). stdnum knows codes' validity years."""
    norm = pii.normalise_id_number(value)
    try:
        ric.validate(norm)
    except Exception:
        raise ValidationError({"id_number": _("不是有效的居民身份证号码")}) from None
    birth = ric.get_birth_date(norm)
    gender = Gender.MALE if int(norm[16]) % 2 == 1 else Gender.FEMALE
    return norm, birth, gender


def validate_phone(value: str) -> str:
    norm = pii.normalise_phone(value)
    if not (len(norm) == 11 and norm.isdigit() and norm.startswith("1")):
        raise ValidationError({"phone": _("手机号码应为以 1 开头的 11 位数字")})
    return norm


@transaction.atomic
def volunteer_register(
    *,
    actor: Any,
    name: str,
    id_number: str,
    phone: str,
    area: Any,
    registered_on: dt.date | None = None,
    consent: bool,
    skills: list[str] | None = None,
    user: Any = None,
    synthetic: bool = False,
) -> Volunteer:
    """Register a volunteer; consent to the privacy notice is required (PIPL art. 13-14)."""
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("请填写姓名")})
    if not consent:
        raise ValidationError({"consent": _("须同意个人信息处理告知书后才能注册")})
    norm, birth, gender = validate_id_number(id_number)
    phone_norm = validate_phone(phone)
    # The condition of the partial unique index repeated: without it SQLite scans the table.
    bidx = pii.bidx_for(norm, "id_number")
    if Volunteer.objects.exclude(id_number_bidx="").filter(id_number_bidx=bidx).exists():
        raise ValidationError({"id_number": _("该证件号码已注册为志愿者")})
    if user is not None and Volunteer.objects.filter(user=user).exists():
        raise ValidationError({"user": _("该账户已关联志愿者档案")})
    today = timezone.localdate()
    v = Volunteer(
        name=name,
        id_number=norm,
        phone=phone_norm,
        gender=gender,
        birth_date=birth,
        area=area,
        area_code=area.code,
        registered_on=registered_on or today,
        consent_on=today,
        consent_version=rules_config.current().consent_version,
        skills=list(skills or []),
        user=user,
        synthetic=synthetic,
    )
    try:
        with transaction.atomic():
            v.save()
    except IntegrityError:  # a concurrent registration with the same ID number
        raise ValidationError({"id_number": _("该证件号码已注册为志愿者")}) from None
    audit.record(
        actor=actor,
        action="volunteers.register",
        obj=v,
        after={"number": v.number, "area": area.code, "consent_version": v.consent_version},
    )
    return v


DERIVED = {
    "name": ("name_simplified", "name_pinyin", "name_initials"),
    "phone": ("phone_bidx", "phone_last4"),
    "area": ("area_code",),
}


@transaction.atomic
def volunteer_update(*, actor: Any, volunteer: Volunteer, **changes: Any) -> Volunteer:
    allowed = {"name", "phone", "area", "skills", "status", "withdrawn_on"}
    bad = set(changes) - allowed
    if bad:
        raise ValidationError({sorted(bad)[0]: _("此项不可修改")})
    if volunteer.status == "deleted":
        raise ValidationError({"volunteer": _("该志愿者的个人信息已删除")})
    if "skills" in changes:
        changes["skills"] = [str(s).strip()[:30] for s in changes["skills"] or [] if str(s).strip()]
        if len(changes["skills"]) > 20:
            raise ValidationError({"skills": _("特长技能最多 20 项")})
    before = {k: str(getattr(volunteer, k)) for k in changes if k != "phone"}
    if "phone" in changes:
        changes["phone"] = validate_phone(changes["phone"])
    old_home = volunteer.area_code
    for key, value in changes.items():
        setattr(volunteer, key, value)
    if "area" in changes:
        volunteer.area_code = changes["area"].code
    # Only the changed columns and what derives from them: a full save from a stale instance
    # would write back an old running total (approved_minutes) over a concurrent approval.
    fields = set(changes) | {f for key in changes for f in DERIVED.get(key, ())}
    volunteer.save(update_fields=sorted(fields))
    if volunteer.area_code != old_home:
        stars.move_homes({volunteer.pk: (old_home, volunteer.area_code)})
    audit.record(
        actor=actor,
        action="volunteers.update",
        obj=volunteer,
        before=before,
        after={k: str(getattr(volunteer, k)) for k in changes if k != "phone"},
    )
    return volunteer


@transaction.atomic
def volunteer_link_user(*, actor: Any, volunteer: Volunteer, user: Any) -> Volunteer:
    """Let an account use the volunteer's self-service pages."""
    if Volunteer.objects.filter(user=user).exclude(pk=volunteer.pk).exists():
        raise ValidationError({"user": _("该账户已关联其他志愿者档案")})
    volunteer.user = user
    Volunteer.objects.filter(pk=volunteer.pk).update(user=user)
    audit.record(actor=actor, action="volunteers.link_user", obj=volunteer, after={"user": user.pk})
    return volunteer


@transaction.atomic
def qualification_add(
    *,
    actor: Any,
    volunteer: Volunteer,
    kind: str,
    expires_on: dt.date | None = None,
    issued_on: dt.date | None = None,
    number: str = "",
) -> Qualification:
    if kind not in dict(rules_config.qualification_choices()):
        raise ValidationError({"kind": _("不是可选的资质类型")})
    if expires_on and issued_on and expires_on < issued_on:
        raise ValidationError({"expires_on": _("有效期不能早于取得日期")})
    q = Qualification.objects.create(
        volunteer=volunteer, kind=kind, expires_on=expires_on, issued_on=issued_on, number=number
    )
    audit.record(actor=actor, action="volunteers.qualification_add", obj=q, after={"kind": kind})
    return q


@transaction.atomic
def team_create(
    *,
    actor: Any,
    name: str,
    kind: str,
    owner_kind: str,
    area: Any,
    established_on: dt.date,
    owner_org: Any = None,
    owner_party_org_id: int | None = None,
    person_in_charge: str = "",
    clerk: str = "",
    contact: str = "",
    synthetic: bool = False,
) -> Team:
    if not name.strip():
        raise ValidationError({"name": _("请填写队伍名称")})
    if owner_kind == "org" and owner_org is None:
        raise ValidationError({"owner_org": _("所属单位为社会组织时须选择社会组织")})
    if owner_kind == "party" and not owner_party_org_id:
        raise ValidationError({"owner_party_org_id": _("所属单位为党组织时须填写党组织")})
    prefix = f"T{area.code[:6]}"
    team = Team(
        code=f"{prefix}{allocate(prefix, 1):05d}",
        name=name.strip(),
        kind=kind,
        owner_kind=owner_kind,
        owner_org=owner_org,
        owner_party_org_id=owner_party_org_id,
        area=area,
        established_on=established_on,
        person_in_charge=person_in_charge,
        clerk=clerk,
        contact=contact,
        synthetic=synthetic,
    )
    team.full_clean(exclude=["code", "name_simplified", "name_pinyin", "area_code"])
    team.save()
    audit.record(actor=actor, action="volunteers.team_create", obj=team, after={"name": team.name})
    return team


@transaction.atomic
def team_member_add(
    *,
    actor: Any,
    team: Team,
    volunteer: Volunteer,
    role: str = "member",
    joined_on: dt.date | None = None,
) -> TeamMember:
    if TeamMember.objects.filter(team=team, volunteer=volunteer, left_on__isnull=True).exists():
        raise ValidationError({"volunteer": _("该志愿者已是本队成员")})
    m = TeamMember.objects.create(
        team=team, volunteer=volunteer, role=role, joined_on=joined_on or timezone.localdate()
    )
    audit.record(actor=actor, action="volunteers.team_member_add", obj=m, after={"role": role})
    return m


@transaction.atomic
def team_member_leave(
    *, actor: Any, member: TeamMember, left_on: dt.date | None = None
) -> TeamMember:
    left = left_on or timezone.localdate()
    if left < member.joined_on:
        raise ValidationError({"left_on": _("退出日期不能早于加入日期")})
    member.left_on = left
    member.save(update_fields=["left_on"])
    audit.record(actor=actor, action="volunteers.team_member_leave", obj=member)
    return member
