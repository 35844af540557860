"""Writes for organisational life: recording a meeting, its quorum, appraisal grades."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from fractions import Fraction
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.core import audit
from gongzhi.party import rules_config
from gongzhi.party.models import (
    MEMBERS_MEETINGS,
    AppraisalGrade,
    Grade,
    LifeKind,
    MemberStatus,
    OrgLifeRecord,
    PartyMember,
    PartyOrg,
)


def members_on(party_org: PartyOrg, day: dt.date) -> Any:
    """Members of the organisation on `day`."""
    return PartyMember.objects.filter(party_org=party_org, joined_on__lte=day).filter(
        Q(left_on__isnull=True) | Q(left_on__gt=day)
    )


def voting_members_on(party_org: PartyOrg, day: dt.date) -> Any:
    # 党章 art. 7: only formal members vote; probationary members do not.
    return members_on(party_org, day).filter(status=MemberStatus.FORMAL, became_formal_on__lte=day)


def is_quorate(present: int, voting: int) -> bool:
    """More than half of the voting members (支部工作条例 art. 15; share in rules_config)."""
    if voting <= 0:
        return False
    return Fraction(present, voting) > rules_config.current().quorum_share


def excellent_allowed(graded: int) -> int:
    """The most members who may be graded 优秀 (≤ 1/3, rules_config)."""
    share = rules_config.current().excellent_max_share
    return int(graded * share.numerator // share.denominator)


@transaction.atomic
def life_record_create(
    *,
    actor: Any,
    party_org: PartyOrg,
    kind: str,
    held_on: dt.date,
    topic: str,
    minutes: str = "",
    attendees: Iterable[PartyMember] = (),
    grades: dict[int, str] | None = None,
    attachment: Any = None,
) -> OrgLifeRecord:
    errors: dict[str, str] = {}
    if kind not in LifeKind.values:
        errors["kind"] = _("不是可选的组织生活类型")
    if not topic.strip():
        errors["topic"] = _("请填写主题")
    if held_on > timezone.localdate():
        errors["held_on"] = _("不能记录尚未举行的组织生活")
    if held_on < party_org.established_on:
        errors["held_on"] = _("日期早于党组织成立日期")
    attendee_list = list(attendees)
    roster = {m.pk: m for m in members_on(party_org, held_on)}
    strangers = [m.name for m in attendee_list if m.pk not in roster]
    if strangers:
        errors["attendees"] = _("以下人员不是本党组织党员：%(names)s") % {
            "names": "、".join(strangers)
        }
    grades = grades or {}
    if grades and kind != LifeKind.APPRAISAL:
        errors["grades"] = _("只有民主评议党员才评定等次")
    if grades:
        bad = [pk for pk in grades if pk not in roster]
        bad_grade = [g for g in grades.values() if g not in Grade.values]
        if bad or bad_grade:
            errors["grades"] = _("评议对象须为本党组织党员，等次须为优秀、合格、基本合格或不合格")
        else:
            excellent = sum(1 for g in grades.values() if g == Grade.EXCELLENT)
            allowed = excellent_allowed(len(grades))
            if excellent > allowed:
                # 民主评议党员: 优秀 at most one third of those appraised.
                errors["grades"] = _(
                    "评为优秀的党员不得超过参评人数的三分之一（%(n)d 人中至多 %(a)d 人）"
                ) % {"n": len(grades), "a": allowed}
    if errors:
        raise ValidationError(errors)

    record = OrgLifeRecord(
        party_org=party_org,
        area_code=party_org.area_code,
        kind=kind,
        held_on=held_on,
        topic=topic.strip(),
        minutes=minutes,
        recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    if attachment is not None:
        record.attachment = attachment
    if kind in MEMBERS_MEETINGS:
        voting_ids = set(voting_members_on(party_org, held_on).values_list("pk", flat=True))
        record.voting_members = len(voting_ids)
        record.voting_present = sum(1 for m in attendee_list if m.pk in voting_ids)
        record.quorate = is_quorate(record.voting_present, record.voting_members)
    record.save()
    record.attendees.set(attendee_list)
    AppraisalGrade.objects.bulk_create(
        [AppraisalGrade(record=record, member_id=pk, grade=g) for pk, g in grades.items()]
    )
    audit.record(
        actor=actor,
        action="party.life.record",
        obj=record,
        after={
            "party_org": party_org.pk,
            "kind": kind,
            "held_on": held_on,
            "attendees": len(attendee_list),
            "quorate": record.quorate,
        },
    )
    return record
