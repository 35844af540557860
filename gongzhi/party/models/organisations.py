"""Party organisations, the social organisations they cover, and their posts (DOMAIN.md § party)."""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.utils.translation import gettext_lazy as _

from gongzhi.core.scope import ScopeSpec
from gongzhi.party import rules_config
from gongzhi.party.dates import add_months, add_years


class PartyOrgKind(models.TextChoices):
    COMMITTEE = "committee", _("基层党委")
    GENERAL_BRANCH = "general_branch", _("党总支")
    BRANCH = "branch", _("党支部")
    JOINT_BRANCH = "joint_branch", _("联合党支部")
    TEMPORARY_BRANCH = "temporary_branch", _("临时党支部")


# Kinds that are branches (支部), to which the branch-size rules apply.
BRANCH_KINDS = {PartyOrgKind.BRANCH, PartyOrgKind.JOINT_BRANCH, PartyOrgKind.TEMPORARY_BRANCH}


class BuiltBy(models.TextChoices):
    SINGLE = "single", _("单独组建")
    JOINT = "joint", _("联合组建")
    REGIONAL = "regional", _("区域组建")
    INDUSTRY = "industry", _("行业组建")


class RegionalKind(models.TextChoices):
    BUILDING = "building", _("楼宇")
    MARKET = "market", _("商圈市场")
    COMPOUND = "compound", _("小区")


class PartyOrg(models.Model):
    """A Party organisation in the social-organisation sector.

    `area_code` repeats the division code of its `area` (where it sits) so the scope rule
    is a prefix test on this table; `election_due_on` is derived from the term. Both are
    filled by `fill_derived()`, which `save()` calls and bulk writers call themselves.
    """

    name = models.CharField(_("名称"), max_length=200, db_index=True)
    kind = models.CharField(_("类型"), max_length=20, choices=PartyOrgKind.choices, db_index=True)
    built_by = models.CharField(_("组建方式"), max_length=10, choices=BuiltBy.choices)
    regional_kind = models.CharField(
        _("区域类型"), max_length=10, choices=RegionalKind.choices, blank=True
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级党组织"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    area = models.ForeignKey(
        "areas.Area", verbose_name=_("所在区划"), on_delete=models.PROTECT, related_name="+"
    )
    area_code = models.CharField(_("所在区划代码"), max_length=18, db_index=True, editable=False)
    served_area = models.ForeignKey(
        "areas.Area",
        verbose_name=_("服务区域"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("区域组建的综合党组织所服务的楼宇、商圈市场或小区"),
    )
    village_or_community = models.BooleanField(
        _("村（社区）党组织"), default=False, help_text=_("村、社区党组织每届任期五年")
    )
    party_groups = models.PositiveSmallIntegerField(_("党小组数"), default=0)
    established_on = models.DateField(_("成立日期"), db_index=True)
    dissolved_on = models.DateField(_("撤销日期"), null=True, blank=True, db_index=True)
    term_started_on = models.DateField(_("本届任期开始"), null=True, blank=True)
    term_years = models.PositiveSmallIntegerField(_("任期（年）"), null=True, blank=True)
    term_extension_months = models.PositiveSmallIntegerField(_("延期换届（月）"), default=0)
    election_due_on = models.DateField(
        _("应换届日期"), null=True, blank=True, db_index=True, editable=False
    )
    synthetic = models.BooleanField(_("虚构（演示数据）"), default=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    scope = ScopeSpec(area="area_code", orgs={"party.partyorg": "id"})

    class Meta:
        verbose_name = _("党组织")
        verbose_name_plural = _("党组织")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(dissolved_on__isnull=True)
                | models.Q(dissolved_on__gte=models.F("established_on")),
                name="partyorg_dissolved_after_established",
            ),
        ]
        indexes = [models.Index(fields=["area_code", "established_on"])]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):  # type: ignore[override]
        self.fill_derived()
        super().save(*args, **kwargs)

    def fill_derived(self) -> PartyOrg:
        """Set the denormalised and derived columns (call before bulk_create)."""
        rules = rules_config.current()
        if self.area_id and (not self.area_code or self.area.code != self.area_code):
            self.area_code = self.area.code
        if self.term_years is None and self.term_started_on:
            self.term_years = (
                rules.term_years_village_community
                if self.village_or_community
                else rules.term_years
            )
        self.election_due_on = self.compute_election_due()
        return self

    def compute_election_due(self) -> dt.date | None:
        if not self.term_started_on or not self.term_years:
            return None
        return add_months(
            add_years(self.term_started_on, self.term_years), self.term_extension_months
        )

    def is_active_on(self, day: dt.date) -> bool:
        return self.established_on <= day and (self.dissolved_on is None or self.dissolved_on > day)

    @property
    def is_branch(self) -> bool:
        return self.kind in BRANCH_KINDS


class PartyOrgCoverage(models.Model):
    """A social organisation a Party organisation covers, with dates (≤ 5 for a joint branch)."""

    party_org = models.ForeignKey(
        PartyOrg, verbose_name=_("党组织"), on_delete=models.CASCADE, related_name="coverages"
    )
    org = models.ForeignKey(
        "orgs.SocialOrg",
        verbose_name=_("社会组织"),
        on_delete=models.PROTECT,
        related_name="party_coverages",
    )
    started_on = models.DateField(_("覆盖开始"))
    ended_on = models.DateField(_("覆盖结束"), null=True, blank=True)

    class Meta:
        verbose_name = _("党组织覆盖的社会组织")
        verbose_name_plural = _("党组织覆盖的社会组织")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ended_on__isnull=True)
                | models.Q(ended_on__gte=models.F("started_on")),
                name="coverage_ended_after_started",
            ),
        ]
        indexes = [models.Index(fields=["org", "started_on"])]

    def __str__(self) -> str:
        return f"{self.party_org} → {self.org}"


class PostKind(models.TextChoices):
    SECRETARY = "secretary", _("书记")
    DEPUTY_SECRETARY = "deputy", _("副书记")
    ORGANISATION = "organisation", _("组织委员")
    PROPAGANDA = "propaganda", _("宣传委员")
    DISCIPLINE = "discipline", _("纪检委员")
    MEMBER = "member", _("委员")


class PartyPost(models.Model):
    """A secretary or committee post held by a person for a time."""

    party_org = models.ForeignKey(
        PartyOrg, verbose_name=_("党组织"), on_delete=models.CASCADE, related_name="posts"
    )
    kind = models.CharField(_("职务"), max_length=15, choices=PostKind.choices)
    member = models.ForeignKey(
        "party.PartyMember",
        verbose_name=_("党员"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="posts",
    )
    person_name = models.CharField(_("姓名"), max_length=60)
    started_on = models.DateField(_("任职日期"))
    ended_on = models.DateField(_("离任日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("党组织职务")
        verbose_name_plural = _("党组织职务")
        ordering = ["party_org", "kind", "started_on"]

    def __str__(self) -> str:
        return f"{self.person_name} · {self.get_kind_display()}"

    def is_active_on(self, day: dt.date) -> bool:
        return self.started_on <= day and (self.ended_on is None or self.ended_on > day)
