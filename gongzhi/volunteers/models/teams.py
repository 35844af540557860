"""Volunteer teams: registered or grassroots, owned by an organisation, community, compound or Party org."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from gongzhi.core.scope import ScopeSpec


class TeamKind(models.TextChoices):
    REGISTERED = "registered", _("已登记队伍")
    # MZ/T 061 allows unregistered grassroots teams (草根队伍).
    GRASSROOTS = "grassroots", _("未登记（草根）队伍")


class OwnerKind(models.TextChoices):
    ORG = "org", _("社会组织")
    COMMUNITY = "community", _("社区/村")
    COMPOUND = "compound", _("小区")
    PARTY = "party", _("党组织")


class Team(models.Model):
    """A volunteer team; it records service and issues certificates (谁记录谁证明)."""

    code = models.CharField(_("队伍编号"), max_length=20, unique=True)
    name = models.CharField(_("队伍名称"), max_length=120)
    name_simplified = models.CharField(
        _("名称（简体）"), max_length=120, db_index=True, editable=False
    )
    name_pinyin = models.CharField(_("名称拼音"), max_length=400, editable=False)
    kind = models.CharField(_("队伍类型"), max_length=12, choices=TeamKind.choices)
    owner_kind = models.CharField(_("所属单位类型"), max_length=12, choices=OwnerKind.choices)
    owner_org = models.ForeignKey(
        "orgs.SocialOrg",
        verbose_name=_("所属社会组织"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="volunteer_teams",
    )
    # The Party app is built separately: a plain id keeps this app independent of it.
    owner_party_org_id = models.PositiveBigIntegerField(
        _("所属党组织编号"), null=True, blank=True, db_index=True
    )
    area = models.ForeignKey(
        "areas.Area",
        verbose_name=_("所在区划（社区/小区）"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    area_code = models.CharField(_("区划代码"), max_length=18, db_index=True, editable=False)
    person_in_charge = models.CharField(_("负责人"), max_length=60, blank=True)
    clerk = models.CharField(_("经办人"), max_length=60, blank=True)
    contact = models.CharField(_("联系电话"), max_length=40, blank=True)
    established_on = models.DateField(_("成立日期"))
    dissolved_on = models.DateField(_("解散日期"), null=True, blank=True)
    synthetic = models.BooleanField(_("虚构（演示数据）"), default=False)

    scope = ScopeSpec(
        area="area_code",
        orgs={"orgs.socialorg": "owner_org_id", "party.partyorg": "owner_party_org_id"},
    )

    class Meta:
        verbose_name = _("志愿服务队伍")
        verbose_name_plural = _("志愿服务队伍")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(owner_kind="org") | models.Q(owner_org__isnull=False),
                name="team_org_owner_named",
            ),
            models.CheckConstraint(
                condition=~models.Q(owner_kind="party")
                | models.Q(owner_party_org_id__isnull=False),
                name="team_party_owner_named",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):  # type: ignore[override]
        from gongzhi.core.textkeys import pinyin_keys, to_simplified

        self.name_simplified = to_simplified(self.name)
        self.name_pinyin = pinyin_keys(self.name)[0]
        self.area_code = self.area.code if self.area_id else ""
        super().save(*args, **kwargs)


class TeamRole(models.TextChoices):
    LEADER = "leader", _("队长")
    DEPUTY = "deputy", _("副队长")
    LIAISON = "liaison", _("联络员")
    MEMBER = "member", _("队员")


class TeamMember(models.Model):
    team = models.ForeignKey(
        Team, verbose_name=_("队伍"), on_delete=models.CASCADE, related_name="members"
    )
    volunteer = models.ForeignKey(
        "volunteers.Volunteer",
        verbose_name=_("志愿者"),
        on_delete=models.CASCADE,
        related_name="team_memberships",
    )
    role = models.CharField(
        _("队内职务"), max_length=10, choices=TeamRole.choices, default=TeamRole.MEMBER
    )
    joined_on = models.DateField(_("加入日期"))
    left_on = models.DateField(_("退出日期"), null=True, blank=True)

    scope = ScopeSpec(area="team__area_code", orgs={"orgs.socialorg": "team__owner_org_id"})

    class Meta:
        verbose_name = _("队伍成员")
        verbose_name_plural = _("队伍成员")
        constraints = [
            models.UniqueConstraint(
                fields=["team", "volunteer"],
                condition=models.Q(left_on__isnull=True),
                name="team_member_once_current",
            ),
            models.CheckConstraint(
                condition=models.Q(left_on__isnull=True)
                | models.Q(left_on__gte=models.F("joined_on")),
                name="team_member_left_after_joined",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.team} · {self.volunteer_id} · {self.get_role_display()}"
