"""Writes for regional alliances, their lists and claims, and 双报到 service records."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from gongzhi.core import audit
from gongzhi.party.models import (
    Alliance,
    AllianceItem,
    AllianceMeeting,
    AllianceMember,
    CommunityReport,
    ItemStatus,
    ReportKind,
    ServiceRecord,
)
from gongzhi.party.rotation import chair_on


@transaction.atomic
def alliance_create(
    *,
    actor: Any,
    name: str,
    area: Any,
    established_on: dt.date,
    rotation_starts_on: dt.date | None = None,
    rotation_months: int | None = None,
    party_orgs: list[Any] | None = None,
    social_orgs: list[Any] | None = None,
    synthetic: bool = False,
) -> Alliance:
    """An alliance and its founding member units, which take the chair in the order given."""
    if not name.strip():
        raise ValidationError({"name": _("名称不能为空")})
    if rotation_months is not None and rotation_months < 1:
        raise ValidationError({"rotation_months": _("轮值周期至少一个月")})
    if rotation_starts_on is not None and rotation_starts_on < established_on:
        raise ValidationError({"rotation_starts_on": _("轮值起始日期不能早于成立日期")})
    alliance = Alliance.objects.create(
        name=name.strip(),
        area=area,
        established_on=established_on,
        rotation_starts_on=rotation_starts_on or established_on,
        rotation_months=rotation_months,
        synthetic=synthetic,
    )
    audit.record(actor=actor, action="party.alliance.create", obj=alliance)
    for party_org in party_orgs or []:
        alliance_member_add(
            actor=actor, alliance=alliance, party_org=party_org, joined_on=established_on
        )
    for social_org in social_orgs or []:
        alliance_member_add(
            actor=actor, alliance=alliance, social_org=social_org, joined_on=established_on
        )
    return alliance


@transaction.atomic
def alliance_rotation_set(
    *, actor: Any, alliance: Alliance, order: list[AllianceMember]
) -> list[AllianceMember]:
    """Set the chair order (轮值顺序): `order` lists every current member unit once."""
    current = {m.pk: m for m in alliance.members.filter(left_on__isnull=True)}
    ids = [m.pk for m in order]
    if len(set(ids)) != len(ids):
        raise ValidationError({"order": _("轮值顺序中有重复的成员单位")})
    if set(ids) != set(current):
        raise ValidationError({"order": _("轮值顺序须包含全部现有成员单位，且只含本联盟成员")})
    before = {current[i].name: current[i].rotation_position for i in ids}
    for position, member_id in enumerate(ids, start=1):
        member = current[member_id]
        if member.rotation_position != position:
            member.rotation_position = position
            member.save(update_fields=["rotation_position"])
    audit.record(
        actor=actor,
        action="party.alliance.rotation",
        obj=alliance,
        before=before,
        after={current[i].name: p for p, i in enumerate(ids, start=1)},
    )
    return [current[i] for i in ids]


@transaction.atomic
def alliance_member_add(
    *,
    actor: Any,
    alliance: Alliance,
    joined_on: dt.date,
    party_org: Any = None,
    social_org: Any = None,
    rotation_position: int | None = None,
) -> AllianceMember:
    if (party_org is None) == (social_org is None):
        raise ValidationError({"party_org": _("请选择一个党组织或一个社会组织")})
    existing = alliance.members.filter(left_on__isnull=True)
    if existing.filter(party_org=party_org, social_org=social_org).exists():
        raise ValidationError({"party_org": _("该单位已是联盟成员")})
    if rotation_position is None:
        rotation_position = (
            max((m.rotation_position for m in alliance.members.all()), default=0)
        ) + 1
    member = AllianceMember.objects.create(
        alliance=alliance,
        party_org=party_org,
        social_org=social_org,
        joined_on=joined_on,
        rotation_position=rotation_position,
    )
    audit.record(
        actor=actor,
        action="party.alliance.member_add",
        obj=alliance,
        after={"member": member.name, "position": rotation_position},
    )
    return member


@transaction.atomic
def alliance_meeting_record(
    *, actor: Any, alliance: Alliance, held_on: dt.date, topic: str, decisions: str = ""
) -> AllianceMeeting:
    """A joint meeting, hosted by the chair unit of the period it falls in."""
    period = chair_on(alliance, held_on)
    if period is None:
        raise ValidationError({"held_on": _("该日期联盟尚无轮值单位")})
    if not topic.strip():
        raise ValidationError({"topic": _("请填写议题")})
    meeting = AllianceMeeting.objects.create(
        alliance=alliance,
        held_on=held_on,
        host=period.chair,
        topic=topic.strip(),
        decisions=decisions,
    )
    audit.record(
        actor=actor,
        action="party.alliance.meeting",
        obj=alliance,
        after={"held_on": held_on, "host": period.chair.name},
    )
    return meeting


@transaction.atomic
def item_create(
    *,
    actor: Any,
    kind: str,
    title: str,
    created_on: dt.date,
    alliance: Alliance | None = None,
    community: Any = None,
    description: str = "",
    offered_by: AllianceMember | None = None,
) -> AllianceItem:
    if alliance is None and community is None:
        raise ValidationError({"alliance": _("请选择联盟或社区")})
    if not title.strip():
        raise ValidationError({"title": _("名称不能为空")})
    item = AllianceItem.objects.create(
        alliance=alliance,
        community=community,
        area_code=alliance.area_code if alliance else community.code,
        kind=kind,
        title=title.strip(),
        description=description,
        offered_by=offered_by,
        created_on=created_on,
    )
    audit.record(actor=actor, action="party.item.create", obj=item, after={"kind": kind})
    return item


@transaction.atomic
def item_claim(
    *,
    actor: Any,
    item: AllianceItem,
    claimed_on: dt.date,
    member: AllianceMember | None = None,
    party_org: Any = None,
) -> AllianceItem:
    """认领: a member unit (or, for a community need, a reporting Party org) takes the item."""
    if item.status != ItemStatus.OPEN:
        raise ValidationError({"status": _("该事项已被认领")})
    if member is None and party_org is None:
        raise ValidationError({"member": _("请选择认领单位")})
    if member is not None and item.alliance_id and member.alliance_id != item.alliance_id:
        raise ValidationError({"member": _("认领单位不是该联盟成员")})
    item.status = ItemStatus.CLAIMED
    item.claimed_by_member = member
    item.claimed_by_party_org = party_org or (member.party_org if member else None)
    item.claimed_on = claimed_on
    item.save()
    audit.record(actor=actor, action="party.item.claim", obj=item, after={"on": claimed_on})
    return item


_NEXT = {
    ItemStatus.CLAIMED: {ItemStatus.IN_PROGRESS, ItemStatus.DONE},
    ItemStatus.IN_PROGRESS: {ItemStatus.DONE},
}


@transaction.atomic
def item_set_status(*, actor: Any, item: AllianceItem, status: str, on: dt.date) -> AllianceItem:
    if status not in _NEXT.get(ItemStatus(item.status), set()):
        raise ValidationError(
            {"status": _("不能从“%(now)s”变更为该状态") % {"now": item.get_status_display()}}
        )
    before = item.status
    item.status = status
    if status == ItemStatus.DONE:
        item.completed_on = on
    item.save()
    audit.record(
        actor=actor,
        action="party.item.status",
        obj=item,
        before={"status": before},
        after={"status": status},
    )
    return item


@transaction.atomic
def community_report_create(
    *,
    actor: Any,
    community: Any,
    reported_on: dt.date,
    party_org: Any = None,
    member: Any = None,
) -> CommunityReport:
    """双报到: a unit's Party organisation or a working member reports to a community."""
    if (party_org is None) == (member is None):
        raise ValidationError({"party_org": _("请选择报到的党组织或党员之一")})
    if community.kind != "community":
        raise ValidationError({"community": _("报到单位须为社区（村）")})
    if member is not None:
        kind, employer = ReportKind.MEMBER, member.employer
    else:
        kind = ReportKind.UNIT
        coverage = party_org.coverages.filter(ended_on__isnull=True).select_related("org").first()
        employer = coverage.org if coverage else None
    report = CommunityReport.objects.create(
        kind=kind,
        community=community,
        area_code=community.code,
        party_org=party_org if party_org is not None else member.party_org,
        member=member,
        employer=employer,
        reported_on=reported_on,
    )
    audit.record(actor=actor, action="party.report.create", obj=report)
    return report


@transaction.atomic
def service_record_create(
    *,
    actor: Any,
    report: CommunityReport,
    served_on: dt.date,
    hours: Decimal,
    content: str,
    item: AllianceItem | None = None,
) -> ServiceRecord:
    if served_on < report.reported_on:
        raise ValidationError({"served_on": _("服务日期早于报到日期")})
    if hours is None or hours <= 0:
        raise ValidationError({"hours": _("服务时长须大于零")})
    if not content.strip():
        raise ValidationError({"content": _("请填写服务内容")})
    record = ServiceRecord.objects.create(
        report=report,
        area_code=report.area_code,
        item=item,
        served_on=served_on,
        hours=hours,
        content=content.strip(),
    )
    audit.record(actor=actor, action="party.service.record", obj=record, after={"hours": hours})
    return record
