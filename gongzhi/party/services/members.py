"""Writes for Party members: admission record, milestones, probation, conversion, leaving."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from stdnum.cn import ric
from stdnum.exceptions import ValidationError as StdnumError

from gongzhi.core import audit
from gongzhi.core.pii import bidx_for, mask, normalise_id_number
from gongzhi.party import rules_config
from gongzhi.party.models import MILESTONES, MembershipPeriod, MemberStatus, PartyMember, PartyOrg
from gongzhi.party.services.editing import audited_update
from gongzhi.party.services.history import period_close, period_open


def check_id_number(value: str) -> str:
    """A valid 18-character ID number (GB 11643, via stdnum.cn.ric), normalised."""
    number = normalise_id_number(value)
    try:
        return str(ric.validate(number))
    except StdnumError:
        raise ValidationError({"id_number": _("公民身份号码无效")}) from None


def milestone_errors(
    values: dict[str, dt.date | None], birth_date: dt.date | None
) -> dict[str, str]:
    """Order and minimum intervals of the development milestones (rules_config, 发展细则)."""
    rules = rules_config.current()
    errors: dict[str, str] = {}
    labels = dict(MILESTONES)
    names = [n for n, _l in MILESTONES]
    dated = [(n, values.get(n)) for n in names if values.get(n)]
    for (a, da), (b, db) in zip(dated, dated[1:], strict=False):
        assert da is not None and db is not None
        if db < da:
            errors[b] = _("%(b)s不能早于%(a)s") % {"a": labels[a], "b": labels[b]}
            continue
        need = rules.milestone_min_days.get((a, b), 0)
        if (db - da).days < need:
            errors[b] = _("%(b)s距%(a)s须至少 %(n)d 天") % {
                "a": labels[a],
                "b": labels[b],
                "n": need,
            }
    applied = values.get("applied_on")
    if birth_date and applied:
        age_at = (
            applied.year
            - birth_date.year
            - ((applied.month, applied.day) < (birth_date.month, birth_date.day))
        )
        if age_at < rules.min_application_age:
            # 党章 art. 1: only those who have reached 18 may apply.
            errors["applied_on"] = _("申请入党时须年满 %(n)d 周岁") % {
                "n": rules.min_application_age
            }
    return errors


def _snapshot(m: PartyMember) -> dict[str, Any]:
    return {
        "name": m.name,
        "id_number": mask(m.id_number, "id_number"),
        "status": m.status,
        "party_org": m.party_org_id,
        "employer": m.employer_id,
        "admitted_on": m.admitted_on,
        "became_formal_on": m.became_formal_on,
        "probation_extension_months": m.probation_extension_months,
        "left_on": m.left_on,
    }


def validate_member(m: PartyMember) -> None:
    """Every rule a member record must keep, raised as field errors together."""
    errors: dict[str, str] = {}
    if not m.name.strip():
        errors["name"] = _("姓名不能为空")
    if m.id_number:
        try:
            m.id_number = check_id_number(m.id_number)
        except ValidationError as exc:
            errors.update({k: v[0] for k, v in exc.message_dict.items()})
        else:
            born = ric.get_birth_date(m.id_number)
            if m.birth_date is None:
                m.birth_date = born
            elif m.birth_date != born:
                errors["birth_date"] = _("出生日期与公民身份号码不一致")
    if m.status == MemberStatus.FORMAL and not m.became_formal_on:
        errors["became_formal_on"] = _("正式党员须填写转正日期")
    if m.status == MemberStatus.PROBATIONARY and m.became_formal_on:
        errors["became_formal_on"] = _("预备党员不应有转正日期")
    errors.update(milestone_errors({n: getattr(m, n) for n, _l in MILESTONES}, m.birth_date))
    if m.left_on and m.left_on < m.joined_on:
        errors["left_on"] = _("离开日期不能早于转入日期")
    if m.id_number:
        clash = PartyMember.objects.filter(id_number_bidx=bidx_for(m.id_number, "id_number"))
        if m.pk:
            clash = clash.exclude(pk=m.pk)
        if clash.exists():
            errors["id_number"] = _("已有相同公民身份号码的党员")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def member_create(
    *,
    actor: Any,
    name: str,
    party_org: PartyOrg,
    admitted_on: dt.date,
    status: str,
    joined_on: dt.date | None = None,
    id_number: str = "",
    phone: str = "",
    **fields: Any,
) -> PartyMember:
    member = PartyMember(
        name=name.strip(),
        party_org=party_org,
        admitted_on=admitted_on,
        status=status,
        joined_on=joined_on or admitted_on,
        joined_org_on=joined_on or admitted_on,
        id_number=id_number,
        phone=phone,
        **fields,
    )
    validate_member(member)
    member.save()
    # The dated history the "as of" figures read (MembershipPeriod).
    period_open(member=member, party_org=party_org, on=member.joined_org_on)
    if member.left_on:
        period_close(member=member, on=member.left_on)
    audit.record(actor=actor, action="party.member.create", obj=member, after=_snapshot(member))
    return member


_EDITABLE = {
    "name",
    "gender",
    "ethnicity",
    "birth_date",
    "id_number",
    "phone",
    "employer",
    "dues_category",
    "applied_on",
    "activist_on",
    "candidate_on",
}


@transaction.atomic
def member_update(*, actor: Any, member: PartyMember, **changes: Any) -> PartyMember:
    return audited_update(
        actor=actor,
        obj=member,
        changes=changes,
        editable=_EDITABLE,
        validate=validate_member,
        snapshot=_snapshot,
        action="party.member.update",
    )


@transaction.atomic
def member_extend_probation(*, actor: Any, member: PartyMember, months: int) -> PartyMember:
    rules = rules_config.current()
    if member.status != MemberStatus.PROBATIONARY:
        raise ValidationError({"months": _("只有预备党员可以延长预备期")})
    if member.probation_extension_months:
        raise ValidationError({"months": _("预备期只能延长一次")})
    if not rules.probation_extension_min_months <= months <= rules.probation_extension_max_months:
        # 党章 art. 7: an extension of no less than half a year and no more than one year.
        raise ValidationError(
            {
                "months": _("延长预备期应为 %(a)d 至 %(b)d 个月")
                % {
                    "a": rules.probation_extension_min_months,
                    "b": rules.probation_extension_max_months,
                }
            }
        )
    before = _snapshot(member)
    member.probation_extension_months = months
    member.save()
    audit.record(
        actor=actor,
        action="party.member.extend",
        obj=member,
        before=before,
        after=_snapshot(member),
    )
    return member


@transaction.atomic
def member_convert(*, actor: Any, member: PartyMember, decided_on: dt.date) -> PartyMember:
    """转正: the Party standing counts from the day probation ends (党章 art. 7)."""
    if member.status != MemberStatus.PROBATIONARY:
        raise ValidationError({"status": _("该党员不是预备党员")})
    ends = member.compute_probation_end()
    assert ends is not None
    if decided_on < ends:
        raise ValidationError(
            {"decided_on": _("预备期至 %(d)s 届满，不能提前转正") % {"d": ends.isoformat()}}
        )
    before = _snapshot(member)
    member.status = MemberStatus.FORMAL
    member.became_formal_on = ends
    member.save()
    audit.record(
        actor=actor,
        action="party.member.convert",
        obj=member,
        before=before,
        after=_snapshot(member),
    )
    return member


@transaction.atomic
def member_leave(*, actor: Any, member: PartyMember, left_on: dt.date, reason: str) -> PartyMember:
    if left_on < member.joined_on:
        raise ValidationError({"left_on": _("离开日期不能早于转入日期")})
    if member.joined_org_on and left_on < member.joined_org_on:
        # The history would end before the period in the current organisation began.
        raise ValidationError(
            {
                "left_on": _("离开日期不能早于转入现党组织日期（%(d)s）")
                % {"d": member.joined_org_on.isoformat()}
            }
        )
    if not reason.strip():
        raise ValidationError({"reason": _("请填写离开原因")})
    before = _snapshot(member)
    if member.left_on is not None:
        # A corrected leaving date moves the end of the period it closed.
        MembershipPeriod.objects.filter(member=member, ended_on=member.left_on).update(
            ended_on=left_on
        )
    member.left_on = left_on
    member.left_reason = reason.strip()
    member.save()
    period_close(member=member, on=left_on)
    audit.record(
        actor=actor, action="party.member.leave", obj=member, before=before, after=_snapshot(member)
    )
    return member


def move_membership(*, member: PartyMember, to_org: PartyOrg, on: dt.date) -> None:
    """Move a member to another platform organisation (called inside a transfer's transaction).

    The period in the old organisation ends on `on` and one in `to_org` starts that day.
    """
    member.party_org = to_org
    member.area_code = to_org.area_code
    member.joined_org_on = on
    member.save()
    period_open(member=member, party_org=to_org, on=on)
