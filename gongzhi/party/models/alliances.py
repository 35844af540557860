"""Regional Party-building alliances (区域性党建联盟) and 双报到 (DOMAIN.md § party)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from gongzhi.core.scope import ScopeSpec


class Alliance(models.Model):
    name = models.CharField(_("名称"), max_length=200)
    area = models.ForeignKey(
        "areas.Area", verbose_name=_("所在区域"), on_delete=models.PROTECT, related_name="+"
    )
    area_code = models.CharField(_("区划代码"), max_length=18, db_index=True, editable=False)
    established_on = models.DateField(_("成立日期"))
    rotation_starts_on = models.DateField(_("轮值起始日期"))
    # Blank: the period of rules_config applies (轮值周期 is set by the locality).
    rotation_months = models.PositiveSmallIntegerField(_("轮值周期（月）"), null=True, blank=True)
    synthetic = models.BooleanField(_("虚构（演示数据）"), default=False)

    scope = ScopeSpec(area="area_code", orgs={"party.partyorg": "members__party_org_id"})

    class Meta:
        verbose_name = _("区域性党建联盟")
        verbose_name_plural = _("区域性党建联盟")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):  # type: ignore[override]
        self.fill_derived()
        super().save(*args, **kwargs)

    def fill_derived(self) -> Alliance:
        if self.area_id:
            self.area_code = self.area.code
        return self


class AllianceMember(models.Model):
    """A member unit: a Party organisation, or a social organisation without one."""

    alliance = models.ForeignKey(
        Alliance, verbose_name=_("联盟"), on_delete=models.CASCADE, related_name="members"
    )
    party_org = models.ForeignKey(
        "party.PartyOrg",
        verbose_name=_("党组织"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="alliance_memberships",
    )
    social_org = models.ForeignKey(
        "orgs.SocialOrg",
        verbose_name=_("社会组织"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="alliance_memberships",
    )
    rotation_position = models.PositiveSmallIntegerField(_("轮值顺序"), default=0)
    joined_on = models.DateField(_("加入日期"))
    left_on = models.DateField(_("退出日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("联盟成员单位")
        verbose_name_plural = _("联盟成员单位")
        ordering = ["alliance", "rotation_position", "joined_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(party_org__isnull=False) | models.Q(social_org__isnull=False),
                name="alliance_member_is_a_unit",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        unit = self.party_org or self.social_org
        return str(unit)


class AllianceMeeting(models.Model):
    """A joint meeting (联席会议), hosted by the chair unit of its period."""

    alliance = models.ForeignKey(
        Alliance, verbose_name=_("联盟"), on_delete=models.CASCADE, related_name="meetings"
    )
    held_on = models.DateField(_("日期"))
    host = models.ForeignKey(
        AllianceMember,
        verbose_name=_("承办（轮值）单位"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    topic = models.CharField(_("议题"), max_length=200)
    decisions = models.TextField(_("议定事项"), blank=True)

    class Meta:
        verbose_name = _("联席会议")
        verbose_name_plural = _("联席会议")
        ordering = ["-held_on"]

    def __str__(self) -> str:
        return f"{self.held_on} {self.topic}"


class ItemKind(models.TextChoices):
    NEED = "need", _("需求清单")
    RESOURCE = "resource", _("资源清单")
    PROJECT = "project", _("项目清单")


class ItemStatus(models.TextChoices):
    OPEN = "open", _("待认领")
    CLAIMED = "claimed", _("已认领")
    IN_PROGRESS = "in_progress", _("实施中")
    DONE = "done", _("已完成")


class AllianceItem(models.Model):
    """An entry of the needs, resources or projects list, claimed (认领) by a member unit.

    A community's needs (双报到) are items with `community` set; the alliance is optional.
    """

    alliance = models.ForeignKey(
        Alliance,
        verbose_name=_("联盟"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="items",
    )
    community = models.ForeignKey(
        "areas.Area",
        verbose_name=_("社区"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    area_code = models.CharField(_("区划代码"), max_length=18, db_index=True, editable=False)
    kind = models.CharField(_("清单"), max_length=10, choices=ItemKind.choices)
    title = models.CharField(_("名称"), max_length=200)
    description = models.TextField(_("说明"), blank=True)
    offered_by = models.ForeignKey(
        AllianceMember,
        verbose_name=_("提出单位"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(
        _("状态"), max_length=12, choices=ItemStatus.choices, default="open", db_index=True
    )
    claimed_by_member = models.ForeignKey(
        AllianceMember,
        verbose_name=_("认领单位"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="claims",
    )
    claimed_by_party_org = models.ForeignKey(
        "party.PartyOrg",
        verbose_name=_("认领党组织"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="claimed_items",
    )
    claimed_on = models.DateField(_("认领日期"), null=True, blank=True)
    completed_on = models.DateField(_("完成日期"), null=True, blank=True)
    created_on = models.DateField(_("提出日期"))

    scope = ScopeSpec(area="area_code", orgs={"party.partyorg": "claimed_by_party_org_id"})

    class Meta:
        verbose_name = _("清单事项")
        verbose_name_plural = _("清单事项")
        ordering = ["status", "-created_on", "id"]

    def __str__(self) -> str:
        return self.title


class ReportKind(models.TextChoices):
    UNIT = "unit", _("单位党组织报到")
    MEMBER = "member", _("在职党员报到")


class CommunityReport(models.Model):
    """双报到: a unit's Party organisation or a working member reports to a community."""

    kind = models.CharField(_("报到类型"), max_length=8, choices=ReportKind.choices)
    community = models.ForeignKey(
        "areas.Area", verbose_name=_("报到社区"), on_delete=models.PROTECT, related_name="+"
    )
    area_code = models.CharField(_("区划代码"), max_length=18, db_index=True, editable=False)
    party_org = models.ForeignKey(
        "party.PartyOrg",
        verbose_name=_("党组织"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="community_reports",
    )
    member = models.ForeignKey(
        "party.PartyMember",
        verbose_name=_("党员"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="community_reports",
    )
    employer = models.ForeignKey(
        "orgs.SocialOrg",
        verbose_name=_("所在单位"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reported_on = models.DateField(_("报到日期"))
    ended_on = models.DateField(_("结束日期"), null=True, blank=True)

    scope = ScopeSpec(area="area_code", orgs={"party.partyorg": "party_org_id"})

    class Meta:
        verbose_name = _("双报到")
        verbose_name_plural = _("双报到")
        ordering = ["-reported_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(party_org__isnull=False) | models.Q(member__isnull=False),
                name="community_report_has_reporter",
            ),
        ]

    def __str__(self) -> str:
        who = self.party_org or self.member
        return f"{who} → {self.community}"


class ServiceRecord(models.Model):
    """A service done for the community under a report; rolls up quarterly to the employer."""

    report = models.ForeignKey(
        CommunityReport, verbose_name=_("报到"), on_delete=models.CASCADE, related_name="services"
    )
    area_code = models.CharField(_("区划代码"), max_length=18, db_index=True, editable=False)
    item = models.ForeignKey(
        AllianceItem,
        verbose_name=_("认领的需求"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="services",
    )
    served_on = models.DateField(_("服务日期"), db_index=True)
    hours = models.DecimalField(_("服务时长（小时）"), max_digits=6, decimal_places=1)
    content = models.CharField(_("服务内容"), max_length=200)

    scope = ScopeSpec(area="area_code", orgs={"party.partyorg": "report__party_org_id"})

    class Meta:
        verbose_name = _("报到服务记录")
        verbose_name_plural = _("报到服务记录")
        ordering = ["-served_on", "id"]

    def __str__(self) -> str:
        return f"{self.served_on} {self.content}"
