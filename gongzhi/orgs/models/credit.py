"""Penalties (行政处罚) and the credit lists (民政部令60号: 活动异常名录, 严重违法失信名单)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from gongzhi.orgs.models.organisations import ORG_SCOPE, SocialOrg


class PenaltyKind(models.TextChoices):
    WARNING = "warning", _("警告")
    FINE = "fine", _("罚款")
    CONFISCATION = "confiscation", _("没收违法所得/非法财产")
    SUSPENSION = "suspension", _("限期停止活动")
    REVOCATION = "revocation", _("撤销登记")


class Penalty(models.Model):
    """行政处罚 against an organisation: evaluation eligibility and the serious list use it."""

    org = models.ForeignKey(
        SocialOrg, verbose_name=_("社会组织"), on_delete=models.CASCADE, related_name="penalties"
    )
    decided_on = models.DateField(_("处罚日期"))
    kind = models.CharField(_("处罚种类"), max_length=15, choices=PenaltyKind.choices)
    fine_yuan = models.DecimalField(
        _("罚款金额（元）"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    authority = models.CharField(_("处罚机关"), max_length=120, blank=True)
    decision_no = models.CharField(_("处罚决定书文号"), max_length=60, blank=True)
    reason = models.CharField(_("违法事实"), max_length=300, blank=True)
    recorded_by = models.CharField(_("登记人"), max_length=150, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    scope = ORG_SCOPE

    class Meta:
        verbose_name = _("行政处罚")
        verbose_name_plural = _("行政处罚")
        ordering = ["org", "-decided_on"]

    def __str__(self) -> str:
        return f"{self.org} · {self.get_kind_display()} · {self.decided_on}"


class ListKind(models.TextChoices):
    ANOMALY = "anomaly", _("活动异常名录")
    SERIOUS = "serious", _("严重违法失信名单")


class ListingCause(models.TextChoices):
    # 民政部令60号 art. 4 (anomaly list) and art. 11 (serious list).
    NO_ANNUAL_REPORT = "no_annual_report", _("未按规定报送年度工作报告")
    NO_PARTY_ORG = "no_party_org", _("未按要求建立党组织")
    UNREACHABLE = "unreachable", _("通过登记的住所无法与其取得联系")
    NO_ACTIVITY = "no_activity", _("未按规定开展活动")
    INFO_UNDISCLOSED = "info_undisclosed", _("未按规定公开信息")
    ANOMALY_TWO_YEARS = "anomaly_two_years", _("列入活动异常名录满2年")
    LARGE_FINE = "large_fine", _("受到5万元以上罚款处罚")
    OTHER = "other", _("其他")


class ListingState(models.TextChoices):
    PROPOSED = "proposed", _("待审核")
    CONFIRMED = "confirmed", _("已列入")
    REJECTED = "rejected", _("不予列入")


class CreditListing(models.Model):
    """An entry on 活动异常名录 or 严重违法失信名单 (民政部令60号), from proposal to removal."""

    org = models.ForeignKey(
        SocialOrg, verbose_name=_("社会组织"), on_delete=models.CASCADE, related_name="listings"
    )
    list_kind = models.CharField(_("名单"), max_length=10, choices=ListKind.choices)
    cause = models.CharField(_("列入事由"), max_length=20, choices=ListingCause.choices)
    detail = models.CharField(_("事由说明"), max_length=300, blank=True)
    state = models.CharField(
        _("审核状态"),
        max_length=10,
        choices=ListingState.choices,
        default=ListingState.CONFIRMED,
        db_index=True,
    )
    listed_on = models.DateField(_("列入日期"))
    authority = models.CharField(_("作出决定机关"), max_length=120, blank=True)
    decision_no = models.CharField(_("决定书文号"), max_length=60, blank=True)
    rectified_on = models.DateField(_("整改核实日期"), null=True, blank=True)
    rectification = models.CharField(_("整改情况"), max_length=300, blank=True)
    removed_on = models.DateField(_("移出日期"), null=True, blank=True)
    removal_reason = models.CharField(_("移出原因"), max_length=200, blank=True)
    promoted_from = models.ForeignKey(
        "self",
        verbose_name=_("由异常名录转入"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="promotions",
    )
    recorded_by = models.CharField(_("登记人"), max_length=150, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    scope = ORG_SCOPE

    class Meta:
        verbose_name = _("信用名单记录")
        verbose_name_plural = _("信用名单记录")
        ordering = ["org", "-listed_on"]
        indexes = [models.Index(fields=["org", "state", "removed_on"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(removed_on__isnull=True)
                | models.Q(removed_on__gte=models.F("listed_on")),
                name="listing_removed_after_listed",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.org} · {self.get_list_kind_display()} · {self.listed_on}"

    @property
    def in_force(self) -> bool:
        return self.state == ListingState.CONFIRMED and self.removed_on is None
