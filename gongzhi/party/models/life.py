"""Organisational life: meetings, lectures, theme days, appraisals (支部工作条例 art. 14-18)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from gongzhi.core.scope import ScopeSpec


class LifeKind(models.TextChoices):
    GENERAL_MEETING = "general_meeting", _("支部党员大会")
    COMMITTEE_MEETING = "committee_meeting", _("支委会")
    GROUP_MEETING = "group_meeting", _("党小组会")
    PARTY_LECTURE = "party_lecture", _("党课")
    THEME_DAY = "theme_day", _("主题党日")
    LIFE_MEETING = "life_meeting", _("组织生活会")
    APPRAISAL = "appraisal", _("民主评议党员")


# Kinds that are meetings of the members, needing more than half of voting members present.
MEMBERS_MEETINGS = {LifeKind.GENERAL_MEETING, LifeKind.APPRAISAL}


class OrgLifeRecord(models.Model):
    party_org = models.ForeignKey(
        "party.PartyOrg",
        verbose_name=_("党组织"),
        on_delete=models.PROTECT,
        related_name="life_records",
    )
    area_code = models.CharField(_("区划代码"), max_length=18, db_index=True, editable=False)
    kind = models.CharField(_("类型"), max_length=20, choices=LifeKind.choices, db_index=True)
    held_on = models.DateField(_("日期"), db_index=True)
    topic = models.CharField(_("主题"), max_length=200)
    minutes = models.TextField(_("记录"), blank=True)
    attachment = models.FileField(_("附件"), upload_to="party/life/%Y/", blank=True)
    attendees = models.ManyToManyField(
        "party.PartyMember", verbose_name=_("出席党员"), blank=True, related_name="life_records"
    )
    # Counted when recorded, so the record keeps the quorum as it stood that day.
    voting_members = models.PositiveIntegerField(_("有表决权党员数"), default=0)
    voting_present = models.PositiveIntegerField(_("出席的正式党员数"), default=0)
    quorate = models.BooleanField(_("达到法定人数"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("记录人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    scope = ScopeSpec(area="area_code", orgs={"party.partyorg": "party_org_id"})

    class Meta:
        verbose_name = _("组织生活记录")
        verbose_name_plural = _("组织生活记录")
        ordering = ["-held_on", "-id"]
        indexes = [models.Index(fields=["party_org", "kind", "held_on"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.held_on} {self.topic}"


class Grade(models.TextChoices):
    EXCELLENT = "excellent", _("优秀")
    QUALIFIED = "qualified", _("合格")
    BASIC = "basic", _("基本合格")
    UNQUALIFIED = "unqualified", _("不合格")


class AppraisalGrade(models.Model):
    """A member's grade in a 民主评议党员 (优秀 ≤ 1/3, rules_config)."""

    record = models.ForeignKey(
        OrgLifeRecord, verbose_name=_("民主评议"), on_delete=models.CASCADE, related_name="grades"
    )
    member = models.ForeignKey(
        "party.PartyMember", verbose_name=_("党员"), on_delete=models.PROTECT, related_name="grades"
    )
    grade = models.CharField(_("评议等次"), max_length=12, choices=Grade.choices)

    class Meta:
        verbose_name = _("评议等次")
        verbose_name_plural = _("评议等次")
        constraints = [
            models.UniqueConstraint(fields=["record", "member"], name="grade_once_per_appraisal")
        ]

    def __str__(self) -> str:
        return f"{self.member} · {self.get_grade_display()}"
